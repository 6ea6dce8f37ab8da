//! `rtrib replicate --master-addr M --slave-addr S`: resolve both → read the master's cluster
//! and the new node → refuse a node with data or from another cluster → the new node MEETs
//! every member → wait for the join → REPLICATE → announce the role → wait until every node
//! sees it → check.

use std::collections::HashSet;
use std::time::Instant;

use futures_util::future::join_all;
use serde_json::json;

use crate::cli::ReplicateArgs;
use crate::cluster::check::NodeState;
use crate::cluster::topology::NodeId;
use crate::commands::check::inspect;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::exit::Exit;
use crate::net::conn::{NodeClient, NodeError};
use crate::net::fetch::{FetchOptions, fetch_topology};
use crate::net::form::{self, Expectation, Member};
use crate::output::{CheckDocument, write_check_text};

/// Runs `replicate`; see the module docs for the steps.
pub async fn run(context: &Context, args: &ReplicateArgs) -> Result<Exit> {
    let master = context.resolve_node(&args.master_addr).await?;
    let replica = context.resolve_node(&args.slave_addr).await?;
    if master.addr == replica.addr {
        return Err(Error::Usage(format!("{master} cannot replicate itself")));
    }
    let topology = fetch_topology(&master, &context.connect, FetchOptions::default()).await?;
    let master_id = topology.seed.clone();
    if topology.nodes[0].entry.is_replica() {
        return Err(Error::Refused(format!(
            "{master} is a replica, not a master: give a master as --master-addr"
        )));
    }

    let replica_client = NodeClient::connect(&replica, &context.connect).await?;
    let (view, keys) = replica_client.read_view().await?;
    let myself = view.myself().ok_or_else(|| NodeError::Protocol {
        node: replica.clone(),
        command: "CLUSTER NODES".into(),
        detail: "no line is flagged myself".into(),
    })?;
    let replica_id = myself.id.clone();
    let output = &context.output;
    let outcome = if myself.master_id.as_ref() == Some(&master_id) {
        output.step(&format!(
            "{replica} already replicates {master}: nothing to do."
        ))?;
        "already_replica"
    } else {
        if let Some(other) = &myself.master_id {
            return Err(Error::Refused(format!(
                "{replica} already replicates node {other}; detach it first (CLUSTER RESET) to replicate {master}"
            )));
        }
        if keys > 0 || !myself.slots.is_empty() {
            return Err(Error::Refused(format!(
                "{replica} is not empty ({keys} keys, {} slots): only an empty node can become a replica",
                myself.slots.len()
            )));
        }
        let members_ids: HashSet<&NodeId> = topology.nodes.iter().map(|n| &n.entry.id).collect();
        if let Some(stranger) = view
            .entries
            .iter()
            .find(|e| !e.flags.myself && !e.flags.handshake && !members_ids.contains(&e.id))
        {
            return Err(Error::Foreign(format!(
                "{replica} belongs to another cluster: it knows node {}, which {master}'s cluster does not",
                stranger.id
            )));
        }

        let mut members = reachable_members(context, &topology).await?;
        let master_index = members
            .iter()
            .position(|m| m.id == master_id)
            .unwrap_or_default();
        members.push(Member {
            client: replica_client,
            id: replica_id,
            bus_port: myself.bus_port,
        });
        let newcomer = members.len() - 1;
        let started = Instant::now();
        let deadline = started + args.wait_timeout;
        output.step(&format!(
            "Sending CLUSTER MEET messages to join {replica} to the cluster"
        ))?;
        let meets: Vec<(usize, usize)> = (0..newcomer).map(|to| (newcomer, to)).collect();
        form::meet(&members, &meets).await?;
        form::wait_for_join(&members, started, deadline).await?;
        output.step(&format!("Configure node as replica of {master}"))?;
        form::replicate(&members, &[(newcomer, master_index)]).await?;
        form::announce(&members, &[newcomer]).await?;
        let expectation = Expectation {
            replica_of: vec![(newcomer, master_index)],
            wait_sync: false,
        };
        form::wait_until_usable(&members, &expectation, started, deadline).await?;
        "attached"
    };

    let (topology, report) = inspect(context, &master, false).await?;
    if output.is_json() {
        output.json(&json!({
            "outcome": outcome,
            "master": master,
            "replica": replica,
            "check": CheckDocument::new(&topology, &report),
        }))?;
    } else {
        output.text(|out, style| write_check_text(out, style, &topology, &report, false))?;
    }
    Ok(if report.is_healthy() {
        Exit::Ok
    } else {
        Exit::Problems
    })
}

/// Connections to every reachable member of the cluster, concurrently.
async fn reachable_members(
    context: &Context,
    topology: &crate::cluster::check::Topology,
) -> Result<Vec<Member>> {
    let reachable = topology
        .nodes
        .iter()
        .filter(|n| matches!(n.state, NodeState::Reachable { .. }));
    let members = join_all(reachable.map(|node| async move {
        let client = NodeClient::connect(&node.endpoint, &context.connect).await?;
        Ok::<_, NodeError>(Member {
            client,
            id: node.entry.id.clone(),
            bus_port: node.entry.bus_port,
        })
    }))
    .await;
    Ok(members.into_iter().collect::<Result<Vec<_>, _>>()?)
}
