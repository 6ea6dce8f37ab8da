//! Removing a node, shared by `del-node` and `apply` of its plan: re-home its slots and
//! replicas, make every member forget it, and reset it.

use crate::cluster::endpoint::Endpoint;
use crate::cluster::lookup::Absent;
use crate::cluster::topology::{NodeReport, Topology};
use crate::cluster::view::NodeId;
use crate::context::Context;
use crate::error::Result;
use crate::exit::Exit;
use crate::net::conn::NodeClient;
use crate::net::form::{self, Expectation};
use crate::output::NodeDocument;
use crate::steps::conclude::conclude;
use serde_json::json;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

/// Re-points the replicas as `moves` says (`(replica, master)`), makes every other node forget
/// `victim` until none lists it, resets it (with `reset`) and ends with the check; see
/// [`remove`] for the exit status.
pub async fn carry_out(
    context: &Context,
    seed: &Endpoint,
    topology: &Topology,
    victim: &NodeReport,
    moves: &[(NodeId, NodeId)],
    reset: bool,
    wait_timeout: Duration,
) -> Result<Exit> {
    let id = victim.id().clone();
    let output = &context.output;
    let others = topology
        .reachable()
        .map(|(n, _)| n)
        .filter(|n| n.id() != &id);
    let members = form::connect_members(others, &context.connect).await?;
    let position = |node: &NodeId| {
        members
            .iter()
            .position(|m| &m.id == node)
            .ok_or_else(|| Absent::NodeNotReachable(node.clone()))
    };
    let moves = moves
        .iter()
        .map(|(replica, master)| Ok((position(replica)?, position(master)?)))
        .collect::<Result<Vec<(usize, usize)>>>()?;
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
        let expectation = Expectation {
            replica_of: moves.clone(),
            wait_sync: false,
        };
        form::wait_until_usable(&members, &expectation, started, deadline).await?;
    }
    output.step("Sending CLUSTER FORGET messages to the cluster...")?;
    form::forget(&members, &id, &context.connect, started, deadline).await?;
    let reset = reset && reset_soft(context, victim).await?;

    output.line(
        &output
            .style()
            .ok(&format!("Node {id} removed from the cluster.")),
    )?;
    let replicas_moved: Vec<_> = moves
        .iter()
        .map(|&(r, m)| json!({ "replica": members[r].id, "master": members[m].id }))
        .collect();
    let removed = NodeDocument::new(topology, victim);
    // Other dead nodes are warnings (forgetting several one after the other must not stop at
    // the first); slots left in doubt or views that do not come to agree make the exit status.
    let concluded = conclude(context, seed, wait_timeout, |_| {
        json!({
            "outcome": "removed",
            "node": removed,
            "replicas_moved": replicas_moved,
            "reset": reset,
        })
    })
    .await?;
    Ok(concluded.exit())
}

/// The end of a removal that stopped after every member forgot the node and before its reset
/// (rtrib SIGKILLed): the node at `addr`, which no member of `topology` lists, still lists
/// members of it and would serve them stale routes. When it answers and serves no slot, it is
/// reset now (exit 0, the removal is done); when it lists no member, it is out already:
/// nothing to do (exit 0). `None` when it does not answer or serves slots: the caller reports
/// the node as unknown.
pub async fn finish_forgotten(
    context: &Context,
    topology: &Topology,
    addr: SocketAddr,
) -> Result<Option<Exit>> {
    let endpoint = Endpoint { name: None, addr };
    let Ok(client) = NodeClient::connect(&endpoint, &context.connect).await else {
        return Ok(None);
    };
    let Ok((me, view, _)) = client.read_myself().await else {
        return Ok(None);
    };
    if !me.slots.is_empty() {
        return Ok(None);
    }
    let knows_cluster = view
        .entries()
        .any(|entry| entry.id != me.id && topology.node(&entry.id).is_some());
    let output = &context.output;
    let id = &me.id;
    if knows_cluster {
        output.step(&format!(
            "Node {id} ({endpoint}) is forgotten by every member of the cluster but still \
             knows them (a removal stopped before its reset)"
        ))?;
        output.step("Sending CLUSTER RESET SOFT to the deleted node.")?;
        let mut reset = redis::cmd("CLUSTER");
        reset.arg("RESET").arg("SOFT");
        client.query::<()>(&reset).await?;
        output.line(
            &output
                .style()
                .ok(&format!("Node {id} removed from the cluster.")),
        )?;
    } else {
        output.line(&format!(
            "Node {id} ({endpoint}) is not a member of the cluster: nothing to do."
        ))?;
    }
    if output.is_json() {
        let outcome = match knows_cluster {
            true => "removed",
            false => "not_member",
        };
        output.json(&json!({
            "outcome": outcome,
            "node": { "id": id, "addr": endpoint.to_string() },
            "reset": knows_cluster,
        }))?;
    }
    Ok(Some(Exit::Ok))
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
