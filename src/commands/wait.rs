//! `rtrib wait NODE...`: for init jobs that start before their pods do. Every node is polled
//! on its own, concurrently: resolve its name (pods appear in DNS late) → connect → `PING` and
//! `CLUSTER INFO` in one round trip, until it answers and is cluster-enabled (`--for ready`),
//! or also reports `cluster_state:ok` (`--for cluster-ok`). Bounded by `--timeout` (exit 4,
//! naming every node still waited for and why).

use std::time::{Duration, Instant};

use futures_util::future::join_all;
use serde::Serialize;
use serde_json::json;
use tokio::time::timeout;

use crate::cli::{WaitArgs, WaitFor};
use crate::cluster::endpoint::Endpoint;
use crate::cluster::info::info_field;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::exit::Exit;
use crate::net::Secs;
use crate::net::addr::NodeAddr;
use crate::net::admin::ping_and_cluster_info;
use crate::net::conn::NodeClient;
use crate::net::form::WaitError;
use crate::net::resolve::ResolveError;
use crate::steps::nodes::parse_nodes;

/// Pause between two attempts on the same node.
const POLL_INTERVAL: Duration = Duration::from_millis(50);

/// How the wait for one node ended.
#[derive(Debug, Serialize)]
struct NodeWait {
    /// The NODE as given.
    node: String,
    /// Where it was last found, once its name resolved.
    endpoint: Option<Endpoint>,
    /// Whether it got there.
    ready: bool,
    /// What it still lacked when the wait ended (`None` when ready).
    waiting_for: Option<String>,
    /// When it got there, in milliseconds since the start.
    ready_after_ms: Option<u128>,
}

/// Runs `wait`; see the module docs.
pub async fn run(context: &Context, args: &WaitArgs) -> Result<Exit> {
    let addrs = parse_nodes(&args.nodes)?;
    let started = Instant::now();
    let deadline = started + args.timeout;
    let waits =
        join_all(args.nodes.iter().zip(&addrs).map(|(text, addr)| {
            wait_for_node(context, text, addr, args.wait_for, started, deadline)
        }))
        .await;
    let waited = started.elapsed();
    let all_ready = waits.iter().all(|w| w.ready);
    let (goal, wanted) = match args.wait_for {
        WaitFor::Ready => ("are ready", "ready"),
        WaitFor::ClusterOk => ("report cluster_state:ok", "cluster-ok"),
    };
    let output = &context.output;
    if output.is_json() {
        output.json(&json!({
            "outcome": if all_ready { "ready" } else { "timeout" },
            "for": wanted,
            "waited_ms": waited.as_millis(),
            "nodes": waits,
        }))?;
        return Ok(if all_ready { Exit::Ok } else { Exit::Timeout });
    }
    if !all_ready {
        return Err(Error::Wait(WaitError::NotReady {
            waited,
            waiting: waits
                .iter()
                .filter(|w| !w.ready)
                .map(|w| {
                    let node = w
                        .endpoint
                        .as_ref()
                        .map_or(w.node.clone(), Endpoint::to_string);
                    format!("{node}: {}", w.waiting_for.as_deref().unwrap_or("unknown"))
                })
                .collect(),
        }));
    }
    output.line(&output.style().ok(&format!(
        "All {} node(s) {goal} (waited {}).",
        waits.len(),
        Secs(&waited)
    )))?;
    Ok(Exit::Ok)
}

/// Polls one node until it is there or the deadline passes; prints a line whenever what it
/// lacks changes, and when it gets there.
async fn wait_for_node(
    context: &Context,
    text: &str,
    addr: &NodeAddr,
    wait_for: WaitFor,
    started: Instant,
    deadline: Instant,
) -> NodeWait {
    let output = &context.output;
    let mut endpoint: Option<Endpoint> = None;
    let mut lacking: Option<String> = None;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        let attempt = timeout(left, probe(context, addr, wait_for, &mut endpoint)).await;
        let name = endpoint
            .as_ref()
            .map_or(text.to_string(), Endpoint::to_string);
        let reason = match attempt {
            Ok(Ok(())) => {
                let done = match wait_for {
                    WaitFor::Ready => "is ready",
                    WaitFor::ClusterOk => "reports cluster_state:ok",
                };
                // A progress line lost to a closed stdout is reported by the final one.
                let _ = output.line(&format!("{name} {done}"));
                return NodeWait {
                    node: text.to_string(),
                    endpoint,
                    ready: true,
                    waiting_for: None,
                    ready_after_ms: Some(started.elapsed().as_millis()),
                };
            }
            Ok(Err(reason)) => reason,
            Err(_) if endpoint.is_none() => "its name does not resolve yet".to_string(),
            Err(_) => lacking
                .clone()
                .unwrap_or_else(|| "it did not answer in time".to_string()),
        };
        if lacking.as_ref() != Some(&reason) {
            let _ = output.line(&format!("{name}: {reason}"));
            lacking = Some(reason);
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return NodeWait {
                node: text.to_string(),
                endpoint,
                ready: false,
                waiting_for: lacking,
                ready_after_ms: None,
            };
        }
        tokio::time::sleep(POLL_INTERVAL.min(left)).await;
    }
}

/// One attempt: resolve (the resolver retries a missing name itself), connect, `PING` and
/// `CLUSTER INFO`. `Err` says what the node still lacks.
async fn probe(
    context: &Context,
    addr: &NodeAddr,
    wait_for: WaitFor,
    endpoint: &mut Option<Endpoint>,
) -> Result<(), String> {
    let resolved = context.resolver.resolve(addr).await.map_err(|e| match e {
        ResolveError::NeverResolved { last_error, .. } => {
            format!("its name does not resolve ({last_error})")
        }
        other => other.to_string(),
    })?;
    *endpoint = Some(resolved.clone());
    let client = NodeClient::connect(&resolved, &context.connect)
        .await
        .map_err(|e| e.reason())?;
    let info = ping_and_cluster_info(&client)
        .await
        .map_err(|e| e.reason())?;
    match (wait_for, info_field(&info, "cluster_state")) {
        (WaitFor::Ready, _) | (WaitFor::ClusterOk, Some("ok")) => Ok(()),
        (WaitFor::ClusterOk, state) => Err(format!(
            "it reports cluster_state:{}",
            state.unwrap_or("unknown")
        )),
    }
}
