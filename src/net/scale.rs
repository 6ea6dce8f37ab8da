//! The protocol `reconcile` adds to the joins, moves and forgets it shares with other
//! commands: resetting a node that leaves, and reading each master's memory before a drain.

use std::time::{Duration, Instant};

use futures_util::future::join_all;

use crate::cluster::info::info_field;
use crate::cluster::reconcile::Memory;
use crate::cluster::view::NodeId;
use crate::net::conn::{NodeClient, NodeError};
use crate::net::form::Member;

/// How often a reset refused while a drained master still deletes its keys is retried.
const RESET_RETRY: Duration = Duration::from_millis(100);

/// `CLUSTER RESET HARD` on a node leaving the cluster: it forgets every other node, so gossip
/// cannot bring it back in once they have forgotten it, and takes a new ID, so it can be added
/// back at once (the others refuse a node ID they forgot for 60 s; a run interrupted right
/// after finds another ID at the old address and only forgets the old one). A master must
/// have no key left (its slots moved first): while
/// it still holds some (a server deleting the keys of slots migrated atomically does so in the
/// background), the reset is retried until `deadline`.
pub async fn reset_hard(client: &NodeClient, deadline: Instant) -> Result<(), NodeError> {
    let mut reset = redis::cmd("CLUSTER");
    reset.arg("RESET").arg("HARD");
    loop {
        match client.query::<()>(&reset).await {
            Err(NodeError::Command { detail, .. })
                if detail.contains("containing keys") && Instant::now() < deadline =>
            {
                tokio::time::sleep(RESET_RETRY).await;
            }
            other => return other,
        }
    }
}

/// Each member's `used_memory` and `maxmemory` (`INFO memory`), concurrently; a member that
/// does not say is left out (the warning it would feed is advice, not a precondition).
pub async fn read_memory(members: &[Member]) -> Vec<(NodeId, Memory)> {
    let mut info = redis::cmd("INFO");
    info.arg("memory");
    let replies = join_all(
        members
            .iter()
            .map(|member| member.client.query::<String>(&info)),
    )
    .await;
    members
        .iter()
        .zip(replies)
        .filter_map(|(member, reply)| {
            let text = reply.ok()?;
            let field = |name: &str| info_field(&text, name)?.trim().parse::<u64>().ok();
            Some((
                member.id.clone(),
                Memory {
                    used: field("used_memory")?,
                    max: field("maxmemory")?,
                },
            ))
        })
        .collect()
}
