//! Where a cluster stands against a plan ([`standing`]), judged step by step from the cluster's
//! state alone, and the steps still to make ([`remaining`]).

use std::collections::{BTreeMap, BTreeSet};

use super::file::Plan;
use super::{Member, Precondition, Role, RolePlacement, Steps, fix_nodes, role_words};
use crate::cluster::create::CreateStep;
use crate::cluster::fix::{FixPlan, Step as FixStep};
use crate::cluster::membership::RemoveStep;
use crate::cluster::migrate::SlotMove;
use crate::cluster::placement::Move;
use crate::cluster::reconcile::{Follow, ReconcilePlan};
use crate::cluster::slots::{Slot, SlotSet};
use crate::cluster::view::NodeId;

/// Where the cluster stands against a plan.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Standing {
    /// Exactly as the plan found it: every step is to be made.
    Ready,
    /// Some steps are made (an interrupted apply), the others are still to make; the cluster
    /// is otherwise as the plan found it.
    Underway {
        /// Steps whose effect is there.
        done: usize,
        /// Steps to make (or to finish).
        left: usize,
    },
    /// Every step's effect is there.
    Done,
    /// The cluster changed otherwise since the plan was made: what changed.
    Stale(Vec<String>),
    /// None of the plan's nodes is in the cluster read.
    Foreign,
}

/// Why `apply` will not make a [`Standing::Stale`] plan's steps: the cluster changed since the
/// plan was made (what changed, at least one); nothing was changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "the cluster changed since the plan was made: {}{}; nothing was changed. Make a new plan",
    .0.first().map_or("", String::as_str),
    match .0.len() { n if n > 1 => format!(" (and {} more changes)", n - 1), _ => String::new() }
)]
pub struct StaleRefusal(pub Vec<String>);

/// How far one step is.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Progress {
    NotStarted,
    InFlight,
    Done,
    /// The step's subject was changed by something else.
    Conflict(String),
}

/// What the plan's steps may change, and so what may differ from the precondition while
/// they are under way.
#[derive(Debug, Default)]
struct Footprint {
    /// Slots whose owners and open marks change.
    slots: SlotSet,
    /// Nodes whose config epoch may change.
    epochs: BTreeSet<NodeId>,
    /// Nodes whose role or master may change.
    roles: BTreeSet<NodeId>,
    /// Nodes that leave the cluster.
    leaving: BTreeSet<NodeId>,
    /// Nodes that join it (absent from the cluster until they have).
    joining: BTreeSet<NodeId>,
    /// Whether the nodes' acquaintances change (`create`).
    knows: bool,
}

impl Footprint {
    /// `id` and its replicas may show another config epoch.
    fn touch(&mut self, pre: &Precondition, id: &NodeId) {
        self.epochs.extend(pre.with_replicas(id));
    }

    /// `replica` may follow another master (`master`, which may bump its epoch).
    fn repoint(&mut self, pre: &Precondition, replica: &NodeId, master: &NodeId) {
        self.roles.insert(replica.clone());
        self.epochs.insert(replica.clone());
        self.touch(pre, master);
    }

    /// Masters left without slots by the plan may turn into replicas of a master that took
    /// their slots (`cluster-allow-replica-migration`), their replicas following.
    fn drained(&mut self, pre: &Precondition) {
        for member in &pre.members {
            if !member.slots.is_empty() && member.slots.difference(&self.slots).is_empty() {
                let ids = pre.with_replicas(&member.id);
                self.roles.extend(ids.iter().cloned());
                self.epochs.extend(ids);
            }
        }
    }
}

/// Judges where the cluster (`now`, read as the plan's precondition was) stands against
/// `plan`; see [`Standing`].
pub fn standing(plan: &Plan, now: &Precondition) -> Standing {
    let pre = &plan.precondition;
    if !pre.members.is_empty() && pre.members.iter().all(|m| now.member(&m.id).is_none()) {
        return Standing::Foreign;
    }
    let (progress, footprint) = progress(plan, now);
    let mut changes: Vec<String> = progress
        .iter()
        .filter_map(|p| match p {
            Progress::Conflict(why) => Some(why.clone()),
            _ => None,
        })
        .collect();
    changes.dedup();
    changes.extend(differences(pre, now, &footprint));
    if !changes.is_empty() {
        return Standing::Stale(changes);
    }
    let done = progress.iter().filter(|p| **p == Progress::Done).count();
    if progress.iter().all(|p| *p == Progress::NotStarted) {
        let strict = differences(
            pre,
            now,
            &Footprint {
                joining: footprint.joining.clone(),
                ..Footprint::default()
            },
        );
        return if strict.is_empty() {
            if progress.is_empty() {
                Standing::Done
            } else {
                Standing::Ready
            }
        } else {
            Standing::Stale(strict)
        };
    }
    if done == progress.len() {
        return Standing::Done;
    }
    Standing::Underway {
        done,
        left: progress.len() - done,
    }
}

/// The plan's steps whose effect is not there yet in `now`: all of them when the cluster
/// is as planned, none when the plan is done.
pub fn remaining(plan: &Plan, now: &Precondition) -> Steps {
    let (progress, _) = progress(plan, now);
    fn left<T: Clone>(steps: &[T], progress: &[Progress]) -> Vec<T> {
        steps
            .iter()
            .zip(progress)
            .filter(|(_, p)| **p != Progress::Done)
            .map(|(step, _)| step.clone())
            .collect()
    }
    match &plan.steps {
        Steps::Create { steps } => Steps::Create {
            steps: left(steps, &progress),
        },
        Steps::Reshard { steps } => Steps::Reshard {
            steps: left(steps, &progress),
        },
        Steps::Rebalance { steps } => Steps::Rebalance {
            steps: left(steps, &progress),
        },
        Steps::Fix {
            search_multiple_owners,
            plan: fix,
        } => Steps::Fix {
            search_multiple_owners: *search_multiple_owners,
            plan: FixPlan {
                steps: left(&fix.steps, &progress),
                ..fix.clone()
            },
        },
        Steps::DelNode { steps } => Steps::DelNode {
            steps: left(steps, &progress),
        },
        Steps::RebalanceRoles { steps } => Steps::RebalanceRoles {
            steps: left(steps, &progress),
        },
        Steps::Reconcile { plan: whole } => {
            let mut progress = progress.as_slice();
            let mut phase = |count: usize| {
                let (this, rest) = progress.split_at(count);
                progress = rest;
                this
            };
            let joins = phase(whole.joins.len());
            let attach = phase(whole.attach.len());
            let moves = phase(whole.moves.len());
            let repoint = phase(whole.repoint.len());
            let remove = phase(whole.remove.len());
            Steps::Reconcile {
                plan: ReconcilePlan {
                    masters: whole.masters.clone(),
                    joins: left(&whole.joins, joins),
                    attach: left(&whole.attach, attach),
                    moves: left(&whole.moves, moves),
                    repoint: left(&whole.repoint, repoint),
                    remove: left(&whole.remove, remove),
                    left_to_fix: whole.left_to_fix.clone(),
                },
            }
        }
    }
}

/// The progress of every step, and the plan's footprint.
fn progress(plan: &Plan, now: &Precondition) -> (Vec<Progress>, Footprint) {
    let pre = &plan.precondition;
    let mut footprint = Footprint::default();
    let progress = match &plan.steps {
        Steps::Reshard { steps } | Steps::Rebalance { steps } => {
            for m in steps {
                footprint.slots.insert(m.slot);
                footprint.touch(pre, &m.from);
                footprint.touch(pre, &m.to);
            }
            footprint.drained(pre);
            steps.iter().map(|m| slot_move_progress(now, m)).collect()
        }
        Steps::Fix { plan: fix, .. } => {
            for step in &fix.steps {
                footprint.slots.insert(step.slot());
                for node in fix_nodes(step) {
                    footprint.touch(pre, node);
                }
            }
            footprint.drained(pre);
            let by_slot: BTreeMap<Slot, Progress> = footprint
                .slots
                .iter()
                .map(|slot| (slot, fix_slot_progress(pre, now, &fix.steps, slot)))
                .collect();
            fix.steps
                .iter()
                .map(|s| by_slot[&s.slot()].clone())
                .collect()
        }
        Steps::Create { steps } => {
            footprint.knows = true;
            for step in steps {
                match step {
                    CreateStep::AddSlots { slots, .. } => footprint.slots.union_with(slots),
                    CreateStep::SetConfigEpoch { node, .. } => footprint.touch(pre, node),
                    CreateStep::Replicate { replica, master } => {
                        footprint.repoint(pre, replica, master);
                    }
                    CreateStep::Meet { .. } => {}
                }
            }
            // Masters bump their epochs when they meet others with the same (a resumed
            // create gives fresh nodes epochs of their own, not necessarily unique).
            for member in &pre.members {
                footprint.epochs.insert(member.id.clone());
            }
            steps.iter().map(|s| create_progress(pre, now, s)).collect()
        }
        Steps::DelNode { steps } => {
            for step in steps {
                match step {
                    RemoveStep::Replicate { replica, master } => {
                        footprint.repoint(pre, replica, master);
                    }
                    RemoveStep::Forget { node } | RemoveStep::Reset { node } => {
                        footprint.leaving.insert(node.clone());
                    }
                }
            }
            steps.iter().map(|s| remove_progress(pre, now, s)).collect()
        }
        Steps::RebalanceRoles { steps } => roles_progress(pre, now, steps, &mut footprint),
        Steps::Reconcile { plan } => reconcile_progress(pre, now, plan, &mut footprint),
    };
    (progress, footprint)
}

/// A slot move: at its source, at its destination, between the two, or elsewhere.
fn slot_move_progress(now: &Precondition, m: &SlotMove) -> Progress {
    let claimants = now.claimants(m.slot);
    let marks = now.open_marks(m.slot);
    let ends: BTreeSet<&NodeId> = [&m.from, &m.to].into_iter().collect();
    let ours = marks.iter().all(|&(node, peer, migrating)| {
        (migrating && node == &m.from && peer == &m.to)
            || (!migrating && node == &m.to && peer == &m.from)
    });
    let only = |id: &NodeId| claimants.len() == 1 && claimants.contains(id);
    if !ours || claimants.iter().any(|c| !ends.contains(c)) || claimants.is_empty() {
        let owners: Vec<String> = claimants.iter().map(|c| c.short().to_string()).collect();
        return Progress::Conflict(format!(
            "slot {} is served by {} and the plan moves it from {} to {}",
            m.slot,
            if owners.is_empty() {
                "no node".to_string()
            } else {
                owners.join(", ")
            },
            m.from.short(),
            m.to.short()
        ));
    }
    if marks.is_empty() && only(&m.from) {
        Progress::NotStarted
    } else if marks.is_empty() && only(&m.to) {
        Progress::Done
    } else {
        Progress::InFlight
    }
}

/// A slot `fix` repairs: as found, repaired (one owner, the last the steps name; closed
/// everywhere), or in between. Another owner than the steps' nodes is a conflict.
fn fix_slot_progress(
    pre: &Precondition,
    now: &Precondition,
    steps: &[FixStep],
    slot: Slot,
) -> Progress {
    let steps: Vec<&FixStep> = steps.iter().filter(|s| s.slot() == slot).collect();
    let owner = steps
        .iter()
        .rev()
        .find_map(|step| match step {
            FixStep::Adopt { owner, .. } | FixStep::SetSlotNode { owner, .. } => Some(owner),
            FixStep::SetOwner { node, .. } => Some(node),
            FixStep::Move { to, .. } | FixStep::ColdMove { to, .. } => Some(to),
            FixStep::CloseSlot { .. } => None,
        })
        .or_else(|| pre.claimants(slot).into_iter().next());
    let claimants = now.claimants(slot);
    let involved: BTreeSet<&NodeId> = steps
        .iter()
        .flat_map(|s| fix_nodes(s))
        .chain(pre.claimants(slot))
        .collect();
    if let Some(stranger) = claimants.iter().find(|c| !involved.contains(*c)) {
        return Progress::Conflict(format!(
            "slot {slot} is served by node {}, which the repair does not involve",
            stranger.short()
        ));
    }
    let closed = now.open_marks(slot).is_empty();
    if closed && owner.is_some_and(|o| claimants.len() == 1 && claimants.contains(o)) {
        Progress::Done
    } else if claimants == pre.claimants(slot) && now.open_marks(slot) == pre.open_marks(slot) {
        Progress::NotStarted
    } else {
        Progress::InFlight
    }
}

/// A step of `create`, by its effect.
fn create_progress(pre: &Precondition, now: &Precondition, step: &CreateStep) -> Progress {
    let before = |id: &NodeId| pre.member(id);
    let after = |id: &NodeId| now.member(id);
    let done = |made: bool| {
        if made {
            Progress::Done
        } else {
            Progress::NotStarted
        }
    };
    match step {
        CreateStep::AddSlots { node, slots } => match after(node) {
            Some(m) if slots.difference(&m.slots).is_empty() => Progress::Done,
            Some(m) if m.slots.intersection(slots).is_empty() => Progress::NotStarted,
            Some(_) => Progress::InFlight,
            None => Progress::NotStarted,
        },
        CreateStep::SetConfigEpoch { node, .. } => done(
            after(node).map(|m| m.config_epoch) != before(node).map(|m| m.config_epoch)
                || after(node).is_some_and(|m| m.knows.as_ref().is_some_and(|k| !k.is_empty())),
        ),
        CreateStep::Meet { from, to } => {
            done(after(from).is_some_and(|m| m.knows.as_ref().is_some_and(|k| k.contains(to))))
        }
        CreateStep::Replicate { replica, master } => {
            done(after(replica).is_some_and(|m| m.master.as_ref() == Some(master)))
        }
    }
}

/// A step of removing a node, by its effect.
fn remove_progress(pre: &Precondition, now: &Precondition, step: &RemoveStep) -> Progress {
    match step {
        RemoveStep::Replicate { replica, master } => {
            let now_master = now.member(replica).and_then(|m| m.master.as_ref());
            let before = pre.member(replica).and_then(|m| m.master.as_ref());
            if now_master == Some(master) {
                Progress::Done
            } else if now_master == before {
                Progress::NotStarted
            } else {
                Progress::Conflict(format!(
                    "replica {} follows {} now and the plan makes it follow {}",
                    replica.short(),
                    now_master.map_or("no master", |m| m.short()),
                    master.short()
                ))
            }
        }
        RemoveStep::Forget { node } | RemoveStep::Reset { node } => {
            if now.member(node).is_some() {
                Progress::NotStarted
            } else {
                Progress::Done
            }
        }
    }
}

/// `reconcile`'s phases, step by step in their order: a node joined once the cluster lists
/// it; a replica attached or re-pointed once it follows its planned master (until then it
/// may follow any, as replica migration may move it; a planned master that is a replica now
/// is a conflict); a slot move as `reshard`'s; a node removed once the cluster no longer
/// lists it.
fn reconcile_progress(
    pre: &Precondition,
    now: &Precondition,
    plan: &ReconcilePlan,
    footprint: &mut Footprint,
) -> Vec<Progress> {
    let mut progress = Vec::new();
    for id in &plan.joins {
        footprint.joining.insert(id.clone());
        footprint.epochs.insert(id.clone());
        progress.push(if now.member(id).is_some() {
            Progress::Done
        } else {
            Progress::NotStarted
        });
    }
    let follow = |f: &Follow| match (now.member(&f.replica), now.member(&f.master)) {
        (Some(replica), _) if replica.master.as_ref() == Some(&f.master) => Progress::Done,
        (_, Some(master)) if master.role != Role::Master => Progress::Conflict(format!(
            "node {} is {} now and the plan makes node {} follow it",
            f.master.short(),
            role_words(master.role, master.master.as_ref()),
            f.replica.short()
        )),
        _ => Progress::NotStarted,
    };
    for f in &plan.attach {
        footprint.repoint(pre, &f.replica, &f.master);
        progress.push(follow(f));
    }
    for m in &plan.moves {
        footprint.slots.insert(m.slot);
        footprint.touch(pre, &m.from);
        footprint.touch(pre, &m.to);
        progress.push(slot_move_progress(now, m));
    }
    footprint.drained(pre);
    for f in &plan.repoint {
        footprint.repoint(pre, &f.replica, &f.master);
        progress.push(follow(f));
    }
    for leaving in &plan.remove {
        footprint.leaving.insert(leaving.id.clone());
        progress.push(if now.member(&leaving.id).is_some() {
            Progress::NotStarted
        } else {
            Progress::Done
        });
    }
    progress
}

/// `rebalance-roles`' moves, judged together since each depends on the ones before: every
/// prefix of the moves leads to a placement, and the cluster is at the latest one it shows
/// (a failover made: the replica serves its master's slots and the master follows it; a
/// replica move made: the replica follows its new master). A cluster at none of them was
/// changed by something else: a conflict, named against the placement nearest to it.
fn roles_progress(
    pre: &Precondition,
    now: &Precondition,
    moves: &[Move],
    footprint: &mut Footprint,
) -> Vec<Progress> {
    let mut placements = vec![RolePlacement::of(pre)];
    for step in moves {
        let mut next = placements[placements.len() - 1].clone();
        next.make(step);
        placements.push(next);
    }
    for (before, (id, master, slots)) in placements[0].0.iter().enumerate() {
        let moved = placements.iter().any(|p| {
            let (_, m, s) = &p.0[before];
            m != master || s != slots
        });
        if moved {
            footprint.roles.insert(id.clone());
            footprint.slots.union_with(slots);
            footprint.touch(pre, id);
        }
    }
    for id in moves.iter().flat_map(Move::nodes) {
        footprint.touch(pre, id);
    }
    let slotted: BTreeSet<&NodeId> = moves
        .iter()
        .filter_map(|step| match step {
            Move::Failover { replica, master } => Some([replica, master]),
            Move::Replicate { .. } => None,
        })
        .flatten()
        .collect();
    let roles = footprint.roles.clone();
    let mismatches: Vec<Vec<String>> = placements
        .iter()
        .enumerate()
        .map(|(made, p)| {
            let when = match made {
                0 => "before its moves".to_string(),
                n => format!("after its move {n}"),
            };
            p.mismatches(pre, now, (&roles, &slotted), &when)
        })
        .collect();
    match mismatches.iter().rposition(Vec::is_empty) {
        Some(made) => (0..moves.len())
            .map(|i| {
                if i < made {
                    Progress::Done
                } else {
                    Progress::NotStarted
                }
            })
            .collect(),
        None => {
            let nearest = mismatches.iter().min_by_key(|m| m.len());
            let why = nearest.map(|m| m.join("; ")).unwrap_or_default();
            vec![Progress::Conflict(why); moves.len()]
        }
    }
}

/// What differs between `before` and `now` outside `footprint`, one line each.
fn differences(before: &Precondition, now: &Precondition, footprint: &Footprint) -> Vec<String> {
    let mut changes = Vec::new();
    for old in &before.members {
        let who = old.describe();
        let Some(new) = now.member(&old.id) else {
            if !footprint.leaving.contains(&old.id) && !footprint.joining.contains(&old.id) {
                changes.push(format!("{who} is no longer in the cluster"));
            }
            continue;
        };
        if new.addr != old.addr {
            changes.push(format!("{who} is at {} now", new.addr));
        }
        if (new.role, &new.master) != (old.role, &old.master) && !footprint.roles.contains(&old.id)
        {
            changes.push(format!(
                "{who} is {} now, was {}",
                role_words(new.role, new.master.as_ref()),
                role_words(old.role, old.master.as_ref())
            ));
        }
        if new.config_epoch != old.config_epoch && !footprint.epochs.contains(&old.id) {
            changes.push(format!(
                "{who} has config epoch {} now, was {} (its slots changed hands)",
                new.config_epoch, old.config_epoch
            ));
        }
        let outside = |slots: &SlotSet| slots.difference(&footprint.slots);
        let (was, is) = (outside(&old.slots), outside(&new.slots));
        if was != is {
            let gained = is.difference(&was);
            let lost = was.difference(&is);
            let mut what = Vec::new();
            if !gained.is_empty() {
                what.push(format!("serves slots {gained} it did not"));
            }
            if !lost.is_empty() {
                what.push(format!("no longer serves slots {lost}"));
            }
            changes.push(format!("{who} {}", what.join(" and ")));
        }
        let open = |m: &Member| -> SlotSet {
            m.migrating
                .keys()
                .chain(m.importing.keys())
                .copied()
                .filter(|s| !footprint.slots.contains(*s))
                .collect()
        };
        let opened = open(new);
        let same_marks = opened == open(old)
            && opened.iter().all(|s| {
                (new.migrating.get(&s), new.importing.get(&s))
                    == (old.migrating.get(&s), old.importing.get(&s))
            });
        if !same_marks {
            changes.push(format!(
                "{who} has slots {} open (migrating/importing), the plan found {}",
                if opened.is_empty() {
                    "none".to_string()
                } else {
                    opened.to_string()
                },
                match open(old) {
                    open if open.is_empty() => "none".to_string(),
                    open => open.to_string(),
                }
            ));
        }
        // A leaving node may be reset already (it answers with another ID).
        if new.reachable != old.reachable && !footprint.leaving.contains(&old.id) {
            changes.push(format!(
                "{who} is {} now",
                if new.reachable {
                    "reachable"
                } else {
                    "unreachable"
                }
            ));
        }
        if !footprint.knows && new.knows != old.knows {
            changes.push(format!("{who} knows other nodes now"));
        }
    }
    for new in &now.members {
        if before.member(&new.id).is_none() {
            changes.push(format!("{} joined the cluster", new.describe()));
        }
    }
    changes
}

#[cfg(test)]
mod refusal_tests {
    use super::*;

    #[test]
    fn a_stale_plan_names_the_first_change_and_counts_the_others() {
        let one = StaleRefusal(vec!["slot 5 moved".into()]);
        assert_eq!(
            one.to_string(),
            "the cluster changed since the plan was made: slot 5 moved; nothing was changed. \
             Make a new plan"
        );
        let three = StaleRefusal(vec!["slot 5 moved".into(), "b".into(), "c".into()]);
        assert_eq!(
            three.to_string(),
            "the cluster changed since the plan was made: slot 5 moved (and 2 more changes); \
             nothing was changed. Make a new plan"
        );
    }
}
