//! `rtrib reconcile NODE...`: resolve the names → read every node → all empty: `create` →
//! take the cluster's lease → heal members seen at stale addresses → read the cluster from a
//! member → refuse new nodes with data or from another cluster → plan ([`plan_reconcile`]) →
//! nothing to do: say so and check → print, confirm → the new nodes join → new replicas
//! attach and finish their first sync → finish what an interrupted run left open, then move
//! the slots → replicas of leaving masters follow masters short of replicas → each leaving
//! node is reset, then forgotten by every other node → check.
//!
//! Every phase starts from what the servers say, so the same command run again after an
//! interruption (even SIGKILL) plans only what is left.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::cli::{MigrateArgs, ReconcileArgs};
use crate::cluster::create::NodeSnapshot;
use crate::cluster::endpoint::Endpoint;
use crate::cluster::heal::plan_heal;
use crate::cluster::load::{Measure, SlotWeights};
use crate::cluster::membership::check_newcomer;
use crate::cluster::migrate::{interleave, still_to_do};
use crate::cluster::reconcile::{
    Follow, Leaving, MemoryWarning, Present, ReconcileOptions, ReconcilePlan, Wanted,
    memory_warnings, plan_reconcile,
};
use crate::cluster::topology::Topology;
use crate::cluster::view::NodeId;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::exit::Exit;
use crate::net::addr::NodeAddr;
use crate::net::conn::NodeClient;
use crate::net::fetch::{FetchOptions, Fetched, fetch_topology, fetch_with_clients};
use crate::net::form::{self, Expectation, Member};
use crate::net::load::{LoadRequest, read_load};
use crate::net::scale::{read_memory, reset_hard};
use crate::output::{
    OutputError, ReconcileDocument, ReconcileOutcome, measure_noun, write_reconcile_plan,
    write_summary_text,
};
use crate::prompt::confirm;
use crate::steps::conclude::{conclude, settle};
use crate::steps::formation::{create, failure_domains};
use crate::steps::heal::{meet_pairs, wait_until_healed};
use crate::steps::migrate::{Resumed, Run, finish, method_for, move_slots, read_and_resume};
use crate::steps::newcomer::copy_functions;
use crate::steps::nodes::{
    connect_all, listed_or_discovered, members, read_snapshots, refuse_repeated_addresses,
};

/// Runs `reconcile`; see the module docs for the steps.
pub async fn run(context: &Context, args: &ReconcileArgs) -> Result<Exit> {
    let layout = &args.layout;
    let output = &context.output;
    let addrs = listed_or_discovered(context, &layout.nodes, &layout.discovery).await?;
    let endpoints = context.resolver.resolve_all(&addrs).await?;
    refuse_repeated_addresses(&endpoints)?;
    let clients = connect_all(&endpoints, context).await?;
    let snapshots = read_snapshots(&clients).await?;
    if snapshots.iter().all(NodeSnapshot::is_fresh) {
        output.step(&format!(
            "The {} nodes given are all empty: creating the cluster",
            endpoints.len()
        ))?;
        return create(context, layout, context.assume_yes).await;
    }
    if layout.plan.plan_out.is_some() {
        return Err(Error::Usage(
            "--plan-out is not available for reconcile on a running cluster yet: review the \
             plan with --dry-run, then run the same command"
                .into(),
        ));
    }
    let seed = seed_of(&snapshots);
    if !layout.dry_run {
        context.lease_cluster("reconcile", &seed).await?;
    }
    let started = Instant::now();
    let deadline = started + layout.wait_timeout;
    heal_stale_addresses(context, &clients, &snapshots, started, deadline).await?;

    let Reading {
        topology,
        present,
        wanted,
        plan,
    } = read_and_plan(context, args, &seed, &addrs, &endpoints, &snapshots).await?;
    let nodes = wanted.len();
    let names = Names::new(&topology, &snapshots);
    if plan.is_empty() {
        output.line(
            &output
                .style()
                .ok(&format!("The cluster matches the {nodes} nodes given.")),
        )?;
        let matches = Ending {
            outcome: ReconcileOutcome::Matches,
            nodes,
            plan: &plan,
            warnings: &[],
        };
        return conclude_run(context, &seed, layout.wait_timeout, &matches).await;
    }

    let members = connect_cluster(context, &topology).await?;
    let warnings = drain_warnings(&members, &present, &plan).await;
    output.step(&format!(
        "Reconciling the cluster with the {nodes} nodes given: {} masters, {} replica(s) each",
        plan.masters.len(),
        layout.replicas
    ))?;
    if !output.is_json() {
        output.text(|out, style| {
            write_reconcile_plan(out, style, &plan, &|id| names.of(id), &warnings)
        })?;
    }
    if layout.dry_run {
        if output.is_json() {
            output.json(&ReconcileDocument::new(
                ReconcileOutcome::DryRun,
                nodes,
                &plan,
                &warnings,
            ))?;
        } else {
            output.line("Dry run: nothing was changed.")?;
        }
        return Ok(Exit::Ok);
    }
    if !confirm("Can I make the above changes?", context.assume_yes)? {
        return Err(Error::Declined);
    }

    let newcomers = Newcomers {
        clients: &clients,
        snapshots: &snapshots,
    };
    let waits = (started, deadline);
    if let Some(exit) = carry_out(
        context, args, &seed, members, newcomers, &plan, &wanted, &names, waits,
    )
    .await?
    {
        return Ok(exit);
    }
    let reconciled = Ending {
        outcome: ReconcileOutcome::Reconciled,
        nodes,
        plan: &plan,
        warnings: &warnings,
    };
    conclude_run(context, &seed, layout.wait_timeout, &reconciled).await
}

/// The cluster as read before the plan, and the plan.
struct Reading {
    topology: Topology,
    present: Vec<Present>,
    wanted: Vec<Wanted>,
    plan: ReconcilePlan,
}

/// Reads the cluster from `seed` (once the views agree) and what its slots hold (`--by`),
/// refuses new nodes that hold data or belong to another cluster, and plans.
async fn read_and_plan(
    context: &Context,
    args: &ReconcileArgs,
    seed: &Endpoint,
    addrs: &[NodeAddr],
    endpoints: &[Endpoint],
    snapshots: &[NodeSnapshot],
) -> Result<Reading> {
    let layout = &args.layout;
    settle(context, seed).await;
    let fetched = fetch_with_clients(seed, &context.connect, FetchOptions::default()).await?;
    let load = read_slot_load(context, &fetched, args.by).await?;
    let topology = fetched.topology;
    for snapshot in snapshots
        .iter()
        .filter(|s| s.id().is_none_or(|id| topology.node(id).is_none()))
    {
        if let Some(myself) = snapshot.view.myself() {
            check_newcomer(
                &topology,
                &snapshot.endpoint,
                myself,
                &snapshot.view,
                snapshot.keys,
            )?;
        }
    }
    let domains = failure_domains(addrs, endpoints, &layout.host_of)?;
    let wanted: Vec<Wanted> = snapshots
        .iter()
        .zip(domains)
        .map(|(snapshot, domain)| Wanted {
            id: snapshot.id().cloned().unwrap_or_else(|| NodeId::new("")),
            domain,
        })
        .collect();
    let options = ReconcileOptions {
        replicas: layout.replicas,
        allow_few_masters: layout.allow_few_masters,
        force: args.force,
    };
    let present = Present::of_topology(&topology);
    let plan = plan_reconcile(&present, &wanted, &options, load.as_ref())?;
    Ok(Reading {
        topology,
        present,
        wanted,
        plan,
    })
}

/// The nodes given, with their connections, for the ones that join.
struct Newcomers<'a> {
    clients: &'a [NodeClient],
    snapshots: &'a [NodeSnapshot],
}

/// The plan's phases in order: join, attach (first sync), moves, re-point, remove. `None`
/// once done; `Some(exit)` when slots did not move (then nothing is removed).
#[expect(
    clippy::too_many_arguments,
    reason = "one call, the run's state spelled out"
)]
async fn carry_out(
    context: &Context,
    args: &ReconcileArgs,
    seed: &Endpoint,
    mut members: Vec<Member>,
    newcomers: Newcomers<'_>,
    plan: &ReconcilePlan,
    wanted: &[Wanted],
    names: &Names,
    (started, deadline): (Instant, Instant),
) -> Result<Option<Exit>> {
    let output = &context.output;
    if !plan.joins.is_empty() {
        join(context, &mut members, &newcomers, plan, started, deadline).await?;
    }
    if !plan.attach.is_empty() {
        output.step("Attaching the new replicas and waiting for their first sync")?;
        follow(&members, &plan.attach, true, started, deadline).await?;
    }

    if !plan.moves.is_empty() {
        if let Some(exit) = move_planned_slots(context, args, seed, plan).await? {
            return Ok(Some(exit));
        }
    }
    if plan.repoint.is_empty() && plan.remove.is_empty() {
        return Ok(None);
    }
    let topology = fetch_topology(seed, &context.connect, FetchOptions::default()).await?;
    let staying: Vec<Member> = connect_cluster(context, &topology)
        .await?
        .into_iter()
        .filter(|m| wanted.iter().any(|w| w.id == m.id))
        .collect();
    if !plan.repoint.is_empty() {
        output.step("Re-pointing the replicas of the masters that leave or step down")?;
        follow(&staying, &plan.repoint, false, started, deadline).await?;
    }
    for leaving in &plan.remove {
        remove(
            context, &topology, &staying, leaving, names, started, deadline,
        )
        .await?;
    }
    Ok(None)
}

/// Moves the plan's slots on a fresh reading (the joined nodes are in it), after finishing the
/// moves an interrupted run left open. `Some(exit)` when some slot did not move.
async fn move_planned_slots(
    context: &Context,
    args: &ReconcileArgs,
    seed: &Endpoint,
    plan: &ReconcilePlan,
) -> Result<Option<Exit>> {
    let output = &context.output;
    let migrate = migrate_args(args);
    let run = Run {
        command: "reconcile",
        activity: "reconciling",
        preview: false,
    };
    let ready = match read_and_resume(context, seed, &migrate, &run).await? {
        Resumed::Ready(ready, _) => ready,
        Resumed::Failed(exit) => return Ok(Some(exit)),
    };
    let moves = interleave(still_to_do(ready.topology(), &plan.moves));
    if moves.is_empty() {
        return Ok(None);
    }
    let method = method_for(ready.topology(), &moves, &migrate)?;
    let report = move_slots(context, &ready, &moves, method, &migrate).await?;
    if report.interrupted || !report.failures.is_empty() {
        output.line(
            &output
                .style()
                .err("Some slots did not move: no node was removed. Run the same command again"),
        )?;
        return Ok(Some(
            finish(context, seed, &migrate, "failed", &report, None).await?,
        ));
    }
    if !output.is_json() {
        output.text(|out, style| write_summary_text(out, style, &report))?;
    }
    Ok(None)
}

/// The node to read the cluster from: the first node given that is a master serving slots,
/// else the first that knows other nodes.
fn seed_of(snapshots: &[NodeSnapshot]) -> Endpoint {
    let serves = |s: &&NodeSnapshot| s.view.myself().is_some_and(|m| !m.slots.is_empty());
    snapshots
        .iter()
        .find(serves)
        .or_else(|| snapshots.iter().find(|s| !s.is_fresh()))
        .map(|s| s.endpoint.clone())
        .expect("some node given is not empty")
}

/// Nodes named as `ID (address)`, from the cluster and the nodes given.
struct Names(HashMap<NodeId, Endpoint>);

impl Names {
    fn new(topology: &Topology, snapshots: &[NodeSnapshot]) -> Self {
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

    fn of(&self, id: &NodeId) -> String {
        match self.0.get(id) {
            Some(endpoint) => format!("{} ({endpoint})", id.short()),
            None => id.to_string(),
        }
    }
}

/// Members of the cluster seen at addresses they no longer have (a pod restarted with a new
/// IP): the MEETs and the wait `heal` makes.
async fn heal_stale_addresses(
    context: &Context,
    clients: &[NodeClient],
    snapshots: &[NodeSnapshot],
    started: Instant,
    deadline: Instant,
) -> Result<()> {
    let (member_clients, member_snapshots): (Vec<_>, Vec<_>) = clients
        .iter()
        .zip(snapshots)
        .filter(|(_, s)| !s.is_fresh())
        .map(|(c, s)| (c.clone(), s.clone()))
        .unzip();
    let plan = plan_heal(&member_snapshots)?;
    if plan.meets.is_empty() {
        return Ok(());
    }
    context.output.step(&format!(
        "Healing: {} node(s) see others at old addresses; sending CLUSTER MEET to the current ones",
        plan.meets.len()
    ))?;
    let members = members(member_clients, &member_snapshots);
    form::meet(&members, &meet_pairs(&plan.meets, members.len())).await?;
    wait_until_healed(&members, started, deadline).await?;
    Ok(())
}

/// With `--by` a measure other than slot counts, what every slot holds, read from the
/// masters; `None` for slot counts, or when the slots hold nothing yet (an empty cluster is
/// spread by slot count).
async fn read_slot_load(
    context: &Context,
    fetched: &Fetched,
    measure: Measure,
) -> Result<Option<SlotWeights>> {
    if measure == Measure::Slots {
        return Ok(None);
    }
    context.output.step(&format!(
        "Reading the {} of every slot from the masters",
        measure_noun(measure)
    ))?;
    let request = LoadRequest {
        memory: measure == Measure::Memory,
    };
    let mut load = read_load(fetched, request).await;
    if let Some(error) = load.take_error() {
        return Err(error.into());
    }
    let weights = load
        .weights(measure)
        .map_err(|why| Error::Refused(format!("reconcile --by {measure}: {why}")))?;
    Ok((weights.total() > 0).then_some(weights))
}

/// A connection to every reachable node of `topology`.
async fn connect_cluster(context: &Context, topology: &Topology) -> Result<Vec<Member>> {
    let nodes = topology.reachable().map(|(node, _)| node);
    Ok(form::connect_members(nodes, &context.connect).await?)
}

/// The warnings of masters a drain would push past their `maxmemory`.
async fn drain_warnings(
    members: &[Member],
    present: &[Present],
    plan: &ReconcilePlan,
) -> Vec<MemoryWarning> {
    if plan.moves.is_empty() {
        return Vec::new();
    }
    let memory = read_memory(members).await.into_iter().collect();
    memory_warnings(present, &plan.moves, &memory)
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
            .ok_or_else(|| Error::Refused(format!("node {id} is not reachable")))
    };
    let pairs = follows
        .iter()
        .map(|f| Ok((position(&f.replica)?, position(&f.master)?)))
        .collect::<Result<Vec<(usize, usize)>>>()?;
    form::replicate(members, &pairs).await?;
    let replicas: Vec<usize> = pairs.iter().map(|&(replica, _)| replica).collect();
    form::announce(members, &replicas).await?;
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
    topology: &Topology,
    staying: &[Member],
    leaving: &Leaving,
    names: &Names,
    started: Instant,
    deadline: Instant,
) -> Result<()> {
    let output = &context.output;
    output.step(&format!("Removing node {}", names.of(&leaving.id)))?;
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
    form::forget(staying, &leaving.id, started, deadline).await?;
    Ok(())
}

/// How slots move: `--migration`, `--wait-timeout`, and the defaults of the other commands.
fn migrate_args(args: &ReconcileArgs) -> MigrateArgs {
    MigrateArgs {
        timeout: 60_000,
        pipeline: 1000,
        parallel: 32,
        replace: false,
        wait_timeout: args.layout.wait_timeout,
        migration: args.migration,
        use_atomic_slot_migration: false,
    }
}

/// How a run ended, for its JSON document.
struct Ending<'a> {
    outcome: ReconcileOutcome,
    nodes: usize,
    plan: &'a ReconcilePlan,
    warnings: &'a [MemoryWarning],
}

/// The full check from `seed`, with the reconcile document in JSON.
async fn conclude_run(
    context: &Context,
    seed: &Endpoint,
    wait: Duration,
    ending: &Ending<'_>,
) -> Result<Exit> {
    let document =
        ReconcileDocument::new(ending.outcome, ending.nodes, ending.plan, ending.warnings);
    let document: Value = serde_json::to_value(document).map_err(OutputError::from)?;
    let concluded = conclude(context, seed, wait, |_| document).await?;
    Ok(concluded.exit())
}
