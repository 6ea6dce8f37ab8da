//! `rtrib info NODE [--by MEASURE] [--by-slot] [--top N]`: resolve → fetch → read every
//! master's per-slot figures and memory → find the heaviest slots and a key of each → print
//! the masters' table, the skew pictures and redis-cli's totals. With `--summary` (what
//! `rtrib --cluster info` prints), redis-cli's lines only; with `-o prometheus`, the same
//! metrics as `check`.

use std::time::Instant;

use crate::cli::InfoArgs;
use crate::cluster::load::Measure;
use crate::cluster::metrics::{metrics, unreadable};
use crate::context::Context;
use crate::error::{Error, Result};
use crate::exit::Exit;
use crate::net::fetch::{FetchOptions, fetch_with_clients};
use crate::net::load::{LoadRequest, read_load, sample_keys};
use crate::output::{InfoDocument, InfoReport, write_info_text, write_master_summary};
use crate::steps::inspect::read;
use crate::steps::metrics::{emit_metrics, wants_metrics};

/// Runs `info`; see the module docs for the steps.
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
    let fetched = fetch_with_clients(&seed, &context.connect, FetchOptions::default()).await?;
    let output = &context.output;
    if args.summary && !output.is_json() {
        output.text(|out, style| write_master_summary(out, style, &fetched.topology))?;
        return Ok(Exit::Ok);
    }
    let request = LoadRequest {
        memory: args.by == Measure::Memory,
        trust_empty_masters: true,
    };
    let load = read_load(&fetched, request).await;
    let weights = load.weights(args.by).map_err(Error::Refused)?;
    let heaviest: Vec<_> = load
        .figures
        .weights(args.by.ranked_by())
        .map(|w| w.heaviest(args.top))
        .unwrap_or_default()
        .into_iter()
        .map(|(slot, _)| slot)
        .collect();
    let samples = sample_keys(&fetched, &heaviest).await;
    let report = InfoReport {
        topology: &fetched.topology,
        load: &load,
        weights: &weights,
        heaviest: heaviest.into_iter().zip(samples).collect(),
        by_slot: args.by_slot,
    };
    if output.is_json() {
        output.json(&InfoDocument::new(&report))?;
    } else {
        output.text(|out, style| write_info_text(out, style, &report))?;
    }
    Ok(Exit::Ok)
}
