//! What the metrics need beyond the topology: every reachable node's `INFO memory` and
//! `INFO replication`, read concurrently in one round trip per node. Only read for
//! `-o prometheus`.

use std::collections::HashMap;

use crate::cluster::metrics::NodeStats;
use crate::cluster::view::NodeId;
use crate::net::fetch::Fetched;

/// Every reachable node's memory and replication figures; a node that fails to answer is
/// left out (its metrics are then absent, and a replica's link counts as down).
pub async fn read_stats(fetched: &Fetched) -> HashMap<NodeId, NodeStats> {
    let mut pipe = redis::pipe();
    pipe.cmd("INFO").arg("memory");
    pipe.cmd("INFO").arg("replication");
    fetched
        .run_on::<(String, String)>(|node| node.is_reachable(), &pipe)
        .await
        .into_iter()
        .filter_map(|(node, reply)| match reply {
            Ok((memory, replication)) => {
                Some((node.id().clone(), NodeStats::parse(&memory, &replication)))
            }
            Err(reason) => {
                tracing::info!("{}: INFO memory/replication: {reason}", node.endpoint);
                None
            }
        })
        .collect()
}
