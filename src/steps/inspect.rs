//! Reading and judging a cluster: fetch every node's own view from a seed and run
//! `cluster::check` on it; the exit code a health judgment gives.

use std::collections::HashMap;

use crate::cluster::check::{CheckOptions, CheckReport, check};
use crate::cluster::endpoint::Endpoint;
use crate::cluster::metrics::NodeStats;
use crate::cluster::topology::Topology;
use crate::cluster::view::NodeId;
use crate::context::Context;
use crate::error::Result;
use crate::exit::Exit;
use crate::net::fetch::{FetchOptions, fetch_topology, fetch_with_clients};
use crate::net::stats::read_stats;

/// What a check read and judged.
pub struct Inspection {
    /// Every node's view.
    pub topology: Topology,
    /// The judgment.
    pub report: CheckReport,
    /// Every reachable node's memory and replication figures (only read for metrics).
    pub stats: HashMap<NodeId, NodeStats>,
}

/// Fetches and judges the cluster from `seed`; with `stats`, also reads every reachable
/// node's memory and replication figures (concurrently, one more round trip).
pub async fn read(
    context: &Context,
    seed: &Endpoint,
    search_multiple_owners: bool,
    stats: bool,
) -> Result<Inspection> {
    if !stats {
        let (topology, report) = inspect(context, seed, search_multiple_owners).await?;
        return Ok(Inspection {
            topology,
            report,
            stats: HashMap::new(),
        });
    }
    let fetch = FetchOptions {
        slots_with_keys: search_multiple_owners,
    };
    let fetched = fetch_with_clients(seed, &context.connect, fetch).await?;
    let stats = read_stats(&fetched).await;
    let report = check(
        &fetched.topology,
        &CheckOptions {
            search_multiple_owners,
        },
    );
    Ok(Inspection {
        topology: fetched.topology,
        report,
        stats,
    })
}

/// 0 for a healthy cluster, 1 when the check found a problem.
pub fn health_exit(report: &CheckReport) -> Exit {
    if report.is_healthy() {
        Exit::Ok
    } else {
        Exit::Problems
    }
}

/// Fetches the topology from `seed` and every node it knows, and judges it.
pub async fn inspect(
    context: &Context,
    seed: &Endpoint,
    search_multiple_owners: bool,
) -> Result<(Topology, CheckReport)> {
    let fetch = FetchOptions {
        slots_with_keys: search_multiple_owners,
    };
    let topology = fetch_topology(seed, &context.connect, fetch).await?;
    let report = check(
        &topology,
        &CheckOptions {
            search_multiple_owners,
        },
    );
    Ok((topology, report))
}
