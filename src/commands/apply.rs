//! `rtrib apply FILE`: read the plan → read the cluster as the plan's command read it →
//! judge where it stands against the plan (`cluster::plan::standing`) → refuse a cluster that
//! changed otherwise (exit 5, naming the changes) or another cluster (exit 6) → a plan whose
//! every step is made: say so and check → print the steps left → confirm → make them with the
//! engines of the command that made the plan (slot moves, fix's repair, create's formation,
//! del-node's removal, rebalance-roles' failovers and replica moves, reconcile's phases) → wait until every view agrees → check.

use std::path::Path;
use std::time::Instant;

use serde::Serialize;
use serde_json::json;

use crate::cli::ApplyArgs;
use crate::cluster::create::{CreatePlan, CreateStep};
use crate::cluster::endpoint::Endpoint;
use crate::cluster::fix::{FixPlan, Step as FixStep};
use crate::cluster::lookup::Absent;
use crate::cluster::membership::RemoveStep;
use crate::cluster::membership::check_newcomer;
use crate::cluster::migrate::{SlotMove, still_to_do};
use crate::cluster::placement::refuse_unless_whole;
use crate::cluster::plan::{
    Member, Plan, Precondition, StaleRefusal, Standing, Steps, remaining, standing,
};
use crate::cluster::reconcile::{ReconcilePlan, ReconcileRefusal};
use crate::cluster::slots::SlotSet;
use crate::cluster::view::NodeId;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::exit::Exit;
use crate::net::addr::NodeAddr;
use crate::net::fetch::{FetchOptions, Fetched, fetch_topology, fetch_with_clients};
use crate::output::{
    CreateOutcome, OutputError, ReconcileDocument, ReconcileOutcome, write_create_plan,
    write_moves_text, write_reconcile_plan, write_role_moves,
};
use crate::prompt::confirm;
use crate::steps::conclude::{conclude, settle};
use crate::steps::migrate::{
    Resumed, Run, finish, method_for, move_slots, read_and_resume, slots_word,
};
use crate::steps::nodes::{connect_all, members, read_snapshots};
use crate::steps::reconcile::{Carrying, Names, Newcomers, carry_out, connect_cluster};
use crate::steps::{formation, removal, repair, roles};

/// Changes listed one per line before the refusal.
const CHANGES_SHOWN: usize = 20;

/// Runs `apply`; see the module docs for the steps.
pub async fn run(context: &Context, args: &ApplyArgs) -> Result<Exit> {
    let plan = read_plan(&args.file)?;
    context.output.step(&format!(
        "Applying {} ({} plan of {}, made by: {})",
        args.file.display(),
        plan.steps.command(),
        steps_word(plan.steps.len()),
        plan.command_line.join(" ")
    ))?;
    if !args.dry_run {
        take_lease(context, args, &plan).await?;
    }
    match &plan.steps {
        Steps::Reshard { steps } | Steps::Rebalance { steps } => {
            apply_moves(context, args, &plan, steps).await
        }
        Steps::Fix {
            search_multiple_owners,
            ..
        } => apply_fix(context, args, &plan, *search_multiple_owners).await,
        Steps::Create { steps } => apply_create(context, args, &plan, steps).await,
        Steps::DelNode { steps } => apply_removal(context, args, &plan, steps).await,
        Steps::RebalanceRoles { .. } => apply_roles(context, args, &plan).await,
        Steps::Reconcile { plan: whole } => apply_reconcile(context, args, &plan, whole).await,
    }
}

/// Reads and checks the plan file; anything but a plan rtrib can apply is a usage error in
/// one line.
fn read_plan(path: &Path) -> Result<Plan> {
    let text = std::fs::read_to_string(path)
        .map_err(|error| Error::Usage(format!("cannot read {}: {error}", path.display())))?;
    Plan::parse(&text).map_err(|why| {
        Error::Usage(format!(
            "{} is not a plan rtrib can apply: {why}",
            path.display()
        ))
    })
}

fn steps_word(count: usize) -> String {
    match count {
        1 => "1 step".to_string(),
        n => format!("{n} steps"),
    }
}

/// The node to read the cluster from: `--node`, else the one the plan was made from.
async fn seed_of(context: &Context, args: &ApplyArgs, plan: &Plan) -> Result<Endpoint> {
    let node = args
        .node
        .as_deref()
        .or(plan.precondition.seed.as_deref())
        .ok_or_else(|| {
            Error::Usage("the plan names no node to read the cluster from: give --node".into())
        })?;
    context.resolve_node(node).await
}

/// Takes the lease on the cluster of the plan's node, or on a create plan's nodes.
async fn take_lease(context: &Context, args: &ApplyArgs, plan: &Plan) -> Result<()> {
    match plan.steps {
        Steps::Create { .. } => {
            let nodes = create_nodes(context, &plan.precondition).await?;
            context.lease_nodes("apply", &nodes).await
        }
        _ => {
            let seed = seed_of(context, args, plan).await?;
            context.lease_cluster("apply", &seed).await
        }
    }
}

/// The nodes given to `create`, resolved again by the names given.
async fn create_nodes(context: &Context, pre: &Precondition) -> Result<Vec<Endpoint>> {
    resolve_members(context, pre.members.iter()).await
}

/// Members of a plan, resolved again by the names given (their addresses without one).
async fn resolve_members(
    context: &Context,
    members: impl Iterator<Item = &Member>,
) -> Result<Vec<Endpoint>> {
    let addrs = members
        .map(|m| {
            let text = match &m.name {
                Some(name) => format!("{name}:{}", m.addr.port()),
                None => m.addr.to_string(),
            };
            text.parse::<NodeAddr>()
        })
        .collect::<std::result::Result<Vec<_>, _>>()?;
    Ok(context.resolver.resolve_all(&addrs).await?)
}

/// Says where the cluster stands against the plan: `true` when steps are left to make,
/// `false` when every step is made; a cluster changed otherwise, or another cluster, is
/// refused with nothing changed.
fn judge(context: &Context, plan: &Plan, now: &Precondition) -> Result<bool> {
    let output = &context.output;
    match standing(plan, now) {
        Standing::Ready => {
            output.step(&format!(
                "The cluster is as the plan found it: {} to make",
                steps_word(plan.steps.len())
            ))?;
            Ok(true)
        }
        Standing::Underway { done, left } => {
            output.step(&format!(
                "An earlier apply of this plan stopped part-way: {done} of its steps are made, \
                 {left} left"
            ))?;
            Ok(true)
        }
        Standing::Done => {
            output.step("Every step of this plan is made already: nothing to do.")?;
            Ok(false)
        }
        Standing::Stale(changes) => {
            for change in changes.iter().take(CHANGES_SHOWN) {
                output.line(&format!("  changed: {change}"))?;
            }
            Err(StaleRefusal(changes).into())
        }
        Standing::Foreign => Err(Error::Foreign(format!(
            "the plan is for another cluster: none of its {} nodes is a member of the cluster \
             read; nothing was changed",
            plan.precondition.members.len()
        ))),
    }
}

/// A cluster read and judged against a plan.
enum Judged {
    /// Steps are left to make: the node read from, the cluster, the steps left.
    Left(Box<(Endpoint, Fetched, Steps)>),
    /// Every step is made: the final check's exit.
    Applied(Exit),
}

/// Reads the cluster from the plan's node (settled first) and judges it against `plan`.
async fn read_and_judge(context: &Context, args: &ApplyArgs, plan: &Plan) -> Result<Judged> {
    let seed = seed_of(context, args, plan).await?;
    context
        .output
        .step(&format!("Reading the cluster from {seed}"))?;
    settle(context, &seed).await;
    let fetched = fetch_with_clients(&seed, &context.connect, FetchOptions::default()).await?;
    let now = Precondition::of_cluster(&fetched.topology, "");
    if !judge(context, plan, &now)? {
        let exit = already_applied(context, &seed, args, plan).await?;
        return Ok(Judged::Applied(exit));
    }
    let left = remaining(plan, &now);
    Ok(Judged::Left(Box::new((seed, fetched, left))))
}

/// `--dry-run`'s JSON document: the steps left.
#[derive(Serialize)]
struct DryRunDocument<'a> {
    outcome: &'static str,
    #[serde(flatten)]
    left: &'a Steps,
}

/// With `--dry-run`: the steps left (JSON) or a line (text, the steps are printed already).
fn dry_run(context: &Context, left: &Steps) -> Result<Exit> {
    let output = &context.output;
    if output.is_json() {
        output.json(&DryRunDocument {
            outcome: "dry_run",
            left,
        })?;
    } else {
        output.line("Dry run: nothing was changed.")?;
    }
    Ok(Exit::Ok)
}

/// A plan already carried out: the final check, with the JSON document saying so.
async fn already_applied(
    context: &Context,
    seed: &Endpoint,
    args: &ApplyArgs,
    plan: &Plan,
) -> Result<Exit> {
    let document = json!({
        "outcome": "already_applied",
        "command": plan.steps.command(),
        "steps": plan.steps.len(),
    });
    let concluded = conclude(context, seed, args.migrate.wait_timeout, |_| document).await?;
    Ok(concluded.exit())
}

/// Asks before changing anything.
fn proceed(context: &Context) -> Result<()> {
    if confirm("Can I apply the above plan?", context.assume_yes)? {
        Ok(())
    } else {
        Err(Error::Declined)
    }
}

/// A reshard or rebalance plan: the moves an interrupted apply left open are finished, then
/// the plan's moves still to make are made, in the plan's order.
async fn apply_moves(
    context: &Context,
    args: &ApplyArgs,
    plan: &Plan,
    moves: &[SlotMove],
) -> Result<Exit> {
    let (seed, fetched, left) = match read_and_judge(context, args, plan).await? {
        Judged::Left(read) => *read,
        Judged::Applied(exit) => return Ok(exit),
    };
    let output = &context.output;
    if let Steps::Reshard { steps } | Steps::Rebalance { steps } = &left {
        if !output.is_json() {
            output.line(&format!("Ready to move {}.", slots_word(steps.len())))?;
            output.text(|out, _| write_moves_text(out, &fetched.topology, steps))?;
        }
        method_for(&fetched.topology, steps, &args.migrate)?;
    }
    if args.dry_run {
        return dry_run(context, &left);
    }
    proceed(context)?;
    drop(fetched);
    let run = Run {
        command: "apply",
        activity: "applying the plan",
        preview: false,
    };
    let (ready, resumed) = match read_and_resume(context, &seed, &args.migrate, &run).await? {
        Resumed::Ready(ready, resumed) => (ready, resumed),
        Resumed::Failed(exit) => return Ok(exit),
    };
    let moves = still_to_do(ready.topology(), moves);
    let method = method_for(ready.topology(), &moves, &args.migrate)?;
    let mut report = move_slots(context, &ready, &moves, method, &args.migrate).await?;
    if let Some(earlier) = resumed {
        report.absorb(earlier);
    }
    finish(context, &seed, &args.migrate, "moved", &report, None).await
}

/// A fix plan: the steps of every slot not yet repaired, with `fix`'s executor; a move an
/// interrupted apply took past its destination's `SETSLOT NODE` is finished as settled.
async fn apply_fix(
    context: &Context,
    args: &ApplyArgs,
    plan: &Plan,
    search_multiple_owners: bool,
) -> Result<Exit> {
    let seed = seed_of(context, args, plan).await?;
    let output = &context.output;
    output.step(&format!("Performing Cluster Check (using node {seed})"))?;
    settle(context, &seed).await;
    let fetched = fetch_with_clients(&seed, &context.connect, FetchOptions::default()).await?;
    let topology = &fetched.topology;
    let now = Precondition::of_cluster(topology, "");
    if !judge(context, plan, &now)? {
        return already_applied(context, &seed, args, plan).await;
    }
    let left = remaining(plan, &now);
    let Steps::Fix { plan: repair, .. } = &left else {
        return Err(Error::Usage("not a fix plan".into()));
    };
    let serves = |node: &NodeId, slot| {
        topology
            .node(node)
            .is_some_and(|n| n.entry.slots.contains(slot))
    };
    let repair = FixPlan {
        steps: repair
            .steps
            .iter()
            .map(|step| match step {
                FixStep::Move { slot, from, to, .. } => FixStep::Move {
                    slot: *slot,
                    from: from.clone(),
                    to: to.clone(),
                    settled: serves(to, *slot),
                },
                other => other.clone(),
            })
            .collect(),
        ..repair.clone()
    };
    repair::print_plan(context, topology, &repair)?;
    if args.dry_run {
        return dry_run(context, &left);
    }
    proceed(context)?;
    let (report, failures) = repair::apply(context, &fetched, &repair, &args.migrate).await?;
    repair::finish(
        context,
        &seed,
        search_multiple_owners,
        &args.migrate,
        &repair,
        &report,
        &failures,
    )
    .await
}

/// A create plan: the nodes given to `create` are read again, by the names given; the steps
/// left are made by `create`'s own formation, up to its wait until the cluster is usable.
async fn apply_create(
    context: &Context,
    args: &ApplyArgs,
    plan: &Plan,
    steps: &[CreateStep],
) -> Result<Exit> {
    let pre = &plan.precondition;
    let endpoints = create_nodes(context, pre).await?;
    let clients = connect_all(&endpoints, context).await?;
    let snapshots = read_snapshots(&clients).await?;
    let now = Precondition::of_nodes(&snapshots);
    let ids: Vec<NodeId> = pre.members.iter().map(|m| m.id.clone()).collect();
    let fresh = pre
        .members
        .iter()
        .all(|m| m.slots.is_empty() && m.knows.as_ref().is_none_or(Vec::is_empty));
    let full = CreatePlan::from_steps(steps, &ids, fresh)
        .ok_or_else(|| Error::Usage("the create plan names a node it does not list".into()))?;
    let before: Vec<(SlotSet, Option<usize>)> = pre
        .members
        .iter()
        .map(|m| {
            let master = m
                .master
                .as_ref()
                .and_then(|id| ids.iter().position(|i| i == id));
            (m.slots.clone(), master)
        })
        .collect();
    let allocation = full.layout(&before);
    if !judge(context, plan, &now)? {
        return already_applied(context, &endpoints[0], args, plan).await;
    }
    let left = remaining(plan, &now);
    let Steps::Create { steps: left_steps } = &left else {
        return Err(Error::Usage("not a create plan".into()));
    };
    let resumed = left_steps.len() < steps.len();
    let todo = CreatePlan::from_steps(left_steps, &ids, fresh && !resumed)
        .ok_or_else(|| Error::Usage("the create plan names a node it does not list".into()))?;
    let output = &context.output;
    if !output.is_json() {
        let domains: Vec<String> = endpoints.iter().map(|e| e.addr.ip().to_string()).collect();
        output.text(|out, style| {
            write_create_plan(out, style, &snapshots, &domains, &allocation, &todo)
        })?;
    }
    if args.dry_run {
        return dry_run(context, &left);
    }
    proceed(context)?;
    let members = members(clients, &snapshots);
    formation::apply(
        context,
        args.migrate.wait_timeout,
        args.wait_sync,
        &members,
        &todo,
    )
    .await?;
    let outcome = if todo.fresh {
        CreateOutcome::Created
    } else {
        CreateOutcome::Completed
    };
    formation::verify(
        context,
        &endpoints,
        &snapshots,
        &allocation,
        Some(&todo),
        outcome,
        args.migrate.wait_timeout,
    )
    .await
}

/// A del-node plan: the replicas not yet re-pointed, then the node forgotten everywhere and
/// reset, with `del-node`'s own machinery.
async fn apply_removal(
    context: &Context,
    args: &ApplyArgs,
    plan: &Plan,
    steps: &[RemoveStep],
) -> Result<Exit> {
    let seed = seed_of(context, args, plan).await?;
    let output = &context.output;
    output.step(&format!("Reading the cluster from {seed}"))?;
    settle(context, &seed).await;
    let topology = fetch_topology(&seed, &context.connect, FetchOptions::default()).await?;
    let now = Precondition::of_cluster(&topology, "");
    if !judge(context, plan, &now)? {
        return already_applied(context, &seed, args, plan).await;
    }
    let victim_id = steps
        .iter()
        .find_map(|step| match step {
            RemoveStep::Forget { node } => Some(node),
            _ => None,
        })
        .ok_or_else(|| Error::Usage("the del-node plan forgets no node".into()))?;
    let victim = topology
        .node(victim_id)
        .ok_or_else(|| Absent::NotInCluster(victim_id.clone()))?;
    let left = remaining(plan, &now);
    let Steps::DelNode { steps: left_steps } = &left else {
        return Err(Error::Usage("not a del-node plan".into()));
    };
    let moves: Vec<(NodeId, NodeId)> = left_steps
        .iter()
        .filter_map(|step| match step {
            RemoveStep::Replicate { replica, master } => Some((replica.clone(), master.clone())),
            _ => None,
        })
        .collect();
    let reset = victim.is_reachable()
        && steps
            .iter()
            .any(|step| matches!(step, RemoveStep::Reset { .. }));
    let name = |id: &NodeId| {
        topology
            .endpoint_of(id)
            .map_or_else(|| id.to_string(), |e| format!("{} ({e})", id.short()))
    };
    for (replica, master) in &moves {
        output.line(&format!(
            "  {} to replicate {}",
            name(replica),
            name(master)
        ))?;
    }
    output.line(&format!(
        "  forget {}{}",
        name(victim_id),
        if reset { ", then reset it" } else { "" }
    ))?;
    if args.dry_run {
        return dry_run(context, &left);
    }
    proceed(context)?;
    removal::carry_out(
        context,
        &seed,
        &topology,
        victim,
        &moves,
        reset,
        args.migrate.wait_timeout,
    )
    .await
}

/// A reconcile plan: the nodes still to join are read again by the names given (each must be
/// the node the plan found there, still fit to join); the phases left are made with
/// `reconcile`'s own executor, the leaving nodes forgotten by every node the plan keeps.
async fn apply_reconcile(
    context: &Context,
    args: &ApplyArgs,
    plan: &Plan,
    whole: &ReconcilePlan,
) -> Result<Exit> {
    let (seed, fetched, left) = match read_and_judge(context, args, plan).await? {
        Judged::Left(read) => *read,
        Judged::Applied(exit) => return Ok(exit),
    };
    let Steps::Reconcile { plan: left } = &left else {
        return Err(Error::Usage("not a reconcile plan".into()));
    };
    let topology = &fetched.topology;
    let pre = &plan.precondition;
    let joining: Vec<&Member> = left.joins.iter().filter_map(|id| pre.member(id)).collect();
    let endpoints = resolve_members(context, joining.iter().copied()).await?;
    let clients = connect_all(&endpoints, context).await?;
    let snapshots = read_snapshots(&clients).await?;
    for (member, snapshot) in joining.iter().zip(&snapshots) {
        let myself = snapshot.view.myself().filter(|m| m.id == member.id);
        let Some(myself) = myself else {
            return Err(ReconcileRefusal::JoinerReplaced {
                endpoint: snapshot.endpoint.to_string(),
                id: member.id.clone(),
            }
            .into());
        };
        check_newcomer(
            topology,
            &snapshot.endpoint,
            myself,
            &snapshot.view,
            snapshot.keys,
        )?;
    }
    let names = Names::new(topology, &snapshots);
    let output = &context.output;
    if !output.is_json() {
        output
            .text(|out, style| write_reconcile_plan(out, style, left, &|id| names.of(id), &[]))?;
    }
    if args.dry_run {
        return dry_run(context, &Steps::Reconcile { plan: left.clone() });
    }
    proceed(context)?;
    let members = connect_cluster(context, topology).await?;
    drop(fetched);
    let staying: Vec<NodeId> = pre
        .members
        .iter()
        .map(|m| m.id.clone())
        .filter(|id| whole.remove.iter().all(|l| &l.id != id))
        .collect();
    let started = Instant::now();
    let how = Carrying {
        command: "apply",
        seed: &seed,
        migrate: &args.migrate,
        staying: &staying,
        names: &names,
        waits: (started, started + args.migrate.wait_timeout),
    };
    let newcomers = Newcomers {
        clients: &clients,
        snapshots: &snapshots,
    };
    if let Some(exit) = carry_out(context, &how, members, newcomers, left).await? {
        return Ok(exit);
    }
    let document = ReconcileDocument::new(ReconcileOutcome::Reconciled, staying.len(), left, &[]);
    let document = serde_json::to_value(document).map_err(OutputError::from)?;
    let concluded = conclude(context, &seed, args.migrate.wait_timeout, |_| document).await?;
    Ok(concluded.exit())
}

/// A rebalance-roles plan: the moves not yet made, in the plan's order, with
/// `rebalance-roles`' own executor, on a cluster whose every node answers.
async fn apply_roles(context: &Context, args: &ApplyArgs, plan: &Plan) -> Result<Exit> {
    let (seed, fetched, left) = match read_and_judge(context, args, plan).await? {
        Judged::Left(read) => *read,
        Judged::Applied(exit) => return Ok(exit),
    };
    refuse_unless_whole(&fetched.topology)?;
    let output = &context.output;
    let Steps::RebalanceRoles { steps: moves } = &left else {
        return Err(Error::Usage("not a rebalance-roles plan".into()));
    };
    if !output.is_json() {
        output.text(|out, _| write_role_moves(out, &fetched.topology, moves))?;
    }
    if args.dry_run {
        return dry_run(context, &left);
    }
    proceed(context)?;
    let deadline = std::time::Instant::now() + args.migrate.wait_timeout;
    roles::carry_out(context, &seed, &fetched, moves, deadline).await?;
    let document = json!({
        "outcome": "placed",
        "command": plan.steps.command(),
        "moves": moves,
    });
    let left = deadline.saturating_duration_since(std::time::Instant::now());
    let concluded = conclude(context, &seed, left, |_| document).await?;
    Ok(concluded.exit())
}
