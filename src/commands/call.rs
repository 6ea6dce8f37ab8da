//! `rtrib call NODE COMMAND ARGS...`: fetch the topology → choose the nodes (all, masters or
//! replicas) → send the command to all of them concurrently → print each node's reply.
//! Unlike redis-cli, which always exits 0, a node that failed or could not be reached makes
//! the exit status 1.

use crate::cli::CallArgs;
use crate::cluster::check::NodeReport;
use crate::context::Context;
use crate::error::Result;
use crate::exit::Exit;
use crate::net::fetch::{FetchOptions, fetch_with_clients};
use crate::output::{CallDocument, NodeReply, write_call_text};

/// Runs `call`; see the module docs.
pub async fn run(context: &Context, args: &CallArgs) -> Result<Exit> {
    let seed = context.resolve_node(&args.node).await?;
    let fetched = fetch_with_clients(&seed, &context.connect, FetchOptions::default()).await?;
    let mut pipe = redis::pipe();
    pipe.cmd(&args.command[0]).arg(&args.command[1..]);
    let replies: Vec<NodeReply> = fetched
        .run_on::<(redis::Value,)>(|node| wanted(node, args), &pipe)
        .await
        .into_iter()
        .map(|(node, outcome)| NodeReply::new(node, outcome.map(|(value,)| value)))
        .collect();

    let output = &context.output;
    if output.is_json() {
        output.json(&CallDocument::new(&args.command, &replies))?;
    } else {
        output.text(|out, style| write_call_text(out, style, &args.command, &replies))?;
    }
    Ok(if replies.iter().all(NodeReply::succeeded) {
        Exit::Ok
    } else {
        Exit::Problems
    })
}

/// Whether `--only-masters` / `--only-replicas` keep this node.
fn wanted(node: &NodeReport, args: &CallArgs) -> bool {
    if args.only_masters {
        node.entry.is_master()
    } else if args.only_replicas {
        node.entry.is_replica()
    } else {
        true
    }
}
