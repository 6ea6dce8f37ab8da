//! `rtrib info NODE [--by MEASURE] [--by-slot] [--top N]`: resolve → fetch → read every
//! master's per-slot figures and memory → find the heaviest slots and a key of each → print
//! the masters' table, the skew pictures and redis-cli's totals.

use crate::cli::InfoArgs;
use crate::cluster::load::Measure;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::exit::Exit;
use crate::net::fetch::{FetchOptions, fetch_with_clients};
use crate::net::load::{LoadRequest, read_load, sample_keys};
use crate::output::{InfoDocument, InfoReport, write_info_text};

/// Runs `info`; see the module docs for the steps.
pub async fn run(context: &Context, args: &InfoArgs) -> Result<Exit> {
    let seed = context.resolve_node(&args.node).await?;
    let fetched = fetch_with_clients(&seed, &context.connect, FetchOptions::default()).await?;
    let request = LoadRequest {
        memory: args.by == Measure::Memory,
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
    let output = &context.output;
    if output.is_json() {
        output.json(&InfoDocument::new(&report))?;
    } else {
        output.text(|out, style| write_info_text(out, style, &report))?;
    }
    Ok(Exit::Ok)
}
