//! The steps `add-node` and `replicate` share to bring a node into a running cluster: it MEETs
//! every member and all wait to know it; as a replica, it then follows its master and announces
//! that until every member sees it. A new master gets the cluster's Redis functions first.

use std::time::Instant;

use crate::cluster::membership::refuse_own_functions;
use crate::context::Context;
use crate::error::Result;
use crate::net::admin::{dump_functions, function_libraries, restore_functions};
use crate::net::conn::{NodeClient, NodeError};
use crate::net::form::{self, Expectation, Member};
use crate::output::Output;

/// Has member `newcomer` MEET every other member (by IP, with the bus port when it is not the
/// default), then waits until every member knows every other.
pub async fn join(
    output: &Output,
    members: &[Member],
    newcomer: usize,
    started: Instant,
    deadline: Instant,
) -> Result<()> {
    let node = members[newcomer].client.endpoint();
    output.step(&format!(
        "Send CLUSTER MEET to node {node} to make it join the cluster."
    ))?;
    let meets: Vec<(usize, usize)> = (0..members.len())
        .filter(|&to| to != newcomer)
        .map(|to| (newcomer, to))
        .collect();
    form::meet(members, &meets).await?;
    output.line("Waiting for the cluster to join")?;
    form::wait_for_join(members, started, deadline).await?;
    Ok(())
}

/// Makes member `replica` replicate member `master`, announces its role, and waits until every
/// member sees it attached and reports the cluster usable.
pub async fn attach_replica(
    output: &Output,
    members: &[Member],
    (replica, master): (usize, usize),
    started: Instant,
    deadline: Instant,
) -> Result<()> {
    let master_node = members[master].client.endpoint();
    output.step(&format!("Configure node as replica of {master_node}."))?;
    form::replicate(members, &[(replica, master)]).await?;
    let expectation = Expectation {
        replica_of: vec![(replica, master)],
        wait_sync: false,
    };
    form::wait_until_usable(members, &expectation, started, deadline).await?;
    Ok(())
}

/// Copies the cluster's Redis functions (`FUNCTION DUMP` / `FUNCTION RESTORE`) from `seed` to
/// the new master, which must have none of its own (as redis-cli requires, even when the
/// cluster has none): a cluster's functions must be the same on every master, or calls fail
/// depending on the slot. Servers older than Redis 7 have no functions; then nothing is done.
pub async fn copy_functions(context: &Context, seed: &NodeClient, new: &NodeClient) -> Result<()> {
    let libraries = match function_libraries(seed).await {
        Err(NodeError::Command { detail, .. })
            if detail.to_lowercase().contains("unknown command") =>
        {
            return Ok(());
        }
        other => other?,
    };
    let own = function_libraries(new).await?;
    refuse_own_functions(new.endpoint(), own.len())?;
    if libraries.is_empty() {
        return Ok(());
    }
    let payload = dump_functions(seed).await?;
    context.output.step(&format!(
        "Copying {} function libraries from {}",
        libraries.len(),
        seed.endpoint()
    ))?;
    restore_functions(new, payload).await?;
    Ok(())
}
