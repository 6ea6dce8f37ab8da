//! `rtrib call NODE COMMAND ARGS...`: fetch the topology → choose the nodes (all, masters or
//! replicas) → send the command to all of them concurrently → print each node's reply.
//! Unlike redis-cli, which always exits 0, a node that failed or could not be reached makes
//! the exit status 1. As in redis-cli, `-x` sends stdin as the last argument and `-X TAG` in
//! place of the argument TAG.

use std::io::Read;

use crate::cli::CallArgs;
use crate::cluster::topology::NodeReport;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::exit::Exit;
use crate::net::admin::send_to_each;
use crate::net::fetch::{FetchOptions, fetch_with_clients};
use crate::output::{CallDocument, NodeReply, write_call_text};

/// Runs `call`; see the module docs.
pub async fn run(context: &Context, args: &CallArgs) -> Result<Exit> {
    let words = command_words(args)?;
    let seed = context.resolve_node(&args.node).await?;
    let fetched = fetch_with_clients(&seed, &context.connect, FetchOptions::default()).await?;
    let shown: Vec<String> = words
        .iter()
        .map(|word| String::from_utf8_lossy(word).into_owned())
        .collect();
    let replies: Vec<NodeReply> = send_to_each(&fetched, |node| wanted(node, args), &words)
        .await
        .into_iter()
        .map(|(node, outcome)| NodeReply::new(node, outcome))
        .collect();

    let output = &context.output;
    if output.is_json() {
        output.json(&CallDocument::new(&shown, &replies))?;
    } else {
        output.text(|out, style| write_call_text(out, style, &shown, &replies))?;
    }
    Ok(if replies.iter().all(NodeReply::succeeded) {
        Exit::Ok
    } else {
        Exit::Problems
    })
}

/// The command's words as sent: as given, with stdin as the last word (`-x`) or in place of
/// the `-X` tag, as redis-cli reads it (all of it, unchanged).
fn command_words(args: &CallArgs) -> Result<Vec<Vec<u8>>> {
    let mut words: Vec<Vec<u8>> = args.command.iter().map(|w| w.as_bytes().to_vec()).collect();
    if !args.stdin_last && args.stdin_tag.is_none() {
        return Ok(words);
    }
    let mut stdin = Vec::new();
    std::io::stdin()
        .read_to_end(&mut stdin)
        .map_err(|error| Error::Usage(format!("cannot read stdin for -x/-X: {error}")))?;
    match &args.stdin_tag {
        None => words.push(stdin),
        Some(tag) => {
            let at = args.command.iter().position(|w| w == tag).ok_or_else(|| {
                Error::Usage(format!("-X {tag}: no argument of the command is {tag}"))
            })?;
            words[at] = stdin;
        }
    }
    Ok(words)
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
