//! `rtrib info NODE`: each master's keys, slots and replicas; with `-o prometheus`, the same
//! metrics as `check`.

use std::time::Instant;

use crate::cli::InfoArgs;
use crate::cluster::metrics::{metrics, unreadable};
use crate::commands::check::{emit_metrics, read, wants_metrics};
use crate::context::Context;
use crate::error::Result;
use crate::exit::Exit;
use crate::net::fetch::{FetchOptions, fetch_topology};
use crate::output::{InfoDocument, write_info_text};

/// Resolve the seed, fetch the topology, print the masters' table (or the metrics).
pub async fn run(context: &Context, args: &InfoArgs) -> Result<Exit> {
    let seed = context.resolve_node(&args.node).await?;
    if wants_metrics(context, args.textfile.as_deref())? {
        let started = Instant::now();
        let inspected = read(context, &seed, false, true).await;
        let families = match &inspected {
            Ok(i) => metrics(&i.topology, &i.report, &i.stats, started.elapsed()),
            Err(_) => unreadable(started.elapsed()),
        };
        emit_metrics(context, args.textfile.as_deref(), &families)?;
        inspected?;
        return Ok(Exit::Ok);
    }
    let topology = fetch_topology(&seed, &context.connect, FetchOptions::default()).await?;
    let output = &context.output;
    if output.is_json() {
        output.json(&InfoDocument::new(&topology))?;
    } else {
        output.text(|out, style| write_info_text(out, style, &topology))?;
    }
    Ok(Exit::Ok)
}
