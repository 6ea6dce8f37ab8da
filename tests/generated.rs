//! The shell completions under `completions/`, the man pages under `man/` and the table of
//! redis-cli options in docs/commands.md are generated from the command line definition and
//! committed. These tests regenerate them and fail when the committed files are stale;
//! `RTRIB_REGENERATE=1 cargo nextest run generated` rewrites them.

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

/// The markers around the redis-cli option table in docs/commands.md.
const TABLE_BEGIN: &str = "<!-- BEGIN redis-cli options (generated) -->\n";
const TABLE_END: &str = "<!-- END redis-cli options (generated) -->";

/// docs/commands.md's table of redis-cli's `--cluster-*` options, from the command line.
fn redis_cli_option_table() -> String {
    let mut table = String::from(
        "| redis-cli option | rtrib option | honoured by (ignored with a warning elsewhere) |\n\
         |---|---|---|\n",
    );
    for row in rtrib::redis_cli::redis_cli_option_support() {
        let rtrib = row
            .rtrib
            .map_or_else(|| "none".to_string(), |o| format!("`--{o}`"));
        let by = if row.global {
            "every command (a global option)".to_string()
        } else {
            row.subcommands
                .iter()
                .map(|s| format!("`{s}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        table.push_str(&format!("| `--{}` | {rtrib} | {by} |\n", row.redis_cli));
    }
    table
}

#[test]
fn the_redis_cli_option_table_in_the_docs_is_up_to_date() {
    let path = root().join("docs/commands.md");
    let docs = std::fs::read_to_string(&path).unwrap();
    let start = docs.find(TABLE_BEGIN).expect("the table's BEGIN marker") + TABLE_BEGIN.len();
    let end = docs.find(TABLE_END).expect("the table's END marker");
    let table = redis_cli_option_table();
    if docs[start..end] != table {
        assert!(
            std::env::var_os("RTRIB_REGENERATE").is_some(),
            "docs/commands.md's redis-cli option table is stale; run \
             `RTRIB_REGENERATE=1 cargo nextest run generated` and commit it"
        );
        std::fs::write(&path, format!("{}{table}{}", &docs[..start], &docs[end..])).unwrap();
    }
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
