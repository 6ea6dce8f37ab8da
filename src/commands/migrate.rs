//! What `reshard` and `rebalance` share: the cluster's lease, taken before the cluster is read;
//! reading a cluster fit for moving slots (healthy but for the open slots or server-side
//! migrations of an interrupted run), finishing those, choosing how slots move (the servers'
//! atomic migration where every source and target has it, else key by key), moving them with a
//! progress bar, and the report at the end.

use std::time::Duration;

use crate::cli::MigrateArgs;
use crate::cluster::atomic::{self as atomic_method, Method};
use crate::cluster::check::{CheckOptions, Finding, Topology, check};
use crate::cluster::endpoint::Endpoint;
use crate::cluster::lookup::LookupError;
use crate::cluster::migrate::{SlotMove, Unfinished, unfinished_moves};
use crate::cluster::server::Server;
use crate::cluster::slots::SlotSet;
use crate::cluster::topology::NodeId;
use crate::commands::check::{conclude, settle};
use crate::context::Context;
use crate::error::{Error, Result};
use crate::exit::Exit;
use crate::net::atomic;
use crate::net::fetch::{FetchOptions, Fetched, fetch_with_clients};
use crate::net::migrate::{Job, MigrateSettings, MigrationReport, execute};
use crate::output::{
    BalanceDocument, MigrateDocument, Progress, write_check_text, write_summary_text,
};

/// A cluster read from its seed and fit for moving slots.
pub struct Ready {
    /// The topology and a connection to every node.
    pub fetched: Fetched,
    /// The moves an interrupted run left open, to finish first.
    pub unfinished: Vec<Unfinished>,
}

impl Ready {
    /// The topology.
    pub fn topology(&self) -> &Topology {
        &self.fetched.topology
    }
}

/// Reads the cluster from `seed`, once every node's view agrees (gossip of a previous change
/// may still be in flight: see [`settle`]), and refuses it (printing the check) when it has
/// problems other than slots left open by rtrib's own moves; nodes disagreeing only about
/// those slots are fine too.
pub async fn prepare(context: &Context, seed: &Endpoint) -> Result<Ready> {
    settle(context, seed).await;
    let fetched = fetch_with_clients(seed, &context.connect, FetchOptions::default()).await?;
    let report = check(&fetched.topology, &CheckOptions::default());
    let (unfinished, foreign) = unfinished_moves(&fetched.topology);
    let ours: SlotSet = unfinished.iter().map(|u| u.slot_move.slot).collect();
    let blocking = |finding: &&Finding| match finding {
        Finding::Migrating { .. } | Finding::Importing { .. } | Finding::OpenSlots { .. } => {
            !foreign.is_empty()
        }
        // Waited for by `resume`.
        Finding::SlotMigrationInFlight { .. } => false,
        Finding::SlotsDisagree { ranges } => ranges
            .iter()
            .any(|range| !range.slots.difference(&ours).is_empty()),
        other => other.is_problem(),
    };
    if !report.findings.iter().any(|f| blocking(&f)) {
        return Ok(Ready {
            fetched,
            unfinished,
        });
    }
    let output = &context.output;
    if !output.is_json() {
        let topology = &fetched.topology;
        output.text(|out, style| write_check_text(out, style, topology, &report, false))?;
    }
    let open = match foreign.is_empty() {
        true => String::new(),
        false => format!(
            " (slots {foreign} are open, and not by an interrupted rtrib move: see rtrib check)"
        ),
    };
    Err(Error::Refused(format!(
        "the cluster has problems{open} (see the check above); nothing was changed"
    )))
}

/// The IDs of the masters `names` give (ID, ID prefix or address each) for `option`. A name
/// of no node or of a replica is refused in redis-cli's words: `--weight`'s "No such master
/// node", the others' "is not known or not a master".
pub async fn master_ids(
    context: &Context,
    topology: &Topology,
    names: &[String],
    option: &str,
) -> Result<Vec<NodeId>> {
    let refusal = |name: &str, why: String| {
        let words = match option {
            "--weight" => format!("No such master node {name}"),
            _ => format!("The specified node ({name}) is not known or not a master"),
        };
        Error::Usage(format!("{option} {name}: {words}: {why}"))
    };
    let mut ids = Vec::with_capacity(names.len());
    for name in names {
        let node = match topology.find(&context.node_ref(name).await?) {
            Err(LookupError::NotFound { .. }) => {
                return Err(refusal(
                    name,
                    "no node of the cluster has this ID, ID prefix or address (rtrib check \
                     lists them)"
                        .to_string(),
                ));
            }
            found => found?,
        };
        if !node.entry.is_master() {
            return Err(refusal(
                name,
                format!("node {} ({}) is a replica", node.id(), node.endpoint),
            ));
        }
        ids.push(node.id().clone());
    }
    Ok(ids)
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

/// A run of `reshard`, `rebalance` or `apply`'s moves, as [`read_and_resume`] needs it.
pub struct Run<'a> {
    /// The command, as its lease names it (`reshard`).
    pub command: &'static str,
    /// What it does, for the refusal of a cluster with problems (`resharding`).
    pub activity: &'a str,
    /// `--dry-run` / `--simulate`: only finishing what an interrupted run left open changes
    /// the cluster, so only then is the lease taken.
    pub preview: bool,
}

/// Takes the cluster's lease (unless `run` is a preview), reads the cluster from `seed`,
/// finishes the moves an interrupted run left open (a preview takes the lease first and reads
/// again), and reads it again when it did. A cluster with problems is refused in redis-cli's
/// words for the run's activity ("Please fix your cluster problems before resharding").
pub async fn read_and_resume(
    context: &Context,
    seed: &Endpoint,
    args: &MigrateArgs,
    run: &Run<'_>,
) -> Result<Resumed> {
    context
        .output
        .step(&format!("Reading the cluster from {seed}"))?;
    if !run.preview {
        context.lease_cluster(run.command, seed).await?;
    }
    let activity = run.activity;
    let problems = |error| match error {
        Error::Refused(reason) => Error::Refused(format!(
            "Please fix your cluster problems before {activity}: {reason}"
        )),
        other => other,
    };
    let mut ready = prepare(context, seed).await.map_err(problems)?;
    let leftovers =
        !ready.unfinished.is_empty() || !atomic_method::running(ready.topology()).is_empty();
    if run.preview && leftovers {
        context.lease_cluster(run.command, seed).await?;
        ready = prepare(context, seed).await.map_err(problems)?;
    }
    let Some(report) = resume(context, &ready, args).await? else {
        return Ok(Resumed::Ready(ready, None));
    };
    if !report.failures.is_empty() || report.interrupted {
        return Ok(Resumed::Failed(
            finish(context, seed, args, "failed", &report, None).await?,
        ));
    }
    Ok(Resumed::Ready(
        prepare(context, seed).await.map_err(problems)?,
        Some(report),
    ))
}

/// Reads the cluster from `seed` to plan on it without changing it (`--plan-out`): refused
/// while an interrupted run has left slots open, as finishing them is a change.
pub async fn read_for_plan(context: &Context, seed: &Endpoint, activity: &str) -> Result<Ready> {
    context
        .output
        .step(&format!("Reading the cluster from {seed}"))?;
    let ready = prepare(context, seed).await.map_err(|error| match error {
        Error::Refused(reason) => Error::Refused(format!(
            "Please fix your cluster problems before {activity}: {reason}"
        )),
        other => other,
    })?;
    if !ready.unfinished.is_empty() {
        let open: SlotSet = ready.unfinished.iter().map(|u| u.slot_move.slot).collect();
        return Err(Error::Refused(format!(
            "an interrupted run left slots {open} open: finish it first (the same command \
             without --plan-out, or rtrib fix), then make the plan; nothing was changed"
        )));
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
    let mut report = None;
    if !running.is_empty() {
        let slots: usize = running.iter().map(|job| job.slots.len()).sum();
        context.output.step(&format!(
            "Waiting for {} slot migrations in flight on the servers ({}), started by an \
             earlier run",
            running.len(),
            slots_word(slots)
        ))?;
        let progress = Progress::new(slots);
        let mut waited = atomic::follow_running(&ready.fetched, &running, &progress).await;
        progress.finish();
        waited.method = Some(Method::Atomic);
        report = Some(waited);
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

/// The method that moves `moves` on `topology` as `args` ask; refused (nothing changed) when
/// `--migration atomic` cannot be had.
fn method_for(topology: &Topology, moves: &[SlotMove], args: &MigrateArgs) -> Result<Method> {
    let mut ids: Vec<&NodeId> = moves.iter().flat_map(|m| [&m.from, &m.to]).collect();
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
        .map_err(|why| Error::Refused(format!("{why}; nothing was changed")))
}

/// Moves `moves` (already in the order to start them) with the method `args` ask for:
/// atomic migration, or key by key.
pub async fn move_slots(
    context: &Context,
    ready: &Ready,
    moves: &[SlotMove],
    args: &MigrateArgs,
) -> Result<MigrationReport> {
    if moves.is_empty() {
        return Ok(MigrationReport::default());
    }
    let method = method_for(ready.topology(), moves, args)?;
    if method == Method::Atomic {
        context.output.step(
            "Moving the slots with atomic slot migration: the servers move whole slots \
             (CLUSTER MIGRATESLOTS)",
        )?;
        let progress = Progress::new(moves.len());
        let report = atomic::execute(&ready.fetched, moves, &progress).await;
        progress.finish();
        let mut report = report?;
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
    let progress = Progress::new(jobs.len());
    let report = execute(fetched, &context.connect, jobs, &settings, &progress).await;
    progress.finish();
    let mut report = report?;
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
    let document = serde_json::to_value(document).map_err(std::io::Error::from)?;
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
