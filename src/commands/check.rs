//! `rtrib check NODE`: read every node's own view and judge the cluster's health; with
//! `-o prometheus`, also every node's memory and replication figures, as metrics.

use std::time::Instant;

use crate::cli::CheckArgs;
use crate::cluster::metrics::{metrics, unreadable};
use crate::context::Context;
use crate::error::{Error, Result};
use crate::exit::Exit;
use crate::output::{CheckDocument, write_check_text};
use crate::steps::inspect::{Inspection, health_exit, read};
use crate::steps::metrics::{emit_metrics, wants_metrics};
use crate::steps::nodes::listed_or_discovered;

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
