//! What `reshard` and `rebalance` share: the cluster's lease, taken before the cluster is read;
//! reading a cluster fit for moving slots (healthy but for the open slots or server-side
//! migrations of an interrupted run), finishing those, choosing how slots move (the servers'
//! atomic migration where every source and target has it, else key by key), moving them with a
//! progress bar, and the report at the end.

use std::collections::HashMap;
use std::time::Duration;

use crate::cli::MigrateArgs;
use crate::cluster::atomic::{self as atomic_method, Method};
use crate::cluster::check::{CheckOptions, check};
use crate::cluster::endpoint::Endpoint;
use crate::cluster::job::SlotMigration;
use crate::cluster::lookup::LookupError;
use crate::cluster::migrate::{SlotMove, Unfinished, unfinished_moves};
use crate::cluster::server::Server;
use crate::cluster::slots::SlotSet;
use crate::cluster::topology::{NodeReport, Topology};
use crate::cluster::verdict::{ChangeRefusal, problems, refusals};
use crate::cluster::view::NodeId;
use crate::context::Context;
use crate::error::{Error, Result};
use crate::exit::Exit;
use crate::net::fetch::{FetchOptions, Fetched, fetch_with_clients};
use crate::net::migrate::MigrationReport;
use crate::net::migrate::atomic;
use crate::net::migrate::per_key::{self, Job, MigrateSettings};
use crate::output::{
    BalanceDocument, MigrateDocument, OutputError, Progress, write_check_text, write_summary_text,
};
use crate::steps::conclude::{conclude, settle};

/// A cluster read from its seed and fit for moving slots.
pub struct Ready {
    /// The topology and a connection to every node.
    pub fetched: Fetched,
    /// The moves an interrupted run left open, to finish first.
    pub unfinished: Vec<Unfinished>,
    /// The servers' migrations an interrupted run left running, waited for before the cluster
    /// was judged (see [`prepare`]).
    pub followed: Option<MigrationReport>,
}

impl Ready {
    /// The topology.
    pub fn topology(&self) -> &Topology {
        &self.fetched.topology
    }
}

/// Reads the cluster from `seed`, once every node's view agrees (gossip of a previous change
/// may still be in flight: see [`settle`]), and refuses it (printing the check) over findings
/// about the slots ([`refusals`]) — slots left open by rtrib's own moves and nodes disagreeing
/// only about those are fine. Node-health findings (a replica flagging its peers `fail?`, a
/// dead replica or slotless master) are only warnings.
///
/// A cluster in which the servers still run migrations that an interrupted run left them is
/// judged only once those have ended: each of them hands slots over as it ends, and a view
/// that has not heard of it yet reads as a disagreement.
pub async fn prepare(context: &Context, seed: &Endpoint) -> Result<Ready> {
    let mut followed = None;
    let (fetched, report, unfinished, foreign) = loop {
        settle(context, seed).await;
        let fetched = fetch_with_clients(seed, &context.connect, FetchOptions::default()).await?;
        let report = check(&fetched.topology, &CheckOptions::default());
        let (unfinished, foreign) = unfinished_moves(&fetched.topology);
        let ours: SlotSet = unfinished.iter().map(|u| u.slot_move.slot).collect();
        let acceptable = refusals(&report, &ours, &foreign).is_empty();
        let running = atomic_method::running(&fetched.topology);
        if acceptable || running.is_empty() || followed.is_some() {
            break (fetched, report, unfinished, foreign);
        }
        followed = Some(follow_left_running(context, &fetched, &running).await?);
    };
    let ours: SlotSet = unfinished.iter().map(|u| u.slot_move.slot).collect();
    let refused = refusals(&report, &ours, &foreign);
    let topology = &fetched.topology;
    if refused.is_empty() {
        return Ok(Ready {
            fetched,
            unfinished,
            followed,
        });
    }
    let refusal = problems(&refused, topology, &foreign);
    let output = &context.output;
    if !output.is_json() {
        output.text(|out, style| write_check_text(out, style, topology, &report, false))?;
    }
    Err(refusal.into())
}

/// The IDs of the masters `names` give (ID, ID prefix or address each) for `--to` or
/// `--from`. A name of no node, of a replica or of an unreachable master (which redis-cli does
/// not load) is refused in redis-cli's words: "is not known or not a master".
pub async fn master_ids(
    context: &Context,
    topology: &Topology,
    names: &[String],
    option: &str,
) -> Result<Vec<NodeId>> {
    let mut ids = Vec::with_capacity(names.len());
    for name in names {
        let node = named_node(context, topology, name, option).await?;
        let unfit = match (node.entry.is_master(), node.is_reachable()) {
            (true, true) => None,
            (false, _) => Some("is a replica"),
            (true, false) => Some("is unreachable"),
        };
        if let Some(why) = unfit {
            return Err(not_a_master(
                option,
                name,
                format!("node {} ({}) {why}", node.id(), node.endpoint),
            ));
        }
        ids.push(node.id().clone());
    }
    Ok(ids)
}

/// The masters `--weight` names, with their weights. As with redis-cli, which looks the names
/// up among all nodes, a weight on a replica (a master drained a moment ago turns into one)
/// takes no part: a `[WARNING]` line says so and the rebalance goes on. A name of no node is refused
/// in redis-cli's words, "No such master node".
pub async fn master_weights(
    context: &Context,
    topology: &Topology,
    weights: &[(String, f64)],
) -> Result<HashMap<NodeId, f64>> {
    let mut masters = HashMap::with_capacity(weights.len());
    for (name, weight) in weights {
        let node = named_node(context, topology, name, "--weight").await?;
        if node.entry.is_master() {
            masters.insert(node.id().clone(), *weight);
            continue;
        }
        let warning = format!(
            "--weight {name}={weight}: node {} ({}) is a replica, not a master: its weight \
             takes no part in the rebalance",
            node.id(),
            node.endpoint
        );
        // On stdout, as redis-cli's warnings: a script's `exec` fails on any stderr output.
        match context.output.is_json() {
            true => tracing::warn!("{warning}"),
            false => context
                .output
                .line(&context.output.style().warn(&warning))?,
        }
    }
    Ok(masters)
}

/// The node `name` gives (ID, ID prefix or address) for `option`, or the refusal for a name of
/// no node.
async fn named_node<'t>(
    context: &Context,
    topology: &'t Topology,
    name: &str,
    option: &str,
) -> Result<&'t NodeReport> {
    match topology.find(&context.node_ref(name).await?) {
        Err(LookupError::NotFound { .. }) => Err(not_a_master(
            option,
            name,
            "no node of the cluster has this ID, ID prefix or address (rtrib check lists them)"
                .to_string(),
        )),
        found => Ok(found?),
    }
}

/// The refusal of `name` given to `option`, in redis-cli's words: `--weight`'s "No such master
/// node", the others' "is not known or not a master".
fn not_a_master(option: &str, name: &str, why: String) -> Error {
    let words = match option {
        "--weight" => format!("No such master node {name}"),
        _ => format!("The specified node ({name}) is not known or not a master"),
    };
    Error::Usage(format!("{option} {name}: {words}: {why}"))
}

/// Where a reshard or rebalance stands once what an interrupted run left open is finished.
#[expect(
    clippy::large_enum_variant,
    reason = "one value per run, moved once; boxing buys nothing"
)]
pub enum Resumed {
    /// Ready to plan, on a fresh read, with the report of the moves finished (if any were).
    Ready(Ready, Option<MigrationReport>),
    /// Finishing the open moves failed: the command ends with this exit status.
    Failed(Exit),
}

/// A run of `reshard`, `rebalance` or `apply`'s moves, as [`read_to_move`] needs it.
#[derive(Debug, Clone, Copy)]
pub struct Run<'a> {
    /// The command, as its lease names it (`reshard`).
    pub command: &'static str,
    /// What it does, for the refusal of a cluster with problems (`resharding`).
    pub activity: &'a str,
    /// `--dry-run` / `--simulate` / `--plan-out`: only finishing what an interrupted run left
    /// open changes the cluster, so only then is the lease taken.
    pub preview: bool,
}

/// Reads the cluster from `seed`, finishes the moves an interrupted run left open, and reads it
/// again when it did: [`read_to_move`], then [`resume_open`].
pub async fn read_and_resume(
    context: &Context,
    seed: &Endpoint,
    args: &MigrateArgs,
    run: &Run<'_>,
) -> Result<Resumed> {
    let ready = read_to_move(context, seed, run).await?;
    resume_open(context, seed, ready, args, run).await
}

/// Takes the cluster's lease (unless `run` is a preview), then reads the cluster from `seed` to
/// move slots, changing nothing: a cluster with problems is refused in redis-cli's words for
/// the run's activity ("Please fix your cluster problems before resharding"). The request is
/// checked against this reading before [`resume_open`] changes anything.
pub async fn read_to_move(context: &Context, seed: &Endpoint, run: &Run<'_>) -> Result<Ready> {
    context
        .output
        .step(&format!("Reading the cluster from {seed}"))?;
    if !run.preview {
        context.lease_cluster(run.command, seed).await?;
    }
    prepare(context, seed)
        .await
        .map_err(|error| before(error, run.activity))
}

/// `prepare`'s refusal in redis-cli's words for `activity`.
fn before(error: Error, activity: &str) -> Error {
    match error {
        Error::Refused(reason) => ChangeRefusal::Before {
            activity: activity.to_string(),
            reason,
        }
        .into(),
        other => other,
    }
}

/// Finishes the moves an interrupted run left open in `ready` (none: `ready` as it is), and
/// reads the cluster again when it did. A preview that finds such moves takes the lease
/// first and reads again: finishing them is a change.
pub async fn resume_open(
    context: &Context,
    seed: &Endpoint,
    mut ready: Ready,
    args: &MigrateArgs,
    run: &Run<'_>,
) -> Result<Resumed> {
    let leftovers = left_moving(ready.topology());
    if run.preview && leftovers {
        context.lease_cluster(run.command, seed).await?;
        ready = prepare(context, seed)
            .await
            .map_err(|error| before(error, run.activity))?;
    }
    if !ready.unfinished.is_empty() {
        // Finishing them is a change: a run `--migration atomic` refuses (the sources and
        // targets are not known yet, so any master lacking it) is refused before it.
        let masters = ready.topology().masters().map(|master| master.id());
        method_of(ready.topology(), masters, args)?;
    }
    let Some(report) = resume(context, &ready, args).await? else {
        return Ok(Resumed::Ready(ready, None));
    };
    if !report.failures.is_empty() || report.interrupted {
        return Ok(Resumed::Failed(
            finish(context, seed, args, "failed", &report, None).await?,
        ));
    }
    let ready = prepare(context, seed)
        .await
        .map_err(|error| before(error, run.activity))?;
    Ok(Resumed::Ready(ready, Some(report)))
}

/// Whether an interrupted run left slots moving: per-key moves open, or the servers' atomic
/// migrations still running.
pub fn left_moving(topology: &Topology) -> bool {
    !unfinished_moves(topology).0.is_empty() || !atomic_method::running(topology).is_empty()
}

/// Reads the cluster from `seed` to plan on it without changing it (`--plan-out`, no lease):
/// refused while an interrupted run has left slots open, as finishing them is a change.
pub async fn read_for_plan(context: &Context, seed: &Endpoint, run: &Run<'_>) -> Result<Ready> {
    let preview = Run {
        preview: true,
        ..*run
    };
    let ready = read_to_move(context, seed, &preview).await?;
    if !ready.unfinished.is_empty() {
        let open: SlotSet = ready.unfinished.iter().map(|u| u.slot_move.slot).collect();
        return Err(ChangeRefusal::Unfinished {
            open: Box::new(open),
        }
        .into());
    }
    Ok(ready)
}

/// Finishes what an interrupted run left: waits for the servers' atomic migrations still
/// running (a killed run leaves them to the servers), then finishes the per-key moves left
/// open, if any.
async fn resume(
    context: &Context,
    ready: &Ready,
    args: &MigrateArgs,
) -> Result<Option<MigrationReport>> {
    let running = atomic_method::running(ready.topology());
    let mut report = ready.followed.clone();
    if !running.is_empty() {
        let waited = follow_left_running(context, &ready.fetched, &running).await?;
        match &mut report {
            Some(report) => report.absorb(waited),
            None => report = Some(waited),
        }
    }
    if ready.unfinished.is_empty() {
        return Ok(report);
    }
    context.output.step(&format!(
        "Finishing {} slot moves an interrupted run left open",
        ready.unfinished.len()
    ))?;
    let jobs = ready
        .unfinished
        .iter()
        .map(|u| Job {
            slot_move: u.slot_move.clone(),
            settled: u.settled,
            cold: false,
        })
        .collect();
    let mut finished = run_jobs(context, &ready.fetched, jobs, args).await?;
    if let Some(waited) = report {
        finished.absorb(waited);
    }
    Ok(Some(finished))
}

/// Waits, with a progress bar, until the servers' migrations `running` that an earlier run
/// started have ended.
async fn follow_left_running(
    context: &Context,
    fetched: &Fetched,
    running: &[SlotMigration],
) -> Result<MigrationReport> {
    let slots: usize = running.iter().map(|job| job.slots.len()).sum();
    context.output.step(&format!(
        "Waiting for {} slot migrations in flight on the servers ({}), started by an earlier \
         run",
        running.len(),
        slots_word(slots)
    ))?;
    let progress = Progress::slots(slots);
    let mut waited = progress
        .during(atomic::follow_running(fetched, running, &progress))
        .await;
    waited.method = Some(Method::Atomic);
    Ok(waited)
}

/// The method that moves `moves` as `args` ask; refused (nothing changed) when `--migration
/// atomic` cannot be had. Chosen before anything is changed: before the confirmation, the
/// reshard's journal and the first move.
pub fn method_for(topology: &Topology, moves: &[SlotMove], args: &MigrateArgs) -> Result<Method> {
    let ends = moves.iter().flat_map(|m| [&m.from, &m.to]);
    method_of(topology, ends, args)
}

/// The method of a run whose sources and targets are `ids`.
fn method_of<'a>(
    topology: &Topology,
    ids: impl Iterator<Item = &'a NodeId>,
    args: &MigrateArgs,
) -> Result<Method> {
    let mut ids: Vec<&NodeId> = ids.collect();
    ids.sort();
    ids.dedup();
    let ends: Vec<(String, Option<Server>)> = ids
        .into_iter()
        .map(|id| {
            let node = topology.node(id);
            let name = node.map_or_else(|| id.to_string(), |n| format!("{id} ({})", n.endpoint));
            (name, node.and_then(|n| n.server().copied()))
        })
        .collect();
    atomic_method::choose(args.method_choice(), &ends)
        .map_err(|why| ChangeRefusal::Because(why).into())
}

/// Moves `moves` (already in the order to start them) with `method` (from [`method_for`]):
/// atomic migration, or key by key.
pub async fn move_slots(
    context: &Context,
    ready: &Ready,
    moves: &[SlotMove],
    method: Method,
    args: &MigrateArgs,
) -> Result<MigrationReport> {
    if moves.is_empty() {
        return Ok(MigrationReport::default());
    }
    if method == Method::Atomic {
        context.output.step(
            "Moving the slots with atomic slot migration: the servers move whole slots \
             (CLUSTER MIGRATESLOTS)",
        )?;
        let progress = Progress::slots(moves.len());
        let mut report = progress
            .during(atomic::execute(&ready.fetched, moves, &progress))
            .await?;
        report.method = Some(Method::Atomic);
        return Ok(report);
    }
    context
        .output
        .step("Moving the slots key by key (CLUSTER SETSLOT, MIGRATE)")?;
    let jobs = moves
        .iter()
        .map(|m| Job {
            slot_move: m.clone(),
            settled: false,
            cold: false,
        })
        .collect();
    run_jobs(context, &ready.fetched, jobs, args).await
}

/// Runs `jobs` with the executor and a progress bar.
pub async fn run_jobs(
    context: &Context,
    fetched: &Fetched,
    jobs: Vec<Job>,
    args: &MigrateArgs,
) -> Result<MigrationReport> {
    let settings = MigrateSettings {
        pipeline: args.pipeline as usize,
        timeout: Duration::from_millis(args.timeout),
        replace: args.replace,
        parallel: args.parallel as usize,
    };
    let progress = Progress::slots(jobs.len());
    let mut report = progress
        .during(per_key::execute(
            fetched,
            &context.connect,
            jobs,
            &settings,
            &progress,
        ))
        .await?;
    report.method = Some(Method::Keys);
    Ok(report)
}

/// Prints the summary, then the full check from `seed` (in JSON: the document with the
/// check); exits 130 when Ctrl-C cancelled the servers' migrations, 1 when a slot failed,
/// else as the check says.
pub async fn finish(
    context: &Context,
    seed: &Endpoint,
    args: &MigrateArgs,
    outcome: &str,
    report: &MigrationReport,
    balance: Option<&BalanceDocument>,
) -> Result<Exit> {
    let output = &context.output;
    let outcome = match () {
        () if report.interrupted => "interrupted",
        () if !report.failures.is_empty() => "failed",
        () => outcome,
    };
    if !output.is_json() {
        output.text(|out, style| write_summary_text(out, style, report))?;
    }
    let document = MigrateDocument {
        balance,
        ..MigrateDocument::new(outcome, &report.moved, report)
    };
    let document = serde_json::to_value(document).map_err(OutputError::from)?;
    let concluded = conclude(context, seed, args.wait_timeout, |_| document).await?;
    if report.interrupted {
        return Ok(Exit::Interrupted);
    }
    if !report.failures.is_empty() {
        return Ok(Exit::Problems);
    }
    Ok(concluded.exit())
}

/// With `--dry-run` / `--simulate`: the plan as the JSON document, with the balance of a
/// rebalance (text was printed already).
pub fn print_plan_only(
    context: &Context,
    moves: &[SlotMove],
    balance: Option<&BalanceDocument>,
) -> Result<Exit> {
    let output = &context.output;
    if output.is_json() {
        output.json(&MigrateDocument {
            balance,
            ..MigrateDocument::new("dry_run", moves, &MigrationReport::default())
        })?;
    } else {
        output.line("Dry run: nothing was changed.")?;
    }
    Ok(Exit::Ok)
}

/// The moves of a reshard, for messages: `4096 slots`.
pub fn slots_word(count: usize) -> String {
    match count {
        1 => "1 slot".to_string(),
        n => format!("{n} slots"),
    }
}
