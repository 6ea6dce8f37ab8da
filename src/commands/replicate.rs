//! `rtrib replicate --master-addr M --slave-addr S`: resolve both → read the master's cluster
//! and the new node → refuse a node with data or from another cluster → the new node MEETs
//! every member → wait for the join → REPLICATE → announce the role → wait until every node
//! sees it → check.

use std::time::Instant;

use serde_json::json;

use crate::cli::ReplicateArgs;
use crate::cluster::membership::{already_follows, check_newcomer, refuse_replica_as_master};
use crate::context::Context;
use crate::error::{Error, Result};
use crate::exit::Exit;
use crate::net::conn::NodeClient;
use crate::net::fetch::{FetchOptions, fetch_topology};
use crate::net::form::{self, Member};
use crate::steps::conclude::{conclude, settle};
use crate::steps::newcomer;

/// Runs `replicate`; see the module docs for the steps.
pub async fn run(context: &Context, args: &ReplicateArgs) -> Result<Exit> {
    let master = context.resolve_node(&args.master_addr).await?;
    let replica = context.resolve_node(&args.slave_addr).await?;
    if master.addr == replica.addr {
        return Err(Error::Usage(format!("{master} cannot replicate itself")));
    }
    context.lease_cluster("replicate", &master).await?;
    settle(context, &master).await;
    let topology = fetch_topology(&master, &context.connect, FetchOptions::default()).await?;
    let master_id = topology.seed.clone();
    refuse_replica_as_master(&topology, &master)?;

    let replica_client = NodeClient::connect(&replica, &context.connect).await?;
    let (myself, view, keys) = replica_client.read_myself().await?;
    let replica_id = myself.id.clone();
    let output = &context.output;
    let outcome = if already_follows(&replica, &myself, &master_id, &master)? {
        output.step(&format!(
            "{replica} already replicates {master}: nothing to do."
        ))?;
        "already_replica"
    } else {
        check_newcomer(&topology, &replica, &myself, &view, keys)?;

        let reachable = topology.reachable().map(|(node, _)| node);
        let mut members = form::connect_members(reachable, &context.connect).await?;
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
        newcomer::join(output, &members, newcomer, started, deadline).await?;
        newcomer::attach_replica(
            output,
            &members,
            (newcomer, master_index),
            started,
            deadline,
        )
        .await?;
        "attached"
    };

    let concluded = conclude(
        context,
        &master,
        args.wait_timeout,
        |_| json!({ "outcome": outcome, "master": master, "replica": replica }),
    )
    .await?;
    Ok(concluded.exit())
}
