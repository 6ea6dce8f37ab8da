//! What `rtrib fix` repairs, and how: a topology and the keys every master holds per slot
//! in, a list of repair steps out. No I/O.
//!
//! A slot needs repair when a reachable master has it open (`MIGRATING`/`IMPORTING`), when no
//! reachable master serves it (uncovered), when several masters serve it, or (with
//! `--search-multiple-owners`) when a master that does not serve it holds keys in it.
//!
//! * An open slot that rtrib's own protocol explains (A `MIGRATING` to B and/or B `IMPORTING`
//!   from A, served by A or B, no third master involved) is an interrupted move: it is
//!   finished by the migration executor ([`Step::Move`]), exactly as `reshard` resumes it.
//! * Every other slot gets one owner: the master that alone serves it; else the master with
//!   the most keys in it, ties going to a master that serves it, then to one that has it
//!   open, then to the first in topology order. The others' keys are gathered there without
//!   losing any: each master holding keys is first made to import the slot from the owner
//!   ([`Step::Adopt`], which also shields its keys from being dropped when it learns of the
//!   new owner), the owner then claims the slot with a new epoch ([`Step::SetOwner`]), the keys
//!   are moved ([`Step::ColdMove`]), and the slot is closed everywhere ([`Step::CloseSlot`]) and
//!   assigned to the owner on every master that thinks otherwise ([`Step::SetSlotNode`]).
//!
//! The steps come in phases, all slots at a time, in the order the I/O layer runs them:
//! adopt, claim, move keys, close, assign. Claiming every slot before moving keys matters:
//! while a slot is uncovered the cluster is down, and `MIGRATE` is refused.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};

use super::endpoint::Endpoint;
use super::migrate::{Unfinished, unfinished_moves};
use super::slots::{SLOT_COUNT, Slot, SlotSet};
use super::topology::{NodeReport, Topology};
use super::view::NodeId;

/// The keys each reachable master holds, per slot (slots without keys may be left out).
pub type KeyCounts = HashMap<NodeId, BTreeMap<Slot, u64>>;

/// One repair action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum Step {
    /// On `node`, atomically: `DELSLOTS slot` (its claim, if any, is dropped), `SETSLOT slot
    /// NODE owner`, `SETSLOT slot IMPORTING owner`. The node's keys in the slot can then be
    /// migrated to the owner, and gossip about the slot no longer touches them.
    Adopt {
        /// The master holding keys it is not to keep.
        node: NodeId,
        /// The slot.
        slot: Slot,
        /// The slot's owner-to-be.
        owner: NodeId,
    },
    /// On `node`, atomically: `DELSLOTS`, `ADDSLOTS`, `SETSLOT STABLE`, `BUMPEPOCH`: the node
    /// serves the slot, with an epoch that wins over any other claim.
    SetOwner {
        /// The new owner.
        node: NodeId,
        /// The slot.
        slot: Slot,
    },
    /// `SETSLOT slot STABLE` on `node`.
    CloseSlot {
        /// The node.
        node: NodeId,
        /// The slot.
        slot: Slot,
    },
    /// An interrupted move, finished by the migration executor: `IMPORTING`/`MIGRATING`
    /// (unless `settled`), the keys, then `SETSLOT NODE to` everywhere.
    Move {
        /// The slot.
        slot: Slot,
        /// The source.
        from: NodeId,
        /// The destination.
        to: NodeId,
        /// The destination already serves the slot.
        settled: bool,
    },
    /// The keys only (`GETKEYSINSLOT` + `MIGRATE`), the slot states being set already.
    ColdMove {
        /// The slot.
        slot: Slot,
        /// The master giving its keys.
        from: NodeId,
        /// The owner.
        to: NodeId,
    },
    /// `SETSLOT slot NODE owner` on each of `nodes`.
    SetSlotNode {
        /// The masters to tell.
        nodes: Vec<NodeId>,
        /// The slot.
        slot: Slot,
        /// Its owner.
        owner: NodeId,
    },
}

impl Step {
    /// The slot the step is about.
    pub fn slot(&self) -> Slot {
        match self {
            Step::Adopt { slot, .. }
            | Step::SetOwner { slot, .. }
            | Step::CloseSlot { slot, .. }
            | Step::Move { slot, .. }
            | Step::ColdMove { slot, .. }
            | Step::SetSlotNode { slot, .. } => *slot,
        }
    }

    /// Whether the step moves keys (run by the migration executor).
    pub fn moves_keys(&self) -> bool {
        matches!(self, Step::Move { .. } | Step::ColdMove { .. })
    }
}

/// What `fix` is asked for.
#[derive(Debug, Clone, Copy, Default)]
pub struct FixOptions {
    /// Also repair slots in which a master that does not serve them holds keys.
    pub search_multiple_owners: bool,
    /// Repair even with unreachable masters (their slots count as uncovered).
    pub force: bool,
}

/// The problems found and the steps repairing them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct FixPlan {
    /// Slots open on some master.
    pub open: SlotSet,
    /// Slots no reachable master serves.
    pub uncovered: SlotSet,
    /// Slots served by several masters, or holding keys on a master that does not serve them.
    pub multiple_owners: SlotSet,
    /// The steps, in the order to run them.
    pub steps: Vec<Step>,
}

impl FixPlan {
    /// Whether there is nothing to repair.
    pub fn is_empty(&self) -> bool {
        self.steps.is_empty()
    }
}

/// Why `fix` will not repair; nothing was changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FixRefusal {
    /// Masters serving slots cannot be reached: their slots would be taken as uncovered.
    #[error(
        "Fixing slots with {} unreachable masters is dangerous: they serve slots but cannot be \
         reached ({}), and fixing now would treat their slots as uncovered and reassign them, \
         which can lose their keys. Bring them back, or re-run with --force (alias \
         --cluster-fix-with-unreachable-masters)",
        nodes.len(),
        nodes.iter().map(NodeId::short).collect::<Vec<_>>().join(", ")
    )]
    UnreachableMasters {
        /// The unreachable masters.
        nodes: Vec<NodeId>,
    },
    /// No master can be reached to take the slots.
    #[error("no reachable master can serve the {0} slots to repair")]
    NoMaster(usize),
    /// A master's keys per slot could not be counted (`CLUSTER COUNTKEYSINSLOT`).
    #[error("cannot count the keys of {id} ({endpoint}): {reason}")]
    Uncounted {
        /// The master.
        id: NodeId,
        /// Its address.
        endpoint: Endpoint,
        /// Why.
        reason: String,
    },
}

/// One reachable master, as the planner sees it.
struct Master<'a> {
    node: &'a NodeReport,
    keys: Option<&'a BTreeMap<Slot, u64>>,
}

impl Master<'_> {
    fn id(&self) -> &NodeId {
        self.node.id()
    }
    fn claims(&self, slot: Slot) -> bool {
        self.node.entry.slots.contains(slot)
    }
    fn is_open(&self, slot: Slot) -> bool {
        self.node.entry.migrating.contains_key(&slot)
            || self.node.entry.importing.contains_key(&slot)
    }
    fn keys(&self, slot: Slot) -> u64 {
        self.keys.and_then(|k| k.get(&slot)).copied().unwrap_or(0)
    }
    /// The owner of `slot` in the node's own view.
    fn sees_owner(&self, slot: Slot) -> Option<&NodeId> {
        self.node.view().and_then(|view| view.owner_of(slot))
    }
}

/// Steps of one phase each.
#[derive(Default)]
struct Phases {
    adopt: Vec<Step>,
    claim: Vec<Step>,
    moves: Vec<Step>,
    close: Vec<Step>,
    assign: Vec<Step>,
}

/// Plans the repair of `topology`, given the keys every reachable master holds per slot.
pub fn plan(
    topology: &Topology,
    keys: &KeyCounts,
    options: &FixOptions,
) -> Result<FixPlan, FixRefusal> {
    let masters: Vec<Master> = topology
        .masters()
        .filter(|m| m.is_reachable())
        .map(|node| Master {
            node,
            keys: keys.get(node.id()),
        })
        .collect();
    let mut plan = FixPlan::default();
    let mut claimed = vec![0usize; SLOT_COUNT];
    for master in &masters {
        for slot in master.node.entry.slots.iter() {
            claimed[usize::from(slot)] += 1;
        }
        let entry = &master.node.entry;
        plan.open.extend(
            entry
                .migrating
                .keys()
                .chain(entry.importing.keys())
                .copied(),
        );
    }
    for (slot, &count) in claimed.iter().enumerate() {
        let slot = slot as Slot;
        match count {
            0 => {
                plan.uncovered.insert(slot);
            }
            1 => {}
            _ => {
                plan.multiple_owners.insert(slot);
            }
        }
    }
    if options.search_multiple_owners {
        for master in &masters {
            for (&slot, &count) in master.keys.into_iter().flatten() {
                if count > 0 && !master.claims(slot) && claimed[usize::from(slot)] > 0 {
                    plan.multiple_owners.insert(slot);
                }
            }
        }
        plan.multiple_owners = plan.multiple_owners.difference(&plan.open);
    }
    let mut problems = plan.open.clone();
    problems.union_with(&plan.uncovered);
    problems.union_with(&plan.multiple_owners);
    if problems.is_empty() {
        return Ok(plan);
    }
    let unreachable: Vec<NodeId> = topology
        .masters()
        .filter(|m| !m.is_reachable() && !m.entry.slots.is_empty())
        .map(|m| m.id().clone())
        .collect();
    if !unreachable.is_empty() && !options.force {
        return Err(FixRefusal::UnreachableMasters { nodes: unreachable });
    }
    if masters.is_empty() {
        return Err(FixRefusal::NoMaster(problems.len()));
    }
    let (unfinished, _) = unfinished_moves(topology);
    let unfinished: HashMap<Slot, &Unfinished> =
        unfinished.iter().map(|u| (u.slot_move.slot, u)).collect();
    let mut phases = Phases::default();
    for slot in problems.iter() {
        match unfinished.get(&slot) {
            Some(u) if is_clean_move(&masters, u) => phases.moves.push(Step::Move {
                slot,
                from: u.slot_move.from.clone(),
                to: u.slot_move.to.clone(),
                settled: u.settled,
            }),
            _ => gather(&masters, slot, &mut phases),
        }
    }
    let Phases {
        adopt,
        claim,
        moves,
        close,
        assign,
    } = phases;
    plan.steps = [adopt, claim, moves, close, assign].concat();
    Ok(plan)
}

/// Whether an interrupted move can be finished as such: no third master serves the slot,
/// holds keys in it or has it open, and the source still serves it if it holds keys.
fn is_clean_move(masters: &[Master], unfinished: &Unfinished) -> bool {
    let (slot, from, to) = (
        unfinished.slot_move.slot,
        &unfinished.slot_move.from,
        &unfinished.slot_move.to,
    );
    masters.iter().all(|m| {
        if m.id() == from {
            m.claims(slot) || m.keys(slot) == 0
        } else if m.id() == to {
            true
        } else {
            !m.claims(slot) && m.keys(slot) == 0 && !m.is_open(slot)
        }
    })
}

/// Gives `slot` one owner and gathers its keys there; see the module docs.
fn gather(masters: &[Master], slot: Slot, phases: &mut Phases) {
    let claimers: Vec<usize> = (0..masters.len())
        .filter(|&i| masters[i].claims(slot))
        .collect();
    let owner = match claimers.as_slice() {
        [only] => *only,
        _ => (0..masters.len())
            .min_by_key(|&i| {
                let m = &masters[i];
                (
                    std::cmp::Reverse(m.keys(slot)),
                    !m.claims(slot),
                    !m.is_open(slot),
                    i,
                )
            })
            .expect("at least one reachable master"),
    };
    let owner_id = masters[owner].id().clone();
    let mut assign = Vec::new();
    for (i, master) in masters.iter().enumerate() {
        if i == owner {
            continue;
        }
        if master.keys(slot) > 0 {
            phases.adopt.push(Step::Adopt {
                node: master.id().clone(),
                slot,
                owner: owner_id.clone(),
            });
            phases.moves.push(Step::ColdMove {
                slot,
                from: master.id().clone(),
                to: owner_id.clone(),
            });
            phases.close.push(Step::CloseSlot {
                node: master.id().clone(),
                slot,
            });
            continue;
        }
        if master.is_open(slot) {
            phases.close.push(Step::CloseSlot {
                node: master.id().clone(),
                slot,
            });
        }
        if master.claims(slot) || master.sees_owner(slot) != Some(&owner_id) {
            assign.push(master.id().clone());
        }
    }
    let chosen = &masters[owner];
    if !chosen.claims(slot) || claimers.len() > 1 {
        phases.claim.push(Step::SetOwner {
            node: owner_id.clone(),
            slot,
        });
    } else if chosen.is_open(slot) {
        phases.claim.push(Step::CloseSlot {
            node: owner_id.clone(),
            slot,
        });
    }
    if !assign.is_empty() {
        phases.assign.push(Step::SetSlotNode {
            nodes: assign,
            slot,
            owner: owner_id,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::topology::NodeState;
    use crate::cluster::view::NodesView;

    fn id(name: &str) -> NodeId {
        NodeId::new(name.repeat(40).get(..40).unwrap())
    }

    /// A topology of masters `(name, own slots and open-slot tokens)`; every node's view is
    /// the others' lines as the seed sees them (slots `seen`, or its own when `None`) plus its
    /// own line. A name starting with `!` is unreachable.
    fn topology(masters: &[(&str, &str)]) -> Topology {
        let line = |i: usize, name: &str, slots: &str, myself: bool| {
            format!(
                "{} 127.0.0.1:{}@{} {}master - 0 0 {} connected {slots}\n",
                id(name.trim_start_matches('!')),
                7000 + i,
                17000 + i,
                if myself { "myself," } else { "" },
                i + 1
            )
        };
        let nodes = masters
            .iter()
            .enumerate()
            .map(|(i, (name, slots))| {
                let text: String = masters
                    .iter()
                    .enumerate()
                    .map(|(j, (other, theirs))| {
                        // Others' lines carry no open-slot tokens.
                        let plain: String = theirs
                            .split_whitespace()
                            .filter(|t| !t.starts_with('['))
                            .collect::<Vec<_>>()
                            .join(" ");
                        if i == j {
                            line(j, other, slots, true)
                        } else {
                            line(j, other, &plain, false)
                        }
                    })
                    .collect();
                let view = NodesView::parse(&text).unwrap();
                let entry = view.myself().unwrap().clone();
                let state = if name.starts_with('!') {
                    NodeState::Unreachable {
                        reason: "down".into(),
                    }
                } else {
                    NodeState::Reachable {
                        view,
                        keys: 0,
                        slots_with_keys: None,
                        server: None,
                        migrations: Vec::new(),
                    }
                };
                NodeReport {
                    endpoint: Endpoint::from_addr(entry.addr().unwrap()),
                    entry,
                    state,
                }
            })
            .collect::<Vec<_>>();
        Topology {
            seed: nodes[0].id().clone(),
            nodes,
        }
    }

    fn keys(counts: &[(&str, Slot, u64)]) -> KeyCounts {
        let mut out = KeyCounts::new();
        for (name, slot, count) in counts {
            out.entry(id(name)).or_default().insert(*slot, *count);
        }
        out
    }

    fn plan_of(t: &Topology, k: &KeyCounts) -> FixPlan {
        plan(t, k, &FixOptions::default()).unwrap()
    }

    #[test]
    fn a_healthy_cluster_needs_nothing() {
        let t = topology(&[("a", "0-8191"), ("b", "8192-16383")]);
        let p = plan_of(&t, &keys(&[("a", 1, 5)]));
        assert!(p.is_empty());
        assert!(p.open.is_empty() && p.uncovered.is_empty());
    }

    #[test]
    fn migrating_only_on_the_source_is_finished_as_a_move() {
        let b = id("b");
        let t = topology(&[("a", &format!("0-8191 [5->-{b}]")), ("b", "8192-16383")]);
        let p = plan_of(&t, &keys(&[("a", 5, 3)]));
        assert_eq!(p.open.to_string(), "5");
        assert_eq!(
            p.steps,
            [Step::Move {
                slot: 5,
                from: id("a"),
                to: b,
                settled: false
            }]
        );
    }

    #[test]
    fn importing_only_on_the_target_with_keys_on_both_sides_is_finished_as_a_move() {
        let a = id("a");
        let t = topology(&[("a", "0-8191"), ("b", &format!("8192-16383 [5-<-{a}]"))]);
        let p = plan_of(&t, &keys(&[("a", 5, 3), ("b", 5, 2)]));
        assert_eq!(
            p.steps,
            [Step::Move {
                slot: 5,
                from: a,
                to: id("b"),
                settled: false
            }]
        );
    }

    #[test]
    fn finished_on_the_target_only_is_a_settled_move() {
        let b = id("b");
        // b already serves slot 5 (SETSLOT NODE done there); a still migrating and claiming.
        let t = topology(&[("a", &format!("0-8191 [5->-{b}]")), ("b", "5 8192-16383")]);
        let p = plan_of(&t, &keys(&[("b", 5, 7)]));
        assert_eq!(
            p.steps,
            [Step::Move {
                slot: 5,
                from: id("a"),
                to: b,
                settled: true
            }]
        );
    }

    #[test]
    fn open_toward_a_third_node_with_keys_gathers_into_the_owner() {
        let (a, b) = (id("a"), id("b"));
        // a migrating to b, but c holds keys too: not a clean move.
        let t = topology(&[
            ("a", &format!("0-5000 [5->-{b}]")),
            ("b", &format!("5001-10000 [5-<-{a}]")),
            ("c", "10001-16383"),
        ]);
        let p = plan_of(&t, &keys(&[("a", 5, 1), ("b", 5, 4), ("c", 5, 2)]));
        let c = id("c");
        assert_eq!(
            p.steps,
            [
                Step::Adopt {
                    node: b.clone(),
                    slot: 5,
                    owner: a.clone()
                },
                Step::Adopt {
                    node: c.clone(),
                    slot: 5,
                    owner: a.clone()
                },
                Step::CloseSlot {
                    node: a.clone(),
                    slot: 5
                },
                Step::ColdMove {
                    slot: 5,
                    from: b.clone(),
                    to: a.clone()
                },
                Step::ColdMove {
                    slot: 5,
                    from: c.clone(),
                    to: a.clone()
                },
                Step::CloseSlot { node: b, slot: 5 },
                Step::CloseSlot { node: c, slot: 5 },
            ]
        );
    }

    #[test]
    fn open_slots_pointing_at_unknown_nodes_are_closed() {
        let x = id("x");
        let t = topology(&[
            ("a", &format!("0-8191 [7->-{x}]")),
            ("b", &format!("8192-16383 [9000-<-{x}]")),
        ]);
        let p = plan_of(&t, &keys(&[("a", 7, 2)]));
        assert_eq!(
            p.steps,
            [
                Step::CloseSlot {
                    node: id("a"),
                    slot: 7
                },
                Step::CloseSlot {
                    node: id("b"),
                    slot: 9000
                },
            ]
        );
    }

    #[test]
    fn uncovered_slots_go_to_the_master_with_the_most_keys() {
        let t = topology(&[("a", "0-99 200-8191"), ("b", "8192-16383")]);
        let p = plan_of(&t, &keys(&[("b", 150, 3), ("a", 160, 1), ("b", 160, 2)]));
        assert_eq!(p.uncovered.to_string(), "100-199");
        // No keys: the first master; keys on one node: that node; on several: the most.
        assert!(p.steps.contains(&Step::SetOwner {
            node: id("a"),
            slot: 100
        }));
        assert!(p.steps.contains(&Step::SetOwner {
            node: id("b"),
            slot: 150
        }));
        assert!(p.steps.contains(&Step::SetOwner {
            node: id("b"),
            slot: 160
        }));
        let adopt = p.steps.iter().position(|s| {
            *s == Step::Adopt {
                node: id("a"),
                slot: 160,
                owner: id("b"),
            }
        });
        let claim = p.steps.iter().position(|s| {
            *s == Step::SetOwner {
                node: id("b"),
                slot: 160,
            }
        });
        let cold = p.steps.iter().position(|s| {
            *s == Step::ColdMove {
                slot: 160,
                from: id("a"),
                to: id("b"),
            }
        });
        assert!(adopt < claim && claim < cold, "{:?}", p.steps);
        // Every uncovered slot is claimed before any key moves.
        let last_claim = p
            .steps
            .iter()
            .rposition(|s| matches!(s, Step::SetOwner { .. }))
            .unwrap();
        let first_move = p.steps.iter().position(Step::moves_keys).unwrap();
        assert!(last_claim < first_move);
        // Ties by node order: a (index 0) over b.
        let tie = plan_of(&t, &keys(&[("a", 120, 2), ("b", 120, 2)]));
        assert!(tie.steps.contains(&Step::SetOwner {
            node: id("a"),
            slot: 120
        }));
    }

    #[test]
    fn two_claimers_keep_the_one_with_more_keys() {
        let t = topology(&[("a", "0-8191"), ("b", "8000 8192-16383")]);
        let p = plan_of(&t, &keys(&[("a", 8000, 1), ("b", 8000, 5)]));
        assert_eq!(p.multiple_owners.to_string(), "8000");
        assert_eq!(
            p.steps,
            [
                Step::Adopt {
                    node: id("a"),
                    slot: 8000,
                    owner: id("b")
                },
                Step::SetOwner {
                    node: id("b"),
                    slot: 8000
                },
                Step::ColdMove {
                    slot: 8000,
                    from: id("a"),
                    to: id("b")
                },
                Step::CloseSlot {
                    node: id("a"),
                    slot: 8000
                },
            ]
        );
        // Without keys on the other claimer, it is only told the owner.
        let p = plan_of(&t, &keys(&[("b", 8000, 5)]));
        assert_eq!(
            p.steps,
            [
                Step::SetOwner {
                    node: id("b"),
                    slot: 8000
                },
                Step::SetSlotNode {
                    nodes: vec![id("a")],
                    slot: 8000,
                    owner: id("b")
                },
            ]
        );
    }

    #[test]
    fn keys_in_a_non_owner_are_found_only_when_searching() {
        let t = topology(&[("a", "0-8191"), ("b", "8192-16383")]);
        let k = keys(&[("b", 10, 4), ("a", 10, 1)]);
        assert!(plan_of(&t, &k).is_empty());
        let options = FixOptions {
            search_multiple_owners: true,
            force: false,
        };
        let p = plan(&t, &k, &options).unwrap();
        assert_eq!(p.multiple_owners.to_string(), "10");
        // a serves the slot alone: it stays the owner and receives b's keys.
        assert_eq!(
            p.steps,
            [
                Step::Adopt {
                    node: id("b"),
                    slot: 10,
                    owner: id("a")
                },
                Step::ColdMove {
                    slot: 10,
                    from: id("b"),
                    to: id("a")
                },
                Step::CloseSlot {
                    node: id("b"),
                    slot: 10
                },
            ]
        );
    }

    #[test]
    fn unreachable_masters_refuse_unless_forced() {
        let b = id("b");
        let t = topology(&[
            ("a", &format!("0-5000 [5->-{b}]")),
            ("b", "5001-10000"),
            ("!c", "10001-16383"),
        ]);
        let k = keys(&[]);
        assert_eq!(
            plan(&t, &k, &FixOptions::default()),
            Err(FixRefusal::UnreachableMasters {
                nodes: vec![id("c")]
            })
        );
        let forced = plan(
            &t,
            &k,
            &FixOptions {
                search_multiple_owners: false,
                force: true,
            },
        )
        .unwrap();
        assert_eq!(forced.uncovered.to_string(), "10001-16383");
        assert!(forced.steps.contains(&Step::SetOwner {
            node: id("a"),
            slot: 10001
        }));
        // Nothing to fix: no refusal either.
        let fine = topology(&[("a", "0-10000"), ("b", "10001-16383"), ("!c", "")]);
        assert!(plan_of(&fine, &k).is_empty());
    }

    #[test]
    fn a_thousand_open_slots_are_a_thousand_moves() {
        let (a, b) = (id("a"), id("b"));
        let tokens: String = (0..1000)
            .map(|s| format!(" [{s}->-{b}]"))
            .collect::<String>();
        let importing: String = (0..1000).map(|s| format!(" [{s}-<-{a}]")).collect();
        let t = topology(&[
            ("a", &format!("0-8191{tokens}")),
            ("b", &format!("8192-16383{importing}")),
        ]);
        let p = plan_of(&t, &keys(&[]));
        assert_eq!(p.steps.len(), 1000);
        assert!(p.steps.iter().all(|s| matches!(s, Step::Move { .. })));
    }
}

#[cfg(test)]
mod refusal_tests {
    use super::*;

    #[test]
    fn keys_not_counted_name_the_master() {
        let refusal = FixRefusal::Uncounted {
            id: NodeId::new("a".repeat(40)),
            endpoint: Endpoint::from_addr(([127, 0, 0, 1], 7000).into()),
            reason: "timed out".into(),
        };
        assert_eq!(
            refusal.to_string(),
            format!(
                "cannot count the keys of {} (127.0.0.1:7000): timed out",
                "a".repeat(40)
            )
        );
    }
}
