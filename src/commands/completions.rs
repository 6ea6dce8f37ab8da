//! `rtrib completions SHELL`: the completion script for a shell, generated from the command
//! line definition (the same scripts are committed under `completions/`).

use std::io;

use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs};
use crate::context::Context;
use crate::error::Result;
use crate::exit::Exit;

/// Prints the script on stdout.
pub fn run(_context: &Context, args: &CompletionsArgs) -> Result<Exit> {
    clap_complete::generate(
        args.shell,
        &mut Cli::command(),
        "rtrib",
        &mut io::stdout().lock(),
    );
    Ok(Exit::Ok)
}
