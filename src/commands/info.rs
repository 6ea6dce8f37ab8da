//! `rtrib info NODE`: each master's keys, slots and replicas.

use crate::cli::InfoArgs;
use crate::context::Context;
use crate::error::Result;
use crate::exit::Exit;
use crate::net::fetch::{FetchOptions, fetch_topology};
use crate::output::{InfoDocument, write_info_text};

/// Resolve the seed, fetch the topology, print the masters' table.
pub async fn run(context: &Context, args: &InfoArgs) -> Result<Exit> {
    let seed = context.resolve_node(&args.node).await?;
    let topology = fetch_topology(&seed, &context.connect, FetchOptions::default()).await?;
    let output = &context.output;
    if output.is_json() {
        output.json(&InfoDocument::new(&topology))?;
    } else {
        output.text(|out, style| write_info_text(out, style, &topology))?;
    }
    Ok(Exit::Ok)
}
