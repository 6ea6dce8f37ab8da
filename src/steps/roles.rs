//! Moving roles, shared by `rebalance-roles` and `apply` of its plan: refuse a cluster not
//! whole, then make the failovers and replica moves of a placement.

use crate::cluster::endpoint::Endpoint;
use crate::cluster::placement::Move;
use crate::cluster::topology::Topology;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::net::converge::wait_after_change;
use crate::net::failover::{Mode, promote};
use crate::net::fetch::Fetched;
use std::time::Instant;

/// Refuses a cluster with a node unreachable or failing: nothing is changed then.
pub fn refuse_unless_whole(topology: &Topology) -> Result<()> {
    let failing = topology.failure_reports();
    match topology
        .nodes
        .iter()
        .find(|n| !n.is_reachable() || failing.contains_key(n.id()))
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
