//! Repairing slots, shared by `fix` and `apply` of a fix plan: print a repair plan, run its
//! steps (adopt, claim, move keys, close, assign), then report and conclude.

use crate::cli::MigrateArgs;
use crate::cluster::endpoint::Endpoint;
use crate::cluster::fix::{FixPlan, Step};
use crate::cluster::migrate::SlotMove;
use crate::cluster::slots::{Slot, SlotSet};
use crate::cluster::topology::Topology;
use crate::cluster::view::NodeId;
use crate::context::Context;
use crate::error::Result;
use crate::exit::Exit;
use crate::net::conn::NodeClient;
use crate::net::fetch::Fetched;
use crate::net::migrate::MigrationReport;
use crate::net::migrate::per_key::Job;
use crate::output::{OutputError, write_summary_text};
use crate::steps::conclude::conclude_with;
use crate::steps::migrate::run_jobs;
use futures_util::future::join_all;
use redis::Value;
use serde::Serialize;
use std::collections::HashMap;

/// Steps listed one by one before the rest is summed up.
const LISTED_STEPS: usize = 40;

/// A step that failed; later steps about its slot were not run.
#[derive(Debug, Clone, Serialize)]
pub struct StepFailure {
    slot: Slot,
    node: Option<NodeId>,
    reason: String,
}

/// The JSON document of `fix`.
#[derive(Serialize)]
struct FixDocument<'a> {
    outcome: &'a str,
    open: &'a SlotSet,
    uncovered: &'a SlotSet,
    multiple_owners: &'a SlotSet,
    steps: &'a [Step],
    keys_moved: u64,
    failures: &'a [StepFailure],
}

/// Prints what is wrong and the steps (text mode).
pub fn print_plan(context: &Context, topology: &Topology, plan: &FixPlan) -> Result<()> {
    let output = &context.output;
    for (slots, what) in [
        (&plan.open, "open slots"),
        (&plan.uncovered, "uncovered slots"),
        (&plan.multiple_owners, "slots with several owners"),
    ] {
        if !slots.is_empty() {
            output.step(&format!("Fixing {} {what}: {slots}", slots.len()))?;
        }
    }
    for step in plan.steps.iter().take(LISTED_STEPS) {
        output.line(&format!("  {}", describe(topology, step)))?;
    }
    if plan.steps.len() > LISTED_STEPS {
        output.line(&format!(
            "  ... and {} more steps (-o json lists them all)",
            plan.steps.len() - LISTED_STEPS
        ))?;
    }
    Ok(())
}

/// One step, for people.
fn describe(topology: &Topology, step: &Step) -> String {
    let name = |id: &NodeId| match topology.endpoint_of(id) {
        Some(endpoint) => format!("{} ({endpoint})", id.short()),
        None => id.short().to_string(),
    };
    match step {
        Step::Adopt { node, slot, owner } => format!(
            "Slot {slot}: set {} importing from {} to hand over its keys",
            name(node),
            name(owner)
        ),
        Step::SetOwner { node, slot } => format!("Slot {slot}: make {} its owner", name(node)),
        Step::CloseSlot { node, slot } => format!("Slot {slot}: close it on {}", name(node)),
        Step::Move {
            slot,
            from,
            to,
            settled,
        } => format!(
            "Slot {slot}: finish its move from {} to {}{}",
            name(from),
            name(to),
            if *settled {
                " (the target serves it)"
            } else {
                ""
            }
        ),
        Step::ColdMove { slot, from, to } => format!(
            "Slot {slot}: move its keys from {} to {}",
            name(from),
            name(to)
        ),
        Step::SetSlotNode { nodes, slot, owner } => format!(
            "Slot {slot}: tell {} that {} serves it",
            nodes.iter().map(&name).collect::<Vec<_>>().join(", "),
            name(owner)
        ),
    }
}

/// Runs the plan: the steps before the key moves, the moves (with the executor), the steps
/// after. A slot whose step fails gets no further step.
pub async fn apply(
    context: &Context,
    fetched: &Fetched,
    plan: &FixPlan,
    migrate: &MigrateArgs,
) -> Result<(MigrationReport, Vec<StepFailure>)> {
    let first_move = plan
        .steps
        .iter()
        .position(Step::moves_keys)
        .unwrap_or(plan.steps.len());
    let last_move = plan
        .steps
        .iter()
        .rposition(Step::moves_keys)
        .map_or(first_move, |i| i + 1);
    let (before, rest) = plan.steps.split_at(first_move);
    let (moves, after) = rest.split_at(last_move - first_move);

    let mut failures = run_steps(fetched, before, &[]).await;
    let failed: SlotSet = failures.iter().map(|f| f.slot).collect();
    let jobs: Vec<Job> = moves
        .iter()
        .filter(|step| !failed.contains(step.slot()))
        .filter_map(|step| match step {
            Step::Move {
                slot,
                from,
                to,
                settled,
            } => Some(job(*slot, from, to, *settled, false)),
            Step::ColdMove { slot, from, to } => Some(job(*slot, from, to, true, true)),
            _ => None,
        })
        .collect();
    let report = if jobs.is_empty() {
        MigrationReport::default()
    } else {
        context
            .output
            .step(&format!("Moving the keys of {} slots", jobs.len()))?;
        run_jobs(context, fetched, jobs, migrate).await?
    };
    failures.extend(report.failures.iter().map(|f| StepFailure {
        slot: f.slot_move.slot,
        node: Some(f.slot_move.from.clone()),
        reason: f.reason.clone(),
    }));
    if report.skipped > 0 {
        failures.push(StepFailure {
            slot: moves.first().map_or(0, Step::slot),
            node: None,
            reason: match report.interrupted {
                true => format!(
                    "{} slots were not started: interrupted (Ctrl-C)",
                    report.skipped
                ),
                false => format!(
                    "{} slots were not moved after an earlier failure",
                    report.skipped
                ),
            },
        });
    }
    let mut unfinished: SlotSet = failures.iter().map(|f| f.slot).collect();
    if report.skipped > 0 {
        let done: SlotSet = report.moved.iter().map(|m| m.slot).collect();
        unfinished.union_with(
            &moves
                .iter()
                .map(Step::slot)
                .collect::<SlotSet>()
                .difference(&done),
        );
    }
    let blocked: Vec<Slot> = unfinished.iter().collect();
    failures.extend(run_steps(fetched, after, &blocked).await);
    Ok((report, failures))
}

fn job(slot: Slot, from: &NodeId, to: &NodeId, settled: bool, cold: bool) -> Job {
    Job {
        slot_move: SlotMove {
            slot,
            from: from.clone(),
            to: to.clone(),
        },
        settled,
        cold,
    }
}

/// Runs the steps that only change slot states: each node's commands in plan order, the
/// nodes at once. Steps about a slot in `blocked`, or about a slot whose earlier step failed
/// on the same node, are skipped.
async fn run_steps(fetched: &Fetched, steps: &[Step], blocked: &[Slot]) -> Vec<StepFailure> {
    let mut per_node: HashMap<&NodeId, Vec<(Slot, redis::Pipeline, Check)>> = HashMap::new();
    for step in steps.iter().filter(|s| !blocked.contains(&s.slot())) {
        for (node, pipe, check) in commands(step) {
            per_node
                .entry(node)
                .or_default()
                .push((step.slot(), pipe, check));
        }
    }
    let runs = per_node.into_iter().map(|(node, work)| async move {
        let Some(client) = fetched.clients.get(node) else {
            return work
                .iter()
                .map(|(slot, _, _)| StepFailure {
                    slot: *slot,
                    node: Some(node.clone()),
                    reason: "the node is not connected".into(),
                })
                .collect();
        };
        run_node(client, node, work).await
    });
    join_all(runs).await.into_iter().flatten().collect()
}

async fn run_node(
    client: &NodeClient,
    node: &NodeId,
    work: Vec<(Slot, redis::Pipeline, Check)>,
) -> Vec<StepFailure> {
    let mut failures: Vec<StepFailure> = Vec::new();
    for (slot, pipe, check) in work {
        if failures.iter().any(|f| f.slot == slot) {
            continue;
        }
        let outcome = match client.pipeline::<Vec<Value>>(&pipe).await {
            Ok(replies) => check.judge(&replies),
            Err(error) => Err(error.reason()),
        };
        if let Err(reason) = outcome {
            failures.push(StepFailure {
                slot,
                node: Some(node.clone()),
                reason,
            });
        }
    }
    failures
}

/// Which replies of a step's pipeline must not be errors.
enum Check {
    /// Every reply.
    All,
    /// The replies at these positions inside the `EXEC` reply (the last), and `EXEC` itself.
    Exec(&'static [usize]),
    /// Every reply, except a node that gave its last slot away and turned replica.
    AllButLostMastership,
}

impl Check {
    fn judge(&self, replies: &[Value]) -> std::result::Result<(), String> {
        match self {
            Check::All | Check::AllButLostMastership => {
                for reply in replies {
                    if let Some(error) = server_error(reply) {
                        let tolerated = matches!(self, Check::AllButLostMastership)
                            && ["only with masters", "only with primaries"]
                                .iter()
                                .any(|t| error.contains(t));
                        if !tolerated {
                            return Err(error);
                        }
                    }
                }
                Ok(())
            }
            Check::Exec(required) => match replies.last() {
                Some(Value::Array(results)) => {
                    for &i in *required {
                        if let Some(error) = results.get(i).and_then(server_error) {
                            return Err(error);
                        }
                    }
                    Ok(())
                }
                Some(other) => Err(server_error(other)
                    .unwrap_or_else(|| format!("unexpected EXEC reply {other:?}"))),
                None => Err("no reply".into()),
            },
        }
    }
}

/// The text of an error reply.
fn server_error(value: &Value) -> Option<String> {
    match value {
        Value::ServerError(error) => Some(format!(
            "{} {}",
            error.code(),
            error.details().unwrap_or_default()
        )),
        _ => None,
    }
}

/// The pipelines a step sends, by node.
fn commands(step: &Step) -> Vec<(&NodeId, redis::Pipeline, Check)> {
    let setslot = |pipe: &mut redis::Pipeline, slot: Slot, args: &[&str]| {
        pipe.cmd("CLUSTER").arg("SETSLOT").arg(slot).arg(args);
    };
    let new = || {
        let mut pipe = redis::pipe();
        pipe.ignore_errors();
        pipe
    };
    match step {
        Step::Adopt { node, slot, owner } => {
            let mut pipe = new();
            pipe.cmd("MULTI");
            pipe.cmd("CLUSTER").arg("DELSLOTS").arg(*slot);
            setslot(&mut pipe, *slot, &["NODE", owner.as_str()]);
            setslot(&mut pipe, *slot, &["IMPORTING", owner.as_str()]);
            pipe.cmd("EXEC");
            vec![(node, pipe, Check::Exec(&[1, 2]))]
        }
        Step::SetOwner { node, slot } => {
            let mut pipe = new();
            pipe.cmd("MULTI");
            pipe.cmd("CLUSTER").arg("DELSLOTS").arg(*slot);
            pipe.cmd("CLUSTER").arg("ADDSLOTS").arg(*slot);
            setslot(&mut pipe, *slot, &["STABLE"]);
            pipe.cmd("CLUSTER").arg("BUMPEPOCH");
            pipe.cmd("EXEC");
            vec![(node, pipe, Check::Exec(&[1, 2]))]
        }
        Step::CloseSlot { node, slot } => {
            let mut pipe = new();
            setslot(&mut pipe, *slot, &["STABLE"]);
            vec![(node, pipe, Check::All)]
        }
        Step::SetSlotNode { nodes, slot, owner } => nodes
            .iter()
            .map(|node| {
                let mut pipe = new();
                setslot(&mut pipe, *slot, &["NODE", owner.as_str()]);
                (node, pipe, Check::AllButLostMastership)
            })
            .collect(),
        Step::Move { .. } | Step::ColdMove { .. } => Vec::new(),
    }
}

/// Prints the summary, then waits for every node to agree and prints the final check
/// (searching for keys in non-owners too with `--search-multiple-owners`); exits 130 after a
/// Ctrl-C, and 0 only when nothing failed, every view agreed in time and the check is healthy.
pub async fn finish(
    context: &Context,
    seed: &Endpoint,
    search_multiple_owners: bool,
    migrate: &MigrateArgs,
    plan: &FixPlan,
    report: &MigrationReport,
    failures: &[StepFailure],
) -> Result<Exit> {
    let output = &context.output;
    if !plan.is_empty() && !output.is_json() {
        if report.keys > 0 || !report.moved.is_empty() {
            output.text(|out, style| write_summary_text(out, style, report))?;
        }
        for failure in failures {
            let on = failure
                .node
                .as_ref()
                .map(|n| format!(" on {}", n.short()))
                .unwrap_or_default();
            output.line(&output.style().err(&format!(
                "[ERR] Slot {}{on}: {}",
                failure.slot, failure.reason
            )))?;
        }
    }
    let outcome = match (plan.is_empty(), failures.is_empty()) {
        _ if report.interrupted => "interrupted",
        (true, _) => "nothing_to_fix",
        (false, true) => "fixed",
        (false, false) => "failed",
    };
    let document = serde_json::to_value(FixDocument {
        outcome,
        open: &plan.open,
        uncovered: &plan.uncovered,
        multiple_owners: &plan.multiple_owners,
        steps: &plan.steps,
        keys_moved: report.keys,
        failures,
    })
    .map_err(OutputError::from)?;
    let wait = migrate.wait_timeout;
    let concluded =
        conclude_with(context, seed, wait, search_multiple_owners, |_| document).await?;
    if report.interrupted {
        return Ok(Exit::Interrupted);
    }
    if !failures.is_empty() {
        return Ok(Exit::Problems);
    }
    Ok(concluded.exit())
}
