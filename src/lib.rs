//! rtrib administers Redis Cluster: it creates a cluster from host names, checks, fixes,
//! reshards, rebalances and heals it.
//!
//! Layers, from the pure core outwards:
//! - [`cluster`]: topology in, judgments and plans out. No I/O, no printing.
//! - [`rdb`]: the RDB format (files, `DUMP` payloads, carrying values between servers). Pure.
//! - [`net`]: name resolution, node connections, fetching the cluster's state.
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
    let cli = match Cli::try_parse_from(cli::normalize_args(std::env::args_os().collect())) {
        Ok(cli) => cli,
        Err(error) => {
            let _ = error.print();
            return ExitCode::from(error.exit_code() as u8);
        }
    };
    init_logging(&cli.global);
    // rustls needs one process-wide crypto provider; ring is the one compiled in.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(error) => return report(&cli.global, &Error::Output(error)),
    };
    let result = runtime.block_on(async {
        let context = Context::new(&cli.global)?;
        commands::dispatch(&context, &cli.command).await
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
        let document =
            json!({ "error": { "message": error.to_string(), "exit_code": exit.code() } });
        // A closed stdout must not turn an error report into a panic.
        let _ = writeln!(std::io::stdout(), "{document:#}");
    }
    exit.into()
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
