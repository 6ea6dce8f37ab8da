//! `rtrib check NODE`: read every node's own view and judge the cluster's health.

use crate::cli::CheckArgs;
use crate::cluster::check::{CheckOptions, check};
use crate::cluster::check::{CheckReport, Topology};
use crate::cluster::endpoint::Endpoint;
use crate::context::Context;
use crate::error::Result;
use crate::exit::Exit;
use crate::net::fetch::{FetchOptions, fetch_topology};
use crate::output::{CheckDocument, write_check_text};

/// Resolve the seed, fetch the topology from every node, judge it, report.
/// Exits 0 when healthy and 1 when any problem was found.
pub async fn run(context: &Context, args: &CheckArgs) -> Result<Exit> {
    let seed = context.resolve_node(&args.node).await?;
    let (topology, report) = inspect(context, &seed, args.search_multiple_owners).await?;
    let output = &context.output;
    if output.is_json() {
        output.json(&CheckDocument::new(&topology, &report))?;
    } else {
        output.text(|out, style| {
            write_check_text(out, style, &topology, &report, args.search_multiple_owners)
        })?;
    }
    Ok(if report.is_healthy() {
        Exit::Ok
    } else {
        Exit::Problems
    })
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
