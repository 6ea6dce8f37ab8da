//! Waiting, with a bound, until a change has reached every node: every reachable node's own
//! `CLUSTER NODES` agrees on slot owners, roles and members (`cluster::converge`), and, at the
//! end of a change that leaves every slot served, every master serving slots reports
//! `cluster_state:ok`.
//!
//! Every command that changes the cluster ends here before its final check, and the commands
//! that read a cluster before changing it wait here briefly first, so that gossip still in
//! flight from a previous change is neither judged as a problem nor built upon.
//!
//! Waiting is not only passive: a node that lags is told directly. Gossip brings a slot's new
//! owner to a replica within about a second (each node pings a few random peers per second);
//! a `CLUSTER MEET <lagging node>` sent to the owner makes it send its header — its slots,
//! config epoch and role — to that node at once, and the node adopts the claim as it would from
//! a ping. The MEET names a node both already know, so nothing else changes (the handshake
//! entry it creates is resolved by the first reply, a round trip later).
//!
//! A wait that lasts (more than `net::notice::GRACE`) is announced on stderr, with its bound
//! and the first disagreement: a cluster that will not agree (a slot its owner dropped, which
//! the others still list) is not ten seconds of silence.
//!
//! Nodes that refuse connections, or whose host accepts none at all, are left out of the
//! judgment (they are dead; the final check reports them). A node that accepts the connection
//! but does not answer (a frozen process) keeps the wait going and is named when the bound
//! passes.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use futures_util::future::join_all;

use crate::cluster::converge::{
    dropped_claims, every_slot_claimed, lags, stale_replica_markers, tellers,
};
use crate::cluster::endpoint::Endpoint;
use crate::cluster::slots::SlotSet;
use crate::cluster::view::{EntryPool, NodeEntry, NodeId, NodesView};
use crate::net::Secs;
use crate::net::conn::{ConnectSettings, NodeClient, NodeError};
use crate::net::form::WaitError;
use crate::net::notice::{Awaited, say, so_far};

/// How often the views are read while they disagree.
const POLL_INTERVAL: Duration = Duration::from_millis(25);
/// How often the same lagging node is told again by the same node.
const RETELL_INTERVAL: Duration = Duration::from_millis(300);
/// How long a slot may go unserved because its owner dropped its own claim before the owner
/// is told to claim it again: longer than any move's own `SETSLOT NODE` round trips.
const RECLAIM_AFTER: Duration = Duration::from_secs(1);
/// How often a master whose replicas keep markers it lost is told again to close the slots
/// (a replica still loading a full resync misses what its master sent before the sync began).
const RECLOSE_INTERVAL: Duration = Duration::from_secs(1);
/// Bound on the TCP probe that tells a silent node from a vanished host.
const PROBE_TIMEOUT: Duration = Duration::from_millis(500);
/// At most this many disagreements are listed when the bound passes.
const LISTED: usize = 12;

/// How a wait that ended well went.
#[derive(Debug, Clone, Copy, Default)]
pub struct Converged {
    /// From the call to the first poll in which every view agreed.
    pub waited: Duration,
    /// The nodes that answered in that poll.
    pub nodes: usize,
    /// The `CLUSTER MEET`s sent to lagging nodes' tellers.
    pub told: usize,
}

/// What one node said in one poll.
enum Reading {
    /// The node's view, and its `cluster_state` when it was asked.
    View(NodesView, Option<String>),
    /// Connected, but no answer in time: a frozen or overloaded node.
    Silent(String),
    /// Refused or broken: left out of the judgment.
    Gone,
}

/// Waits until every reachable node's own view agrees, telling lagging nodes directly, or
/// until `bound` passes: then the error names each node that still disagrees (or does not
/// answer) and about what. The nodes are those `seed` lists, re-read on every poll.
pub async fn wait_until_converged(
    seed: &Endpoint,
    settings: &ConnectSettings,
    bound: Duration,
) -> Result<Converged, WaitError> {
    wait(seed, settings, bound, false).await
}

/// [`wait_until_converged`] at the end of a change, which may also repair what the change's
/// gossip broke: an owner that dropped its own claim to slots nobody else claims is told to
/// claim them again (see `cluster::converge::dropped_claims`). Only a command that changes the
/// cluster (and holds its lease) waits this way; a read, a preview or a wait before a change
/// never writes. Once every slot is claimed by a master that answers, the wait also lasts
/// until every master serving slots reports `cluster_state:ok`: one that reports `fail` (in
/// its rejoin delay, or still flagging another master failing) refuses the clients sent to
/// it.
pub async fn wait_after_change(
    seed: &Endpoint,
    settings: &ConnectSettings,
    bound: Duration,
) -> Result<Converged, WaitError> {
    wait(seed, settings, bound, true).await
}

async fn wait(
    seed: &Endpoint,
    settings: &ConnectSettings,
    bound: Duration,
    after_change: bool,
) -> Result<Converged, WaitError> {
    let started = Instant::now();
    let deadline = started + bound;
    let mut nodes = Nodes::new(settings);
    let mut targets: Vec<Endpoint> = vec![seed.clone()];
    let mut told_at: HashMap<(NodeId, NodeId), Instant> = HashMap::new();
    let mut told = 0;
    let mut reclaimed_at: Option<Instant> = None;
    let mut closed_at: Option<Instant> = None;
    let mut awaited = Awaited::new("every node's view of the cluster to agree", bound);
    loop {
        let budget = deadline
            .saturating_duration_since(Instant::now())
            .max(POLL_INTERVAL);
        let readings = nodes.read(&targets, budget, after_change).await;
        let views: Vec<&NodesView> = readings
            .iter()
            .filter_map(|(_, reading)| match reading {
                Reading::View(view, _) => Some(view),
                _ => None,
            })
            .collect();
        let silent: Vec<String> = readings
            .iter()
            .filter_map(|(endpoint, reading)| match reading {
                Reading::Silent(why) => Some(format!("{endpoint} does not answer ({why})")),
                _ => None,
            })
            .collect();
        let found = lags(&views);
        let stale = match after_change {
            true => stale_replica_markers(&views),
            false => BTreeMap::new(),
        };
        // After a change, once every slot has a serving owner, its masters are to say so.
        let not_serving = match after_change && found.is_empty() && every_slot_claimed(&views) {
            true => masters_not_serving(&readings),
            false => Vec::new(),
        };
        let members = members_of(&views, seed);
        let all_read = members
            .iter()
            .all(|member| targets.iter().any(|t| t.addr == member.addr));
        if found.is_empty()
            && stale.is_empty()
            && not_serving.is_empty()
            && silent.is_empty()
            && all_read
        {
            tracing::debug!(after = %Secs(&started.elapsed()), told, "every view agrees");
            awaited.done();
            return Ok(Converged {
                waited: started.elapsed(),
                nodes: views.len(),
                told,
            });
        }
        let lagging = || {
            let names = Names::from_views(&views);
            let mut lagging: Vec<String> = silent.clone();
            lagging.extend(found.iter().map(|lag| lag.describe(&|id| names.name(id))));
            lagging.extend(not_serving.iter().cloned());
            lagging.extend(stale.iter().map(|(master, slots)| {
                format!(
                    "a replica of {} still shows slots {slots} open, which its master closed \
                     (its master's CLUSTER SETSLOT STABLE, replicated, clears it once the \
                     replica's replication link is up; a replica refuses SETSLOT itself)",
                    names.name(master)
                )
            }));
            lagging
        };
        if Instant::now() >= deadline {
            return Err(not_converged(started.elapsed(), lagging()));
        }
        awaited.not_yet(|| so_far(&lagging()));
        tracing::trace!(lags = found.len(), silent = silent.len(), "views disagree");
        let due: Vec<(NodeId, NodeId)> = tellers(&found)
            .into_iter()
            .filter(|pair| {
                told_at
                    .get(pair)
                    .is_none_or(|at| at.elapsed() >= RETELL_INTERVAL)
            })
            .collect();
        told += nodes.tell(&views, &due).await;
        if after_change
            && started.elapsed() >= RECLAIM_AFTER
            && reclaimed_at.is_none_or(|at| at.elapsed() >= RETELL_INTERVAL)
        {
            let dropped = dropped_claims(&views);
            if !dropped.is_empty() {
                let names = Names::from_views(&views);
                nodes.reclaim(&views, &dropped, &names).await;
                reclaimed_at = Some(Instant::now());
            }
        }
        if !stale.is_empty() && closed_at.is_none_or(|at| at.elapsed() >= RECLOSE_INTERVAL) {
            let names = Names::from_views(&views);
            nodes
                .close_for_replicas(&views, &stale, &names, closed_at.is_none())
                .await;
            closed_at = Some(Instant::now());
        }
        for pair in due {
            told_at.insert(pair, Instant::now());
        }
        targets = members;
        // Members not read yet (the first round reads the seed alone) are read at once: only
        // views that were all read and disagree wait for gossip.
        if all_read {
            tokio::time::sleep(POLL_INTERVAL).await;
        }
    }
}

/// The masters serving slots that do not report `cluster_state:ok`, each as a line for the
/// user. A replica's state is its health, which the final check reports: one that drops its
/// peers' pongs reports `fail` for as long as it does, whatever the change did.
fn masters_not_serving(readings: &[(Endpoint, Reading)]) -> Vec<String> {
    readings
        .iter()
        .filter_map(|(endpoint, reading)| match reading {
            Reading::View(view, Some(state))
                if state != "ok"
                    && view
                        .myself()
                        .is_some_and(|me| me.is_master() && !me.slots.is_empty()) =>
            {
                Some(format!(
                    "{endpoint} reports cluster_state:{state} (it refuses clients until ok)"
                ))
            }
            _ => None,
        })
        .collect()
}

fn not_converged(waited: Duration, mut lagging: Vec<String>) -> WaitError {
    let total = lagging.len();
    lagging.truncate(LISTED);
    if total > LISTED {
        lagging.push(format!("... and {} more", total - LISTED));
    }
    WaitError::NotConverged { waited, lagging }
}

/// The nodes to read next: every node with an address that a view lists (handshakes aside),
/// the seed first.
fn members_of(views: &[&NodesView], seed: &Endpoint) -> Vec<Endpoint> {
    let mut endpoints: Vec<Endpoint> = vec![seed.clone()];
    let mut listed: HashSet<SocketAddr> = HashSet::from([seed.addr]);
    for view in views {
        for entry in view
            .entries()
            .filter(|e| !e.flags.handshake && !e.flags.noaddr)
        {
            if let Some(addr) = entry.addr()
                && listed.insert(addr)
            {
                endpoints.push(Endpoint {
                    name: entry.hostname.clone(),
                    addr,
                });
            }
        }
    }
    endpoints
}

/// Node names for messages: `ip:port` (or `host (ip:port)`) by ID, from the views.
struct Names {
    by_id: HashMap<NodeId, String>,
}

impl Names {
    fn from_views(views: &[&NodesView]) -> Self {
        let mut by_id = HashMap::new();
        for entry in views.iter().flat_map(|v| v.entries()) {
            if by_id.contains_key(&entry.id) {
                continue;
            }
            if let Some(addr) = entry.addr() {
                let endpoint = Endpoint {
                    name: entry.hostname.clone(),
                    addr,
                };
                by_id.insert(entry.id.clone(), endpoint.to_string());
            }
        }
        Self { by_id }
    }

    fn name(&self, id: &NodeId) -> String {
        self.by_id
            .get(id)
            .cloned()
            .unwrap_or_else(|| format!("node {}", id.short()))
    }
}

/// The connections of one wait, kept across polls.
struct Nodes<'a> {
    settings: &'a ConnectSettings,
    clients: HashMap<SocketAddr, NodeClient>,
}

impl<'a> Nodes<'a> {
    fn new(settings: &'a ConnectSettings) -> Self {
        Self {
            settings,
            clients: HashMap::new(),
        }
    }

    /// Reads every target's view concurrently, each within `budget`, and its `cluster_state`
    /// too `with_state`.
    async fn read(
        &mut self,
        targets: &[Endpoint],
        budget: Duration,
        with_state: bool,
    ) -> Vec<(Endpoint, Reading)> {
        let settings = self.settings;
        let known = &self.clients;
        // One pool per poll: the views share their entries, and none outlives the poll.
        let pool = &EntryPool::default();
        let results = join_all(targets.iter().map(|endpoint| async move {
            let attempt = async {
                let client = match known.get(&endpoint.addr) {
                    Some(client) => client.clone(),
                    None => NodeClient::connect(endpoint, settings).await?,
                };
                let (view, state) = match with_state {
                    true => {
                        let (view, state) = client.read_view_and_state_in(pool).await?;
                        (view, Some(state))
                    }
                    false => (client.read_view_in(pool).await?.0, None),
                };
                Ok::<_, NodeError>((client, view, state))
            };
            let why = match tokio::time::timeout(budget, attempt).await {
                Ok(Ok((client, view, state))) => {
                    return (endpoint.clone(), Some(client), Reading::View(view, state));
                }
                Err(_) => format!("no reply within {}", Secs(&budget)),
                Ok(Err(error @ NodeError::Timeout { .. })) => error.reason(),
                Ok(Err(error)) => {
                    tracing::debug!("{error}: left out of the convergence wait");
                    return (endpoint.clone(), None, Reading::Gone);
                }
            };
            // A host that does not even accept a TCP connection is gone (a deleted pod's
            // address answers nothing); one that accepts it but stays silent is a frozen or
            // overloaded node, which the wait must not ignore.
            let reading = match accepts_connections(endpoint.addr).await {
                true => Reading::Silent(why),
                false => {
                    tracing::debug!("{endpoint}: {why}, and no TCP connection: left out");
                    Reading::Gone
                }
            };
            (endpoint.clone(), None, reading)
        }))
        .await;
        results
            .into_iter()
            .map(|(endpoint, client, reading)| {
                match client {
                    Some(client) => {
                        self.clients.insert(endpoint.addr, client);
                    }
                    None => {
                        self.clients.remove(&endpoint.addr);
                    }
                }
                (endpoint, reading)
            })
            .collect()
    }

    /// Has each teller send `CLUSTER MEET` to its lagging observer, at the address the teller
    /// itself knows it by; returns how many were sent. Failures only cost speed.
    async fn tell(&self, views: &[&NodesView], pairs: &[(NodeId, NodeId)]) -> usize {
        let own = |id: &NodeId| {
            views
                .iter()
                .find(|v| v.myself().is_some_and(|me| &me.id == id))
        };
        let sends = pairs.iter().filter_map(|(teller, observer)| {
            let teller_view = own(teller)?;
            let client = self.clients.get(&teller_view.myself()?.addr()?)?;
            let meet = meet_command(teller_view.get(observer)?)?;
            Some(async move {
                match client.query::<()>(&meet).await {
                    Ok(()) => true,
                    Err(error) => {
                        tracing::debug!("telling a lagging node: {error}");
                        false
                    }
                }
            })
        });
        join_all(sends)
            .await
            .into_iter()
            .filter(|sent| *sent)
            .count()
    }
}

impl Nodes<'_> {
    /// Has each owner in `dropped` claim its dropped slots again (`CLUSTER SETSLOT s NODE
    /// itself`, in one pipeline), saying so on stderr. No node claims those slots and every
    /// other node already lists the owner, so the claim takes no slot from anyone; without
    /// it they would stay unserved. Failures only leave the wait to report the lag.
    async fn reclaim(
        &self,
        views: &[&NodesView],
        dropped: &BTreeMap<NodeId, SlotSet>,
        names: &Names,
    ) {
        let tail = |owner: &NodeId| vec!["NODE".to_string(), owner.to_string()];
        let notice = |owner: &NodeId, slots: &SlotSet| {
            Some(format!(
                "{} had dropped its own claim to slots {slots}, which every other node lists \
                 as its own and no node serves (a race in the servers' gossip: redis/redis#12344, \
                 and on Redis 7.0.13-7.0.15 and 7.2.0-7.2.3 redis/redis#12564; any keys it held \
                 there were deleted when it dropped them): it claims them again",
                names.name(owner)
            ))
        };
        self.set_slots(views, dropped, tail, notice, "reclaiming dropped slots")
            .await;
    }

    /// Has each master of `stale` close its slots there again (`CLUSTER SETSLOT s STABLE`, in
    /// one pipeline), saying so on stderr the `first` time: the master has none of them open,
    /// so nothing changes on it, and the command, replicated, clears the markers its replicas
    /// kept (see `cluster::converge::stale_replica_markers`). Failures only leave the wait to
    /// report it.
    async fn close_for_replicas(
        &self,
        views: &[&NodesView],
        stale: &BTreeMap<NodeId, SlotSet>,
        names: &Names,
        first: bool,
    ) {
        let tail = |_: &NodeId| vec!["STABLE".to_string()];
        let notice = |master: &NodeId, slots: &SlotSet| {
            first.then(|| {
                format!(
                    "a replica of {} still shows slots {slots} open, which its master no \
                     longer has open (the master restarted without them): the master closes \
                     them again, and its replicas follow",
                    names.name(master)
                )
            })
        };
        self.set_slots(views, stale, tail, notice, "closing slots for replicas")
            .await;
    }

    /// Sends each node of `by_node`, over its connection of this wait, one pipeline of
    /// `CLUSTER SETSLOT <slot> <tail>` for its slots (`tail` of the node), after saying on
    /// stderr what `notice` gives; failures are logged at debug level as `doing`.
    async fn set_slots(
        &self,
        views: &[&NodesView],
        by_node: &BTreeMap<NodeId, SlotSet>,
        tail: impl Fn(&NodeId) -> Vec<String>,
        notice: impl Fn(&NodeId, &SlotSet) -> Option<String>,
        doing: &str,
    ) {
        let sends = by_node.iter().filter_map(|(node, slots)| {
            let own = views
                .iter()
                .find_map(|v| v.myself().filter(|me| &me.id == node))?;
            let client = self.clients.get(&own.addr()?)?;
            let tail = tail(node);
            let mut pipe = redis::pipe();
            for slot in slots.iter() {
                pipe.cmd("CLUSTER")
                    .arg("SETSLOT")
                    .arg(slot)
                    .arg(&tail)
                    .ignore();
            }
            if let Some(text) = notice(node, slots) {
                say(&text);
            }
            Some(async move {
                if let Err(error) = client.pipeline::<()>(&pipe).await {
                    tracing::debug!("{doing}: {error}");
                }
            })
        });
        join_all(sends).await;
    }
}

/// Whether something accepts a TCP connection at `addr` within [`PROBE_TIMEOUT`].
async fn accepts_connections(addr: SocketAddr) -> bool {
    matches!(
        tokio::time::timeout(PROBE_TIMEOUT, tokio::net::TcpStream::connect(addr)).await,
        Ok(Ok(_))
    )
}

/// `CLUSTER MEET ip port [bus-port]` for `entry`, as another node lists it.
pub(crate) fn meet_command(entry: &NodeEntry) -> Option<redis::Cmd> {
    let addr = entry.addr()?;
    let mut cmd = redis::cmd("CLUSTER");
    cmd.arg("MEET").arg(addr.ip().to_string()).arg(addr.port());
    if u32::from(entry.bus_port) != u32::from(addr.port()) + 10000 {
        cmd.arg(entry.bus_port);
    }
    Some(cmd)
}
