//! `rtrib check NODE`: read every node's own view and judge the cluster's health; with
//! `-o prometheus`, also every node's memory and replication figures, as metrics.

use std::collections::HashMap;
use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::cli::CheckArgs;
use crate::cluster::check::{CheckOptions, check};
use crate::cluster::check::{CheckReport, Topology};
use crate::cluster::endpoint::Endpoint;
use crate::cluster::metrics::{Family, NodeStats, metrics, unreadable};
use crate::cluster::slots::SlotSet;
use crate::cluster::topology::NodeId;
use crate::cluster::verdict::{change_held, refusals};
use crate::commands::nodes::listed_or_discovered;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::exit::Exit;
use crate::net::converge::{Converged, wait_after_change, wait_until_converged};
use crate::net::fetch::{FetchOptions, Fetched, fetch_topology, fetch_with_clients};
use crate::net::form::WaitError;
use crate::net::stats::read_stats;
use crate::output::{
    CheckDocument, ConvergenceDocument, exposition, write_check_text, write_file_atomically,
};

/// What a check read and judged.
pub struct Inspection {
    /// Every node's view.
    pub topology: Topology,
    /// The judgment.
    pub report: CheckReport,
    /// Every reachable node's memory and replication figures (only read for metrics).
    pub stats: HashMap<NodeId, NodeStats>,
}

/// Resolve the seed, fetch the topology from every node, judge it, report.
/// Exits 0 when healthy and 1 when any problem was found.
pub async fn run(context: &Context, args: &CheckArgs) -> Result<Exit> {
    let prometheus = wants_metrics(context, args.textfile.as_deref())?;
    let started = Instant::now();
    let inspected = match &args.node {
        Some(node) => match context.resolve_node(node).await {
            Ok(seed) => read(context, &seed, args.search_multiple_owners, prometheus).await,
            Err(error) => Err(error),
        },
        None => inspect_discovered(context, args, prometheus).await,
    };
    if prometheus {
        let families = match &inspected {
            Ok(i) => metrics(&i.topology, &i.report, &i.stats, started.elapsed()),
            Err(_) => unreadable(started.elapsed()),
        };
        emit_metrics(context, args.textfile.as_deref(), &families)?;
        return Ok(health_exit(&inspected?.report));
    }
    let Inspection {
        topology, report, ..
    } = inspected?;
    let output = &context.output;
    if output.is_json() {
        output.json(&CheckDocument::new(&topology, &report))?;
    } else {
        output.text(|out, style| {
            write_check_text(out, style, &topology, &report, args.search_multiple_owners)
        })?;
    }
    Ok(health_exit(&report))
}

/// Whether metrics are asked for: `-o prometheus`, or `--textfile` (which implies it, and
/// contradicts `-o json`).
pub fn wants_metrics(context: &Context, textfile: Option<&Path>) -> Result<bool> {
    let output = &context.output;
    match textfile {
        Some(_) if output.is_json() => Err(Error::Usage(
            "--textfile writes Prometheus metrics: it cannot be combined with -o json".into(),
        )),
        Some(_) => Ok(true),
        None => Ok(output.is_prometheus()),
    }
}

/// Prints the metrics, or writes them atomically to `textfile`.
pub fn emit_metrics(context: &Context, textfile: Option<&Path>, families: &[Family]) -> Result<()> {
    match textfile {
        Some(path) => write_file_atomically(path, &exposition(families)).map_err(|error| {
            Error::Usage(format!(
                "cannot write --textfile {}: {error}",
                path.display()
            ))
        }),
        None => Ok(context.output.metrics(families)?),
    }
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

/// Inspects the cluster from the first discovered node that answers.
async fn inspect_discovered(
    context: &Context,
    args: &CheckArgs,
    stats: bool,
) -> Result<Inspection> {
    let candidates = listed_or_discovered(context, &[], &args.discovery).await?;
    let mut last_error = None;
    for candidate in &candidates {
        let seed = context.resolver.resolve(candidate).await?;
        match read(context, &seed, args.search_multiple_owners, stats).await {
            Err(Error::Node(error)) => {
                tracing::info!("{error}; trying the next node");
                last_error = Some(Error::Node(error));
            }
            outcome => return outcome,
        }
    }
    Err(last_error.unwrap_or_else(|| Error::Usage("DNS lists no node".to_string())))
}

/// 0 for a healthy cluster, 1 when the check found a problem.
pub fn health_exit(report: &CheckReport) -> Exit {
    if report.is_healthy() {
        Exit::Ok
    } else {
        Exit::Problems
    }
}

/// How a command that changed the cluster ended: the final check, and whether every node's
/// view had come to agree before it.
pub struct Concluded {
    /// The final check.
    pub report: CheckReport,
    /// The wait for every view to agree (an error when it did not within the bound).
    pub convergence: Result<Converged, WaitError>,
}

impl Concluded {
    /// 4 when the views did not come to agree in time; else 1 when the final check leaves a
    /// slot in doubt (uncovered, open, owners disputed: see [`change_held`]), and 0 otherwise,
    /// whatever it says of the nodes' health (those findings are warnings; `check` judges
    /// them).
    pub fn exit(&self) -> Exit {
        match self.convergence {
            Err(_) => Exit::Timeout,
            Ok(_) if change_held(&self.report) => Exit::Ok,
            Ok(_) => Exit::Problems,
        }
    }
}

/// How a command that changed the cluster ends: wait (up to `wait`) until every reachable
/// node's own view agrees on slot owners, roles and members — replicas learn of a change by
/// gossip, a moment after the nodes that made it — then the full check from `seed`, printed
/// as text, or, with `-o json`, the document `describe` builds from the fresh topology with
/// `check` and `convergence` fields added. When the views do not agree in time, the lagging
/// nodes are named on stderr after the check, and [`Concluded::exit`] is 4.
pub async fn conclude(
    context: &Context,
    seed: &Endpoint,
    wait: Duration,
    describe: impl FnOnce(&Topology) -> Value,
) -> Result<Concluded> {
    conclude_with(context, seed, wait, false, describe).await
}

/// [`conclude`], optionally searching every master for keys in slots it does not serve.
pub async fn conclude_with(
    context: &Context,
    seed: &Endpoint,
    wait: Duration,
    search_multiple_owners: bool,
    describe: impl FnOnce(&Topology) -> Value,
) -> Result<Concluded> {
    let convergence = wait_after_change(seed, &context.connect, wait).await;
    let (topology, report) = inspect(context, seed, search_multiple_owners).await?;
    let output = &context.output;
    if output.is_json() {
        let mut document = describe(&topology);
        let check = serde_json::to_value(CheckDocument::new(&topology, &report))
            .map_err(std::io::Error::from)?;
        let convergence = serde_json::to_value(ConvergenceDocument::new(&convergence))
            .map_err(std::io::Error::from)?;
        if let Value::Object(fields) = &mut document {
            fields.insert("convergence".to_string(), convergence);
            fields.insert("check".to_string(), check);
        }
        output.json(&document)?;
    } else {
        output.text(|out, style| {
            write_check_text(out, style, &topology, &report, search_multiple_owners)
        })?;
    }
    if let Err(error) = &convergence {
        eprintln!("error: {error}");
    }
    Ok(Concluded {
        report,
        convergence,
    })
}

/// How long a command that reads the cluster before changing it waits for a previous change
/// to reach every node (gossip still in flight) before it judges what it reads.
pub const SETTLE: Duration = Duration::from_secs(10);

/// Before a command reads the cluster to change it: waits (up to [`SETTLE`]) until every
/// reachable node's view agrees, so that a change made a moment ago — by rtrib or anyone — is
/// not mistaken for a problem, nor planned upon half-known. Views that still disagree then are
/// left for the command's own check to judge.
pub async fn settle(context: &Context, seed: &Endpoint) {
    match wait_until_converged(seed, &context.connect, SETTLE).await {
        Ok(done) if done.waited > Duration::from_millis(100) => {
            tracing::info!("waited {:?} for every node's view to agree", done.waited);
        }
        Ok(_) => {}
        Err(error) => tracing::info!("{error}"),
    }
}

/// The cluster of `seed`, with connections to its nodes, for a command about to write keys
/// to it (`import`, `restore`): refused, the check's findings shown, unless every slot has
/// one reachable owner and no slot is open. `writing` says what would have been done:
/// "imported", "restored".
pub async fn fetch_for_keys(context: &Context, seed: &Endpoint, writing: &str) -> Result<Fetched> {
    settle(context, seed).await;
    let fetched = fetch_with_clients(seed, &context.connect, FetchOptions::default()).await?;
    let report = check(&fetched.topology, &CheckOptions::default());
    let none = SlotSet::new();
    if refusals(&report, &none, &none).is_empty() {
        return Ok(fetched);
    }
    let output = &context.output;
    if !output.is_json() {
        output
            .text(|out, style| write_check_text(out, style, &fetched.topology, &report, false))?;
    }
    Err(Error::Refused(format!(
        "the cluster of {seed} does not pass the check (see `rtrib check {seed}`): every slot \
         needs one reachable owner, and no slot may be open, before keys can be {writing}; \
         nothing was changed"
    )))
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
