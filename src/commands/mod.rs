//! One module per subcommand, each reading like its algorithm:
//! resolve → take the cluster's lease (a changing command, unless it only previews or plans:
//! [`Context::lease_cluster`]) → fetch → plan/judge → confirm → apply → verify → report.

mod add_node;
mod apply;
mod backup;
mod call;
mod check;
#[cfg(not(feature = "image"))]
mod completions;
mod copy_binary;
mod create;
mod del_node;
mod failover;
mod fix;
mod heal;
mod import;
mod info;
mod rebalance;
mod rebalance_roles;
mod reconcile;
mod replicate;
mod reshard;
mod restore;
#[cfg(not(feature = "image"))]
mod sandbox;
mod set_timeout;
mod wait;

use std::pin::Pin;

use crate::cli::Command;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::exit::Exit;

/// Runs the chosen subcommand.
pub async fn dispatch(context: &Context, command: &Command) -> Result<Exit> {
    if context.output.is_prometheus() && !matches!(command, Command::Check(_) | Command::Info(_)) {
        return Err(Error::Usage(
            "-o prometheus is for check and info only; use -o text or -o json".into(),
        ));
    }
    // Each command's future is boxed behind `dyn`: one state machine per command, called
    // through a pointer, rather than all of them inlined into this one (269 KB of code).
    let run: Pin<Box<dyn Future<Output = Result<Exit>> + '_>> = match command {
        Command::AddNode(args) => Box::pin(add_node::run(context, args)),
        Command::Apply(args) => Box::pin(apply::run(context, args)),
        Command::Backup(args) => Box::pin(backup::run(context, args)),
        Command::Call(args) => Box::pin(call::run(context, args)),
        Command::Check(args) => Box::pin(check::run(context, args)),
        #[cfg(not(feature = "image"))]
        Command::Completions(args) => Box::pin(std::future::ready(completions::run(context, args))),
        Command::CopyBinary(args) => Box::pin(std::future::ready(copy_binary::run(context, args))),
        Command::DelNode(args) => Box::pin(del_node::run(context, args)),
        Command::Forget(args) => Box::pin(del_node::forget(context, args)),
        Command::Failover(args) => Box::pin(failover::run(context, args)),
        Command::Fix(args) => Box::pin(fix::run(context, args)),
        Command::Heal(args) => Box::pin(heal::run(context, args)),
        Command::Import(args) => Box::pin(import::run(context, args)),
        Command::SetTimeout(args) => Box::pin(set_timeout::run(context, args)),
        Command::Wait(args) => Box::pin(wait::run(context, args)),
        Command::Create(args) => Box::pin(create::run(context, args)),
        Command::Reconcile(args) => Box::pin(reconcile::run(context, args)),
        Command::Info(args) => Box::pin(info::run(context, args)),
        Command::Replicate(args) => Box::pin(replicate::run(context, args)),
        Command::Restore(args) => Box::pin(restore::run(context, args)),
        Command::Reshard(args) => Box::pin(reshard::run(context, args)),
        Command::Rebalance(args) => Box::pin(rebalance::run(context, args)),
        Command::RebalanceRoles(args) => Box::pin(rebalance_roles::run(context, args)),
        #[cfg(not(feature = "image"))]
        Command::Sandbox(args) => Box::pin(sandbox::run(context, args)),
    };
    run.await
}
