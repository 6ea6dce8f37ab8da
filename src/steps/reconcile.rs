//! Carrying out a `reconcile` plan on a running cluster, phase after phase, for `reconcile`
//! and for `apply` of its plan file: the new nodes join (MEET, then the wait until every node
//! knows every other), the new replicas attach and finish their first sync, the moves an
//! interrupted run left open are finished and the slots move, the replicas of leaving masters
//! follow masters short of replicas, and each leaving node is reset, then forgotten by every
//! node that stays.

use std::collections::HashMap;
use std::time::Instant;

use crate::cli::MigrateArgs;
use crate::cluster::create::NodeSnapshot;
use crate::cluster::endpoint::Endpoint;
use crate::cluster::lookup::Absent;
use crate::cluster::migrate::{interleave, still_to_do};
use crate::cluster::reconcile::{Follow, Leaving, ReconcilePlan};
use crate::cluster::topology::Topology;
use crate::cluster::view::NodeId;
use crate::context::Context;
use crate::error::Result;
use crate::exit::Exit;
use crate::net::conn::NodeClient;
use crate::net::fetch::{FetchOptions, fetch_topology};
use crate::net::form::{self, Expectation, Member};
use crate::net::scale::reset_hard;
use crate::output::write_summary_text;
use crate::steps::migrate::{Resumed, Run, finish, method_for, move_slots, read_and_resume};
use crate::steps::newcomer::copy_functions;

/// The nodes given, with their connections, for the ones that join.
pub struct Newcomers<'a> {
    /// A connection to each.
    pub clients: &'a [NodeClient],
    /// What each said about itself.
    pub snapshots: &'a [NodeSnapshot],
}

/// How a plan is carried out, besides its steps.
pub struct Carrying<'a> {
    /// The command doing it, as its lease names it (`reconcile`, `apply`).
    pub command: &'static str,
    /// The node to read the cluster from.
    pub seed: &'a Endpoint,
    /// How slots move.
    pub migrate: &'a MigrateArgs,
    /// The nodes that stay (the nodes wanted): the re-pointed replicas' masters and the nodes
    /// that forget the leaving ones.
    pub staying: &'a [NodeId],
    /// Nodes as messages name them.
    pub names: &'a Names,
    /// When the run started, and the deadline of its waits.
    pub waits: (Instant, Instant),
}

/// The plan's phases in order: join, attach (first sync), moves, re-point, remove. `None`
/// once done; `Some(exit)` when slots did not move (then nothing is removed). `members` are
/// the cluster's reachable nodes.
pub async fn carry_out(
    context: &Context,
    how: &Carrying<'_>,
    mut members: Vec<Member>,
    newcomers: Newcomers<'_>,
    plan: &ReconcilePlan,
) -> Result<Option<Exit>> {
    let output = &context.output;
    let (started, deadline) = how.waits;
    let seed = how.seed;
    if !plan.joins.is_empty() {
        join(context, &mut members, &newcomers, plan, started, deadline).await?;
    }
    if !plan.attach.is_empty() {
        output.step("Attaching the new replicas and waiting for their first sync")?;
        follow(&members, &plan.attach, true, started, deadline).await?;
    }

    if !plan.moves.is_empty() {
        if let Some(exit) = move_planned_slots(context, how, plan).await? {
            return Ok(Some(exit));
        }
    }
    if plan.moves.is_empty() && plan.repoint.is_empty() && plan.remove.is_empty() {
        return Ok(None);
    }
    let topology = fetch_topology(seed, &context.connect, FetchOptions::default()).await?;
    let staying: Vec<Member> = connect_cluster(context, &topology)
        .await?
        .into_iter()
        .filter(|m| how.staying.contains(&m.id))
        .collect();
    if !plan.repoint.is_empty() {
        output.step("Re-pointing the replicas of the masters that leave or step down")?;
        follow(&staying, &plan.repoint, false, started, deadline).await?;
    }
    for leaving in &plan.remove {
        remove(context, how, &topology, &staying, leaving).await?;
    }
    if plan.left_to_fix.is_empty() {
        wait_until_serving(&staying, how.waits).await?;
    }
    Ok(None)
}

/// Waits until every one of `members` reports `cluster_state:ok` and all agree about the
/// slots: a master that just got its first slots reports ok only after its rejoin delay (up
/// to the node timeout), and refuses the clients sent to it meanwhile.
pub async fn wait_until_serving(
    members: &[Member],
    (started, deadline): (Instant, Instant),
) -> Result<()> {
    let serving = Expectation {
        replica_of: Vec::new(),
        wait_sync: false,
    };
    form::wait_until_usable(members, &serving, started, deadline).await?;
    Ok(())
}

/// Moves the plan's slots on a fresh reading (the joined nodes are in it), after finishing the
/// moves an interrupted run left open. `Some(exit)` when some slot did not move.
async fn move_planned_slots(
    context: &Context,
    how: &Carrying<'_>,
    plan: &ReconcilePlan,
) -> Result<Option<Exit>> {
    let output = &context.output;
    let (seed, migrate) = (how.seed, how.migrate);
    let run = Run {
        command: how.command,
        activity: "reconciling",
        preview: false,
    };
    let ready = match read_and_resume(context, seed, migrate, &run).await? {
        Resumed::Ready(ready, _) => ready,
        Resumed::Failed(exit) => return Ok(Some(exit)),
    };
    let moves = interleave(still_to_do(ready.topology(), &plan.moves));
    if moves.is_empty() {
        return Ok(None);
    }
    let method = method_for(ready.topology(), &moves, migrate)?;
    let report = move_slots(context, &ready, &moves, method, migrate).await?;
    if report.interrupted || !report.failures.is_empty() {
        output.line(
            &output
                .style()
                .err("Some slots did not move: no node was removed. Run the same command again"),
        )?;
        return Ok(Some(
            finish(context, seed, migrate, "failed", &report, None).await?,
        ));
    }
    if !output.is_json() {
        output.text(|out, style| write_summary_text(out, style, &report))?;
    }
    Ok(None)
}

/// Nodes named as `ID (address)`, from the cluster and the nodes given.
pub struct Names(HashMap<NodeId, Endpoint>);

impl Names {
    /// The nodes of `topology`, and the nodes given by what they say about themselves.
    pub fn new(topology: &Topology, snapshots: &[NodeSnapshot]) -> Self {
        let mut names: HashMap<NodeId, Endpoint> = topology
            .nodes
            .iter()
            .map(|n| (n.id().clone(), n.endpoint.clone()))
            .collect();
        for snapshot in snapshots {
            if let Some(id) = snapshot.id() {
                names.insert(id.clone(), snapshot.endpoint.clone());
            }
        }
        Names(names)
    }

    /// `3c3a0c74 (pod-1.redis:6379)`, or the whole ID of a node not known.
    pub fn of(&self, id: &NodeId) -> String {
        match self.0.get(id) {
            Some(endpoint) => format!("{} ({endpoint})", id.short()),
            None => id.to_string(),
        }
    }
}

/// A connection to every reachable node of `topology`.
pub async fn connect_cluster(context: &Context, topology: &Topology) -> Result<Vec<Member>> {
    let nodes = topology.reachable().map(|(node, _)| node);
    Ok(form::connect_members(nodes, &context.connect).await?)
}

/// The new nodes MEET every member; new masters get the cluster's functions first; then the
/// wait until every node knows every other. The new nodes are added to `members`.
async fn join(
    context: &Context,
    members: &mut Vec<Member>,
    newcomers: &Newcomers<'_>,
    plan: &ReconcilePlan,
    started: Instant,
    deadline: Instant,
) -> Result<()> {
    let Newcomers { clients, snapshots } = newcomers;
    let output = &context.output;
    let first_new = members.len();
    for id in &plan.joins {
        let Some(index) = snapshots.iter().position(|s| s.id() == Some(id)) else {
            continue;
        };
        if plan.masters.contains(id) {
            copy_functions(context, &members[0].client, &clients[index]).await?;
        }
        members.push(Member {
            client: clients[index].clone(),
            id: id.clone(),
            bus_port: snapshots[index].bus_port(),
        });
    }
    output.step(&format!(
        "Sending CLUSTER MEET from the {} new node(s) to the cluster",
        members.len() - first_new
    ))?;
    let meets: Vec<(usize, usize)> = (first_new..members.len())
        .flat_map(|new| (0..first_new).map(move |to| (new, to)))
        .collect();
    form::meet(members, &meets).await?;
    output.line("Waiting for the cluster to join")?;
    form::wait_for_join(members, started, deadline).await?;
    Ok(())
}

/// `CLUSTER REPLICATE` for each of `follows`, the announcement of the new roles, and the wait
/// until every member sees them (with `wait_sync`, until each replica's first sync is done).
async fn follow(
    members: &[Member],
    follows: &[Follow],
    wait_sync: bool,
    started: Instant,
    deadline: Instant,
) -> Result<()> {
    let position = |id: &NodeId| {
        members
            .iter()
            .position(|m| &m.id == id)
            .ok_or_else(|| Absent::NodeNotReachable(id.clone()))
    };
    let pairs = follows
        .iter()
        .map(|f| Ok((position(&f.replica)?, position(&f.master)?)))
        .collect::<Result<Vec<(usize, usize)>>>()?;
    form::replicate(members, &pairs).await?;
    let expectation = Expectation {
        replica_of: pairs,
        wait_sync,
    };
    form::wait_until_usable(members, &expectation, started, deadline).await?;
    Ok(())
}

/// Resets a leaving node that answers (so that it cannot rejoin), then makes every staying
/// node forget it.
async fn remove(
    context: &Context,
    how: &Carrying<'_>,
    topology: &Topology,
    staying: &[Member],
    leaving: &Leaving,
) -> Result<()> {
    let output = &context.output;
    let (started, deadline) = how.waits;
    output.step(&format!("Removing node {}", how.names.of(&leaving.id)))?;
    if leaving.reset {
        if let Some(node) = topology.node(&leaving.id) {
            match NodeClient::connect(&node.endpoint, &context.connect).await {
                Ok(client) => reset_hard(&client, deadline).await?,
                Err(error) => tracing::warn!(
                    "{error}; the node is forgotten anyway, but it still knows the cluster"
                ),
            }
        }
    }
    form::forget(staying, &leaving.id, &context.connect, started, deadline).await?;
    Ok(())
}
