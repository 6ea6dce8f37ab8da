//! One module per subcommand, each reading like its algorithm:
//! resolve → take the cluster's lease (a changing command, unless it only previews or plans:
//! [`Context::lease_cluster`]) → fetch → plan/judge → confirm → apply → verify → report.

mod add_node;
mod apply;
mod backup;
mod call;
mod check;
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
mod sandbox;
mod set_timeout;
mod wait;

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
    match command {
        Command::AddNode(args) => add_node::run(context, args).await,
        Command::Apply(args) => apply::run(context, args).await,
        Command::Backup(args) => backup::run(context, args).await,
        Command::Call(args) => call::run(context, args).await,
        Command::Check(args) => check::run(context, args).await,
        Command::Completions(args) => completions::run(context, args),
        Command::CopyBinary(args) => copy_binary::run(context, args),
        Command::DelNode(args) => del_node::run(context, args).await,
        Command::Forget(args) => del_node::forget(context, args).await,
        Command::Failover(args) => failover::run(context, args).await,
        Command::Fix(args) => fix::run(context, args).await,
        Command::Heal(args) => heal::run(context, args).await,
        Command::Import(args) => import::run(context, args).await,
        Command::SetTimeout(args) => set_timeout::run(context, args).await,
        Command::Wait(args) => wait::run(context, args).await,
        Command::Create(args) => create::run(context, args).await,
        Command::Reconcile(args) => reconcile::run(context, args).await,
        Command::Info(args) => info::run(context, args).await,
        Command::Replicate(args) => replicate::run(context, args).await,
        Command::Restore(args) => restore::run(context, args).await,
        Command::Reshard(args) => reshard::run(context, args).await,
        Command::Rebalance(args) => rebalance::run(context, args).await,
        Command::RebalanceRoles(args) => rebalance_roles::run(context, args).await,
        Command::Sandbox(args) => sandbox::run(context, args).await,
    }
}
