//! Healing a cluster after restarts gave nodes new addresses, shared by `heal` and
//! `reconcile`: which nodes to MEET, and the bounded wait until every node knows every other
//! at its new address (forgetting the stale entries).

use crate::cluster::create::NodeSnapshot;
use crate::cluster::heal::{Gap, Ghost, Sighting, gaps};
use crate::cluster::info::info_field;
use crate::cluster::meet::{PER_NODE, pace};
use crate::cluster::view::{NodeId, NodesView};
use crate::error::Result;
use crate::net::admin::{forget, nodes_cluster_info_and_replication};
use crate::net::form::{self, Member, WaitError};
use crate::net::notice::{Awaited, so_far};
use futures_util::future::join_all;
use std::net::IpAddr;
use std::time::{Duration, Instant};

/// How often MEETs still needed and REPLICATEs of replicas pointing at a stale master are
/// sent again while waiting (a MEET whose handshake timed out is simply repeated).
const RETRY_INTERVAL: Duration = Duration::from_secs(1);

/// The MEETs that cure `sightings` among `n` nodes, this round: all of them among a few
/// nodes, a bounded number per node among many (`cluster::meet::pace`; the others wait for
/// the next round, and gossip cures many of them meanwhile).
pub fn meet_pairs(sightings: &[Sighting], n: usize) -> Vec<(usize, usize)> {
    let wanted: Vec<(usize, usize)> = sightings.iter().map(|s| (s.observer, s.target)).collect();
    pace(&wanted, n, PER_NODE)
}

/// What one node says while `heal` waits.
struct Observation {
    snapshot: NodeSnapshot,
    cluster_info: String,
    replication: String,
}

/// Reads every member's `CLUSTER NODES`, `CLUSTER INFO` and `INFO replication` in one round
/// trip each, concurrently; a member that does not answer gives `None`.
async fn observe(members: &[Member]) -> Vec<Option<Observation>> {
    join_all(members.iter().map(|m| async move {
        let (nodes, cluster_info, replication) =
            nodes_cluster_info_and_replication(&m.client).await.ok()?;
        Some(Observation {
            snapshot: NodeSnapshot {
                endpoint: m.client.endpoint().clone(),
                view: NodesView::parse(&nodes).ok()?,
                keys: 0,
            },
            cluster_info,
            replication,
        })
    }))
    .await
}

/// Waits until no gap is left (every node sees every other at its current address, no
/// handshake in progress, nobody flagged failing), every node with all slots assigned reports
/// `cluster_state:ok`, and every replica's link to its master is up.
///
/// While waiting, MEETs still needed are repeated, and a replica whose link stays down while
/// pointing at its master's old address is told `CLUSTER REPLICATE` again, each at most once
/// per [`RETRY_INTERVAL`].
pub async fn wait_until_healed(
    members: &[Member],
    started: Instant,
    deadline: Instant,
) -> Result<(), WaitError> {
    let mut last_retry = Instant::now();
    let mut awaited = Awaited::new(
        "every node to see every other at its current address",
        deadline - started,
    );
    loop {
        let observations = observe(members).await;
        let mut pending = Vec::new();
        let mut retry_meets = Vec::new();
        let mut retry_replicas = Vec::new();
        let answered: Vec<NodeSnapshot> = members
            .iter()
            .zip(&observations)
            .map(|(member, observation)| match observation {
                Some(o) => o.snapshot.clone(),
                None => {
                    pending.push(format!("{} does not answer", member.client.endpoint()));
                    NodeSnapshot {
                        endpoint: member.client.endpoint().clone(),
                        view: NodesView::default(),
                        keys: 0,
                    }
                }
            })
            .collect();
        for gap in gaps(&answered) {
            if let Gap::Stale(sighting) = &gap {
                retry_meets.push(sighting.clone());
            }
            pending.push(describe_gap(members, &gap));
        }
        for (index, observation) in observations.iter().enumerate() {
            let Some(o) = observation else { continue };
            let endpoint = members[index].client.endpoint();
            let slots_assigned = info_field(&o.cluster_info, "cluster_slots_assigned");
            let state = info_field(&o.cluster_info, "cluster_state").unwrap_or("unknown");
            if slots_assigned == Some("16384") && state != "ok" {
                pending.push(format!("{endpoint} reports cluster_state:{state}"));
            }
            if let Some(link) = replica_link(members, o) {
                if !link.up {
                    pending.push(format!(
                        "{endpoint}: the replication link to its master is down"
                    ));
                    if link.stale {
                        retry_replicas.push((index, link.master));
                    }
                }
            }
        }
        if pending.is_empty() {
            awaited.done();
            return Ok(());
        }
        if Instant::now() >= deadline {
            return Err(WaitError::NotUsable {
                waited: started.elapsed(),
                pending,
            });
        }
        awaited.not_yet(|| so_far(&pending));
        if last_retry.elapsed() >= RETRY_INTERVAL {
            let meets = meet_pairs(&retry_meets, members.len());
            if let Err(error) = form::meet(members, &meets).await {
                tracing::debug!("repeating MEETs: {error}");
            }
            if let Err(error) = form::replicate(members, &retry_replicas).await {
                tracing::debug!("repeating REPLICATE: {error}");
            }
            last_retry = Instant::now();
        }
        tokio::time::sleep(form::poll_interval(members.len())).await;
    }
}

/// A replica's link to its master, as its `INFO replication` tells.
struct ReplicaLink {
    /// The master, as a member number.
    master: usize,
    /// `master_link_status:up`.
    up: bool,
    /// The replica replicates from an address that is not its master's current one, and is
    /// not in the middle of a sync.
    stale: bool,
}

/// The link of a member that is a replica of another member; `None` for masters and for
/// replicas of nodes not given.
fn replica_link(members: &[Member], observation: &Observation) -> Option<ReplicaLink> {
    let me = observation.snapshot.view.myself()?;
    let master_id = me.master_id.as_ref().filter(|_| me.is_replica())?;
    let master = members.iter().position(|m| &m.id == master_id)?;
    let info = &observation.replication;
    let up = info_field(info, "master_link_status") == Some("up");
    let host: Option<IpAddr> = info_field(info, "master_host").and_then(|h| h.parse().ok());
    let port: Option<u16> = info_field(info, "master_port").and_then(|p| p.parse().ok());
    let current = members[master].client.endpoint().addr;
    let syncing = info_field(info, "master_sync_in_progress") == Some("1");
    let stale = !syncing && (host != Some(current.ip()) || port != Some(current.port()));
    Some(ReplicaLink { master, up, stale })
}

fn describe_gap(members: &[Member], gap: &Gap) -> String {
    let at = |i: usize| members[i].client.endpoint();
    match gap {
        Gap::Stale(s) => match s.seen_at {
            Some(seen) => format!(
                "{} sees {} at {seen}, not at its current address",
                at(s.observer),
                at(s.target)
            ),
            None => format!("{} does not see {}", at(s.observer), at(s.target)),
        },
        Gap::Handshake { observer, addr } => {
            format!(
                "{} still has a handshake with {addr} in progress",
                at(*observer)
            )
        }
        Gap::Failing { observer, target } => {
            format!("{} flags {} as failing", at(*observer), at(*target))
        }
    }
}

/// `CLUSTER FORGET`s every ghost on every member that lists it, until none does. Redis
/// blacklists a forgotten ID for 60 s only, so a node that still lists it could gossip it
/// back: the rounds repeat until no member lists any of them.
pub async fn forget_everywhere(
    members: &[Member],
    ghosts: &[&Ghost],
    started: Instant,
    deadline: Instant,
) -> Result<(), WaitError> {
    loop {
        let observations = observe(members).await;
        let mut forgets: Vec<(usize, &NodeId)> = Vec::new();
        for (index, observation) in observations.iter().enumerate() {
            let Some(o) = observation else { continue };
            for ghost in ghosts {
                if o.snapshot.view.get(&ghost.id).is_some() {
                    forgets.push((index, &ghost.id));
                }
            }
        }
        if forgets.is_empty() && observations.iter().all(Option::is_some) {
            return Ok(());
        }
        if Instant::now() >= deadline {
            let pending = forgets
                .iter()
                .map(|(i, id)| format!("{} still lists node {id}", members[*i].client.endpoint()))
                .collect();
            return Err(WaitError::NotUsable {
                waited: started.elapsed(),
                pending,
            });
        }
        let results = join_all(forgets.iter().map(|&(index, id)| {
            let client = &members[index].client;
            async move { forget(client, id).await }
        }))
        .await;
        for error in results.into_iter().filter_map(Result::err) {
            tracing::debug!("forgetting: {error}");
        }
        tokio::time::sleep(form::poll_interval(members.len())).await;
    }
}

pub fn describe_addr(addr: Option<std::net::SocketAddr>) -> String {
    addr.map_or_else(|| "no address".to_string(), |a| a.to_string())
}
