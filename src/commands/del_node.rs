//! `rtrib del-node NODE ID|ADDR [--force]` and `rtrib forget NODE ID|ADDR [--force]`: read the
//! cluster from NODE → find the target → refuse while it serves slots (and, without `--force`,
//! del-node a node that is dead, unreachable or without address, forget one that is alive) → re-point its replicas, spread over the other
//! masters → `CLUSTER FORGET` it on every other node, repeatedly, until none lists it →
//! `CLUSTER RESET SOFT` on it when it answers → check. With `--plan-out FILE`, these steps are
//! written to a plan file instead, and nothing is changed. A node named by its address that no
//! member lists any more is a removal stopped before its reset: it is reset then (or, knowing
//! no member, left alone), exit 0 either way, so the command can be run again.

use std::path::Path;
use std::time::Duration;

use crate::cli::{DelNodeArgs, ForgetArgs};
use crate::cluster::lookup::NodeRef;
use crate::cluster::membership::{RemovalRefusal, RemoveStep, judge_removal, rehome_replicas};
use crate::cluster::plan::{Precondition, Steps};
use crate::context::Context;
use crate::error::{Error, Result};
use crate::exit::Exit;
use crate::net::fetch::{FetchOptions, fetch_topology};
use crate::output::save_plan;
use crate::steps::conclude::settle;
use crate::steps::removal;

/// Runs `del-node`; see the module docs for the steps.
pub async fn run(context: &Context, args: &DelNodeArgs) -> Result<Exit> {
    let request = Removal {
        command: "del-node",
        node: &args.node,
        target: &args.target,
        allow_dead: args.force,
        allow_alive: true,
        wait_timeout: args.wait_timeout,
        plan_out: args.plan.plan_out.as_deref(),
    };
    remove(context, &request).await
}

/// Runs `forget`: `del-node --force` for a dead, unreachable or address-less node; a live one
/// only with `--force`.
pub async fn forget(context: &Context, args: &ForgetArgs) -> Result<Exit> {
    let request = Removal {
        command: "forget",
        node: &args.node,
        target: &args.target,
        allow_dead: true,
        allow_alive: args.force,
        wait_timeout: args.wait_timeout,
        plan_out: args.plan.plan_out.as_deref(),
    };
    remove(context, &request).await
}

/// What `del-node` and `forget` are asked.
struct Removal<'a> {
    /// The command, as its lease names it.
    command: &'static str,
    /// A node of the cluster, as given.
    node: &'a str,
    /// The node to remove, as given.
    target: &'a str,
    /// Allow a dead, unreachable or address-less target.
    allow_dead: bool,
    /// Allow a live one (reachable, with an address, flagged `fail` by no node).
    allow_alive: bool,
    /// The bound of every wait.
    wait_timeout: Duration,
    /// Write the plan there instead.
    plan_out: Option<&'a Path>,
}

/// Removes the node `target` names from the cluster of `node`, if it is dead or alive as the
/// request allows.
///
/// Exits 0 once no reachable node lists it any more and the check that follows finds every
/// slot served, none open and the views agreeing about their owners; other dead nodes are
/// warnings (forgetting them one by one must not stop a script at the first).
async fn remove(context: &Context, request: &Removal<'_>) -> Result<Exit> {
    let seed = context.resolve_node(request.node).await?;
    let reference = context.node_ref(request.target).await?;
    if request.plan_out.is_none() {
        context.lease_cluster(request.command, &seed).await?;
    }
    settle(context, &seed).await;
    let topology = fetch_topology(&seed, &context.connect, FetchOptions::default()).await?;
    let victim = match (topology.find(&reference), &reference) {
        (Ok(victim), _) => victim,
        (Err(unknown), NodeRef::Addr(addr)) => {
            return match removal::finish_forgotten(context, &topology, *addr).await? {
                Some(exit) => Ok(exit),
                None => Err(unknown.into()),
            };
        }
        (Err(unknown), NodeRef::Id(_)) => return Err(unknown.into()),
    };
    let id = victim.id().clone();
    if id == topology.seed {
        return Err(Error::Usage(format!(
            "{seed} is the node to remove: give another node of the cluster as NODE"
        )));
    }
    let output = &context.output;
    output.step(&format!(
        "Removing node {id} ({}) from cluster {seed}",
        victim.endpoint
    ))?;
    let alive = judge_removal(&topology, victim, request.allow_dead, request.allow_alive)?;
    let rehoming = rehome_replicas(&topology, &id)
        .ok_or_else(|| RemovalRefusal::Orphans { id: id.clone() })?;
    for replica in &rehoming.unreachable {
        tracing::warn!(
            "replica {} ({}) of the removed node is unreachable: it cannot be re-pointed; \
             when it comes back, run CLUSTER REPLICATE <master-id> on it",
            replica,
            topology
                .endpoint_of(replica)
                .map_or_else(String::new, ToString::to_string)
        );
    }
    if let Some(path) = request.plan_out {
        let mut steps: Vec<RemoveStep> = rehoming
            .moves
            .iter()
            .map(|(replica, master)| RemoveStep::Replicate {
                replica: replica.clone(),
                master: master.clone(),
            })
            .collect();
        steps.push(RemoveStep::Forget { node: id.clone() });
        if alive {
            steps.push(RemoveStep::Reset { node: id });
        }
        let precondition = Precondition::of_cluster(&topology, request.node);
        save_plan(
            &context.output,
            path,
            precondition,
            Steps::DelNode { steps },
        )?;
        return Ok(Exit::Ok);
    }
    removal::carry_out(
        context,
        &seed,
        &topology,
        victim,
        &rehoming.moves,
        alive,
        request.wait_timeout,
    )
    .await
}
