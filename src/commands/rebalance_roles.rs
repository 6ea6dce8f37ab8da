//! `rtrib rebalance-roles NODE`: resolve → settle → fetch → refuse unless every node answers
//! and none is failing → plan the role moves (`cluster::placement`) → print the plan → dry run,
//! `--plan-out` (the moves written as a plan for `rtrib apply`), or confirm → each move (a
//! coordinated failover, or `CLUSTER REPLICATE`), then wait until every view agrees → conclude.

use std::time::Instant;

use serde_json::Value;

use crate::cli::RebalanceRolesArgs;
use crate::cluster::check::Topology;
use crate::cluster::endpoint::Endpoint;
use crate::cluster::failover::{flagged_failing, node_domain};
use crate::cluster::placement::{Member, Move, Placement, plan_placement};
use crate::cluster::plan::{Precondition, Steps};
use crate::commands::apply::save_plan;
use crate::commands::check::{conclude, settle};
use crate::context::Context;
use crate::error::{Error, Result};
use crate::exit::Exit;
use crate::net::converge::wait_after_change;
use crate::net::failover::{Mode, promote};
use crate::net::fetch::{FetchOptions, Fetched, fetch_with_clients};
use crate::output::{PlacementDocument, write_placement_text};
use crate::prompt::confirm;

/// Runs `rebalance-roles`; see the module docs for the steps.
pub async fn run(context: &Context, args: &RebalanceRolesArgs) -> Result<Exit> {
    let seed = context.resolve_node(&args.node).await?;
    if !args.dry_run && args.plan.plan_out.is_none() {
        context.lease_cluster("rebalance-roles", &seed).await?;
    }
    settle(context, &seed).await;
    let fetched = fetch_with_clients(&seed, &context.connect, FetchOptions::default()).await?;
    let topology = &fetched.topology;
    refuse_unless_whole(topology)?;
    let placement = plan_placement(&members(topology, &args.host_of));
    let output = &context.output;
    let outcome = match (placement.moves.is_empty(), args.dry_run) {
        (true, _) => Some("nothing_to_do"),
        (false, true) => Some("dry_run"),
        (false, false) => None,
    };
    if !output.is_json() {
        output.text(|out, _| write_placement_text(out, topology, &placement))?;
    }
    if let Some(path) = &args.plan.plan_out {
        let precondition = Precondition::of_cluster(topology, &args.node);
        let steps = Steps::RebalanceRoles {
            steps: placement.moves,
        };
        return save_plan(context, path, precondition, steps);
    }
    if let Some(outcome) = outcome {
        if output.is_json() {
            output.json(&document(outcome, &placement)?)?;
        } else if placement.moves.is_empty() {
            output.step("No role change improves the placement: nothing to do.")?;
        }
        return Ok(Exit::Ok);
    }
    if !confirm(
        "Do you want to proceed with these role changes?",
        context.assume_yes,
    )? {
        return Err(Error::Declined);
    }

    let deadline = Instant::now() + args.wait_timeout;
    carry_out(context, &seed, &fetched, &placement.moves, deadline).await?;
    let document = document("placed", &placement)?;
    let left = deadline.saturating_duration_since(Instant::now());
    let concluded = conclude(context, &seed, left, |_| document).await?;
    Ok(concluded.exit())
}

/// Refuses a cluster with a node unreachable or failing: nothing is changed then.
pub fn refuse_unless_whole(topology: &Topology) -> Result<()> {
    match topology
        .nodes
        .iter()
        .find(|n| !n.is_reachable() || flagged_failing(topology, n.id()))
    {
        Some(node) => Err(Error::Refused(format!(
            "{} is unreachable or failing: roles are placed on a whole cluster only (rtrib \
             check shows it); nothing was changed",
            node.endpoint
        ))),
        None => Ok(()),
    }
}

/// Makes `moves` in order (shared with `apply`): each a coordinated failover or
/// `CLUSTER REPLICATE` on the replica, then a wait until every view agrees, by `deadline`.
pub async fn carry_out(
    context: &Context,
    seed: &Endpoint,
    fetched: &Fetched,
    moves: &[Move],
    deadline: Instant,
) -> Result<()> {
    let output = &context.output;
    for step in moves {
        let replica = match step {
            Move::Failover { replica, .. } | Move::Replicate { replica, .. } => replica,
        };
        let client = fetched
            .clients
            .get(replica)
            .ok_or_else(|| Error::Refused(format!("node {replica} is unreachable")))?;
        match step {
            Move::Failover { .. } => {
                promote(client, Mode::Coordinated, deadline).await?;
            }
            Move::Replicate { to, .. } => {
                let mut command = redis::cmd("CLUSTER");
                command.arg("REPLICATE").arg(to.as_str());
                let () = client.query(&command).await?;
            }
        }
        let left = deadline.saturating_duration_since(Instant::now());
        wait_after_change(seed, &context.connect, left).await?;
        output.line(&output.style().ok(&format!("{} done", client.endpoint())))?;
    }
    Ok(())
}

/// The JSON document, as a value (the same serialization for the plan and the final report).
fn document(outcome: &'static str, placement: &Placement) -> Result<Value> {
    Ok(
        serde_json::to_value(PlacementDocument::new(outcome, placement))
            .map_err(std::io::Error::from)?,
    )
}

/// The masters serving slots and their replicas, each in its failure domain.
fn members(topology: &Topology, labels: &[(String, String)]) -> Vec<Member> {
    let serving = |id: &_| topology.node(id).is_some_and(|m| !m.entry.slots.is_empty());
    topology
        .nodes
        .iter()
        .filter_map(|node| {
            let entry = &node.entry;
            let master = match &entry.master_id {
                Some(master) if entry.is_replica() && serving(master) => Some(master.clone()),
                _ if entry.is_master() && !entry.slots.is_empty() => None,
                _ => return None,
            };
            Some(Member {
                id: entry.id.clone(),
                domain: node_domain(node, labels),
                master,
            })
        })
        .collect()
}
