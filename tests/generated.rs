//! The shell completions under `completions/` and the man pages under `man/` are generated from
//! the command line definition and committed. This test regenerates them and fails when the
//! committed files are stale; `RTRIB_REGENERATE=1 cargo nextest run generated` rewrites them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use clap::CommandFactory;
use clap_complete::Shell;
use rtrib::cli::Cli;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every generated file, by path relative to the repository.
fn generated() -> BTreeMap<PathBuf, Vec<u8>> {
    let mut files = BTreeMap::new();
    for shell in [
        Shell::Bash,
        Shell::Zsh,
        Shell::Fish,
        Shell::PowerShell,
        Shell::Elvish,
    ] {
        let mut script = Vec::new();
        clap_complete::generate(shell, &mut Cli::command(), "rtrib", &mut script);
        let name = match shell {
            Shell::Bash => "rtrib.bash",
            Shell::Zsh => "_rtrib",
            Shell::Fish => "rtrib.fish",
            Shell::PowerShell => "_rtrib.ps1",
            _ => "rtrib.elv",
        };
        files.insert(Path::new("completions").join(name), script);
    }
    let pages = tempfile::tempdir().unwrap();
    clap_mangen::generate_to(Cli::command(), pages.path()).unwrap();
    for page in std::fs::read_dir(pages.path()).unwrap() {
        let page = page.unwrap();
        let name = page.file_name();
        files.insert(
            Path::new("man").join(name),
            std::fs::read(page.path()).unwrap(),
        );
    }
    files
}

#[test]
fn completions_and_man_pages_are_up_to_date() {
    let regenerate = std::env::var_os("RTRIB_REGENERATE").is_some();
    let mut stale = Vec::new();
    for (path, content) in generated() {
        let full = root().join(&path);
        if std::fs::read(&full).ok().as_deref() != Some(content.as_slice()) {
            if regenerate {
                std::fs::create_dir_all(full.parent().unwrap()).unwrap();
                std::fs::write(&full, &content).unwrap();
            } else {
                stale.push(path.display().to_string());
            }
        }
    }
    assert!(
        stale.is_empty(),
        "stale generated files: {}; run `RTRIB_REGENERATE=1 cargo nextest run generated` and commit them",
        stale.join(", ")
    );
}

#[test]
fn the_completions_command_prints_the_committed_script() {
    let output = crate::support::rtrib()
        .args(["completions", "bash"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let committed = std::fs::read(root().join("completions/rtrib.bash")).unwrap();
    assert_eq!(output.stdout, committed);
}
