//! Takes and holds the cluster-wide lease (its rules are [`crate::cluster::lease`]'s): a
//! connection of its own to every node, named with `CLIENT SETNAME` and its node's `CLIENT
//! LIST` read in the same round trip; judged, and read again while it must wait, until the
//! lease is held or lost; then renamed `held`, and a `PING` on each connection every
//! [`HEARTBEAT`] until the [`Lease`] is dropped, which closes them. Taking it costs the seed's
//! `CLUSTER NODES`, a connection to every node and one round trip on each.
//!
//! The connections live on a thread of their own, with a runtime of its own: the heartbeat
//! goes on while the command waits for an answer at the terminal or plans, so a live holder's
//! connections never look idle to a contender.
//!
//! A node that cannot be reached, or refuses `CLIENT SETNAME` or `CLIENT LIST` (an ACL user
//! without the `@connection` commands), is left out and reported: the lease is held on the
//! others.

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::thread::JoinHandle;
use std::time::{Duration, Instant, SystemTime};

use futures_util::future::join_all;
use tokio::sync::oneshot;

use crate::cluster::endpoint::Endpoint;
use crate::cluster::lease::{
    Holder, LeaseName, Sighting, Token, Verdict, judge, lease_nodes, sightings,
};
use crate::net::conn::{ConnectSettings, NodeClient, NodeError};

/// How often a holder sends `PING` on each lease connection (well under
/// [`crate::cluster::lease::STALE_AFTER`]).
pub const HEARTBEAT: Duration = Duration::from_secs(2);
/// How often `CLIENT LIST` is read again while waiting for contenders with higher tokens.
const POLL: Duration = Duration::from_millis(50);
/// How long to wait for them before losing.
const PATIENCE: Duration = Duration::from_secs(3);

/// Which nodes to take the lease on.
#[derive(Debug, Clone)]
pub enum Scope {
    /// Every node of the cluster as this node sees it (but failing and address-less ones).
    Cluster(Endpoint),
    /// These nodes (`create`, `heal`: the nodes given).
    Nodes(Vec<Endpoint>),
}

/// Why the lease was not taken.
#[derive(Debug)]
pub enum LeaseError {
    /// Another rtrib holds it, or goes first.
    Held(Box<Holder>),
    /// The seed could not be read.
    Node(NodeError),
    /// The lease's thread could not run.
    Thread(String),
}

impl From<NodeError> for LeaseError {
    fn from(error: NodeError) -> Self {
        LeaseError::Node(error)
    }
}

/// How taking the lease went.
#[derive(Debug)]
pub struct Report {
    /// The nodes it is held on.
    pub held_on: usize,
    /// The holder it went past (`--force-lease`).
    pub forced_past: Option<Holder>,
    /// Dead holders' connections, ignored and closed (`CLIENT KILL ID`).
    pub stale: Vec<Sighting>,
    /// The nodes it is not held on, and why.
    pub not_taken: Vec<(Endpoint, String)>,
    /// How long taking it took.
    pub took: Duration,
}

/// The lease, held until dropped.
pub struct Lease {
    release: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Drop for Lease {
    /// Releases the lease: the thread closes its connections and ends.
    fn drop(&mut self) {
        drop(self.release.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Takes the lease for `command` on `scope`'s nodes; with `force`, goes on past another
/// holder (the report names it). Returns once it is held, or refused.
pub async fn take(
    settings: &ConnectSettings,
    scope: Scope,
    command: &str,
    force: bool,
) -> Result<(Lease, Report), LeaseError> {
    let ours = LeaseName::new(new_token(), command, std::process::id(), &host_name());
    let (taken_tx, taken_rx) = oneshot::channel();
    let (release_tx, release_rx) = oneshot::channel();
    let settings = settings.clone();
    let thread = std::thread::Builder::new()
        .name("rtrib-lease".into())
        .spawn(move || {
            let runtime = match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(runtime) => runtime,
                Err(error) => {
                    let _ = taken_tx.send(Err(LeaseError::Thread(error.to_string())));
                    return;
                }
            };
            runtime.block_on(async move {
                match acquire(&settings, scope, &ours, force).await {
                    Ok((links, report)) => {
                        let stale = report.stale.clone();
                        if taken_tx.send(Ok(report)).is_ok() {
                            hold(links, &ours.held(), &stale, release_rx).await;
                        }
                    }
                    Err(error) => {
                        let _ = taken_tx.send(Err(error));
                    }
                }
            });
        })
        .map_err(|error| LeaseError::Thread(error.to_string()))?;
    let lease = Lease {
        release: Some(release_tx),
        thread: Some(thread),
    };
    match taken_rx.await {
        Ok(Ok(report)) => Ok((lease, report)),
        Ok(Err(error)) => Err(error),
        Err(_) => Err(LeaseError::Thread("the lease's thread stopped".into())),
    }
}

/// One lease connection.
struct Link {
    node: Endpoint,
    client: NodeClient,
}

/// Connects to the nodes, names each connection and reads its node's `CLIENT LIST` in one
/// round trip, then judges, reading again while it must wait, until the lease is held or lost.
/// On a node, the name is set before the list is read: that order, per node, is all the rules
/// need (see `cluster::lease`).
async fn acquire(
    settings: &ConnectSettings,
    scope: Scope,
    ours: &LeaseName,
    force: bool,
) -> Result<(Vec<Link>, Report), LeaseError> {
    let started = Instant::now();
    let mut not_taken = Vec::new();
    let (mut links, others) = match scope {
        Scope::Nodes(nodes) => (Vec::new(), nodes),
        Scope::Cluster(seed) => {
            let client = NodeClient::connect(&seed, settings).await?;
            let (view, _) = client.read_view().await?;
            (vec![Link { node: seed, client }], lease_nodes(&view))
        }
    };
    let connected = join_all(others.into_iter().map(|node| async move {
        let client = NodeClient::connect(&node, settings).await;
        (node, client)
    }))
    .await;
    for (node, client) in connected {
        match client {
            Ok(client) => links.push(Link { node, client }),
            Err(error) => not_taken.push((node, error.reason())),
        }
    }
    let deadline = Instant::now() + PATIENCE;
    let mut naming = Some(ours);
    loop {
        let (kept, seen) = read_lists(links, naming.take(), ours.token, &mut not_taken).await;
        links = kept;
        let judgement = judge(ours.token, &seen, Instant::now() < deadline);
        let forced_past = match judgement.verdict {
            Verdict::Wait => {
                tokio::time::sleep(POLL).await;
                continue;
            }
            Verdict::Lose(holder) if !force => return Err(LeaseError::Held(Box::new(holder))),
            Verdict::Lose(holder) => Some(holder),
            Verdict::Hold => None,
        };
        let report = Report {
            held_on: links.len(),
            forced_past,
            stale: judgement.stale,
            not_taken,
            took: started.elapsed(),
        };
        return Ok((links, report));
    }
}

/// Every node's `CLIENT LIST` (after naming the connection `naming`, in the same round trip,
/// when given), as the other contenders seen; connections that fail are left out, with the
/// reason.
async fn read_lists(
    links: Vec<Link>,
    naming: Option<&LeaseName>,
    ours: Token,
    not_taken: &mut Vec<(Endpoint, String)>,
) -> (Vec<Link>, Vec<Sighting>) {
    let mut pipe = redis::pipe();
    if let Some(name) = naming {
        pipe.cmd("CLIENT")
            .arg("SETNAME")
            .arg(name.client_name())
            .ignore();
    }
    pipe.cmd("CLIENT").arg("LIST").arg("TYPE").arg("normal");
    let listed = join_all(links.into_iter().map(|link| async {
        let text = link.client.pipeline::<(String,)>(&pipe).await;
        let seen = text.map(|(text,)| sightings(&link.node, &text, ours));
        (link, seen)
    }))
    .await;
    let mut seen = Vec::new();
    let mut kept = Vec::with_capacity(listed.len());
    for (link, found) in listed {
        match found {
            Ok(found) => {
                seen.extend(found);
                kept.push(link);
            }
            Err(error) => not_taken.push((link.node, error.reason())),
        }
    }
    (kept, seen)
}

/// Holds the lease until `release` (the [`Lease`] dropped): renames the connections `held`
/// and closes the dead holders' connections (both best effort: a contender judges a `want`
/// name the same way, only waits longer for it, and ignores a stale one anyway), then sends a
/// `PING` on every connection each [`HEARTBEAT`]. A connection that fails is reported once and
/// left; a `PING` not answered in time is only asked again.
async fn hold(
    mut links: Vec<Link>,
    held: &LeaseName,
    stale: &[Sighting],
    mut release: oneshot::Receiver<()>,
) {
    let mut rename = redis::cmd("CLIENT");
    rename.arg("SETNAME").arg(held.client_name());
    let renames = join_all(links.iter().map(|link| link.client.query::<()>(&rename)));
    let kills = join_all(stale.iter().filter_map(|sighting| {
        let link = links.iter().find(|l| l.node == sighting.node)?;
        let mut kill = redis::cmd("CLIENT");
        kill.arg("KILL").arg("ID").arg(sighting.client);
        Some(async move { link.client.query::<i64>(&kill).await })
    }));
    tokio::select! {
        _ = &mut release => return,
        _ = futures_util::future::join(renames, kills) => {}
    }
    let ping = redis::cmd("PING");
    loop {
        tokio::select! {
            _ = &mut release => return,
            () = tokio::time::sleep(HEARTBEAT) => {}
        }
        let pings = join_all(links.iter().map(|link| link.client.query::<String>(&ping)));
        let answers = tokio::select! {
            _ = &mut release => return,
            answers = pings => answers,
        };
        links = links
            .into_iter()
            .zip(answers)
            .filter_map(|(link, answer)| match answer {
                Ok(_) => Some(link),
                // A node busy for a while (loading a full sync as it turns replica) still has
                // the connection, and its name: asked again at the next beat.
                Err(error @ NodeError::Timeout { .. }) => {
                    tracing::debug!("the lease's heartbeat to {}: {}", link.node, error.reason());
                    Some(link)
                }
                Err(error) => {
                    tracing::warn!(
                        "the lease's connection to {} failed ({}): the lease is not held there \
                         any more",
                        link.node,
                        error.reason()
                    );
                    None
                }
            })
            .collect();
    }
}

/// A token no other contender draws: the standard library's per-process random hash keys,
/// over the process ID and the time.
fn new_token() -> Token {
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u32(std::process::id());
    let now = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |since| since.as_nanos());
    hasher.write_u128(now);
    Token::new(hasher.finish())
}

/// The name of the host rtrib runs on (a pod's name in Kubernetes).
fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .map(|name| name.trim().to_string())
        .filter(|name| !name.is_empty())
        .or_else(|| std::env::var("HOSTNAME").ok())
        .unwrap_or_default()
}
