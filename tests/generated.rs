//! The shell completions under `completions/`, the man pages under `man/` and the tables of
//! redis-cli options in docs/commands.md are generated from the command line definition and
//! committed. These tests regenerate them and fail when the committed files are stale;
//! `RTRIB_REGENERATE=1 cargo nextest run generated` rewrites them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use clap::CommandFactory;
use clap_complete::Shell;
use rtrib::cli::Cli;
use rtrib::redis_cli::Meaning;

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

/// docs/commands.md's table of redis-cli's `--cluster-*` options, from the command line.
fn cluster_option_table() -> String {
    let mut table = String::from(
        "| redis-cli option | rtrib option | honoured by (ignored with a warning elsewhere) |\n\
         |---|---|---|\n",
    );
    for row in rtrib::redis_cli::redis_cli_option_support()
        .into_iter()
        .filter(|row| row.redis_cli.starts_with("--cluster-"))
    {
        let rtrib = row
            .rtrib
            .map_or_else(|| "none".to_string(), |o| format!("`{o}`"));
        let by = if row.global {
            "every command (a global option)".to_string()
        } else {
            row.subcommands
                .iter()
                .map(|s| format!("`{s}`"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        table.push_str(&format!("| `{}` | {rtrib} | {by} |\n", row.redis_cli));
    }
    table
}

/// docs/commands.md's table of redis-cli's other options, from the command line.
fn general_option_table() -> String {
    let mut table = String::from("| redis-cli option | in rtrib |\n|---|---|\n");
    for row in rtrib::redis_cli::redis_cli_option_support()
        .into_iter()
        .filter(|row| !row.redis_cli.starts_with("--cluster-"))
    {
        let what = match (&row.rtrib, row.meaning) {
            (Some(rtrib), _) if row.global => format!("`{rtrib}`, every command"),
            (Some(rtrib), _) => format!(
                "`{rtrib}` of {}; ignored with a warning elsewhere",
                row.subcommands
                    .iter()
                    .map(|s| format!("`{s}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            (None, Meaning::Always(why)) => format!("accepted, nothing to do: {why}"),
            (None, Meaning::Unsupported(why)) => format!("ignored with a warning: {why}"),
            (None, Meaning::Option) => {
                "ignored with a warning, as redis-cli ignores it with `--cluster`".to_string()
            }
        };
        table.push_str(&format!("| `{}` | {what} |\n", row.redis_cli));
    }
    table
}

/// Checks (or with `RTRIB_REGENERATE`, rewrites) the part of docs/commands.md between the
/// markers named `name`.
fn check_docs_table(name: &str, table: &str) {
    let begin = format!("<!-- BEGIN {name} (generated) -->\n");
    let end_marker = format!("<!-- END {name} (generated) -->");
    let path = root().join("docs/commands.md");
    let docs = std::fs::read_to_string(&path).unwrap();
    let start = docs.find(&begin).expect("the table's BEGIN marker") + begin.len();
    let end = docs.find(&end_marker).expect("the table's END marker");
    if docs[start..end] != *table {
        assert!(
            std::env::var_os("RTRIB_REGENERATE").is_some(),
            "docs/commands.md's {name} table is stale; run \
             `RTRIB_REGENERATE=1 cargo nextest run generated` and commit it"
        );
        std::fs::write(&path, format!("{}{table}{}", &docs[..start], &docs[end..])).unwrap();
    }
}

#[test]
fn the_redis_cli_option_tables_in_the_docs_are_up_to_date() {
    check_docs_table("redis-cli options", &cluster_option_table());
    check_docs_table("redis-cli general options", &general_option_table());
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
