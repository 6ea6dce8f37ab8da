//! `reconcile`'s plan as text, and its JSON document.

use std::io::{self, Write};

use serde::Serialize;

use super::Style;
use crate::cluster::migrate::SlotMove;
use crate::cluster::reconcile::{Follow, Leaving, MemoryWarning, ReconcilePlan};
use crate::cluster::slots::SlotSet;
use crate::cluster::view::NodeId;

/// Slots moved from one master to another, for text and JSON.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MovedSlots {
    /// The master giving them.
    pub from: NodeId,
    /// The master taking them.
    pub to: NodeId,
    /// How many.
    pub count: usize,
    /// Which.
    pub slots: SlotSet,
}

/// `moves` grouped by (from, to), in the order each pair first appears.
pub fn moved_slots(moves: &[SlotMove]) -> Vec<MovedSlots> {
    let mut pairs: Vec<MovedSlots> = Vec::new();
    for m in moves {
        match pairs.iter_mut().find(|p| p.from == m.from && p.to == m.to) {
            Some(pair) => {
                pair.slots.insert(m.slot);
                pair.count += 1;
            }
            None => pairs.push(MovedSlots {
                from: m.from.clone(),
                to: m.to.clone(),
                count: 1,
                slots: [m.slot].into_iter().collect(),
            }),
        }
    }
    pairs
}

/// The plan, phase by phase, each node named by `name` (ID and address).
pub fn write_reconcile_plan(
    out: &mut dyn Write,
    style: Style,
    plan: &ReconcilePlan,
    name: &dyn Fn(&NodeId) -> String,
    warnings: &[MemoryWarning],
) -> io::Result<()> {
    let role = |id: &NodeId| match plan.masters.contains(id) {
        true => "master",
        false => "replica",
    };
    if !plan.joins.is_empty() {
        writeln!(out, "{}", style.step("New nodes join the cluster:"))?;
        for id in &plan.joins {
            writeln!(out, "  {} (as {})", name(id), role(id))?;
        }
    }
    let follows = |out: &mut dyn Write, follows: &[Follow]| -> io::Result<()> {
        for f in follows {
            writeln!(
                out,
                "  {} as replica of {}",
                name(&f.replica),
                name(&f.master)
            )?;
        }
        Ok(())
    };
    if !plan.attach.is_empty() {
        writeln!(
            out,
            "{}",
            style.step("Replicas attach (each waited for until its first sync):")
        )?;
        follows(out, &plan.attach)?;
    }
    if !plan.moves.is_empty() {
        writeln!(
            out,
            "{}",
            style.step(&format!("{} slots move:", plan.moves.len()))
        )?;
        for pair in moved_slots(&plan.moves) {
            writeln!(
                out,
                "  Moving {} slots ({}) from {} to {}",
                pair.count,
                pair.slots,
                name(&pair.from),
                name(&pair.to)
            )?;
        }
    }
    for warning in warnings {
        writeln!(
            out,
            "{}",
            style.warn(&format!(
                "{} would hold about {} bytes after the moves (uses {} now, would take in \
                 about {}), past its maxmemory of {}",
                name(&warning.node),
                warning.used + warning.incoming,
                warning.used,
                warning.incoming,
                warning.max
            ))
        )?;
    }
    if !plan.repoint.is_empty() {
        writeln!(out, "{}", style.step("Replicas follow another master:"))?;
        follows(out, &plan.repoint)?;
    }
    if !plan.remove.is_empty() {
        writeln!(out, "{}", style.step("Nodes leave the cluster:"))?;
        for Leaving { id, reset } in &plan.remove {
            let how = match reset {
                true => "reset, then forgotten by every node",
                false => "gone: forgotten by every node",
            };
            writeln!(out, "  {} ({how})", name(id))?;
        }
    }
    if !plan.left_to_fix.is_empty() {
        writeln!(
            out,
            "{}",
            style.warn(&format!(
                "--force: slots {} stay uncovered; run rtrib fix afterwards",
                plan.left_to_fix
            ))
        )?;
    }
    Ok(())
}

/// How `reconcile` ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReconcileOutcome {
    /// The cluster already matched.
    Matches,
    /// `--dry-run`: nothing was changed.
    DryRun,
    /// The plan was carried out.
    Reconciled,
}

/// The JSON document of `rtrib reconcile` (a created cluster's is `create`'s).
#[derive(Debug, Serialize)]
pub struct ReconcileDocument<'a> {
    outcome: ReconcileOutcome,
    nodes: usize,
    masters: &'a [NodeId],
    joins: &'a [NodeId],
    attach: &'a [Follow],
    moves: Vec<MovedSlots>,
    repoint: &'a [Follow],
    remove: &'a [Leaving],
    left_to_fix: &'a SlotSet,
    memory_warnings: &'a [MemoryWarning],
}

impl<'a> ReconcileDocument<'a> {
    /// The plan for `nodes` nodes, and how it ended.
    pub fn new(
        outcome: ReconcileOutcome,
        nodes: usize,
        plan: &'a ReconcilePlan,
        memory_warnings: &'a [MemoryWarning],
    ) -> Self {
        ReconcileDocument {
            outcome,
            nodes,
            masters: &plan.masters,
            joins: &plan.joins,
            attach: &plan.attach,
            moves: moved_slots(&plan.moves),
            repoint: &plan.repoint,
            remove: &plan.remove,
            left_to_fix: &plan.left_to_fix,
            memory_warnings,
        }
    }
}
