//! Plans of slot moves, for `reshard` and `rebalance`, and the moves an interrupted run left
//! half done.
//!
//! Moving a slot from master A to master B is a fixed protocol (see `net::migrate`): B
//! `IMPORTING` from A, A `MIGRATING` to B, keys moved, then `SETSLOT NODE B` everywhere. Here
//! only the *which*: which slots go from where to where. No I/O.

use std::collections::{BTreeMap, HashMap, VecDeque};

use serde::{Deserialize, Serialize};

use super::load::LoadShare;
use super::slots::{SLOT_COUNT, Slot, SlotSet};
use super::topology::{NodeReport, Topology};
use super::view::NodeId;

/// One slot to hand from one master to another.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotMove {
    /// The slot.
    pub slot: Slot,
    /// The master serving it now.
    pub from: NodeId,
    /// The master that will serve it.
    pub to: NodeId,
}

/// Why no plan could be made. Nothing was changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    /// The destination is a replica or unknown.
    #[error("the destination {0} is not known or not a master of the cluster")]
    TargetNotMaster(NodeId),
    /// A source is a replica.
    #[error("the source {0} is not a master of the cluster")]
    SourceNotMaster(NodeId),
    /// Only the destination was given as source (or no source at all).
    #[error(
        "No source nodes given, operation aborted: the destination is the only master given (it \
         is not possible to use the target node as source node); give other masters with \
         --from, or all"
    )]
    NoSources,
    /// Zero slots asked for.
    #[error("the number of slots to move must be 1 or more")]
    NoSlots,
    /// More slots asked for than the sources serve.
    #[error("cannot move {wanted} slots: the sources serve only {available}")]
    TooFewSlots { wanted: usize, available: usize },
    /// Weights that leave no master to hold the slots.
    #[error("the total weight of the masters is 0: at least one must keep a positive weight")]
    NoWeight,
}

/// The slots a master serves by its own account (its `myself` line).
fn slots_of(node: &NodeReport) -> &SlotSet {
    &node.entry.slots
}

/// redis-cli's `clusterManagerComputeReshardTable`, made exact: `count` slots in all, taken
/// from `sources` in proportion to the slots each serves (the largest first, rounded up; the
/// others rounded down), each source giving its lowest-numbered slots. Where redis-cli's
/// rounding would move fewer than `count`, the shortfall is taken one slot at a time from the
/// sources in the same order.
///
/// `sources` may name the destination (it is skipped, as in redis-cli); an empty `sources`
/// means `all`: every master but the destination.
pub fn reshard_table(
    topology: &Topology,
    sources: &[NodeId],
    to: &NodeId,
    count: usize,
) -> Result<Vec<SlotMove>, PlanError> {
    if count == 0 {
        return Err(PlanError::NoSlots);
    }
    if !topology.node(to).is_some_and(|n| n.entry.is_master()) {
        return Err(PlanError::TargetNotMaster(to.clone()));
    }
    let mut chosen: Vec<&NodeReport> = Vec::new();
    if sources.is_empty() {
        chosen.extend(topology.masters().filter(|m| m.id() != to));
    } else {
        for id in sources.iter().filter(|id| *id != to) {
            match topology.node(id) {
                Some(node) if node.entry.is_master() => {
                    if !chosen.iter().any(|c| c.id() == id) {
                        chosen.push(node);
                    }
                }
                _ => return Err(PlanError::SourceNotMaster(id.clone())),
            }
        }
    }
    if chosen.is_empty() {
        return Err(PlanError::NoSources);
    }
    let available: usize = chosen.iter().map(|n| slots_of(n).len()).sum();
    if count > available {
        return Err(PlanError::TooFewSlots {
            wanted: count,
            available,
        });
    }
    // Stable: equal sources keep topology order (redis-cli's qsort leaves it unspecified).
    chosen.sort_by_key(|n| std::cmp::Reverse(slots_of(n).len()));
    let mut quotas: Vec<usize> = chosen
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let share = count as f64 / available as f64 * slots_of(n).len() as f64;
            let share = if i == 0 { share.ceil() } else { share.floor() };
            (share as usize).min(slots_of(n).len())
        })
        .collect();
    let mut missing = count.saturating_sub(quotas.iter().sum());
    while missing > 0 {
        for (quota, node) in quotas.iter_mut().zip(&chosen) {
            if missing > 0 && *quota < slots_of(node).len() {
                *quota += 1;
                missing -= 1;
            }
        }
    }
    let mut table = Vec::with_capacity(count);
    for (quota, node) in quotas.into_iter().zip(&chosen) {
        let room = count - table.len();
        table.extend(
            slots_of(node)
                .iter()
                .take(quota.min(room))
                .map(|slot| SlotMove {
                    slot,
                    from: node.id().clone(),
                    to: to.clone(),
                }),
        );
    }
    Ok(table)
}

/// What `rebalance` is asked for.
#[derive(Debug, Clone)]
pub struct RebalanceOptions {
    /// Weights by master (default 1); 0 drains a master.
    pub weights: HashMap<NodeId, f64>,
    /// Also give slots to masters that serve none.
    pub use_empty_masters: bool,
    /// Rebalance only when some master is off its share by more than this percentage; 0
    /// means whenever any master is off by a slot.
    pub threshold: f64,
}

/// One master's part in a rebalance.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Share {
    /// The master.
    pub node: NodeId,
    /// Its weight.
    pub weight: f64,
    /// The slots it serves now.
    pub slots: usize,
    /// The slots it should serve.
    pub expected: usize,
}

/// A rebalance: every involved master's share, and the moves (empty when all are within the
/// threshold).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RebalancePlan {
    /// The involved masters, in topology order.
    pub shares: Vec<Share>,
    /// The sum of the weights.
    pub total_weight: f64,
    /// The moves; empty when no master is beyond the threshold.
    pub moves: Vec<SlotMove>,
}

impl RebalancePlan {
    /// Every involved master's slots before and after the moves, as shares of the measure
    /// `slots`.
    pub fn load_shares(&self) -> Vec<LoadShare> {
        self.shares
            .iter()
            .map(|share| {
                let given = self.moves.iter().filter(|m| m.from == share.node).count();
                let taken = self.moves.iter().filter(|m| m.to == share.node).count();
                let after = share.slots + taken - given;
                LoadShare {
                    node: share.node.clone(),
                    weight: share.weight,
                    slots_before: share.slots,
                    slots_after: after,
                    before: share.slots as u64,
                    target: SLOT_COUNT as f64 * share.weight / self.total_weight,
                    after: after as u64,
                }
            })
            .collect()
    }
}

/// The masters a rebalance involves, with their weights, in topology order: as redis-cli,
/// every master that serves slots (weight 1 unless given), and a master serving none only
/// with `use_empty_masters` or a positive weight given; never an unreachable one (redis-cli
/// does not load it; had it slots, they would be uncovered and the rebalance refused).
pub(super) fn involved_masters<'a>(
    topology: &'a Topology,
    options: &RebalanceOptions,
) -> Vec<(&'a NodeReport, f64)> {
    topology
        .masters()
        .filter(|m| m.is_reachable())
        .filter_map(|m| {
            let given = options.weights.get(m.id()).copied();
            let empty = slots_of(m).is_empty();
            (!empty || options.use_empty_masters || given.is_some_and(|w| w > 0.0))
                .then(|| (m, given.unwrap_or(1.0)))
        })
        .collect()
}

/// redis-cli's `clusterManagerCommandRebalance`: each involved master should serve
/// `floor(16384 / total_weight * weight)` slots; masters above their share give their
/// lowest-numbered slots to masters below it, the most indebted pairs first. Masters without
/// slots take part only with `use_empty_masters` (or a weight given); a weight of 0 drains a
/// master.
pub fn rebalance_plan(
    topology: &Topology,
    options: &RebalanceOptions,
) -> Result<RebalancePlan, PlanError> {
    let involved: Vec<WeightedMaster<'_>> = involved_masters(topology, options)
        .into_iter()
        .map(|(node, weight)| WeightedMaster {
            id: node.id(),
            weight,
            slots: slots_of(node),
        })
        .collect();
    plan_by_weight(&involved, options.threshold)
}

/// A master taking part in [`plan_by_weight`]: its ID, weight and the slots it serves.
#[derive(Debug, Clone, Copy)]
pub struct WeightedMaster<'a> {
    /// The master.
    pub id: &'a NodeId,
    /// Its weight; 0 gives every slot away and takes none.
    pub weight: f64,
    /// The slots it serves now.
    pub slots: &'a SlotSet,
}

/// The core of [`rebalance_plan`], on masters given explicitly (some of them may not have
/// joined the cluster yet): see there. A master of weight 0 never receives a slot.
pub fn plan_by_weight(
    involved: &[WeightedMaster<'_>],
    threshold: f64,
) -> Result<RebalancePlan, PlanError> {
    let total_weight: f64 = involved.iter().map(|m| m.weight).sum();
    if total_weight <= 0.0 {
        return Err(PlanError::NoWeight);
    }
    let mut over_threshold = false;
    let mut shares = Vec::with_capacity(involved.len());
    let mut balances: Vec<(usize, i64)> = Vec::with_capacity(involved.len());
    for (index, master) in involved.iter().enumerate() {
        let expected = (SLOT_COUNT as f64 / total_weight * master.weight) as usize;
        let slots = master.slots.len();
        let off = if slots > 0 {
            (100.0 - 100.0 * expected as f64 / slots as f64).abs() > threshold
        } else {
            expected > 1 || (threshold == 0.0 && expected > 0)
        };
        over_threshold |= off && slots != expected;
        balances.push((index, slots as i64 - expected as i64));
        shares.push(Share {
            node: master.id.clone(),
            weight: master.weight,
            slots,
            expected,
        });
    }
    let mut plan = RebalancePlan {
        shares,
        total_weight,
        moves: Vec::new(),
    };
    if !over_threshold {
        return Ok(plan);
    }
    // The shares are rounded down, so the balances sum to a surplus: give it, a slot each, to
    // the masters that do not give; never to one of weight 0, which is being drained (an
    // empty one would otherwise take a slot it must give back).
    let mut surplus: i64 = balances.iter().map(|(_, b)| b).sum();
    let takes = |index: usize| involved[index].weight > 0.0;
    while surplus > 0 && balances.iter().any(|&(i, b)| b <= 0 && takes(i)) {
        for (index, balance) in balances.iter_mut() {
            if *balance <= 0 && surplus > 0 && takes(*index) {
                *balance -= 1;
                surplus -= 1;
            }
        }
    }
    balances.sort_by_key(|(_, balance)| *balance);
    let mut remaining: Vec<SlotSet> = involved.iter().map(|m| m.slots.clone()).collect();
    let (mut dst, mut src) = (0, balances.len().saturating_sub(1));
    while dst < src {
        let k = balances[dst]
            .1
            .unsigned_abs()
            .min(balances[src].1.unsigned_abs()) as usize;
        let (to, from) = (balances[dst].0, balances[src].0);
        let taken: Vec<Slot> = remaining[from].iter().take(k).collect();
        for &slot in &taken {
            remaining[from].remove(slot);
            plan.moves.push(SlotMove {
                slot,
                from: involved[from].id.clone(),
                to: involved[to].id.clone(),
            });
        }
        balances[dst].1 += k as i64;
        balances[src].1 -= k as i64;
        if balances[dst].1 == 0 {
            dst += 1;
        }
        if balances[src].1 == 0 {
            src -= 1;
        }
    }
    Ok(plan)
}

/// A move an interrupted run left half done, and how far it got.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unfinished {
    /// The move.
    #[serde(flatten)]
    pub slot_move: SlotMove,
    /// Whether the destination already serves the slot (only `SETSLOT NODE` on the others,
    /// and any stray key, remain); otherwise the move is redone from its start, which is safe
    /// at any point.
    pub settled: bool,
}

/// The open slots of `topology` that rtrib's own protocol explains: the source `MIGRATING` to
/// the destination and/or the destination `IMPORTING` from the source, both reachable masters,
/// with the slot served by one of the two. Returns these moves (by slot) and the open slots
/// nothing explains (another tool's, or a broken state, for `fix`). Only the masters' markers
/// count: since Valkey 8.0 `SETSLOT` is replicated, and a replica's `myself` line repeats its
/// master's markers under its own ID.
pub fn unfinished_moves(topology: &Topology) -> (Vec<Unfinished>, SlotSet) {
    let master = |id: &NodeId| {
        topology
            .node(id)
            .filter(|n| n.entry.is_master() && n.is_reachable())
    };
    let mut claims: BTreeMap<Slot, Vec<(NodeId, NodeId)>> = BTreeMap::new();
    for (node, _) in topology.reachable() {
        let entry = &node.entry;
        if !entry.is_master() {
            continue;
        }
        for (&slot, to) in &entry.migrating {
            claims
                .entry(slot)
                .or_default()
                .push((entry.id.clone(), to.clone()));
        }
        for (&slot, from) in &entry.importing {
            claims
                .entry(slot)
                .or_default()
                .push((from.clone(), entry.id.clone()));
        }
    }
    let mut moves = Vec::new();
    let mut foreign = SlotSet::new();
    for (slot, pairs) in claims {
        let (from, to) = pairs[0].clone();
        let consistent = pairs.iter().all(|pair| *pair == (from.clone(), to.clone()));
        let ends = master(&from).zip(master(&to));
        match ends {
            Some((source, target)) if consistent && from != to => {
                let settled = slots_of(target).contains(slot);
                if settled || slots_of(source).contains(slot) {
                    moves.push(Unfinished {
                        slot_move: SlotMove { slot, from, to },
                        settled,
                    });
                    continue;
                }
                foreign.insert(slot);
            }
            _ => {
                foreign.insert(slot);
            }
        }
    }
    (moves, foreign)
}

/// The moves of an earlier plan that are still to do: the slot is still served by its source
/// (and not by its destination). Moves already made, and slots that changed hands otherwise,
/// drop out.
pub fn still_to_do(topology: &Topology, plan: &[SlotMove]) -> Vec<SlotMove> {
    let serves = |id: &NodeId, slot: Slot| {
        topology
            .node(id)
            .is_some_and(|n| slots_of(n).contains(slot))
    };
    plan.iter()
        .filter(|m| serves(&m.from, m.slot) && !serves(&m.to, m.slot))
        .cloned()
        .collect()
}

/// Orders moves so that consecutive ones belong to different (source, destination) pairs,
/// round-robin, each pair's own moves in order: with several slots in flight, every pair
/// works at once instead of one source after the other.
pub fn interleave(moves: Vec<SlotMove>) -> Vec<SlotMove> {
    let mut queues: Vec<((NodeId, NodeId), VecDeque<SlotMove>)> = Vec::new();
    for slot_move in moves {
        let pair = (slot_move.from.clone(), slot_move.to.clone());
        match queues.iter_mut().find(|(p, _)| *p == pair) {
            Some((_, queue)) => queue.push_back(slot_move),
            None => queues.push((pair, VecDeque::from([slot_move]))),
        }
    }
    let mut ordered = Vec::new();
    while queues.iter().any(|(_, q)| !q.is_empty()) {
        for (_, queue) in &mut queues {
            ordered.extend(queue.pop_front());
        }
    }
    ordered
}

/// The epochs that decide whether a destination's `CLUSTER SETSLOT <slot> NODE <itself>` will
/// outrank its source's claim: the source's own config epoch, and the destination's current
/// epoch and own config epoch (each `CLUSTER INFO`'s `cluster_my_epoch` and
/// `cluster_current_epoch`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClaimEpochs {
    pub source_config: u64,
    pub destination_current: u64,
    pub destination_config: u64,
}

impl ClaimEpochs {
    /// Whether the destination, claiming a slot it imports, ends with a config epoch above the
    /// source's. Redis bumps the claimer's config epoch only when it is not already the highest
    /// the claimer knows, to its current epoch plus one: so the claim outranks the source once
    /// the destination knows an epoch at least the source's (its current epoch), unless the two
    /// config epochs are equal (a collision, resolved later by gossip). A destination that has
    /// not heard of the source's latest epoch yet keeps a lower one, and a packet the source
    /// sent before its own `SETSLOT NODE` then takes the slot back: the destination gives it
    /// up and deletes its keys (clusterUpdateSlotsConfigWith's dirty slots).
    pub fn claim_outranks_source(&self) -> bool {
        self.destination_current >= self.source_config
            && self.destination_config != self.source_config
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::fixtures::{all_reporting, id, masters as topology};
    use crate::cluster::topology::NodeState;

    fn three() -> Topology {
        topology(&[("a", "0-5460"), ("b", "5461-10922"), ("c", "10923-16383")])
    }

    fn four() -> Topology {
        topology(&[
            ("a", "0-5460"),
            ("b", "5461-10922"),
            ("c", "10923-16383"),
            ("d", ""),
        ])
    }

    /// Slots moved per (from, to), with their ranges.
    fn summary(moves: &[SlotMove]) -> Vec<(String, String, String)> {
        let mut out: Vec<(String, String, SlotSet)> = Vec::new();
        for m in moves {
            let (from, to) = (m.from.short().to_string(), m.to.short().to_string());
            match out.iter_mut().find(|(f, t, _)| *f == from && *t == to) {
                Some((_, _, set)) => {
                    set.insert(m.slot);
                }
                None => out.push((from, to, [m.slot].into_iter().collect())),
            }
        }
        out.into_iter()
            .map(|(f, t, s)| (f[..1].to_string(), t[..1].to_string(), s.to_string()))
            .collect()
    }

    #[test]
    fn reshard_takes_the_lowest_slots_in_redis_cli_proportions() {
        let moves = reshard_table(&four(), &[], &id("d"), 4096).unwrap();
        assert_eq!(moves.len(), 4096);
        assert_eq!(
            summary(&moves),
            [
                ("b".into(), "d".into(), "5461-6826".into()),
                ("a".into(), "d".into(), "0-1364".into()),
                ("c".into(), "d".into(), "10923-12287".into()),
            ]
        );
    }

    #[test]
    fn reshard_moves_exactly_the_slots_asked_where_redis_cli_moves_fewer() {
        let t = topology(&[
            ("a", "0-4095"),
            ("b", "4096-8191"),
            ("c", "8192-12287"),
            ("d", "12288-16383"),
            ("e", ""),
        ]);
        // redis-cli: 3 + 2 + 2 + 2 = 9.
        let moves = reshard_table(&t, &[], &id("e"), 10).unwrap();
        assert_eq!(moves.len(), 10);
        assert_eq!(
            summary(&moves),
            [
                ("a".into(), "e".into(), "0-3".into()),
                ("b".into(), "e".into(), "4096-4097".into()),
                ("c".into(), "e".into(), "8192-8193".into()),
                ("d".into(), "e".into(), "12288-12289".into()),
            ]
        );
        for n in [1, 7, 16383 - 4096 + 1] {
            assert_eq!(reshard_table(&t, &[], &id("e"), n).unwrap().len(), n);
        }
    }

    #[test]
    fn reshard_from_named_sources_skips_the_destination() {
        let moves = reshard_table(&three(), &[id("a"), id("c")], &id("c"), 100).unwrap();
        assert_eq!(summary(&moves), [("a".into(), "c".into(), "0-99".into())]);
        let last = reshard_table(&three(), &[id("a")], &id("b"), 5461).unwrap();
        assert_eq!(summary(&last), [("a".into(), "b".into(), "0-5460".into())]);
    }

    #[test]
    fn reshard_refusals() {
        let t = three();
        assert_eq!(reshard_table(&t, &[], &id("a"), 0), Err(PlanError::NoSlots));
        assert_eq!(
            reshard_table(&t, &[id("a")], &id("a"), 1),
            Err(PlanError::NoSources)
        );
        assert_eq!(
            reshard_table(&t, &[id("a")], &id("b"), 5462),
            Err(PlanError::TooFewSlots {
                wanted: 5462,
                available: 5461
            })
        );
        assert_eq!(
            reshard_table(&t, &[], &id("x"), 1),
            Err(PlanError::TargetNotMaster(id("x")))
        );
        assert_eq!(
            reshard_table(&t, &[id("x")], &id("a"), 1),
            Err(PlanError::SourceNotMaster(id("x")))
        );
    }

    fn options(weights: &[(&str, f64)], use_empty_masters: bool) -> RebalanceOptions {
        RebalanceOptions {
            weights: weights.iter().map(|(n, w)| (id(n), *w)).collect(),
            use_empty_masters,
            threshold: 2.0,
        }
    }

    #[test]
    fn rebalance_fills_an_empty_master_with_use_empty_masters() {
        let plan = rebalance_plan(&four(), &options(&[], true)).unwrap();
        assert_eq!(plan.total_weight, 4.0);
        assert!(plan.shares.iter().all(|s| s.expected == 4096));
        assert_eq!(
            summary(&plan.moves),
            [
                ("b".into(), "d".into(), "5461-6826".into()),
                ("c".into(), "d".into(), "10923-12287".into()),
                ("a".into(), "d".into(), "0-1364".into()),
            ]
        );
        let without = rebalance_plan(&four(), &options(&[], false)).unwrap();
        assert!(without.moves.is_empty(), "{without:?}");
        assert_eq!(without.shares.len(), 3);
    }

    #[test]
    fn an_unreachable_empty_master_takes_no_part() {
        let mut t = four();
        let d = t.nodes.iter().position(|n| n.id() == &id("d")).unwrap();
        t.nodes[d].state = NodeState::Unreachable {
            reason: "connection refused".into(),
        };
        for weights in [&[][..], &[("d", 1.0)][..]] {
            let plan = rebalance_plan(&t, &options(weights, true)).unwrap();
            assert!(plan.moves.is_empty(), "{plan:?}");
            assert_eq!(plan.shares.len(), 3);
        }
    }

    #[test]
    fn rebalance_follows_weights() {
        let plan = rebalance_plan(&three(), &options(&[("c", 2.0)], false)).unwrap();
        assert_eq!(
            summary(&plan.moves),
            [
                ("b".into(), "c".into(), "5461-6826".into()),
                ("a".into(), "c".into(), "0-1364".into()),
            ]
        );
    }

    #[test]
    fn rebalance_shares_count_the_slots_before_and_after() {
        let plan = rebalance_plan(&four(), &options(&[], true)).unwrap();
        let shares = plan.load_shares();
        let after: Vec<(usize, usize)> = shares
            .iter()
            .map(|s| (s.slots_before, s.slots_after))
            .collect();
        assert_eq!(after, [(5461, 4096), (5462, 4096), (5461, 4096), (0, 4096)]);
        assert!(shares.iter().all(|s| s.target == 4096.0));
    }

    #[test]
    fn an_empty_master_of_weight_zero_is_given_no_slot() {
        // 16384 / 3 leaves a surplus slot: it must not go to the empty master being drained.
        let t = topology(&[("a", "0-8191"), ("b", "8192-16383"), ("d", ""), ("c", "")]);
        let plan = rebalance_plan(&t, &options(&[("d", 0.0)], true)).unwrap();
        assert!(!plan.moves.is_empty());
        assert!(plan.moves.iter().all(|m| m.to != id("d")), "{plan:?}");
    }

    #[test]
    fn rebalance_with_weight_zero_drains_a_master() {
        let plan = rebalance_plan(&three(), &options(&[("a", 0.0)], false)).unwrap();
        assert_eq!(plan.moves.len(), 5461);
        assert!(plan.moves.iter().all(|m| m.from == id("a")));
        let to_b = plan.moves.iter().filter(|m| m.to == id("b")).count();
        let to_c = plan.moves.iter().filter(|m| m.to == id("c")).count();
        assert_eq!((to_b, to_c), (2730, 2731));
        assert_eq!(
            rebalance_plan(
                &three(),
                &options(&[("a", 0.0), ("b", 0.0), ("c", 0.0)], false)
            ),
            Err(PlanError::NoWeight)
        );
    }

    #[test]
    fn an_even_cluster_needs_no_rebalancing() {
        assert!(
            rebalance_plan(&three(), &options(&[], false))
                .unwrap()
                .moves
                .is_empty()
        );
        let uneven = topology(&[("a", "0-5000"), ("b", "5001-10922"), ("c", "10923-16383")]);
        let plan = rebalance_plan(&uneven, &options(&[], false)).unwrap();
        assert_eq!(plan.moves.len(), 461);
        let mut strict = options(&[], false);
        strict.threshold = 50.0;
        assert!(rebalance_plan(&uneven, &strict).unwrap().moves.is_empty());
    }

    #[test]
    fn open_slots_of_an_interrupted_move_are_ours_to_finish() {
        let b = id("b");
        let a = id("a");
        let t = topology(&[
            (
                "a",
                &format!("0-5460 [1->-{b}] [2->-{b}] [9->-{}]", id("x")),
            ),
            ("b", &format!("3 5461-10922 [1-<-{a}] [4-<-{a}] [3-<-{a}]")),
            ("c", "10923-16383"),
        ]);
        let (moves, foreign) = unfinished_moves(&t);
        let described: Vec<(Slot, bool)> = moves
            .iter()
            .map(|m| (m.slot_move.slot, m.settled))
            .collect();
        // 1: both sides open; 2: source only; 4: destination only; 3: destination serves it.
        assert_eq!(described, [(1, false), (2, false), (3, true), (4, false)]);
        assert!(
            moves
                .iter()
                .all(|m| m.slot_move.from == a && m.slot_move.to == b)
        );
        // 9: migrating to a node that is not in the cluster.
        assert_eq!(foreign.to_string(), "9");
    }

    #[test]
    fn replicas_repeating_their_masters_markers_change_nothing() {
        let (a, b) = (id("a"), id("b"));
        let text = format!(
            "{a} 127.0.0.1:7000@17000 master - 0 0 1 connected 0-5460 [1->-{b}]\n\
             {b} 127.0.0.1:7001@17001 master - 0 0 2 connected 5461-16383 [1-<-{a}] [2-<-{a}]\n\
             {r} 127.0.0.1:7002@17002 slave {a} 0 0 1 connected [1->-{b}]\n\
             {s} 127.0.0.1:7003@17003 slave {b} 0 0 2 connected [1-<-{a}] [2-<-{a}]\n",
            r = id("r"),
            s = id("s"),
        );
        let t = all_reporting(&text);
        let (moves, foreign) = unfinished_moves(&t);
        let slots: Vec<Slot> = moves.iter().map(|m| m.slot_move.slot).collect();
        assert_eq!(slots, [1, 2]);
        assert!(foreign.is_empty(), "{foreign}");
    }

    #[test]
    fn an_earlier_plan_keeps_only_the_moves_not_made() {
        let t = topology(&[
            ("a", "2-5460"),
            ("b", "5461-10922"),
            ("c", "0-1 10923-16383"),
        ]);
        let m = |slot, from: &str| SlotMove {
            slot,
            from: id(from),
            to: id("c"),
        };
        let plan = [m(0, "a"), m(1, "a"), m(2, "a"), m(5461, "b"), m(3, "b")];
        // 0 and 1 moved; 3 is a's, not b's, any more.
        assert_eq!(still_to_do(&t, &plan), [m(2, "a"), m(5461, "b")]);
    }

    #[test]
    fn interleaving_alternates_pairs() {
        let m = |slot, from: &str, to: &str| SlotMove {
            slot,
            from: id(from),
            to: id(to),
        };
        let order: Vec<Slot> = interleave(vec![
            m(1, "a", "d"),
            m(2, "a", "d"),
            m(3, "b", "d"),
            m(4, "b", "d"),
            m(5, "c", "d"),
        ])
        .iter()
        .map(|m| m.slot)
        .collect();
        assert_eq!(order, [1, 3, 5, 2, 4]);
    }
    #[test]
    fn a_claim_outranks_its_source_once_the_destination_knows_the_source_epoch() {
        let epochs = |source_config, destination_current, destination_config| ClaimEpochs {
            source_config,
            destination_current,
            destination_config,
        };
        // B knows A's epoch 16: its claim bumps it to 17.
        assert!(epochs(16, 16, 15).claim_outranks_source());
        // B already holds the highest epoch: no bump needed.
        assert!(epochs(16, 17, 17).claim_outranks_source());
        // B has not heard of A's 16 yet: it believes its own 15 is the highest and keeps it.
        assert!(!epochs(16, 15, 15).claim_outranks_source());
        // Equal config epochs: a collision, not an outranking claim.
        assert!(!epochs(16, 16, 16).claim_outranks_source());
    }
}
