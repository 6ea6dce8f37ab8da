//! rtrib administers Redis Cluster: it creates a cluster from host names, checks, fixes,
//! reshards, rebalances and heals it.
//!
//! Layers, from the pure core outwards:
//! - [`cluster`]: topology in, judgments and plans out. No I/O, no printing.
//! - [`rdb`]: the RDB format (files, `DUMP` payloads, carrying values between servers). Pure.
//! - [`net`]: name resolution, node connections, fetching the cluster's state.
//! - `steps`: what several commands do alike (read and judge, settle and conclude, move slots).
//! - `commands`: one module per subcommand, reading like its algorithm.
//! - [`output`]: the only writer of stdout (human text or `--output json`).

pub mod cli;
pub mod cluster;
mod commands;
mod context;
pub mod error;
pub mod exit;
pub mod net;
pub mod output;
mod prompt;
pub mod rdb;
pub mod redis_cli;
mod steps;

use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use clap::Parser;
use serde_json::json;
use tracing_subscriber::filter::Targets;
use tracing_subscriber::prelude::*;

use crate::cli::{Cli, GlobalArgs};
use crate::context::Context;
use crate::error::Error;
use crate::exit::Exit;

/// Runs rtrib with the process's arguments and returns its exit code.
pub fn run() -> ExitCode {
    let given: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let redis_cli_line = redis_cli::is_redis_cli_line(&given);
    let args = redis_cli::normalize_args(given);
    let cli = match Cli::try_parse_from(&args) {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            if error.use_stderr() && json_asked(&args) {
                let rendered = error.render().to_string();
                let first = rendered.split("\n\n").next().unwrap_or_default();
                let first = first.strip_prefix("error: ").unwrap_or(first);
                let message: Vec<&str> = first.lines().map(str::trim).collect();
                write_error_document(&message.join(" "), error.exit_code() as u8);
            }
            return ExitCode::from(error.exit_code() as u8);
        }
    };
    init_logging(&cli.global);
    net::notice::set_quiet(cli.global.quiet || redis_cli_line);
    // rustls needs one process-wide crypto provider; ring is the one compiled in.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => {
            return report(
                &cli.global,
                &Error::io("cannot start the async runtime", error),
            );
        }
    };
    let result = runtime.block_on(async {
        let context = Context::new(&cli.global)?;
        tokio::select! {
            biased;
            result = commands::dispatch(&context, &cli.command) => result,
            () = net::interrupt::uncaught() => Err(Error::Interrupted),
        }
    });
    match result {
        Ok(exit) => exit.into(),
        Err(error) => report(&cli.global, &error),
    }
}

/// Prints an error (on stderr; with `-o json` also as a JSON document on stdout) and returns
/// its exit code. A closed stdout ends the run quietly.
fn report(global: &GlobalArgs, error: &Error) -> ExitCode {
    if error.is_broken_pipe() {
        return Exit::Ok.into();
    }
    let exit = error.exit();
    eprintln!("error: {error}");
    if global.output == cli::OutputFormat::Json {
        write_error_document(&error.to_string(), exit.code());
    }
    exit.into()
}

/// Prints `-o json`'s error document on stdout: `{"error": {"message", "exit_code"}}`.
fn write_error_document(message: &str, exit_code: u8) {
    let document = json!({ "error": { "message": message, "exit_code": exit_code } });
    // A closed stdout must not turn an error report into a panic.
    let _ = writeln!(std::io::stdout(), "{document:#}");
}

/// Whether the line asks for `-o json` (its last `-o`/`--output` does), for a line clap
/// refused: the error is then a JSON document too.
fn json_asked(args: &[OsString]) -> bool {
    let mut asked = false;
    let mut words = args.iter().map(|a| a.to_string_lossy());
    while let Some(word) = words.next() {
        if word == "--" {
            break;
        }
        let value = match word.as_ref() {
            "-o" | "--output" => words.next().map(|v| v.into_owned()),
            _ => ["--output=", "-o=", "-o"]
                .iter()
                .find_map(|prefix| word.strip_prefix(prefix).map(String::from)),
        };
        if let Some(value) = value {
            asked = value == "json";
        }
    }
    asked
}

/// Logs go to stderr: warnings by default, more with `-v`, or as `RTRIB_LOG` says
/// (`target=level` directives such as `rtrib=debug,warn`).
fn init_logging(global: &GlobalArgs) {
    let default = match global.verbose {
        0 => "warn",
        1 => "rtrib=info,warn",
        2 => "rtrib=debug,info",
        _ => "trace",
    };
    let filter: Targets = std::env::var("RTRIB_LOG")
        .ok()
        .and_then(|directives| directives.parse().ok())
        .unwrap_or_else(|| default.parse().unwrap_or_default());
    let color = std::io::stderr().is_terminal()
        && std::env::var_os("NO_COLOR").is_none_or(|value| value.is_empty());
    let output = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(color)
        .with_target(false);
    tracing_subscriber::registry()
        .with(output.with_filter(filter))
        .init();
}
