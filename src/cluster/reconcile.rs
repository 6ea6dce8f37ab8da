//! Deciding what `reconcile` must do to make a running cluster match the list of nodes that
//! should be in it (a StatefulSet's pods after a scale): which new nodes join, which node is a
//! master and which a replica of which master, which slots move where, and which nodes leave.
//!
//! The shape is the one `create` would choose for the whole list: `nodes / (replicas + 1)`
//! masters, never fewer than [`MIN_MASTERS`] unless allowed. Roles change as little as
//! possible: the masters serving slots stay masters (in list order, as many as the shape
//! has); the masters still missing are taken from the members serving no slot, then from the
//! new nodes, each time from the failure domain holding the fewest masters so far. Every other
//! node replicates the master with the fewest replicas, preferring one outside its own
//! domain; a replica already following a master that stays keeps it.
//!
//! The plan is in the order it is safe to carry out (see [`ReconcilePlan`]): nothing leaves
//! before its slots have moved and its replicas have another master. The slots are spread
//! with redis-cli's rebalance ([`plan_by_weight`]): every master of the shape weighs 1, every
//! other node serving slots 0, so a leaving master's slots go to the masters that stay by
//! their share, never all onto one when several are short of it.
//!
//! With the load of every slot (`--by keys`), the masters get their share of the load instead,
//! with `rebalance --by`'s planner ([`balance_by_weight`]), and only when the masters change.
//!
//! Re-planning on the cluster a plan leaves gives an empty plan: a cluster within
//! [`BALANCE_THRESHOLD`] of its shares moves no slot.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use super::allocate::{Domain, MIN_MASTERS, master_count};
use super::balance::balance_by_weight;
use super::load::SlotWeights;
use super::migrate::{SlotMove, WeightedMaster, plan_by_weight};
use super::slots::SlotSet;
use super::topology::Topology;
use super::view::NodeId;

/// How far from its share of the slots (in percent) a master may be before slots move: a
/// new master (0 slots) and a leaving one (all of them) are always far off; a cluster an
/// earlier run balanced (off by a slot at most) is left alone.
pub const BALANCE_THRESHOLD: f64 = 1.0;

/// A node of the cluster as it is now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Present {
    /// The node.
    pub id: NodeId,
    /// The master it replicates; `None` for a master.
    pub master: Option<NodeId>,
    /// The slots it serves (by its own account when it answered, else by the seed's).
    pub slots: SlotSet,
    /// Whether it answered: a node that did not is forgotten, not reset.
    pub alive: bool,
}

impl Present {
    /// Every node of `topology` but those still in handshake (their IDs are temporary).
    pub fn of_topology(topology: &Topology) -> Vec<Present> {
        topology
            .nodes
            .iter()
            .filter(|node| !node.entry.flags.handshake)
            .map(|node| Present {
                id: node.id().clone(),
                master: node
                    .entry
                    .is_replica()
                    .then(|| node.entry.master_id.clone())
                    .flatten(),
                slots: node.entry.slots.clone(),
                alive: node.is_reachable(),
            })
            .collect()
    }
}

/// A node that should be in the cluster: its ID (a new node's own) and failure domain.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Wanted {
    /// The node.
    pub id: NodeId,
    /// Its failure domain (`--host-of` label, else IP).
    pub domain: Domain,
}

/// What `reconcile` is asked for besides the nodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReconcileOptions {
    /// Replicas per master.
    pub replicas: usize,
    /// Allow fewer than [`MIN_MASTERS`] masters.
    pub allow_few_masters: bool,
    /// Forget a dead leaving master whose slots no replica took over, leaving its slots
    /// uncovered (for `fix`).
    pub force: bool,
}

/// A replica and the master it is to follow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Follow {
    /// The replica.
    pub replica: NodeId,
    /// Its master.
    pub master: NodeId,
}

/// A node leaving the cluster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Leaving {
    /// The node.
    pub id: NodeId,
    /// Whether it answers: it is then reset (`CLUSTER RESET HARD`, so that it cannot rejoin
    /// by gossip) before every other node forgets it; a dead one is only forgotten.
    pub reset: bool,
}

/// What to do, phase after phase, in this order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReconcilePlan {
    /// The masters once the plan is carried out, in the order they were chosen.
    pub masters: Vec<NodeId>,
    /// 1. New nodes that join (MEET), as empty masters.
    pub joins: Vec<NodeId>,
    /// 2. Empty nodes that become replicas (`CLUSTER REPLICATE`, then their first sync).
    pub attach: Vec<Follow>,
    /// 3. Slot moves, to the new masters and away from the masters that leave or step down.
    pub moves: Vec<SlotMove>,
    /// 4. Replicas whose master leaves or steps down, and drained masters that step down,
    ///    re-pointed to masters short of replicas.
    pub repoint: Vec<Follow>,
    /// 5. Nodes that leave: replicas first, then masters.
    pub remove: Vec<Leaving>,
    /// With `--force`: slots of dead leaving masters that no replica took over; they stay
    /// uncovered (for `fix`), and no slot moves (a run after `fix` balances).
    pub left_to_fix: SlotSet,
}

impl ReconcilePlan {
    /// True when the cluster already matches.
    pub fn is_empty(&self) -> bool {
        self.joins.is_empty()
            && self.attach.is_empty()
            && self.moves.is_empty()
            && self.repoint.is_empty()
            && self.remove.is_empty()
    }
}

/// Why `reconcile` will not change the cluster. Nothing has been changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReconcileRefusal {
    /// Not even one master with its replicas.
    #[error(
        "{nodes} node(s) cannot hold a master with {replicas} replica(s) each: give at least {} nodes or fewer --replicas",
        replicas + 1
    )]
    TooFewNodes { nodes: usize, replicas: usize },
    /// Fewer masters than can fail over automatically.
    #[error(
        "{nodes} node(s) with --replicas {replicas} give {masters} master(s): Redis Cluster \
         requires at least {MIN_MASTERS} master nodes to fail over automatically. Give more \
         nodes, fewer --replicas, or --allow-few-masters"
    )]
    TooFewMasters {
        nodes: usize,
        replicas: usize,
        masters: usize,
    },
    /// The shape needs more masters than the nodes given can provide without promoting
    /// replicas (which `reconcile` does not do).
    #[error(
        "the shape needs {wanted} masters but only {available} of the nodes given can be one \
         (masters, and new or empty nodes; reconcile does not turn a replica into a master): \
         give more nodes, or more --replicas"
    )]
    NotEnoughMasters { wanted: usize, available: usize },
    /// A leaving master is gone and no replica took its slots over.
    #[error(
        "leaving node(s) {} are unreachable and still serve slots {slots}, which no replica \
         took over: bring them back so their slots can move, wait for a replica's failover, \
         or give --force to forget them anyway and leave the slots to rtrib fix",
        nodes.iter().map(NodeId::to_string).collect::<Vec<_>>().join(", ")
    )]
    UnservedSlots {
        nodes: Vec<NodeId>,
        slots: Box<SlotSet>,
    },
    /// `--plan-out` or `--dry-run` (the `option`) would have to heal first, which changes the
    /// cluster.
    #[error(
        "{nodes} node(s) see others at old addresses, and {option} changes nothing: run \
         rtrib heal (or this command without {option}) first, then plan again"
    )]
    HealBeforePlanning { nodes: usize, option: &'static str },
    /// A node a plan has join answers with another ID now.
    #[error(
        "{endpoint} is not node {id} any more, which the plan has join the cluster: nothing was \
         changed. Make a new plan"
    )]
    JoinerReplaced { endpoint: String, id: NodeId },
}

/// Plans how to make `present` match `wanted` (see the module docs). With `load` (what each
/// slot holds, e.g. its keys), the slots are spread so that every master of the shape holds
/// its share of the load ([`balance_by_weight`]) instead of its share of the slot count.
pub fn plan_reconcile(
    present: &[Present],
    wanted: &[Wanted],
    options: &ReconcileOptions,
    load: Option<&SlotWeights>,
) -> Result<ReconcilePlan, ReconcileRefusal> {
    let nodes = wanted.len();
    let replicas = options.replicas;
    let count = master_count(nodes, replicas);
    if count == 0 {
        return Err(ReconcileRefusal::TooFewNodes { nodes, replicas });
    }
    if count < MIN_MASTERS && !options.allow_few_masters {
        return Err(ReconcileRefusal::TooFewMasters {
            nodes,
            replicas,
            masters: count,
        });
    }
    let by_id: HashMap<&NodeId, &Present> = present.iter().map(|p| (&p.id, p)).collect();
    let now = |w: &Wanted| by_id.get(&w.id).copied();
    let is_wanted = |id: &NodeId| wanted.iter().any(|w| &w.id == id);

    let leaving: Vec<&Present> = present.iter().filter(|p| !is_wanted(&p.id)).collect();
    let mut unserved = SlotSet::new();
    let mut gone: Vec<NodeId> = Vec::new();
    for node in leaving.iter().filter(|p| !p.alive && !p.slots.is_empty()) {
        unserved.union_with(&node.slots);
        gone.push(node.id.clone());
    }
    if !gone.is_empty() && !options.force {
        return Err(ReconcileRefusal::UnservedSlots {
            nodes: gone,
            slots: Box::new(unserved),
        });
    }

    let masters = choose_masters(wanted, &now, count)?;
    let is_master = |id: &NodeId| masters.iter().any(|&m| &wanted[m].id == id);

    // Replicas kept where they are, and the nodes that need a master: before the moves (empty
    // nodes) or after them (replicas of masters that go, masters that step down).
    let mut followers: Vec<usize> = vec![0; masters.len()];
    let mut before_moves: Vec<usize> = Vec::new();
    let mut after_moves: Vec<usize> = Vec::new();
    for (index, node) in wanted.iter().enumerate() {
        if masters.contains(&index) {
            continue;
        }
        match now(node) {
            None => before_moves.push(index),
            Some(p) => match &p.master {
                None if p.slots.is_empty() => before_moves.push(index),
                None => after_moves.push(index),
                Some(master) => match masters.iter().position(|&m| &wanted[m].id == master) {
                    Some(place) => followers[place] += 1,
                    None => after_moves.push(index),
                },
            },
        }
    }
    let mut follow = |index: usize| {
        let domain = &wanted[index].domain;
        let place = (0..masters.len())
            .min_by_key(|&place| {
                let beside = &wanted[masters[place]].domain == domain;
                (beside, followers[place], place)
            })
            .expect("there is at least one master");
        followers[place] += 1;
        Follow {
            replica: wanted[index].id.clone(),
            master: wanted[masters[place]].id.clone(),
        }
    };
    let attach: Vec<Follow> = before_moves.into_iter().map(&mut follow).collect();
    let repoint: Vec<Follow> = after_moves.into_iter().map(&mut follow).collect();

    let no_slots = SlotSet::new();
    let mut holders: Vec<WeightedMaster<'_>> = masters
        .iter()
        .map(|&m| WeightedMaster {
            id: &wanted[m].id,
            weight: 1.0,
            slots: now(&wanted[m]).map_or(&no_slots, |p| &p.slots),
        })
        .collect();
    holders.extend(
        present
            .iter()
            .filter(|p| p.alive && !p.slots.is_empty() && !is_master(&p.id))
            .map(|p| WeightedMaster {
                id: &p.id,
                weight: 0.0,
                slots: &p.slots,
            }),
    );
    let moves = match load {
        // Slots nobody serves: moving others would not balance anything (the shares count
        // them), and the slot movers refuse a cluster with uncovered slots. Once `fix` has
        // covered them, a re-run balances.
        _ if !unserved.is_empty() => Vec::new(),
        None => {
            plan_by_weight(&holders, BALANCE_THRESHOLD)
                .expect("the masters of the shape weigh 1 each")
                .moves
        }
        // By load, only a change of masters moves slots: the load planner stops where no
        // single move helps with the roles it started from, so planning again on its result
        // may still find a move; a run that changes no master must change nothing.
        Some(load)
            if holders
                .iter()
                .any(|h| h.slots.is_empty() || h.weight == 0.0) =>
        {
            balance_by_weight(&holders, load, BALANCE_THRESHOLD)
                .expect("the masters of the shape weigh 1 each")
                .moves
        }
        Some(_) => Vec::new(),
    };

    let mut remove: Vec<Leaving> = leaving
        .iter()
        .map(|p| Leaving {
            id: p.id.clone(),
            reset: p.alive,
        })
        .collect();
    // Replicas first: a master is not forgotten while a node still follows it.
    remove.sort_by_key(|l| by_id[&l.id].master.is_none());

    Ok(ReconcilePlan {
        masters: masters.iter().map(|&m| wanted[m].id.clone()).collect(),
        joins: wanted
            .iter()
            .filter(|w| now(w).is_none())
            .map(|w| w.id.clone())
            .collect(),
        attach,
        moves,
        repoint,
        remove,
        left_to_fix: unserved,
    })
}

/// The `count` masters of the shape (indexes into `wanted`): the masters serving slots, in
/// list order; then members serving none, then new nodes, each time from the failure domain
/// with the fewest masters so far (ties: in list order).
fn choose_masters<'a>(
    wanted: &[Wanted],
    now: &impl Fn(&Wanted) -> Option<&'a Present>,
    count: usize,
) -> Result<Vec<usize>, ReconcileRefusal> {
    let mut masters: Vec<usize> = wanted
        .iter()
        .enumerate()
        .filter(|(_, w)| now(w).is_some_and(|p| p.master.is_none() && !p.slots.is_empty()))
        .map(|(index, _)| index)
        .take(count)
        .collect();
    // 0: a member serving no slot (it may have joined in an interrupted run); 1: a new node.
    let mut candidates: Vec<(u8, usize)> = wanted
        .iter()
        .enumerate()
        .filter_map(|(index, w)| match now(w) {
            None => Some((1, index)),
            Some(p) if p.master.is_none() && p.slots.is_empty() => Some((0, index)),
            Some(_) => None,
        })
        .collect();
    let available = masters.len() + candidates.len();
    while masters.len() < count {
        let in_domain = |index: usize| {
            masters
                .iter()
                .filter(|&&m| wanted[m].domain == wanted[index].domain)
                .count()
        };
        let Some(best) = (0..candidates.len())
            .min_by_key(|&c| (in_domain(candidates[c].1), candidates[c].0, candidates[c].1))
        else {
            return Err(ReconcileRefusal::NotEnoughMasters {
                wanted: count,
                available,
            });
        };
        masters.push(candidates.remove(best).1);
    }
    Ok(masters)
}

/// The cluster once `plan` is carried out on `present`, as the planner sees it.
pub fn simulate(present: &[Present], plan: &ReconcilePlan) -> Vec<Present> {
    let mut nodes: Vec<Present> = present.to_vec();
    nodes.extend(plan.joins.iter().map(|id| Present {
        id: id.clone(),
        master: None,
        slots: SlotSet::new(),
        alive: true,
    }));
    let find = |nodes: &mut Vec<Present>, id: &NodeId| {
        nodes
            .iter()
            .position(|n| &n.id == id)
            .expect("the plan names nodes of the cluster")
    };
    for follow in plan.attach.iter().chain(&plan.repoint) {
        let replica = find(&mut nodes, &follow.replica);
        nodes[replica].master = Some(follow.master.clone());
    }
    for slot_move in &plan.moves {
        let from = find(&mut nodes, &slot_move.from);
        nodes[from].slots.remove(slot_move.slot);
        let to = find(&mut nodes, &slot_move.to);
        nodes[to].slots.insert(slot_move.slot);
    }
    nodes.retain(|n| !plan.remove.iter().any(|l| l.id == n.id));
    nodes
}

/// A master's memory, from `INFO memory`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Memory {
    /// `used_memory`, in bytes.
    pub used: u64,
    /// `maxmemory`, in bytes; 0 for no limit.
    pub max: u64,
}

/// A master that the moves would push past its `maxmemory`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MemoryWarning {
    /// The master.
    pub node: NodeId,
    /// What it uses now, in bytes.
    pub used: u64,
    /// What it would take in, estimated, in bytes.
    pub incoming: u64,
    /// Its `maxmemory`.
    pub max: u64,
}

/// The masters with a `maxmemory` that `moves` would push past it, estimating that a giver's
/// memory is spread evenly over its slots (a master without a reading is left out).
pub fn memory_warnings(
    present: &[Present],
    moves: &[SlotMove],
    memory: &HashMap<NodeId, Memory>,
) -> Vec<MemoryWarning> {
    let slots_of = |id: &NodeId| {
        present
            .iter()
            .find(|p| &p.id == id)
            .map_or(0, |p| p.slots.len() as u64)
    };
    let mut incoming: Vec<(&NodeId, u64)> = Vec::new();
    for slot_move in moves {
        let per_slot = memory
            .get(&slot_move.from)
            .map_or(0, |m| m.used / slots_of(&slot_move.from).max(1));
        match incoming.iter_mut().find(|(id, _)| *id == &slot_move.to) {
            Some((_, bytes)) => *bytes += per_slot,
            None => incoming.push((&slot_move.to, per_slot)),
        }
    }
    incoming
        .into_iter()
        .filter_map(|(id, bytes)| {
            let now = memory.get(id)?;
            (now.max > 0 && now.used + bytes > now.max).then(|| MemoryWarning {
                node: id.clone(),
                used: now.used,
                incoming: bytes,
                max: now.max,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::allocate::slot_ranges;
    use crate::cluster::slots::SLOT_COUNT;
    use proptest::prelude::*;

    fn id(n: usize) -> NodeId {
        NodeId::new(format!("{n:040}"))
    }

    /// Pods `0..count`, each in its own domain.
    fn pods(range: std::ops::Range<usize>) -> Vec<Wanted> {
        range
            .map(|n| Wanted {
                id: id(n),
                domain: format!("host-{n}"),
            })
            .collect()
    }

    /// Masters `masters[i]` with even slot ranges, and `(replica, master)` pairs.
    fn cluster(masters: &[usize], replicas: &[(usize, usize)]) -> Vec<Present> {
        let mut nodes: Vec<Present> = masters
            .iter()
            .zip(slot_ranges(masters.len()))
            .map(|(&m, (first, last))| Present {
                id: id(m),
                master: None,
                slots: SlotSet::from_range(first, last),
                alive: true,
            })
            .collect();
        nodes.extend(replicas.iter().map(|&(r, m)| Present {
            id: id(r),
            master: Some(id(m)),
            slots: SlotSet::new(),
            alive: true,
        }));
        nodes
    }

    fn options(replicas: usize) -> ReconcileOptions {
        ReconcileOptions {
            replicas,
            allow_few_masters: false,
            force: false,
        }
    }

    /// Slots per master, and replicas per master, of `nodes`.
    fn shape(nodes: &[Present]) -> Vec<(NodeId, usize, usize)> {
        nodes
            .iter()
            .filter(|n| n.master.is_none())
            .map(|m| {
                let followers = nodes
                    .iter()
                    .filter(|n| n.master.as_ref() == Some(&m.id))
                    .count();
                (m.id.clone(), m.slots.len(), followers)
            })
            .collect()
    }

    /// Asserts the plan's end state: the shape, balanced slots, and that planning again does
    /// nothing.
    fn assert_reaches(present: &[Present], wanted: &[Wanted], replicas: usize) -> ReconcilePlan {
        let plan = plan_reconcile(present, wanted, &options(replicas), None).unwrap();
        let after = simulate(present, &plan);
        let masters = master_count(wanted.len(), replicas);
        let shape = shape(&after);
        assert_eq!(shape.len(), masters, "{shape:?}");
        assert_eq!(after.len(), wanted.len());
        let total: usize = shape.iter().map(|s| s.1).sum();
        assert_eq!(total, SLOT_COUNT);
        let share = SLOT_COUNT / masters;
        assert!(
            shape.iter().all(|s| s.1.abs_diff(share) <= share / 100),
            "{shape:?}"
        );
        assert!(shape.iter().all(|s| s.2 >= replicas), "{shape:?}");
        let again = plan_reconcile(&after, wanted, &options(replicas), None).unwrap();
        assert!(again.is_empty(), "{again:?}");
        plan
    }

    #[test]
    fn a_matching_cluster_needs_nothing() {
        let present = cluster(&[0, 1, 2], &[(3, 0), (4, 1), (5, 2)]);
        let plan = plan_reconcile(&present, &pods(0..6), &options(1), None).unwrap();
        assert!(plan.is_empty(), "{plan:?}");
    }

    #[test]
    fn six_to_eight_makes_a_master_and_its_replica() {
        let present = cluster(&[0, 1, 2], &[(3, 0), (4, 1), (5, 2)]);
        let plan = assert_reaches(&present, &pods(0..8), 1);
        assert_eq!(plan.joins, [id(6), id(7)]);
        assert_eq!(plan.masters, [id(0), id(1), id(2), id(6)]);
        assert_eq!(
            plan.attach,
            [Follow {
                replica: id(7),
                master: id(6)
            }]
        );
        assert!(plan.moves.iter().all(|m| m.to == id(6)));
        assert_eq!(plan.moves.len(), 4096);
        assert!(plan.repoint.is_empty() && plan.remove.is_empty());
    }

    #[test]
    fn eight_to_six_drains_the_leaving_master_over_all_the_others() {
        let present = cluster(&[0, 1, 2, 6], &[(3, 0), (4, 1), (5, 2), (7, 6)]);
        let plan = assert_reaches(&present, &pods(0..6), 1);
        assert!(plan.moves.iter().all(|m| m.from == id(6)));
        for stays in [0, 1, 2] {
            assert!(plan.moves.iter().any(|m| m.to == id(stays)));
        }
        assert_eq!(
            plan.remove,
            [
                Leaving {
                    id: id(7),
                    reset: true
                },
                Leaving {
                    id: id(6),
                    reset: true
                }
            ]
        );
    }

    #[test]
    fn a_cluster_created_with_eight_steps_a_master_down_to_shrink() {
        let present = cluster(&[0, 1, 2, 3], &[(4, 0), (5, 1), (6, 2), (7, 3)]);
        let plan = assert_reaches(&present, &pods(0..6), 1);
        assert!(plan.moves.iter().all(|m| m.from == id(3)));
        assert_eq!(
            plan.repoint,
            [Follow {
                replica: id(3),
                master: id(2)
            }]
        );
    }

    #[test]
    fn a_new_replica_avoids_its_masters_domain() {
        let present = cluster(&[0, 1, 2], &[(3, 0), (4, 1)]);
        let mut wanted = pods(0..6);
        // The new node 5 is on host-2 with master 2: it goes to another master short of one.
        wanted[5].domain = "host-2".into();
        let plan = plan_reconcile(&present, &wanted, &options(1), None).unwrap();
        assert_eq!(
            plan.attach,
            [Follow {
                replica: id(5),
                master: id(0)
            }]
        );
        // Without a clash it goes to master 2, the one without a replica.
        let plan = plan_reconcile(&present, &pods(0..6), &options(1), None).unwrap();
        assert_eq!(plan.attach[0].master, id(2));
    }

    #[test]
    fn a_dead_leaving_master_is_refused_unless_its_replica_took_over() {
        let mut present = cluster(&[0, 1, 2, 6], &[(3, 0), (4, 1), (5, 2)]);
        present[3].alive = false;
        let refusal = plan_reconcile(&present, &pods(0..6), &options(1), None).unwrap_err();
        assert_eq!(
            refusal,
            ReconcileRefusal::UnservedSlots {
                nodes: vec![id(6)],
                slots: Box::new(present[3].slots.clone())
            }
        );
        let forced = ReconcileOptions {
            force: true,
            ..options(1)
        };
        let plan = plan_reconcile(&present, &pods(0..6), &forced, None).unwrap();
        assert_eq!(plan.left_to_fix, present[3].slots);
        assert!(plan.moves.is_empty(), "{:?}", plan.moves);
        assert_eq!(
            plan.remove,
            [Leaving {
                id: id(6),
                reset: false
            }]
        );
        // Its replica took over: it is only forgotten.
        let mut promoted = cluster(&[0, 1, 2, 7], &[(3, 0), (4, 1), (5, 2)]);
        promoted.push(Present {
            id: id(6),
            master: None,
            slots: SlotSet::new(),
            alive: false,
        });
        let plan = plan_reconcile(&promoted, &pods(0..6), &options(1), None).unwrap();
        assert!(plan.moves.iter().all(|m| m.from == id(7)));
        assert!(plan.remove.contains(&Leaving {
            id: id(6),
            reset: false
        }));
    }

    #[test]
    fn too_few_masters_are_refused() {
        let present = cluster(&[0, 1, 2], &[(3, 0), (4, 1), (5, 2)]);
        assert_eq!(
            plan_reconcile(&present, &pods(0..4), &options(1), None),
            Err(ReconcileRefusal::TooFewMasters {
                nodes: 4,
                replicas: 1,
                masters: 2
            })
        );
        let allowed = ReconcileOptions {
            allow_few_masters: true,
            ..options(1)
        };
        assert!(plan_reconcile(&present, &pods(0..4), &allowed, None).is_ok());
        assert_eq!(
            plan_reconcile(&present, &pods(0..6), &options(0), None),
            Err(ReconcileRefusal::NotEnoughMasters {
                wanted: 6,
                available: 3
            })
        );
    }

    #[test]
    fn an_interrupted_scale_out_is_finished() {
        // Nodes 6 and 7 joined as empty masters; nothing else was done.
        let mut present = cluster(&[0, 1, 2], &[(3, 0), (4, 1), (5, 2)]);
        for n in [6, 7] {
            present.push(Present {
                id: id(n),
                master: None,
                slots: SlotSet::new(),
                alive: true,
            });
        }
        let plan = assert_reaches(&present, &pods(0..8), 1);
        assert!(plan.joins.is_empty());
        assert_eq!(plan.masters[3], id(6));
        assert_eq!(plan.attach[0].replica, id(7));
    }

    #[test]
    fn by_keys_the_new_master_takes_a_share_of_the_keys_and_a_rerun_does_nothing() {
        // Master 0's first 100 slots hold 1000 keys each; every other slot one key.
        let per_slot: Vec<u64> = (0..SLOT_COUNT)
            .map(|s| if s < 100 { 1000 } else { 1 })
            .collect();
        let load = SlotWeights::new(crate::cluster::load::Measure::Keys, per_slot.clone());
        let present = cluster(&[0, 1, 2], &[(3, 0), (4, 1), (5, 2)]);
        let plan = plan_reconcile(&present, &pods(0..8), &options(1), Some(&load)).unwrap();
        let after = simulate(&present, &plan);
        let keys_of = |id: &NodeId| {
            let node = after.iter().find(|n| &n.id == id).unwrap();
            node.slots
                .iter()
                .map(|s| per_slot[usize::from(s)])
                .sum::<u64>()
        };
        let total: u64 = per_slot.iter().sum();
        for master in &plan.masters {
            let keys = keys_of(master);
            assert!(
                keys.abs_diff(total / 4) <= 1000,
                "{master}: {keys} of {total}"
            );
        }
        let again = plan_reconcile(&after, &pods(0..8), &options(1), Some(&load)).unwrap();
        assert!(again.is_empty(), "{again:?}");
    }

    #[test]
    fn a_drain_past_maxmemory_is_warned_about() {
        let present = cluster(&[0, 1, 2, 6], &[]);
        let plan = plan_reconcile(&present, &pods(0..3), &options(0), None).unwrap();
        let memory: HashMap<NodeId, Memory> = [
            (
                id(0),
                Memory {
                    used: 900,
                    max: 1000,
                },
            ),
            (id(1), Memory { used: 100, max: 0 }),
            (
                id(2),
                Memory {
                    used: 100,
                    max: 10_000,
                },
            ),
            (id(6), Memory { used: 4096, max: 0 }),
        ]
        .into_iter()
        .collect();
        let warnings = memory_warnings(&present, &plan.moves, &memory);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert_eq!(warnings[0].node, id(0));
        assert!(warnings[0].incoming > 1000, "{warnings:?}");
    }

    proptest! {
        /// Any cluster of 3 to 6 balanced masters with replicas, scaled to any list of its
        /// members and new nodes: the plan reaches the shape, planning again does nothing,
        /// only masters of the shape are given slots, and when one master leaves (no node
        /// joining) no staying master takes all of its slots.
        #[test]
        fn plans_reach_the_shape_and_are_final(
            masters in 3usize..7,
            follow in proptest::collection::vec(0usize..3, 0..12),
            keep in proptest::collection::vec(any::<bool>(), 18),
            new_nodes in 0usize..5,
            replicas in 0usize..3,
            hosts in 1usize..5,
        ) {
            // Replica r follows master (r % masters) when `follow` says 1 or 2.
            let replica_pairs: Vec<(usize, usize)> = follow
                .iter()
                .enumerate()
                .filter(|&(_, &f)| f > 0)
                .map(|(r, _)| (masters + r, r % masters))
                .collect();
            let master_ids: Vec<usize> = (0..masters).collect();
            let present = cluster(&master_ids, &replica_pairs);
            let mut wanted: Vec<Wanted> = present
                .iter()
                .enumerate()
                .filter(|(i, _)| keep[*i % keep.len()])
                .map(|(_, p)| p.id.clone())
                .chain((0..new_nodes).map(|n| id(100 + n)))
                .enumerate()
                .map(|(i, id)| Wanted { id, domain: format!("h{}", i % hosts) })
                .collect();
            wanted.sort_by(|a, b| a.id.cmp(&b.id));
            let options = ReconcileOptions { replicas, allow_few_masters: true, force: false };
            let plan = match plan_reconcile(&present, &wanted, &options, None) {
                Ok(plan) => plan,
                Err(refusal) => {
                    let expected = matches!(
                        refusal,
                        ReconcileRefusal::NotEnoughMasters { .. }
                            | ReconcileRefusal::TooFewNodes { .. }
                    );
                    prop_assert!(expected, "{:?}", refusal);
                    return Ok(());
                }
            };
            let after = simulate(&present, &plan);
            prop_assert_eq!(after.len(), wanted.len());
            let shape = shape(&after);
            prop_assert_eq!(shape.len(), master_count(wanted.len(), replicas));
            prop_assert_eq!(shape.iter().map(|s| s.1).sum::<usize>(), SLOT_COUNT);
            let share = SLOT_COUNT / shape.len();
            prop_assert!(shape.iter().all(|s| s.1.abs_diff(share) <= share / 100 + 1));
            prop_assert!(plan_reconcile(&after, &wanted, &options, None).unwrap().is_empty());
            for slot_move in &plan.moves {
                prop_assert!(plan.masters.contains(&slot_move.to));
            }
            let giving: Vec<&Present> = present
                .iter()
                .filter(|p| !p.slots.is_empty() && !plan.masters.contains(&p.id))
                .collect();
            if plan.joins.is_empty() && plan.masters.len() > 1 && giving.len() == 1 {
                for leaving in giving {
                    let mut takers: Vec<&NodeId> = plan
                        .moves
                        .iter()
                        .filter(|m| m.from == leaving.id)
                        .map(|m| &m.to)
                        .collect();
                    takers.sort();
                    takers.dedup();
                    prop_assert!(leaving.slots.is_empty() || takers.len() > 1, "{takers:?}");
                }
            }
        }
    }

    #[test]
    fn the_refusals_of_planning_and_applying_a_running_scale_say_what_to_do() {
        let heal = ReconcileRefusal::HealBeforePlanning {
            nodes: 2,
            option: "--plan-out",
        }
        .to_string();
        assert_eq!(
            heal,
            "2 node(s) see others at old addresses, and --plan-out changes nothing: run rtrib \
             heal (or this command without --plan-out) first, then plan again"
        );
        let replaced = ReconcileRefusal::JoinerReplaced {
            endpoint: "10.0.0.7:6379".into(),
            id: id(7),
        }
        .to_string();
        assert!(
            replaced.starts_with(&format!("10.0.0.7:6379 is not node {} any more, ", id(7))),
            "{replaced}"
        );
        assert!(replaced.ends_with("nothing was changed. Make a new plan"));
    }
}
