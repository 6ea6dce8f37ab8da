//! `rtrib add-node NEW EXISTING [--replica [--master-id NODE]]`: resolve both → read the
//! cluster from EXISTING and NEW's own view → choose the master (for a replica) → a member
//! already: nothing to do → refuse a node with data or from another cluster → copy the cluster's
//! functions → NEW MEETs every member → wait until all know it → as a replica: REPLICATE,
//! announce, wait until every node sees it → check.

use std::time::{Duration, Instant};

use serde_json::json;

use crate::cli::AddNodeArgs;
use crate::cluster::endpoint::Endpoint;
use crate::cluster::lookup::{Absent, LookupError};
use crate::cluster::membership::{
    AddRefusal, MasterPicker, already_member, check_newcomer, refuse_master_down,
};
use crate::cluster::topology::{NodeReport, Topology};
use crate::cluster::view::NodeId;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::exit::Exit;
use crate::net::conn::NodeClient;
use crate::net::fetch::{FetchOptions, fetch_topology};
use crate::net::form::{self, Member};
use crate::output::NodeDocument;
use crate::steps::conclude::{conclude, settle};
use crate::steps::newcomer;
use crate::steps::newcomer::copy_functions;

/// Runs `add-node`; see the module docs for the steps.
pub async fn run(context: &Context, args: &AddNodeArgs) -> Result<Exit> {
    let new = context.resolve_node(&args.new_node).await?;
    let existing = context.resolve_node(&args.existing_node).await?;
    if new.addr == existing.addr {
        return Err(Error::Usage(format!(
            "{new} is given both as the node to add and as the cluster's node"
        )));
    }
    context.lease_cluster("add-node", &existing).await?;
    let output = &context.output;
    output.step(&format!("Adding node {new} to cluster {existing}"))?;
    settle(context, &existing).await;
    let topology = fetch_topology(&existing, &context.connect, FetchOptions::default()).await?;
    let client = NodeClient::connect(&new, &context.connect).await?;
    let (myself, view, keys) = client.read_myself().await?;
    let master = match args.replica {
        true => Some(choose_master(context, args, &topology, &new, &myself.id).await?),
        false => None,
    };
    let member = topology.node(&myself.id);
    match member {
        Some(member) => {
            let named = args.master_id.is_some();
            if let Some(done) = already_member(&new, member, master, named, keys)? {
                output.step(&done)?;
                return finish(
                    context,
                    &existing,
                    &myself.id,
                    Outcome::AlreadyMember,
                    args.wait_timeout,
                )
                .await;
            }
        }
        None => check_newcomer(&topology, &new, &myself, &view, keys)?,
    }
    if let (Some(master), None) = (master, &args.master_id) {
        output.line(&format!(
            "Automatically selected master {}",
            master.endpoint
        ))?;
    }

    let others = topology
        .reachable()
        .map(|(node, _)| node)
        .filter(|node| node.id() != &myself.id);
    let mut members = form::connect_members(others, &context.connect).await?;
    // A replica needs none: its full sync replaces its functions with its master's.
    if member.is_none() && master.is_none() {
        copy_functions(context, &members[0].client, &client).await?;
    }
    let master_index = master
        .map(|master| {
            members
                .iter()
                .position(|m| &m.id == master.id())
                .ok_or_else(|| Absent::NotReachable(master.endpoint.clone()))
        })
        .transpose()?;
    members.push(Member {
        client,
        id: myself.id.clone(),
        bus_port: myself.bus_port,
    });
    let newcomer = members.len() - 1;
    let started = Instant::now();
    let deadline = started + args.wait_timeout;
    newcomer::join(output, &members, newcomer, started, deadline).await?;
    if let Some(master_index) = master_index {
        newcomer::attach_replica(
            output,
            &members,
            (newcomer, master_index),
            started,
            deadline,
        )
        .await?;
    }
    let outcome = match master {
        Some(_) => Outcome::AddedReplica,
        None => Outcome::AddedMaster,
    };
    finish(context, &existing, &myself.id, outcome, args.wait_timeout).await
}

/// How `add-node` ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Outcome {
    AddedMaster,
    AddedReplica,
    AlreadyMember,
}

/// The master the new node will replicate: `--master-id` (which must name a reachable,
/// healthy master), else the master with the fewest replicas, preferring one on another IP.
async fn choose_master<'t>(
    context: &Context,
    args: &AddNodeArgs,
    topology: &'t Topology,
    new: &Endpoint,
    new_id: &NodeId,
) -> Result<&'t NodeReport> {
    let Some(text) = &args.master_id else {
        return MasterPicker::new(topology, new_id)
            .pick(new.addr.ip())
            .ok_or_else(|| AddRefusal::NoMaster.into());
    };
    let master = match topology.find(&context.node_ref(text).await?) {
        Err(LookupError::NotFound { .. }) => {
            return Err(Error::Usage(format!(
                "--master-id {text}: No such master ID {text} in the cluster; list the masters \
                 with rtrib check"
            )));
        }
        found => found?,
    };
    if master.id() == new_id || !master.entry.is_master() {
        return Err(Error::Usage(format!(
            "--master-id {text}: node {} ({}) is not a master of the cluster; give a master's ID, \
             ID prefix (6+ characters) or address",
            master.id(),
            master.endpoint
        )));
    }
    refuse_master_down(topology, master, text)?;
    Ok(master)
}

/// Runs the full check from the existing node, prints it (with the outcome and the new node
/// in JSON), and returns its exit code.
async fn finish(
    context: &Context,
    existing: &Endpoint,
    id: &NodeId,
    outcome: Outcome,
    wait: Duration,
) -> Result<Exit> {
    let label = match outcome {
        Outcome::AddedMaster | Outcome::AddedReplica => "added",
        Outcome::AlreadyMember => "already_member",
    };
    let concluded = conclude(context, existing, wait, |topology| {
        let node = topology.node(id).map(|n| NodeDocument::new(topology, n));
        json!({ "outcome": label, "node": node })
    })
    .await?;
    let output = &context.output;
    if outcome != Outcome::AlreadyMember {
        output.line(&output.style().ok("New node added correctly."))?;
    }
    if outcome == Outcome::AddedMaster {
        output.line(
            "The new master serves no slots yet: give it some with rtrib rebalance or \
             rtrib reshard.",
        )?;
    }
    Ok(concluded.exit())
}
