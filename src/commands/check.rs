//! `rtrib check NODE`: read every node's own view and judge the cluster's health.

use crate::cli::CheckArgs;
use crate::cluster::check::{CheckOptions, check};
use crate::cluster::check::{CheckReport, Topology};
use crate::cluster::endpoint::Endpoint;
use crate::commands::nodes::listed_or_discovered;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::exit::Exit;
use crate::net::fetch::{FetchOptions, fetch_topology};
use crate::output::{CheckDocument, write_check_text};
use serde_json::Value;

/// Resolve the seed, fetch the topology from every node, judge it, report.
/// Exits 0 when healthy and 1 when any problem was found.
pub async fn run(context: &Context, args: &CheckArgs) -> Result<Exit> {
    let (topology, report) = match &args.node {
        Some(node) => {
            let seed = context.resolve_node(node).await?;
            inspect(context, &seed, args.search_multiple_owners).await?
        }
        None => inspect_discovered(context, args).await?,
    };
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
) -> Result<(Topology, CheckReport)> {
    let candidates = listed_or_discovered(context, &[], &args.discovery).await?;
    let mut last_error = None;
    for candidate in &candidates {
        let seed = context.resolver.resolve(candidate).await?;
        match inspect(context, &seed, args.search_multiple_owners).await {
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

/// How a command that changed the cluster ends: the full check from `seed`, printed as text,
/// or, with `-o json`, the document `describe` builds from the fresh topology with the check
/// added as its `check` field. Returns the topology and the report for what the caller adds.
pub async fn conclude(
    context: &Context,
    seed: &Endpoint,
    describe: impl FnOnce(&Topology) -> Value,
) -> Result<(Topology, CheckReport)> {
    conclude_with(context, seed, false, describe).await
}

/// [`conclude`], optionally searching every master for keys in slots it does not serve.
pub async fn conclude_with(
    context: &Context,
    seed: &Endpoint,
    search_multiple_owners: bool,
    describe: impl FnOnce(&Topology) -> Value,
) -> Result<(Topology, CheckReport)> {
    let (topology, report) = inspect(context, seed, search_multiple_owners).await?;
    let output = &context.output;
    if output.is_json() {
        let mut document = describe(&topology);
        let check = serde_json::to_value(CheckDocument::new(&topology, &report))
            .map_err(std::io::Error::from)?;
        if let Value::Object(fields) = &mut document {
            fields.insert("check".to_string(), check);
        }
        output.json(&document)?;
    } else {
        output.text(|out, style| {
            write_check_text(out, style, &topology, &report, search_multiple_owners)
        })?;
    }
    Ok((topology, report))
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
