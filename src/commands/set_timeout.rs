//! `rtrib set-timeout NODE MILLISECONDS`: fetch the topology → `CONFIG SET
//! cluster-node-timeout` and `CONFIG REWRITE` on every node, concurrently → report each node.
//! Unlike redis-cli, a node that failed or could not be reached makes the exit status 1.

use crate::cli::SetTimeoutArgs;
use crate::context::Context;
use crate::error::Result;
use crate::exit::Exit;
use crate::net::admin::set_node_timeout;
use crate::net::fetch::{FetchOptions, fetch_with_clients};
use crate::output::{TimeoutResult, write_timeout_text};

/// CONFIG REWRITE's answer on a server started without a configuration file: the new value
/// is in force but cannot be persisted.
const NO_CONFIG_FILE: &str = "without a config file";

/// Runs `set-timeout`; see the module docs.
pub async fn run(context: &Context, args: &SetTimeoutArgs) -> Result<Exit> {
    let seed = context.resolve_node(&args.node).await?;
    let fetched = fetch_with_clients(&seed, &context.connect, FetchOptions::default()).await?;
    let results: Vec<TimeoutResult> = set_node_timeout(&fetched, args.milliseconds)
        .await
        .into_iter()
        .map(|(node, set, rewrite)| match (set, rewrite) {
            (Err(error), _) => TimeoutResult::failed(node, error),
            (Ok(()), Ok(())) => TimeoutResult::set(node, true),
            (Ok(()), Err(error)) if error.contains(NO_CONFIG_FILE) => {
                TimeoutResult::set(node, false)
            }
            (Ok(()), Err(error)) => {
                TimeoutResult::failed(node, format!("set, but CONFIG REWRITE failed: {error}"))
            }
        })
        .collect();

    let output = &context.output;
    if output.is_json() {
        output.json(&serde_json::json!({
            "milliseconds": args.milliseconds,
            "ok": results.iter().all(TimeoutResult::succeeded),
            "nodes": results,
        }))?;
    } else {
        output.text(|out, style| write_timeout_text(out, style, args.milliseconds, &results))?;
    }
    Ok(if results.iter().all(TimeoutResult::succeeded) {
        Exit::Ok
    } else {
        Exit::Problems
    })
}
