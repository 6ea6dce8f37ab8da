//! `rtrib failover --from NODE | --to REPLICA [--force | --takeover]`: resolve → settle →
//! fetch every node's view and replication figures → choose the master and the replica that
//! takes over (or find nothing to do, or refuse) → `CLUSTER FAILOVER` on the replica and wait
//! until it is master → conclude: every view agrees on the new roles, then the check.

use std::time::Instant;

use crate::cli::FailoverArgs;
use crate::cluster::failover::{Handover, from_master, to_replica};
use crate::cluster::lookup::Absent;
use crate::context::Context;
use crate::error::Result;
use crate::exit::Exit;
use crate::net::Secs;
use crate::net::failover::{Mode, promote};
use crate::net::fetch::{FetchOptions, fetch_with_clients};
use crate::net::stats::read_stats;
use crate::output::{FailoverDocument, NodeName, OutputError};
use crate::steps::conclude::{conclude, settle};

/// Runs `failover`; see the module docs for the steps.
pub async fn run(context: &Context, args: &FailoverArgs) -> Result<Exit> {
    let mode = match (args.force, args.takeover) {
        (true, _) => Mode::Force,
        (_, true) => Mode::Takeover,
        _ => Mode::Coordinated,
    };
    let named = args
        .from
        .as_deref()
        .or(args.to.as_deref())
        .unwrap_or_default();
    let seed = context.resolve_node(named).await?;
    context.lease_cluster("failover", &seed).await?;
    if mode == Mode::Coordinated {
        // A forced failover is for a master that does not answer: no waiting on it.
        settle(context, &seed).await;
    }
    let fetched = fetch_with_clients(&seed, &context.connect, FetchOptions::default()).await?;
    let stats = read_stats(&fetched).await;
    let topology = &fetched.topology;
    let node = &topology.nodes[0];
    let handover = match args.from {
        Some(_) => from_master(topology, node, &stats, &args.host_of)?,
        None => to_replica(topology, node, mode == Mode::Coordinated, &stats)?,
    };
    let output = &context.output;
    let (master, replica, chosen) = match handover {
        Handover::Nothing(reason) => {
            if output.is_json() {
                let document = FailoverDocument::nothing_to_do(&seed, reason);
                output.json(&serde_json::to_value(document).map_err(OutputError::from)?)?;
            } else {
                output.step(&reason)?;
            }
            return Ok(Exit::Ok);
        }
        Handover::Promote {
            master,
            replica,
            chosen,
        } => (master, replica, chosen),
    };

    let slots = master.entry.slots.len();
    output.step(&format!(
        "Handing the {slots} slots of {} ({}) to its replica {} ({}): {}",
        master.endpoint,
        master.id().short(),
        replica.endpoint,
        replica.id().short(),
        match mode {
            Mode::Coordinated => "coordinated failover",
            Mode::Force => "CLUSTER FAILOVER FORCE",
            Mode::Takeover => "CLUSTER FAILOVER TAKEOVER",
        }
    ))?;
    let client = fetched
        .clients
        .get(replica.id())
        .ok_or_else(|| Absent::Unreachable(replica.endpoint.clone()))?;
    let deadline = Instant::now() + args.wait_timeout;
    let took = promote(client, mode, deadline).await?;
    output.line(&output.style().ok(&format!(
        "{} took over in {}; waiting for every node to agree",
        replica.endpoint,
        Secs(&took)
    )))?;

    let document = FailoverDocument {
        outcome: "failed_over",
        mode: Some(mode),
        master: Some(NodeName::from(master)),
        replica: Some(NodeName::from(replica)),
        slots: Some(slots),
        other_domain: chosen.as_ref().map(|c| c.other_domain),
        offset_gap: chosen.and_then(|c| c.offset_gap),
        took_ms: Some(took.as_millis()),
        node: None,
        reason: None,
    };
    let document = serde_json::to_value(document).map_err(OutputError::from)?;
    let left = deadline.saturating_duration_since(Instant::now());
    let concluded = conclude(context, &replica.endpoint, left, |_| document).await?;
    Ok(concluded.exit())
}
