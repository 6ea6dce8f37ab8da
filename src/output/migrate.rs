//! What `reshard` and `rebalance` print: the plan, the summary and the JSON document (their
//! progress on stderr is `output::progress`).

use std::io::{self, Write};

use serde::Serialize;

use super::Style;
use super::balance::BalanceDocument;
use super::progress::keys_per_second;
use crate::cluster::atomic::Method;
use crate::cluster::migrate::SlotMove;
use crate::cluster::slots::SlotSet;
use crate::cluster::topology::Topology;
use crate::cluster::view::NodeId;
use crate::net::migrate::MigrationReport;

/// Writes the moves grouped by (source, destination), in the order the pairs first appear:
/// `Moving 1365 slots (0-1364) from <id> (addr) to <id> (addr)`.
pub fn write_moves_text(
    out: &mut dyn Write,
    topology: &Topology,
    moves: &[SlotMove],
) -> io::Result<()> {
    let mut pairs: Vec<(&NodeId, &NodeId, SlotSet)> = Vec::new();
    for m in moves {
        match pairs
            .iter_mut()
            .find(|(f, t, _)| *f == &m.from && *t == &m.to)
        {
            Some((_, _, slots)) => {
                slots.insert(m.slot);
            }
            None => pairs.push((&m.from, &m.to, [m.slot].into_iter().collect())),
        }
    }
    let name = |id: &NodeId| match topology.endpoint_of(id) {
        Some(endpoint) => format!("{id} ({endpoint})"),
        None => id.to_string(),
    };
    for (from, to, slots) in pairs {
        writeln!(
            out,
            "  Moving {} slots ({slots}) from {} to {}",
            slots.len(),
            name(from),
            name(to)
        )?;
    }
    Ok(())
}

/// The summary line: `Moved 4096 slots and 1000000 keys in 12.3s (81300 keys/s, atomic)`,
/// then the slots not moved, grouped by source, destination and reason.
pub fn write_summary_text(
    out: &mut dyn Write,
    style: Style,
    report: &MigrationReport,
) -> io::Result<()> {
    let seconds = report.elapsed.as_secs_f64();
    let method = report.method.map_or_else(String::new, |m| format!(", {m}"));
    writeln!(
        out,
        "{}",
        style.step(&format!(
            "Moved {} slots and {} keys in {seconds:.1}s ({:.0} keys/s{method})",
            report.moved.len(),
            report.keys,
            keys_per_second(report.keys, report.elapsed)
        ))
    )?;
    if report.interrupted {
        writeln!(out, "{}", style.warn(&interrupted_text(report)))?;
    }
    let mut failed: Vec<(&NodeId, &NodeId, &str, bool, SlotSet)> = Vec::new();
    for failure in &report.failures {
        let SlotMove { slot, from, to } = &failure.slot_move;
        let (reason, open) = (failure.reason.as_str(), failure.left_open);
        match failed
            .iter_mut()
            .find(|(f, t, r, o, _)| *f == from && *t == to && *r == reason && *o == open)
        {
            Some((_, _, _, _, slots)) => {
                slots.insert(*slot);
            }
            None => failed.push((from, to, reason, open, [*slot].into_iter().collect())),
        }
    }
    for (from, to, reason, open, slots) in failed {
        let (what, state) = match (slots.len(), open) {
            (1, true) => (
                format!("Slot {slots} ({from} -> {to}) was"),
                "it is left open, each key on one side or the other",
            ),
            (_, true) => (
                format!("Slots {slots} ({from} -> {to}) were"),
                "they are left open, each key on one side or the other",
            ),
            (1, false) => (
                format!("Slot {slots} ({from} -> {to}) was"),
                "it stays with its source, none of its keys moved",
            ),
            (_, false) => (
                format!("Slots {slots} ({from} -> {to}) were"),
                "they stay with their source, none of their keys moved",
            ),
        };
        writeln!(
            out,
            "{}",
            style.err(&format!("{what} not moved: {reason}; {state}"))
        )?;
    }
    if report.failures.iter().any(|f| f.cluster_changed) {
        let open = report.failures.iter().filter(|f| f.left_open).count();
        let next = match open {
            0 => "then run this command again",
            _ => "then run this command again (or `rtrib fix`) to finish the slots left open",
        };
        writeln!(
            out,
            "{}",
            style.warn(&format!(
                "The cluster changed while this command ran (redis-cli, an operator, a person \
                 or a failover; rtrib commands wait for each other's lease): run `rtrib check` \
                 to see how it stands, {next}"
            ))
        )?;
    }
    if report.skipped > 0 && !report.interrupted {
        writeln!(
            out,
            "{}",
            style.warn(&format!(
                "{} slots were not started after that failure; re-run the command to finish",
                report.skipped
            ))
        )?;
    }
    Ok(())
}

/// What a Ctrl-C left: the servers' jobs cancelled (atomic), or the slots in flight finished
/// (per key; after a second Ctrl-C, left open), and how to finish.
fn interrupted_text(report: &MigrationReport) -> String {
    let moved = report.moved.len();
    let open = report.failures.len();
    if report.method == Some(Method::Atomic) {
        return format!(
            "Interrupted: the servers' migrations were cancelled; {moved} slots moved, {open} did \
             not (they stay with their source, no key lost). Re-run the command to finish"
        );
    }
    let not_started = report.skipped;
    match open {
        0 => format!(
            "Interrupted (Ctrl-C): {moved} slots moved, {not_started} not started; no slot is \
             left open. Re-run the command to move the rest"
        ),
        _ => format!(
            "Interrupted (Ctrl-C): {moved} slots moved, {open} not moved and possibly left open \
             (below; no key lost), {not_started} not started. Re-run the command to finish them"
        ),
    }
}

/// `reshard` / `rebalance` with `-o json`.
#[derive(Debug, Serialize)]
pub struct MigrateDocument<'a> {
    /// `moved`, `resumed`, `balanced`, `dry_run`, `failed` or `interrupted`.
    pub outcome: &'a str,
    /// How the slots moved: `atomic` (the servers' CLUSTER MIGRATESLOTS) or `keys`; `null`
    /// when nothing ran.
    pub method: Option<Method>,
    /// The moves planned (with `--dry-run`) or made.
    pub moves: &'a [SlotMove],
    /// Slots moved.
    pub slots_moved: usize,
    /// Slots not started: after a failure or a Ctrl-C (a re-run moves them).
    pub slots_not_started: usize,
    /// Keys moved.
    pub keys_moved: u64,
    /// Time spent moving.
    pub seconds: f64,
    /// Slots that could not be moved, with the reason and whether each is left open.
    pub failures: Vec<FailureDocument<'a>>,
    /// For `rebalance`: the measure, every master's share and the slots no move can balance.
    #[serde(flatten, skip_serializing_if = "Option::is_none")]
    pub balance: Option<&'a BalanceDocument>,
}

/// One slot that was not moved.
#[derive(Debug, Serialize)]
pub struct FailureDocument<'a> {
    /// The move.
    #[serde(flatten)]
    pub slot_move: &'a SlotMove,
    /// Why.
    pub reason: &'a str,
    /// It may be left open (MIGRATING/IMPORTING); otherwise it stays with its source.
    pub left_open: bool,
}

impl<'a> MigrateDocument<'a> {
    /// The document for `outcome`; `moves` are the planned moves when nothing ran.
    pub fn new(outcome: &'a str, moves: &'a [SlotMove], report: &'a MigrationReport) -> Self {
        Self {
            outcome,
            method: report.method,
            moves,
            slots_moved: report.moved.len(),
            slots_not_started: report.skipped,
            keys_moved: report.keys,
            seconds: (report.elapsed.as_secs_f64() * 1000.0).round() / 1000.0,
            failures: report
                .failures
                .iter()
                .map(|f| FailureDocument {
                    slot_move: &f.slot_move,
                    reason: &f.reason,
                    left_open: f.left_open,
                })
                .collect(),
            balance: None,
        }
    }
}
