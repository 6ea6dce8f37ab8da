//! Forming a cluster: slots, config epochs, MEETs, replicas — then waiting, bounded and
//! actively, until every node agrees the cluster is usable; and the reverse, making every node
//! forget one for good.
//!
//! Timing facts this module is built around (Redis 7, measured here):
//! - MEETs sent from every node to every other join 6 nodes in ~0.17 s; MEETs to one node
//!   only, relying on gossip, take ~1.7 s.
//! - A node learns another's new role only from a packet that node sends. Pings go out about
//!   once a second, so a replica's role spreads passively in seconds. A MEET from the replica
//!   to each other node carries its role at once: rtrib "announces" roles that way.
//! - A master reports `cluster_state:ok` no sooner than 2 s after it started, and no sooner
//!   than `min(cluster-node-timeout, 5 s)` (at least 0.5 s) after it received its slots: until
//!   then it counted itself in a minority (no master with slots reachable) and Redis holds a
//!   master in `fail` for that "rejoin delay" afterwards. With the default 15 s node timeout,
//!   a new cluster is usable about 5 s after its slots are assigned, whatever the tool.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::time::{Duration, Instant};

use futures_util::future::{join, join_all};
use redis::Cmd;

use crate::cluster::converge::{Lag, lags};
use crate::cluster::endpoint::Endpoint;
use crate::cluster::info::info_field;
use crate::cluster::meet::{MESH_LIMIT, TELL_PER_NODE, pace, strangers};
use crate::cluster::slots::SlotSet;
use crate::cluster::topology::NodeReport;
use crate::cluster::view::{EntryPool, NodeId, NodesView};
use crate::net::Secs;
use crate::net::conn::{ConnectSettings, NodeClient, NodeError};
use crate::net::notice::{Awaited, so_far};

/// How often the cluster is polled while waiting.
const POLL_INTERVAL: Duration = Duration::from_millis(20);
/// How often replicas re-announce their role while some node has not seen it yet.
const ANNOUNCE_INTERVAL: Duration = Duration::from_millis(500);
/// How often `CLUSTER FORGET` is repeated while some member still lists the forgotten node.
const FORGET_INTERVAL: Duration = Duration::from_millis(200);
/// Consecutive polls in which no member lists the forgotten node before it counts as gone.
const FORGOTTEN_POLLS: usize = 2;
/// Among many members, at most this many role announcements (MEETs to a node already known:
/// no new member, a packet carrying the sender's role) per member and round.
const ANNOUNCE_PER_NODE: usize = 64;
/// How often, while many members are not all ok yet, their views are read whole to announce
/// the roles and slots that lag.
const VIEWS_INTERVAL: Duration = Duration::from_secs(2);
/// How often, while many nodes join, those that lag are read whole and told whom to MEET.
const TELL_INTERVAL: Duration = Duration::from_secs(1);
/// Bound on the TCP probe of a bus port when diagnosing a join that does not complete.
const BUS_PROBE_TIMEOUT: Duration = Duration::from_secs(1);

/// A member of the cluster being formed: its connection, ID and bus port.
#[derive(Clone)]
pub struct Member {
    /// The open connection.
    pub client: NodeClient,
    /// The node's ID.
    pub id: NodeId,
    /// The cluster bus port (client port + 10000 unless `cluster-port` is set).
    pub bus_port: u16,
}

impl Member {
    fn endpoint(&self) -> &Endpoint {
        self.client.endpoint()
    }

    /// `CLUSTER MEET` for this member, as another node must send it: by IP, with the bus port
    /// when it is not the default port + 10000.
    fn meet_command(&self) -> Cmd {
        let addr = self.endpoint().addr;
        let mut cmd = redis::cmd("CLUSTER");
        cmd.arg("MEET").arg(addr.ip().to_string()).arg(addr.port());
        if u32::from(self.bus_port) != u32::from(addr.port()) + 10000 {
            cmd.arg(self.bus_port);
        }
        cmd
    }
}

/// A wait that ran out of time, with what was still missing and hints at the cause.
#[derive(Debug, thiserror::Error)]
pub enum WaitError {
    /// The nodes did not all come to know each other.
    #[error("{}", join_timeout_message(.waited, .missing, .bus_probes))]
    JoinTimeout {
        waited: Duration,
        missing: Vec<(Endpoint, Vec<Endpoint>)>,
        bus_probes: Vec<BusProbe>,
    },
    /// Some members still list a node they were told to forget.
    #[error(
        "node {id} was not forgotten within {}; these nodes still list it:\n  {}\n\
         hint: a node rtrib cannot reach that still knows it gossips it back; run the command \
         again once every node of the cluster answers",
        Secs(.waited), .known_by.join("\n  ")
    )]
    NotForgotten {
        id: NodeId,
        waited: Duration,
        known_by: Vec<String>,
    },
    /// The nodes joined, but the cluster did not become usable.
    #[error("the cluster did not become usable within {}:\n  {}", Secs(.waited), .pending.join("\n  "))]
    NotUsable {
        waited: Duration,
        pending: Vec<String>,
    },
    /// A change did not reach every node's view within the bound.
    #[error(
        "the nodes' views did not all agree within {}; the change is made, but these still \
         lag:\n  {}\nhint: `rtrib check` follows the cluster as it settles; a node that does \
         not answer may be frozen or overloaded",
        Secs(.waited), .lagging.join("\n  ")
    )]
    NotConverged {
        waited: Duration,
        lagging: Vec<String>,
    },
    /// A replica told to fail over did not become master in time.
    #[error(
        "{replica} did not take over from its master within {}; hint: a coordinated failover \
         is abandoned by the server after 5 s when the replica cannot catch up with its master \
         (its log says why); --force promotes it without the master's agreement",
        Secs(.waited)
    )]
    NotPromoted { replica: Endpoint, waited: Duration },
    /// Nodes were still not ready when `rtrib wait` gave up: each with what it lacked.
    #[error("gave up after {}, still waiting for:\n  {}", Secs(.waited), .waiting.join("\n  "))]
    NotReady {
        waited: Duration,
        waiting: Vec<String>,
    },
}

/// Whether rtrib itself could open a TCP connection to a node's cluster bus port.
#[derive(Debug)]
pub struct BusProbe {
    /// The node probed.
    pub node: Endpoint,
    /// Its bus port.
    pub bus_port: u16,
    /// `None` when the port accepted a connection, else why not.
    pub failure: Option<String>,
}

fn join_timeout_message(
    waited: &Duration,
    missing: &[(Endpoint, Vec<Endpoint>)],
    bus_probes: &[BusProbe],
) -> String {
    let mut text = format!("the nodes did not join within {}:", Secs(waited));
    for (node, unseen) in missing {
        let unseen: Vec<String> = unseen.iter().map(Endpoint::to_string).collect();
        text.push_str(&format!("\n  {node} does not see {}", unseen.join(", ")));
    }
    for probe in bus_probes {
        if let Some(failure) = &probe.failure {
            text.push_str(&format!(
                "\n  the cluster bus port {} of {} is not reachable from here: {failure}",
                probe.bus_port, probe.node
            ));
        }
    }
    text.push_str(
        "\nhint: every node must reach every other node's cluster bus port (the client port + 10000 \
         unless cluster-port is set). Nodes in containers or behind NAT need cluster-announce-ip \
         (and cluster-announce-bus-port) set to an address the other nodes can reach; \
         check firewalls between the nodes. Once fixed, run the same command again: it resumes \
         where it stopped.",
    );
    text
}

/// Connects to each of `nodes` concurrently; the first failure wins.
pub async fn connect_members<'a>(
    nodes: impl IntoIterator<Item = &'a NodeReport>,
    settings: &ConnectSettings,
) -> Result<Vec<Member>, NodeError> {
    join_all(nodes.into_iter().map(|node| async move {
        Ok(Member {
            client: NodeClient::connect(&node.endpoint, settings).await?,
            id: node.entry.id.clone(),
            bus_port: node.entry.bus_port,
        })
    }))
    .await
    .into_iter()
    .collect()
}

/// Runs `command` on every member concurrently; the first error wins.
async fn on_each<T, F>(members: &[&Member], command: F) -> Result<Vec<T>, NodeError>
where
    T: redis::FromRedisValue,
    F: Fn(&Member) -> redis::Pipeline,
{
    join_all(members.iter().map(|m| {
        let pipe = command(m);
        async move { m.client.pipeline::<T>(&pipe).await }
    }))
    .await
    .into_iter()
    .collect()
}

/// Assigns `slots` to the member with `CLUSTER ADDSLOTSRANGE` (`ADDSLOTS` on Redis < 7).
pub async fn add_slots(member: &Member, slots: &SlotSet) -> Result<(), NodeError> {
    let mut ranges = redis::cmd("CLUSTER");
    ranges.arg("ADDSLOTSRANGE");
    for (first, last) in slots.ranges() {
        ranges.arg(first).arg(last);
    }
    match member.client.query::<()>(&ranges).await {
        Err(NodeError::Command { detail, .. })
            if detail.to_lowercase().contains("unknown subcommand") =>
        {
            let mut each = redis::cmd("CLUSTER");
            each.arg("ADDSLOTS");
            for slot in slots.iter() {
                each.arg(slot);
            }
            member.client.query::<()>(&each).await
        }
        other => other,
    }
}

/// Gives a fresh node its config epoch. Errors are ignored, as redis-cli does: the epoch only
/// spares the cluster a collision to resolve.
pub async fn set_config_epoch(member: &Member, epoch: u64) {
    let mut cmd = redis::cmd("CLUSTER");
    cmd.arg("SET-CONFIG-EPOCH").arg(epoch);
    if let Err(error) = member.client.query::<()>(&cmd).await {
        tracing::debug!("{error}");
    }
}

/// Sends the MEETs `(from, to)`, each node's batch pipelined, all nodes concurrently.
pub async fn meet(members: &[Member], pairs: &[(usize, usize)]) -> Result<(), NodeError> {
    let mut batches: HashMap<usize, redis::Pipeline> = HashMap::new();
    for &(from, to) in pairs {
        batches
            .entry(from)
            .or_insert_with(redis::pipe)
            .add_command(members[to].meet_command())
            .ignore();
    }
    join_all(
        batches
            .iter()
            .map(|(&from, pipe)| members[from].client.pipeline::<()>(pipe)),
    )
    .await
    .into_iter()
    .collect()
}

/// Reads every member's `CLUSTER NODES` concurrently; a member that fails to answer gives
/// `None` (waits treat it as not ready yet).
async fn read_views(members: &[Member]) -> Vec<Option<(NodesView, String)>> {
    views_of(members.iter().map(|m| &m.client)).await
}

/// [`read_views`] over `clients`, parsed into one pool: the n views of n nodes share their
/// entries (n of them, not n²).
async fn views_of<'a>(
    clients: impl Iterator<Item = &'a NodeClient>,
) -> Vec<Option<(NodesView, String)>> {
    let pool = &EntryPool::default();
    join_all(clients.map(|client| async move {
        let mut pipe = redis::pipe();
        pipe.cmd("CLUSTER").arg("NODES").cmd("CLUSTER").arg("INFO");
        let (nodes, info): (String, String) = client.pipeline(&pipe).await.ok()?;
        Some((NodesView::parse_in(&nodes, pool).ok()?, info))
    }))
    .await
}

/// How often a wait polls `n` nodes: every 20 ms for a few, less often for many (2 ms per
/// node), so that the polls do not load the servers the wait is waiting for.
pub fn poll_interval(n: usize) -> Duration {
    if n <= MESH_LIMIT {
        POLL_INTERVAL
    } else {
        POLL_INTERVAL.max(Duration::from_millis(2 * n as u64))
    }
}

/// The nodes each of `indices` lists, handshakes left out (`None`: it did not answer), read
/// concurrently.
async fn known_ids(members: &[Member], indices: &[usize]) -> Vec<Option<HashSet<NodeId>>> {
    join_all(indices.iter().map(|&i| async move {
        let mut cmd = redis::cmd("CLUSTER");
        cmd.arg("NODES");
        let text: String = members[i].client.query(&cmd).await.ok()?;
        let view = NodesView::parse(&text).ok()?;
        Some(
            view.entries()
                .filter(|e| !e.flags.handshake)
                .map(|e| e.id.clone())
                .collect(),
        )
    }))
    .await
}

/// `cluster_known_nodes` of each of `indices` (`None`: it did not answer), read concurrently:
/// a few bytes where `CLUSTER NODES` is a line per node.
async fn known_counts(members: &[Member], indices: &[usize]) -> Vec<Option<usize>> {
    join_all(indices.iter().map(|&i| async move {
        let mut cmd = redis::cmd("CLUSTER");
        cmd.arg("INFO");
        let info: String = members[i].client.query(&cmd).await.ok()?;
        info_field(&info, "cluster_known_nodes")?.parse().ok()
    }))
    .await
}

/// Waits until every member knows every other (no handshake left), until `deadline`. On
/// timeout, says who does not see whom and probes the bus ports.
///
/// A few members are read whole every 20 ms. Many are polled less often (see
/// [`poll_interval`]), with `CLUSTER INFO` first: only a member that counts enough known
/// nodes is read whole, and a member found to know every other is not read again. Every
/// second, the members that still lag are read whole, and of two of them one of which does not
/// know the other, that one is told to MEET the other, a bounded number per member
/// (`cluster::meet`): gossip introduces most nodes to each other, this the ones it has not
/// reached yet.
pub async fn wait_for_join(
    members: &[Member],
    started: Instant,
    deadline: Instant,
) -> Result<(), WaitError> {
    let n = members.len();
    let mut awaited = Awaited::new("every node to know every other", deadline - started);
    let mut joined = vec![false; n];
    let mut last_tell = Instant::now();
    loop {
        let lagging: Vec<usize> = (0..n).filter(|&i| !joined[i]).collect();
        let timed_out = Instant::now() >= deadline;
        let tell = n > MESH_LIMIT && last_tell.elapsed() >= TELL_INTERVAL;
        let to_read: Vec<usize> = if n <= MESH_LIMIT || tell || timed_out {
            lagging.clone()
        } else {
            let counts = known_counts(members, &lagging).await;
            lagging
                .iter()
                .zip(counts)
                .filter(|(_, count)| count.is_some_and(|c| c >= n))
                .map(|(&i, _)| i)
                .collect()
        };
        let mut known: Vec<Option<HashSet<NodeId>>> = vec![None; n];
        for (&i, ids) in to_read.iter().zip(known_ids(members, &to_read).await) {
            joined[i] = ids.as_ref().is_some_and(|ids| {
                members
                    .iter()
                    .all(|other| other.id == members[i].id || ids.contains(&other.id))
            });
            known[i] = ids;
        }
        let unseen = |i: usize| -> Vec<Endpoint> {
            members
                .iter()
                .filter(|other| other.id != members[i].id)
                .filter(|other| !known[i].as_ref().is_some_and(|ids| ids.contains(&other.id)))
                .map(|other| other.endpoint().clone())
                .collect()
        };
        let still: Vec<usize> = (0..n).filter(|&i| !joined[i]).collect();
        if still.is_empty() {
            tracing::debug!(after = %Secs(&started.elapsed()), "every node knows every other");
            awaited.done();
            return Ok(());
        }
        if timed_out {
            return Err(WaitError::JoinTimeout {
                waited: started.elapsed(),
                missing: still
                    .iter()
                    .map(|&i| (members[i].endpoint().clone(), unseen(i)))
                    .collect(),
                bus_probes: probe_bus_ports(members).await,
            });
        }
        if tell {
            let answered = |i: usize| joined[i] || known[i].is_some();
            let knows = |i: usize, j: usize| {
                joined[i]
                    || known[i]
                        .as_ref()
                        .is_some_and(|ids| ids.contains(&members[j].id))
            };
            let meets = pace(&strangers(n, answered, knows), n, TELL_PER_NODE);
            tracing::debug!(
                count = meets.len(),
                "telling nodes to MEET the nodes they do not know"
            );
            if let Err(error) = meet(members, &meets).await {
                tracing::debug!("telling nodes to meet: {error}");
            }
            last_tell = Instant::now();
        }
        awaited.not_yet(|| {
            let first = still[0];
            let mut text = format!("so far {} node(s) do not know them all", still.len());
            if n <= MESH_LIMIT || known[first].is_some() {
                let count = unseen(first).len();
                text += &format!(": {} does not know {count}", members[first].endpoint());
            }
            text
        });
        tokio::time::sleep(poll_interval(n)).await;
    }
}

async fn probe_bus_ports(members: &[Member]) -> Vec<BusProbe> {
    join_all(members.iter().map(|m| async move {
        let target = (m.endpoint().addr.ip(), m.bus_port);
        let failure =
            match tokio::time::timeout(BUS_PROBE_TIMEOUT, tokio::net::TcpStream::connect(target))
                .await
            {
                Ok(Ok(_)) => None,
                Ok(Err(error)) => Some(error.to_string()),
                Err(_) => Some(format!("no answer within {}", Secs(&BUS_PROBE_TIMEOUT))),
            };
        BusProbe {
            node: m.endpoint().clone(),
            bus_port: m.bus_port,
            failure,
        }
    }))
    .await
}

/// Makes each member in `replicas` replicate the member given with it.
pub async fn replicate(members: &[Member], pairs: &[(usize, usize)]) -> Result<(), NodeError> {
    join_all(pairs.iter().map(|&(replica, master)| {
        let mut cmd = redis::cmd("CLUSTER");
        cmd.arg("REPLICATE").arg(members[master].id.as_str());
        let client = members[replica].client.clone();
        async move { client.query::<()>(&cmd).await }
    }))
    .await
    .into_iter()
    .collect()
}

/// Makes every member forget node `id` for good: `CLUSTER FORGET` on each member that still
/// lists it, repeated every 200 ms, until no member lists it in two consecutive polls.
///
/// FORGET removes the node from one member's table and blacklists its ID there for 60 s only;
/// gossip from a member that still knows it brings it back to the others (at once to a member
/// not told yet, after the 60 s to the others). So every member must forget it within the same
/// window, and they are polled until none lists it. A member that does not answer counts as
/// still listing it; one whose connection broke (a restarted node) is connected to again with
/// `settings`. A member's own master cannot be forgotten: re-point such replicas first.
pub async fn forget(
    members: &[Member],
    id: &NodeId,
    settings: &ConnectSettings,
    started: Instant,
    deadline: Instant,
) -> Result<(), WaitError> {
    let mut clients: Vec<NodeClient> = members.iter().map(|m| m.client.clone()).collect();
    let mut failures: HashMap<usize, String> = HashMap::new();
    let mut clean_polls = 0;
    let mut awaited = Awaited::new(format!("every node to forget {id}"), deadline - started);
    loop {
        let views = views_of(clients.iter()).await;
        let knowing: Vec<usize> = (0..members.len())
            .filter(|&i| {
                views[i]
                    .as_ref()
                    .is_none_or(|(view, _)| view.get(id).is_some())
            })
            .collect();
        if knowing.is_empty() {
            clean_polls += 1;
            if clean_polls >= FORGOTTEN_POLLS {
                awaited.done();
                return Ok(());
            }
        } else {
            clean_polls = 0;
            if Instant::now() >= deadline {
                let known_by = knowing
                    .iter()
                    .map(|&i| match failures.get(&i) {
                        Some(failure) => format!("{} ({failure})", members[i].endpoint()),
                        None => members[i].endpoint().to_string(),
                    })
                    .collect();
                return Err(WaitError::NotForgotten {
                    id: id.clone(),
                    waited: started.elapsed(),
                    known_by,
                });
            }
            awaited.not_yet(|| format!("so far {} node(s) still list it", knowing.len()));
            let mut cmd = redis::cmd("CLUSTER");
            cmd.arg("FORGET").arg(id.as_str());
            let replies = join_all(knowing.iter().map(|&i| clients[i].query::<()>(&cmd))).await;
            for (&i, reply) in knowing.iter().zip(replies) {
                match reply {
                    Ok(()) => {
                        failures.remove(&i);
                    }
                    Err(error) => {
                        if !matches!(error, NodeError::Command { .. })
                            && let Ok(client) =
                                NodeClient::connect(members[i].endpoint(), settings).await
                        {
                            clients[i] = client;
                        }
                        failures.insert(i, error.reason());
                    }
                }
            }
        }
        tokio::time::sleep(FORGET_INTERVAL).await;
    }
}

/// What "usable" means for the cluster being formed.
pub struct Expectation {
    /// Replica → master, as every node must see it (member numbers).
    pub replica_of: Vec<(usize, usize)>,
    /// Also wait until every replica has finished its first sync with its master.
    pub wait_sync: bool,
}

/// Waits until every member reports `cluster_state:ok`, all agree about the slots, and every
/// member sees each replica attached to its master. With `wait_sync`, also until every
/// replica's link to its master is up.
///
/// Each expected replica (just told to replicate) announces its role to every other member
/// at once: a MEET carries the sender's current role, so the others learn it at once instead
/// of at their next ping, which among many nodes comes seconds later. Among many members
/// these MEETs go in rounds every 500 ms, a bounded number per member and round
/// (`cluster::meet::pace`), until all are sent; once the views are read, the announcements
/// left are those of the roles and slots some member does not see yet. Many members are
/// polled less often (see [`poll_interval`]), with `CLUSTER INFO` only, their views read once
/// all of them report `cluster_state:ok`, or every 2 s to find what lags.
pub async fn wait_until_usable(
    members: &[Member],
    expectation: &Expectation,
    started: Instant,
    deadline: Instant,
) -> Result<(), WaitError> {
    let n = members.len();
    let roles: Vec<(usize, usize)> = expectation
        .replica_of
        .iter()
        .flat_map(|&(replica, _)| {
            (0..n)
                .filter(move |&observer| observer != replica)
                .map(move |observer| (replica, observer))
        })
        .collect();
    // The replicas' roles go out in rounds of their own: a poll of many busy members can take
    // longer than a round's interval.
    let (_, usable) = join(
        announce(members, roles),
        poll_until_usable(members, expectation, started, deadline),
    )
    .await;
    usable
}

/// Sends the MEETs `pairs` `(from, to)`, each announcing `from`'s role and slots to a member
/// that already knows it (a MEET carries the sender's current configuration, a handshake to a
/// node already known changes nothing else), paced: a round every 500 ms, a bounded number
/// per member and round among many, until all are sent. Errors are logged only: an
/// announcement is a shortcut, the waits judge what the members see.
pub async fn announce(members: &[Member], mut pairs: Vec<(usize, usize)>) {
    loop {
        announce_round(members, &mut pairs).await;
        if pairs.is_empty() {
            return;
        }
        tokio::time::sleep(ANNOUNCE_INTERVAL).await;
    }
}

/// One round of [`announce`]: sends the paced part of `pairs` and leaves the rest.
async fn announce_round(members: &[Member], pairs: &mut Vec<(usize, usize)>) {
    let meets = pace(pairs, members.len(), ANNOUNCE_PER_NODE);
    if let Err(error) = meet(members, &meets).await {
        tracing::debug!("announcing: {error}");
    }
    let sent: HashSet<(usize, usize)> = meets.into_iter().collect();
    pairs.retain(|pair| !sent.contains(pair));
}

/// [`wait_until_usable`]'s polls; the roles and slots the views show lagging are announced
/// again every 500 ms until the next read.
async fn poll_until_usable(
    members: &[Member],
    expectation: &Expectation,
    started: Instant,
    deadline: Instant,
) -> Result<(), WaitError> {
    let n = members.len();
    let mut unannounced: Vec<(usize, usize)> = Vec::new();
    let mut last_announce = Instant::now();
    let mut awaited = Awaited::new("the cluster to become usable", deadline - started);
    let mut last_read = Instant::now();
    loop {
        if !unannounced.is_empty() && last_announce.elapsed() >= ANNOUNCE_INTERVAL {
            announce_round(members, &mut unannounced).await;
            last_announce = Instant::now();
        }
        let not_ok = if n > MESH_LIMIT && last_read.elapsed() < VIEWS_INTERVAL {
            not_ok(members).await
        } else {
            Vec::new()
        };
        let mut pending = if not_ok.is_empty() {
            last_read = Instant::now();
            let (pending, lagging) =
                usability_gaps(members, &read_views(members).await, expectation);
            unannounced = lagging;
            pending
        } else {
            not_ok
        };
        if pending.is_empty() && expectation.wait_sync {
            pending = unsynced_replicas(members, expectation).await;
        }
        if pending.is_empty() {
            tracing::debug!(after = %Secs(&started.elapsed()), "the cluster is usable");
            awaited.done();
            return Ok(());
        }
        tracing::debug!(count = pending.len(), first = pending[0], "not usable yet");
        tracing::trace!(?pending, "not usable yet");
        if Instant::now() >= deadline {
            return Err(WaitError::NotUsable {
                waited: started.elapsed(),
                pending,
            });
        }
        awaited.not_yet(|| so_far(&pending));
        tokio::time::sleep(poll_interval(n)).await;
    }
}

/// The members that do not answer `CLUSTER INFO` or do not report `cluster_state:ok`: a few
/// bytes each, read before the views of many members (a line per node each).
async fn not_ok(members: &[Member]) -> Vec<String> {
    let infos = join_all(members.iter().map(|m| async move {
        let mut cmd = redis::cmd("CLUSTER");
        cmd.arg("INFO");
        m.client.query::<String>(&cmd).await.ok()
    }))
    .await;
    members
        .iter()
        .zip(infos)
        .filter_map(|(member, info)| match info {
            None => Some(format!("{} does not answer", member.endpoint())),
            Some(info) => match info_field(&info, "cluster_state").unwrap_or("unknown") {
                "ok" => None,
                state => Some(format!(
                    "{} reports cluster_state:{state}",
                    member.endpoint()
                )),
            },
        })
        .collect()
}

/// What keeps the cluster from being usable, and the MEETs `(node, observer)` that announce
/// a node's role or slots to an observer that does not see them yet (a replica not seen
/// attached to its master, a node whose role some observer has wrong, a master whose slots
/// some observer sees elsewhere or unassigned).
fn usability_gaps(
    members: &[Member],
    views: &[Option<(NodesView, String)>],
    expectation: &Expectation,
) -> (Vec<String>, Vec<(usize, usize)>) {
    let mut pending = Vec::new();
    let mut unseen_roles = Vec::new();
    let mut listed = HashSet::new();
    let mut announce = |node: usize, observer: usize| {
        if node != observer && listed.insert((node, observer)) {
            unseen_roles.push((node, observer));
        }
    };
    for (observer, (member, view)) in members.iter().zip(views).enumerate() {
        let Some((view, info)) = view else {
            pending.push(format!("{} does not answer", member.endpoint()));
            continue;
        };
        let state = info_field(info, "cluster_state").unwrap_or("unknown");
        if state != "ok" {
            pending.push(format!(
                "{} reports cluster_state:{state}",
                member.endpoint()
            ));
        }
        for &(replica, master) in &expectation.replica_of {
            let seen = view
                .get(&members[replica].id)
                .and_then(|e| e.master_id.as_ref())
                == Some(&members[master].id);
            if !seen {
                pending.push(format!(
                    "{} does not yet see {} as a replica of {}",
                    member.endpoint(),
                    members[replica].endpoint(),
                    members[master].endpoint()
                ));
                announce(replica, observer);
            }
        }
    }
    // Slots, roles, members and handshakes, as every command's final wait judges them. A node
    // that joined recently knows an older replica's master only once that replica has sent
    // it a packet, so such a replica announces itself again.
    let answered: Vec<&NodesView> = views.iter().flatten().map(|(view, _)| view).collect();
    let index: HashMap<&NodeId, usize> = members
        .iter()
        .enumerate()
        .map(|(i, m)| (&m.id, i))
        .collect();
    let name = |id: &NodeId| match index.get(id) {
        Some(&i) => members[i].endpoint().to_string(),
        None => id.short().to_string(),
    };
    for lag in lags(&answered) {
        // A master's slots, like a node's role, reach a node only in a packet from that node.
        let told = match &lag {
            Lag::Role { observer, node, .. } => Some((node, observer)),
            Lag::Slots {
                observer,
                owner: Some(owner),
                ..
            } => Some((owner, observer)),
            _ => None,
        };
        if let Some((node, observer)) = told
            && let (Some(&node), Some(&observer)) = (index.get(node), index.get(observer))
        {
            announce(node, observer);
        }
        pending.push(lag.describe(&name));
    }
    (pending, unseen_roles)
}

async fn unsynced_replicas(members: &[Member], expectation: &Expectation) -> Vec<String> {
    let replicas: Vec<&Member> = expectation
        .replica_of
        .iter()
        .map(|&(r, _)| &members[r])
        .collect();
    let infos: Result<Vec<String>, NodeError> = on_each(&replicas, |_| {
        let mut pipe = redis::pipe();
        pipe.cmd("INFO").arg("replication");
        pipe
    })
    .await
    .map(|replies: Vec<(String,)>| replies.into_iter().map(|(info,)| info).collect());
    match infos {
        Err(error) => vec![error.to_string()],
        Ok(infos) => replicas
            .iter()
            .zip(infos)
            .filter(|(_, info)| info_field(info, "master_link_status") != Some("up"))
            .map(|(replica, _)| format!("{} has not finished its first sync", replica.endpoint()))
            .collect(),
    }
}

impl fmt::Debug for Member {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.id, self.endpoint())
    }
}
