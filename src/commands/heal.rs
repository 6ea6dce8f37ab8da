//! `rtrib heal NODE...`: re-resolve every name → read every node's own view → plan who sees
//! whom at a stale address (or not at all) and refuse strangers → MEET each node's current
//! address from every node that sees it wrongly → wait until every node sees every other where
//! it is, no handshake left, the cluster ok and the replication links up → forget ghosts
//! (`--forget-ghosts`) → check.
//!
//! On a cluster where every node already sees every other at its current address it sends
//! nothing (it still waits until the cluster is usable: a restarted node may be settling).

use std::net::IpAddr;
use std::time::{Duration, Instant};

use futures_util::future::join_all;
use serde_json::{Value, json};

use crate::cli::HealArgs;
use crate::cluster::create::NodeSnapshot;
use crate::cluster::endpoint::Endpoint;
use crate::cluster::heal::{Gap, Ghost, HealPlan, Sighting, gaps, plan_heal};
use crate::cluster::topology::{NodeId, NodesView};
use crate::commands::check::conclude;
use crate::commands::nodes::{
    connect_all, listed_or_discovered, members, read_snapshots, refuse_repeated_addresses,
};
use crate::context::Context;
use crate::error::Result;
use crate::exit::Exit;
use crate::net::form::{self, Member, WaitError, info_field};
use crate::net::notice::{Awaited, so_far};

/// How often the nodes are polled while waiting.
const POLL_INTERVAL: Duration = Duration::from_millis(20);
/// How often MEETs still needed and REPLICATEs of replicas pointing at a stale master are
/// sent again while waiting (a MEET whose handshake timed out is simply repeated).
const RETRY_INTERVAL: Duration = Duration::from_secs(1);

/// Runs `heal`; see the module docs for the steps.
pub async fn run(context: &Context, args: &HealArgs) -> Result<Exit> {
    let addrs = listed_or_discovered(context, &args.nodes, &args.discovery).await?;
    let endpoints = context.resolver.resolve_all(&addrs).await?;
    refuse_repeated_addresses(&endpoints)?;
    context.lease_nodes("heal", &endpoints).await?;
    let clients = connect_all(&endpoints, context).await?;
    let snapshots = read_snapshots(&clients).await?;
    let plan = plan_heal(&snapshots)?;

    let output = &context.output;
    let style = output.style();
    let ghosts: Vec<&Ghost> = if args.forget_ghosts {
        for ghost in plan.ghosts.iter().filter(|g| g.keep_because.is_some()) {
            output.line(&style.warn(&format!(
                "Not forgetting node {} ({}): {}",
                ghost.id,
                describe_addr(ghost.addr),
                ghost.keep_because.unwrap_or_default()
            )))?;
        }
        plan.forgettable_ghosts().collect()
    } else {
        Vec::new()
    };
    let members = members(clients, &snapshots);
    let started = Instant::now();
    let deadline = started + args.wait_timeout;
    if plan.meets.is_empty() && ghosts.is_empty() {
        output.line(
            &style.ok("All nodes see each other at their current addresses: nothing to heal."),
        )?;
        // A node that moved may have been re-addressed by its peers on its own (it PINGs them
        // as it starts) and still be settling: return once it is usable, sending nothing.
        wait_until_healed(&members, started, deadline).await?;
        return verify(context, &endpoints[0], args, "nothing_to_do", &[], &[]).await;
    }
    if !plan.meets.is_empty() {
        for line in describe_sightings(&snapshots, &plan) {
            output.line(&line)?;
        }
        output.step(&format!(
            "Sending {} CLUSTER MEET message(s) to the nodes' current addresses",
            plan.meets.len()
        ))?;
        form::meet(&members, &meet_pairs(&plan.meets)).await?;
        output.line("Waiting for every node to see every other at its current address")?;
        wait_until_healed(&members, started, deadline).await?;
    }
    let mut forgotten = Vec::new();
    if !ghosts.is_empty() {
        output.step(&format!(
            "Forgetting {} node(s) that are none of the nodes given",
            ghosts.len()
        ))?;
        forget_everywhere(&members, &ghosts, started, deadline).await?;
        forgotten = ghosts;
    }
    let meets: Vec<Value> = plan
        .meets
        .iter()
        .map(|s| {
            json!({
                "from": snapshots[s.observer].endpoint,
                "to": snapshots[s.target].endpoint,
                "seen_at": s.seen_at,
            })
        })
        .collect();
    verify(context, &endpoints[0], args, "healed", &meets, &forgotten).await
}

/// One line per node that some node sees wrongly: where it is, and where the others see it.
fn describe_sightings(snapshots: &[NodeSnapshot], plan: &HealPlan) -> Vec<String> {
    let mut by_target: Vec<(usize, Vec<&Sighting>)> = Vec::new();
    for sighting in &plan.meets {
        match by_target.iter_mut().find(|(t, _)| *t == sighting.target) {
            Some((_, list)) => list.push(sighting),
            None => by_target.push((sighting.target, vec![sighting])),
        }
    }
    by_target
        .into_iter()
        .map(|(target, sightings)| {
            let mut stale: Vec<String> = sightings
                .iter()
                .filter_map(|s| s.seen_at.map(|a| a.to_string()))
                .collect();
            stale.sort();
            stale.dedup();
            let unknown = sightings.iter().filter(|s| s.seen_at.is_none()).count();
            let seen = sightings.len() - unknown;
            let mut text = format!("{} is seen", snapshots[target].endpoint);
            if seen > 0 {
                text += &format!(" at {} by {seen} node(s)", stale.join(", "));
            }
            if unknown > 0 {
                let and = if seen > 0 { "," } else { "" };
                text += &format!("{and} nowhere by {unknown} node(s)");
            }
            text
        })
        .collect()
}

pub fn meet_pairs(sightings: &[Sighting]) -> Vec<(usize, usize)> {
    sightings.iter().map(|s| (s.observer, s.target)).collect()
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
        let mut pipe = redis::pipe();
        pipe.cmd("CLUSTER")
            .arg("NODES")
            .cmd("CLUSTER")
            .arg("INFO")
            .cmd("INFO")
            .arg("replication");
        let (nodes, cluster_info, replication): (String, String, String) =
            m.client.pipeline(&pipe).await.ok()?;
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
                retry_meets.push((sighting.observer, sighting.target));
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
            if let Err(error) = form::meet(members, &retry_meets).await {
                tracing::debug!("repeating MEETs: {error}");
            }
            if let Err(error) = form::replicate(members, &retry_replicas).await {
                tracing::debug!("repeating REPLICATE: {error}");
            }
            last_retry = Instant::now();
        }
        tokio::time::sleep(POLL_INTERVAL).await;
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
async fn forget_everywhere(
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
            let mut cmd = redis::cmd("CLUSTER");
            cmd.arg("FORGET").arg(id.as_str());
            let client = members[index].client.clone();
            async move { client.query::<()>(&cmd).await }
        }))
        .await;
        for error in results.into_iter().filter_map(Result::err) {
            tracing::debug!("forgetting: {error}");
        }
        tokio::time::sleep(POLL_INTERVAL).await;
    }
}

fn describe_addr(addr: Option<std::net::SocketAddr>) -> String {
    addr.map_or_else(|| "no address".to_string(), |a| a.to_string())
}

/// Runs the full check from the first node, prints it (in JSON within the heal document), and
/// returns its exit code.
async fn verify(
    context: &Context,
    seed: &Endpoint,
    args: &HealArgs,
    outcome: &str,
    meets: &[Value],
    forgotten: &[&Ghost],
) -> Result<Exit> {
    let forgotten: Vec<Value> = forgotten
        .iter()
        .map(|g| json!({ "id": g.id, "addr": g.addr }))
        .collect();
    let concluded = conclude(
        context,
        seed,
        args.wait_timeout,
        |_| json!({ "outcome": outcome, "meets": meets, "forgotten": forgotten }),
    )
    .await?;
    Ok(concluded.exit())
}
