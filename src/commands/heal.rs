//! `rtrib heal NODE...`: re-resolve every name → read every node's own view → plan who sees
//! whom at a stale address (or not at all) and refuse strangers → MEET each node's current
//! address from every node that sees it wrongly → wait until every node sees every other where
//! it is, no handshake left, the cluster ok and the replication links up → forget ghosts
//! (`--forget-ghosts`) → check.
//!
//! On a cluster where every node already sees every other at its current address it sends
//! nothing (it still waits until the cluster is usable: a restarted node may be settling).

use std::time::Instant;

use serde_json::{Value, json};

use crate::cli::HealArgs;
use crate::cluster::create::NodeSnapshot;
use crate::cluster::endpoint::Endpoint;
use crate::cluster::heal::{Ghost, HealPlan, Sighting, plan_heal};
use crate::context::Context;
use crate::error::Result;
use crate::exit::Exit;
use crate::net::form::{self};
use crate::steps::conclude::conclude;
use crate::steps::heal::{describe_addr, forget_everywhere, meet_pairs, wait_until_healed};
use crate::steps::nodes::{
    connect_all, listed_or_discovered, members, read_snapshots, refuse_repeated_addresses,
};

/// Runs `heal`; see the module docs for the steps.
pub async fn run(context: &Context, args: &HealArgs) -> Result<Exit> {
    let addrs = listed_or_discovered(context, &args.nodes, &args.discovery).await?;
    let endpoints = context.resolver.resolve_all(&addrs).await?;
    refuse_repeated_addresses(&endpoints)?;
    context.lease_nodes("heal", &endpoints).await?;
    let clients = connect_all(&endpoints, context).await?;
    let snapshots = read_snapshots(&clients).await?;
    let plan = plan_heal(&snapshots)?;

    let output = &context.output;
    let style = output.style();
    let ghosts: Vec<&Ghost> = if args.forget_ghosts {
        for ghost in plan.ghosts.iter().filter(|g| g.keep_because.is_some()) {
            output.line(&style.warn(&format!(
                "Not forgetting node {} ({}): {}",
                ghost.id,
                describe_addr(ghost.addr),
                ghost.keep_because.unwrap_or_default()
            )))?;
        }
        plan.forgettable_ghosts().collect()
    } else {
        Vec::new()
    };
    let members = members(clients, &snapshots);
    let started = Instant::now();
    let deadline = started + args.wait_timeout;
    if plan.meets.is_empty() && ghosts.is_empty() {
        output.line(
            &style.ok("All nodes see each other at their current addresses: nothing to heal."),
        )?;
        // A node that moved may have been re-addressed by its peers on its own (it PINGs them
        // as it starts) and still be settling: return once it is usable, sending nothing.
        wait_until_healed(&members, started, deadline).await?;
        return verify(context, &endpoints[0], args, "nothing_to_do", &[], &[]).await;
    }
    if !plan.meets.is_empty() {
        for line in describe_sightings(&snapshots, &plan) {
            output.line(&line)?;
        }
        let meets = meet_pairs(&plan.meets, members.len());
        output.step(&format!(
            "Sending {} CLUSTER MEET message(s) to the nodes' current addresses",
            meets.len()
        ))?;
        form::meet(&members, &meets).await?;
        output.line("Waiting for every node to see every other at its current address")?;
        wait_until_healed(&members, started, deadline).await?;
    }
    let mut forgotten = Vec::new();
    if !ghosts.is_empty() {
        output.step(&format!(
            "Forgetting {} node(s) that are none of the nodes given",
            ghosts.len()
        ))?;
        forget_everywhere(&members, &ghosts, started, deadline).await?;
        forgotten = ghosts;
    }
    let meets: Vec<Value> = plan
        .meets
        .iter()
        .map(|s| {
            json!({
                "from": snapshots[s.observer].endpoint,
                "to": snapshots[s.target].endpoint,
                "seen_at": s.seen_at,
            })
        })
        .collect();
    verify(context, &endpoints[0], args, "healed", &meets, &forgotten).await
}

/// One line per node that some node sees wrongly: where it is, and where the others see it.
fn describe_sightings(snapshots: &[NodeSnapshot], plan: &HealPlan) -> Vec<String> {
    let mut by_target: Vec<(usize, Vec<&Sighting>)> = Vec::new();
    for sighting in &plan.meets {
        match by_target.iter_mut().find(|(t, _)| *t == sighting.target) {
            Some((_, list)) => list.push(sighting),
            None => by_target.push((sighting.target, vec![sighting])),
        }
    }
    by_target
        .into_iter()
        .map(|(target, sightings)| {
            let mut stale: Vec<String> = sightings
                .iter()
                .filter_map(|s| s.seen_at.map(|a| a.to_string()))
                .collect();
            stale.sort();
            stale.dedup();
            let unknown = sightings.iter().filter(|s| s.seen_at.is_none()).count();
            let seen = sightings.len() - unknown;
            let mut text = format!("{} is seen", snapshots[target].endpoint);
            if seen > 0 {
                text += &format!(" at {} by {seen} node(s)", stale.join(", "));
            }
            if unknown > 0 {
                let and = if seen > 0 { "," } else { "" };
                text += &format!("{and} nowhere by {unknown} node(s)");
            }
            text
        })
        .collect()
}

/// Runs the full check from the first node, prints it (in JSON within the heal document), and
/// returns its exit code.
async fn verify(
    context: &Context,
    seed: &Endpoint,
    args: &HealArgs,
    outcome: &str,
    meets: &[Value],
    forgotten: &[&Ghost],
) -> Result<Exit> {
    let forgotten: Vec<Value> = forgotten
        .iter()
        .map(|g| json!({ "id": g.id, "addr": g.addr }))
        .collect();
    let concluded = conclude(
        context,
        seed,
        args.wait_timeout,
        |_| json!({ "outcome": outcome, "meets": meets, "forgotten": forgotten }),
    )
    .await?;
    Ok(concluded.exit())
}
