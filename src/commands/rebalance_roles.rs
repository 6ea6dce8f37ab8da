//! `rtrib rebalance-roles NODE`: resolve → settle → fetch → refuse unless every node answers
//! and none is failing → plan the role moves (`cluster::placement`) → print the plan → dry run,
//! `--plan-out` (the moves written as a plan for `rtrib apply`), or confirm → each move (a
//! coordinated failover, or `CLUSTER REPLICATE`), then wait until every view agrees → conclude.

use std::time::Instant;

use serde_json::Value;

use crate::cli::RebalanceRolesArgs;
use crate::cluster::failover::node_domain;
use crate::cluster::placement::{Member, Placement, plan_placement, refuse_unless_whole};
use crate::cluster::plan::{Precondition, Steps};
use crate::cluster::topology::Topology;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::exit::Exit;
use crate::net::fetch::{FetchOptions, fetch_with_clients};
use crate::output::{OutputError, PlacementDocument, save_plan, write_placement_text};
use crate::prompt::confirm;
use crate::steps::conclude::{conclude, settle};
use crate::steps::roles;

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
        save_plan(&context.output, path, precondition, steps)?;
        return Ok(Exit::Ok);
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
    roles::carry_out(context, &seed, &fetched, &placement.moves, deadline).await?;
    let document = document("placed", &placement)?;
    let left = deadline.saturating_duration_since(Instant::now());
    let concluded = conclude(context, &seed, left, |_| document).await?;
    Ok(concluded.exit())
}

/// The JSON document, as a value (the same serialization for the plan and the final report).
fn document(outcome: &'static str, placement: &Placement) -> Result<Value> {
    Ok(
        serde_json::to_value(PlacementDocument::new(outcome, placement))
            .map_err(OutputError::from)?,
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
