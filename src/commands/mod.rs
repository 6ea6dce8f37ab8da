//! One module per subcommand, each reading like its algorithm:
//! resolve → fetch → plan/judge → confirm → apply → verify → report.

mod check;
mod completions;
mod create;
mod info;
mod replicate;
mod sandbox;

use crate::cli::Command;
use crate::context::Context;
use crate::error::Result;
use crate::exit::Exit;

/// Runs the chosen subcommand.
pub async fn dispatch(context: &Context, command: &Command) -> Result<Exit> {
    match command {
        Command::Check(args) => check::run(context, args).await,
        Command::Completions(args) => completions::run(context, args),
        Command::Create(args) => create::run(context, args).await,
        Command::Info(args) => info::run(context, args).await,
        Command::Replicate(args) => replicate::run(context, args).await,
        Command::Sandbox(args) => sandbox::run(context, args).await,
    }
}
