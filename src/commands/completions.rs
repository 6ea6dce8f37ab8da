//! `rtrib completions SHELL`: the completion script for a shell, generated from the command
//! line definition (the same scripts are committed under `completions/`).

use clap::CommandFactory;

use crate::cli::{Cli, CompletionsArgs};
use crate::context::Context;
use crate::error::Result;
use crate::exit::Exit;

/// Prints the script on stdout (through the output module, so a closed pipe ends quietly).
pub fn run(context: &Context, args: &CompletionsArgs) -> Result<Exit> {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "rtrib", &mut script);
    context.output.text(|out, _| out.write_all(&script))?;
    Ok(Exit::Ok)
}
