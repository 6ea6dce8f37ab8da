//! `rtrib reconcile NODE...`: resolve the names → read every node → all empty: `create` →
//! take the cluster's lease → heal members seen at stale addresses → read the cluster from a
//! member → refuse new nodes with data or from another cluster → plan ([`plan_reconcile`]) →
//! nothing to do: say so and check → print, confirm → the new nodes join → new replicas
//! attach and finish their first sync → finish what an interrupted run left open, then move
//! the slots → replicas of leaving masters follow masters short of replicas → each leaving
//! node is reset, then forgotten by every other node → check.
//!
//! With `--plan-out` the plan is written instead (the cluster as read, with the nodes that join
//! by their own view) and nothing changes; `apply` carries it out with the same phases
//! (`steps::reconcile`).
//!
//! Every phase starts from what the servers say, so the same command run again after an
//! interruption (even SIGKILL) plans only what is left.

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::cli::{MigrateArgs, ReconcileArgs};
use crate::cluster::create::NodeSnapshot;
use crate::cluster::endpoint::Endpoint;
use crate::cluster::heal::plan_heal;
use crate::cluster::load::{Measure, SlotWeights, Unmeasured};
use crate::cluster::membership::check_newcomer;
use crate::cluster::plan::{Precondition, Steps};
use crate::cluster::reconcile::{
    MemoryWarning, Present, ReconcileOptions, ReconcilePlan, ReconcileRefusal, Wanted,
    memory_warnings, plan_reconcile,
};
use crate::cluster::topology::Topology;
use crate::cluster::view::NodeId;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::exit::Exit;
use crate::net::addr::NodeAddr;
use crate::net::conn::NodeClient;
use crate::net::fetch::{FetchOptions, Fetched, fetch_with_clients};
use crate::net::form::{self, Member};
use crate::net::load::{LoadRequest, read_load};
use crate::net::scale::read_memory;
use crate::output::{
    OutputError, ReconcileDocument, ReconcileOutcome, measure_noun, save_plan, write_reconcile_plan,
};
use crate::prompt::confirm;
use crate::steps::conclude::{conclude, settle};
use crate::steps::formation::{create, failure_domains};
use crate::steps::heal::{meet_pairs, wait_until_healed};
use crate::steps::migrate::{Resumed, Run, left_moving, read_and_resume};
use crate::steps::nodes::{
    connect_all, listed_or_discovered, members, read_snapshots, refuse_repeated_addresses,
};
use crate::steps::reconcile::{
    Carrying, Names, Newcomers, carry_out, connect_cluster, wait_until_serving,
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
    let plan_out = layout.plan.plan_out.as_deref();
    let seed_index = seed_of(&snapshots);
    let seed = snapshots[seed_index].endpoint.clone();
    if !layout.dry_run && plan_out.is_none() {
        context.lease_cluster("reconcile", &seed).await?;
    }
    let started = Instant::now();
    let deadline = started + layout.wait_timeout;
    let waits = (started, deadline);
    let planning = match (plan_out, layout.dry_run) {
        (Some(_), _) => Some("--plan-out"),
        (None, true) => Some("--dry-run"),
        (None, false) => None,
    };
    heal_stale_addresses(context, &clients, &snapshots, waits, planning).await?;

    let mut reading = read_and_plan(context, args, &seed, &addrs, &endpoints, &snapshots).await?;
    // A run killed while slots moved left some open (or running on the servers): they are
    // finished first, then the plan is made again on the cluster they leave. A plan made
    // before would send other slots to the masters those slots went to, and leave others
    // short of their share.
    if planning.is_none() && left_moving(&reading.topology) {
        let run = Run {
            command: "reconcile",
            activity: "reconciling",
            preview: false,
        };
        if let Resumed::Failed(exit) =
            read_and_resume(context, &seed, &migrate_args(args), &run).await?
        {
            return Ok(exit);
        }
        reading = read_and_plan(context, args, &seed, &addrs, &endpoints, &snapshots).await?;
    }
    let Reading {
        topology,
        present,
        wanted,
        plan,
    } = reading;
    let nodes = wanted.len();
    let names = Names::new(&topology, &snapshots);
    if plan.is_empty() {
        output.line(
            &output
                .style()
                .ok(&format!("The cluster matches the {nodes} nodes given.")),
        )?;
        if let Some(path) = plan_out {
            let seed = addrs[seed_index].to_string();
            return save(context, path, &topology, &seed, &snapshots, plan);
        }
        if plan.left_to_fix.is_empty() {
            // A run killed after its last move may have left a new master in its rejoin delay.
            let members = connect_cluster(context, &topology).await?;
            wait_until_serving(&members, waits).await?;
        }
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
    if let Some(path) = plan_out {
        let seed = addrs[seed_index].to_string();
        return save(context, path, &topology, &seed, &snapshots, plan);
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
    let staying: Vec<NodeId> = wanted.iter().map(|w| w.id.clone()).collect();
    let how = Carrying {
        command: "reconcile",
        seed: &seed,
        migrate: &migrate_args(args),
        staying: &staying,
        names: &names,
        waits,
    };
    if let Some(exit) = carry_out(context, &how, members, newcomers, &plan).await? {
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

/// The node to read the cluster from (its index among the nodes given): the first node given
/// that is a master serving slots, else the first that knows other nodes.
fn seed_of(snapshots: &[NodeSnapshot]) -> usize {
    let serves = |s: &NodeSnapshot| s.view.myself().is_some_and(|m| !m.slots.is_empty());
    snapshots
        .iter()
        .position(serves)
        .or_else(|| snapshots.iter().position(|s| !s.is_fresh()))
        .expect("some node given is not empty")
}

/// `--plan-out`: the plan written with the cluster as read from `seed` (the node as given)
/// and the nodes that join by their own view; nothing is changed.
fn save(
    context: &Context,
    path: &Path,
    topology: &Topology,
    seed: &str,
    snapshots: &[NodeSnapshot],
    plan: ReconcilePlan,
) -> Result<Exit> {
    let joining: Vec<&NodeSnapshot> = snapshots
        .iter()
        .filter(|s| s.id().is_some_and(|id| plan.joins.contains(id)))
        .collect();
    let precondition = Precondition::of_cluster(topology, seed).joined_by(&joining);
    save_plan(
        &context.output,
        path,
        precondition,
        Steps::Reconcile { plan },
    )?;
    Ok(Exit::Ok)
}

/// Members of the cluster seen at addresses they no longer have (a pod restarted with a new
/// IP): the MEETs and the wait `heal` makes. With `--plan-out` or `--dry-run` (`planning`
/// names it), which change nothing, such a cluster is refused.
async fn heal_stale_addresses(
    context: &Context,
    clients: &[NodeClient],
    snapshots: &[NodeSnapshot],
    (started, deadline): (Instant, Instant),
    planning: Option<&'static str>,
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
    if let Some(option) = planning {
        return Err(ReconcileRefusal::HealBeforePlanning {
            nodes: plan.meets.len(),
            option,
        }
        .into());
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
        ..LoadRequest::default()
    };
    let mut load = read_load(fetched, request).await;
    if let Some(error) = load.take_error() {
        return Err(error.into());
    }
    let weights = load.weights(measure).map_err(|why| Unmeasured {
        command: "reconcile",
        measure,
        why,
    })?;
    Ok((weights.total() > 0).then_some(weights))
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

/// How slots move: `--migration`, `--wait-timeout`, and the defaults of the other commands.
fn migrate_args(args: &ReconcileArgs) -> MigrateArgs {
    MigrateArgs {
        timeout: 60_000,
        pipeline: 1000,
        parallel: 256,
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
