//! `rtrib del-node NODE ID|ADDR [--force]` and `rtrib forget NODE ID|ADDR`: read the cluster
//! from NODE → find the target → refuse while it serves slots (and, without `--force`, while it
//! is dead, unreachable or without address) → re-point its replicas, spread over the other
//! masters → `CLUSTER FORGET` it on every other node, repeatedly, until none lists it →
//! `CLUSTER RESET SOFT` on it when it answers → check.

use std::time::{Duration, Instant};

use serde_json::json;

use crate::cli::{DelNodeArgs, ForgetArgs};
use crate::cluster::check::{NodeReport, Topology};
use crate::cluster::membership::MasterPicker;
use crate::cluster::slots::SlotSet;
use crate::commands::check::{conclude, settle};
use crate::context::Context;
use crate::error::{Error, Result};
use crate::exit::Exit;
use crate::net::conn::NodeClient;
use crate::net::fetch::{FetchOptions, fetch_topology};
use crate::net::form::{self, Expectation, Member};
use crate::output::NodeDocument;

/// Runs `del-node`; see the module docs for the steps.
pub async fn run(context: &Context, args: &DelNodeArgs) -> Result<Exit> {
    remove(
        context,
        &args.node,
        &args.target,
        args.force,
        args.wait_timeout,
    )
    .await
}

/// Runs `forget`: `del-node --force`.
pub async fn forget(context: &Context, args: &ForgetArgs) -> Result<Exit> {
    remove(context, &args.node, &args.target, true, args.wait_timeout).await
}

/// Removes the node `target` names from the cluster of `node`; `force` allows a dead,
/// unreachable or address-less one.
///
/// Exits 0 once no reachable node lists it any more, whatever the check that follows says:
/// the check is printed for information (a cluster with other dead nodes is unhealthy, and
/// forgetting them one by one must not stop a script at the first).
async fn remove(
    context: &Context,
    node: &str,
    target: &str,
    force: bool,
    wait_timeout: Duration,
) -> Result<Exit> {
    let seed = context.resolve_node(node).await?;
    let reference = context.node_ref(target).await?;
    settle(context, &seed).await;
    let topology = fetch_topology(&seed, &context.connect, FetchOptions::default()).await?;
    let victim = topology.find(&reference)?;
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
    let alive = victim.is_reachable() && !victim.entry.flags.noaddr && !is_dead(&topology, victim);
    refuse_slot_owner(&topology, victim, alive)?;
    if !alive && !force {
        return Err(Error::Refused(format!(
            "node {id} ({}) is unreachable, failed or has no address: nothing was changed. \
             To make the cluster forget it anyway, run rtrib del-node --force (or rtrib forget)",
            victim.endpoint
        )));
    }

    let others = topology
        .reachable()
        .map(|(n, _)| n)
        .filter(|n| n.id() != &id);
    let members = form::connect_members(others, &context.connect).await?;
    let moves = plan_replica_moves(&topology, victim, &members)?;
    let started = Instant::now();
    let deadline = started + wait_timeout;
    if !moves.is_empty() {
        for &(replica, master) in &moves {
            output.step(&format!(
                "{} as replica of {}",
                members[replica].client.endpoint(),
                members[master].client.endpoint()
            ))?;
        }
        form::replicate(&members, &moves).await?;
        let replicas: Vec<usize> = moves.iter().map(|&(replica, _)| replica).collect();
        form::announce(&members, &replicas).await?;
        let expectation = Expectation {
            replica_of: moves.clone(),
            wait_sync: false,
        };
        form::wait_until_usable(&members, &expectation, started, deadline).await?;
    }
    output.step("Sending CLUSTER FORGET messages to the cluster...")?;
    form::forget(&members, &id, started, deadline).await?;
    let reset = alive && reset_soft(context, victim).await?;

    output.line(
        &output
            .style()
            .ok(&format!("Node {id} removed from the cluster.")),
    )?;
    let replicas_moved: Vec<_> = moves
        .iter()
        .map(|&(r, m)| json!({ "replica": members[r].id, "master": members[m].id }))
        .collect();
    let removed = NodeDocument::new(&topology, victim);
    // The check is informational (forgetting several dead nodes one after the other must not
    // stop at the first); only views that do not come to agree make the exit status.
    let concluded = conclude(context, &seed, wait_timeout, |_| {
        json!({
            "outcome": "removed",
            "node": removed,
            "replicas_moved": replicas_moved,
            "reset": reset,
        })
    })
    .await?;
    Ok(match concluded.convergence {
        Ok(_) => Exit::Ok,
        Err(_) => Exit::Timeout,
    })
}

/// Whether some reachable node flags the node `fail`: the majority agreed it is down.
fn is_dead(topology: &Topology, node: &NodeReport) -> bool {
    topology
        .reachable()
        .filter_map(|(_, view)| view.get(node.id()))
        .any(|entry| entry.flags.fail)
}

/// Refuses a node that serves slots in its own view or in any reachable node's view: removing
/// it would leave them uncovered. A dead master whose replica took over serves none any more.
fn refuse_slot_owner(topology: &Topology, victim: &NodeReport, alive: bool) -> Result<()> {
    let mut slots: SlotSet = victim.entry.slots.clone();
    for (_, view) in topology.reachable() {
        if let Some(entry) = view.get(victim.id()) {
            slots.union_with(&entry.slots);
        }
    }
    if slots.is_empty() {
        return Ok(());
    }
    let (id, endpoint, count) = (victim.id(), &victim.endpoint, slots.len());
    Err(Error::Refused(if alive {
        format!(
            "Node {endpoint} is not empty! Reshard data away and try again: {id} serves {count} \
             slots ({slots}); move them with rtrib reshard. Nothing was changed"
        )
    } else {
        format!(
            "node {id} ({endpoint}) serves {count} slots ({slots}) and no other master took them \
             over: wait for its replica's failover, or bring it back and reshard its slots away \
             (rtrib reshard); nothing was changed"
        )
    }))
}

/// `(replica, new master)` member numbers for each reachable replica of the victim, each to the
/// master with the fewest replicas (counting those already given), preferring another IP.
/// Replicas rtrib cannot reach are left alone, with a warning.
fn plan_replica_moves(
    topology: &Topology,
    victim: &NodeReport,
    members: &[Member],
) -> Result<Vec<(usize, usize)>> {
    let mut picker = MasterPicker::new(topology, victim.id());
    let mut moves = Vec::new();
    for replica in topology.replicas_of(victim.id()) {
        let Some(index) = members.iter().position(|m| &m.id == replica.id()) else {
            tracing::warn!(
                "replica {} ({}) of the removed node is unreachable: it cannot be re-pointed; \
                 when it comes back, run CLUSTER REPLICATE <master-id> on it",
                replica.id(),
                replica.endpoint
            );
            continue;
        };
        let master = picker.pick(replica.endpoint.addr.ip()).ok_or_else(|| {
            Error::Refused(format!(
                "node {} has replicas and no other master can take them: nothing was changed",
                victim.id()
            ))
        })?;
        let master_index = members
            .iter()
            .position(|m| &m.id == master.id())
            .ok_or_else(|| Error::Refused(format!("{} is not reachable", master.endpoint)))?;
        moves.push((index, master_index));
    }
    Ok(moves)
}

/// `CLUSTER RESET SOFT` on the removed node, so it forgets the cluster and cannot rejoin it by
/// gossip. Returns whether it was reset; a failure is only a warning, as the cluster has
/// already forgotten the node.
async fn reset_soft(context: &Context, victim: &NodeReport) -> Result<bool> {
    context
        .output
        .step("Sending CLUSTER RESET SOFT to the deleted node.")?;
    let mut reset = redis::cmd("CLUSTER");
    reset.arg("RESET").arg("SOFT");
    let result = match NodeClient::connect(&victim.endpoint, &context.connect).await {
        Ok(client) => client.query::<()>(&reset).await,
        Err(error) => Err(error),
    };
    if let Err(error) = &result {
        tracing::warn!(
            "{error}; the cluster has forgotten the node, but it still knows the cluster"
        );
    }
    Ok(result.is_ok())
}
