//! What the slots hold: per-slot figures (keys, estimated memory, CPU and network use) read
//! from the masters that serve them, and the measures `rebalance --by` and `info --by` weigh
//! slots with.
//!
//! The I/O layer (`net::load`) fills a [`SlotFigures`]; [`SlotFigures::weights`] gives the one
//! number per slot a [`Measure`] stands for, which the balance planner
//! (`cluster::balance`) and the output layer use. No I/O here.

use std::fmt;
use std::str::FromStr;

use serde::{Serialize, Serializer};

use super::slots::{SLOT_COUNT, Slot, SlotSet, hash_tag};
use super::view::NodeId;

/// What a slot weighs when masters are balanced or compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Measure {
    /// Every slot weighs 1: redis-cli's rebalance, by slot counts.
    Slots,
    /// The keys in the slot (`CLUSTER COUNTKEYSINSLOT`, or `key-count` of `CLUSTER SLOT-STATS`).
    Keys,
    /// The bytes the slot's keys use, estimated by sampling `MEMORY USAGE`.
    Memory,
    /// The CPU time spent on the slot's commands (`cpu-usec` of `CLUSTER SLOT-STATS`).
    Cpu,
    /// The bytes the slot's commands read and wrote on the network (`network-bytes-in` plus
    /// `network-bytes-out` of `CLUSTER SLOT-STATS`).
    Network,
}

impl Measure {
    /// Every measure, in the order `--help` lists them.
    pub const ALL: [Measure; 5] = [
        Measure::Slots,
        Measure::Keys,
        Measure::Memory,
        Measure::Cpu,
        Measure::Network,
    ];

    /// The name on the command line and in JSON: `slots`, `keys`, `memory`, `cpu`, `network`.
    pub fn name(self) -> &'static str {
        match self {
            Measure::Slots => "slots",
            Measure::Keys => "keys",
            Measure::Memory => "memory",
            Measure::Cpu => "cpu",
            Measure::Network => "network",
        }
    }

    /// The measure to rank the heaviest slots by: itself, or keys for `slots` (where every
    /// slot weighs 1).
    pub fn ranked_by(self) -> Measure {
        match self {
            Measure::Slots => Measure::Keys,
            other => other,
        }
    }
}

/// Slots cannot be weighed by `measure` (`rebalance --by`, `reconcile --by`): `why` names the
/// masters whose figures are lacking; nothing was changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{command} --by {measure}: {why}")]
pub struct Unmeasured {
    /// The command: "rebalance", "reconcile".
    pub command: &'static str,
    /// The measure asked for.
    pub measure: Measure,
    /// Why it cannot be had.
    pub why: String,
}

impl fmt::Display for Measure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Measure {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Measure::ALL
            .into_iter()
            .find(|m| m.name().eq_ignore_ascii_case(text))
            .ok_or_else(|| {
                let names: Vec<&str> = Measure::ALL.iter().map(|m| m.name()).collect();
                format!("`{text}` is not one of {}", names.join(", "))
            })
    }
}

impl Serialize for Measure {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

/// Per-slot figures, each read from the master serving the slot; a slot no master reported
/// on counts 0. A measure is `None` when some master could not give it (no
/// `CLUSTER SLOT-STATS`, slot stats disabled, memory not sampled).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlotFigures {
    /// Keys per slot.
    pub keys: Vec<u64>,
    /// Estimated bytes per slot.
    pub memory: Option<Vec<u64>>,
    /// CPU microseconds per slot, accumulated since the slot came to its master (or since
    /// `CONFIG RESETSTAT`).
    pub cpu: Option<Vec<u64>>,
    /// Network bytes in and out per slot, accumulated like `cpu`.
    pub network: Option<Vec<u64>>,
}

impl Default for SlotFigures {
    /// No key anywhere, the other measures unknown.
    fn default() -> Self {
        Self {
            keys: vec![0; SLOT_COUNT],
            memory: None,
            cpu: None,
            network: None,
        }
    }
}

impl SlotFigures {
    /// The figures of `measure` per slot, when they were read.
    pub fn weights(&self, measure: Measure) -> Option<SlotWeights> {
        let per_slot = match measure {
            Measure::Slots => vec![1; SLOT_COUNT],
            Measure::Keys => self.keys.clone(),
            Measure::Memory => self.memory.clone()?,
            Measure::Cpu => self.cpu.clone()?,
            Measure::Network => self.network.clone()?,
        };
        Some(SlotWeights::new(measure, per_slot))
    }

    /// The measures these figures can weigh slots by.
    pub fn measures(&self) -> Vec<Measure> {
        Measure::ALL
            .into_iter()
            .filter(|m| self.weights(*m).is_some())
            .collect()
    }
}

/// One number per slot: how much of a [`Measure`] the slot holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlotWeights {
    measure: Measure,
    per_slot: Vec<u64>,
}

impl SlotWeights {
    /// The weights of `measure`, one per slot.
    ///
    /// # Panics
    /// When `per_slot` does not hold exactly [`SLOT_COUNT`] numbers.
    pub fn new(measure: Measure, per_slot: Vec<u64>) -> Self {
        assert_eq!(per_slot.len(), SLOT_COUNT, "one weight per slot");
        Self { measure, per_slot }
    }

    /// What the weights measure.
    pub fn measure(&self) -> Measure {
        self.measure
    }

    /// The weight of `slot`.
    pub fn of(&self, slot: Slot) -> u64 {
        self.per_slot[usize::from(slot)]
    }

    /// The summed weight of `slots`.
    pub fn total_of(&self, slots: &SlotSet) -> u64 {
        slots.iter().map(|slot| self.of(slot)).sum()
    }

    /// The summed weight of every slot.
    pub fn total(&self) -> u64 {
        self.per_slot.iter().sum()
    }

    /// The `count` heaviest slots with a positive weight, heaviest first (ties: lower slot
    /// first).
    pub fn heaviest(&self, count: usize) -> Vec<(Slot, u64)> {
        let mut slots: Vec<(Slot, u64)> = (0..SLOT_COUNT as Slot)
            .map(|slot| (slot, self.of(slot)))
            .filter(|(_, weight)| *weight > 0)
            .collect();
        slots.sort_by_key(|&(slot, weight)| (std::cmp::Reverse(weight), slot));
        slots.truncate(count);
        slots
    }
}

/// Estimates the bytes of a slot from a sample of its keys: the mean `MEMORY USAGE` of the
/// sampled keys times the slot's key count. Exact when every key was sampled; `None` when
/// no sampled key answered (all gone since they were listed).
pub fn estimate_slot_memory(keys: u64, sampled: &[u64]) -> Option<u64> {
    if sampled.is_empty() {
        return None;
    }
    let sum: u128 = sampled.iter().map(|&b| u128::from(b)).sum();
    let estimate = sum * u128::from(keys) / sampled.len() as u128;
    Some(u64::try_from(estimate).unwrap_or(u64::MAX))
}

/// The key that best shows what fills a slot, of a few listed from it: one of the hash tag
/// most of them share (a tenant's keys), else the first.
pub fn representative_key(keys: &[Vec<u8>]) -> Option<&[u8]> {
    let tags: Vec<Option<&[u8]>> = keys.iter().map(|k| hash_tag(k)).collect();
    let count = |tag: &Option<&[u8]>| tags.iter().filter(|t| *t == tag).count();
    let best = tags
        .iter()
        .enumerate()
        .filter(|(_, tag)| tag.is_some())
        .max_by_key(|(i, tag)| (count(tag), std::cmp::Reverse(*i)))
        .map_or(0, |(i, _)| i);
    keys.get(best).map(Vec::as_slice)
}

/// One master's part in a rebalance by a measure.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LoadShare {
    /// The master.
    pub node: NodeId,
    /// Its weight.
    pub weight: f64,
    /// The slots it serves now.
    pub slots_before: usize,
    /// The slots it will serve after the moves.
    pub slots_after: usize,
    /// Its load (in the measure's unit) now.
    pub before: u64,
    /// Its share of the total, by weight.
    pub target: f64,
    /// Its load after the moves.
    pub after: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measures_parse_by_name_and_refuse_others() {
        for measure in Measure::ALL {
            assert_eq!(measure.name().parse::<Measure>(), Ok(measure));
        }
        assert_eq!("KEYS".parse::<Measure>(), Ok(Measure::Keys));
        let error = "load".parse::<Measure>().unwrap_err();
        assert!(
            error.contains("slots, keys, memory, cpu, network"),
            "{error}"
        );
    }

    #[test]
    fn only_the_measures_read_can_weigh() {
        let mut figures = SlotFigures::default();
        figures.keys[7] = 3;
        assert_eq!(figures.measures(), [Measure::Slots, Measure::Keys]);
        assert!(figures.weights(Measure::Cpu).is_none());
        let keys = figures.weights(Measure::Keys).unwrap();
        assert_eq!((keys.of(7), keys.total()), (3, 3));
        let slots = figures.weights(Measure::Slots).unwrap();
        assert_eq!(slots.total(), SLOT_COUNT as u64);
        assert_eq!(slots.total_of(&SlotSet::from_range(0, 99)), 100);
    }

    #[test]
    fn the_heaviest_slots_come_first_and_empty_ones_never() {
        let mut per_slot = vec![0; SLOT_COUNT];
        per_slot[5] = 10;
        per_slot[9] = 40;
        per_slot[2] = 10;
        let weights = SlotWeights::new(Measure::Keys, per_slot);
        assert_eq!(weights.heaviest(2), [(9, 40), (2, 10)]);
        assert_eq!(weights.heaviest(10).len(), 3);
    }

    #[test]
    fn the_representative_key_carries_the_most_common_hash_tag() {
        let keys = |names: &[&str]| {
            names
                .iter()
                .map(|n| n.as_bytes().to_vec())
                .collect::<Vec<_>>()
        };
        let listed = keys(&["key:1", "{t9}:1", "{t4}:2", "{t4}:7", "{t9}:3", "{t4}:1"]);
        assert_eq!(representative_key(&listed), Some(&b"{t4}:2"[..]));
        assert_eq!(representative_key(&keys(&["a", "b"])), Some(&b"a"[..]));
        assert_eq!(representative_key(&[]), None);
    }

    #[test]
    fn memory_is_the_sampled_mean_times_the_keys() {
        assert_eq!(estimate_slot_memory(1000, &[50, 70]), Some(60_000));
        assert_eq!(estimate_slot_memory(2, &[50, 70]), Some(120));
        assert_eq!(estimate_slot_memory(5, &[]), None);
    }
}

#[cfg(test)]
mod refusal_tests {
    use super::*;

    #[test]
    fn an_unmeasured_rebalance_names_the_option() {
        let refusal = Unmeasured {
            command: "rebalance",
            measure: Measure::Memory,
            why: "127.0.0.1:7000 has no CLUSTER SLOT-STATS".into(),
        };
        assert_eq!(
            refusal.to_string(),
            "rebalance --by memory: 127.0.0.1:7000 has no CLUSTER SLOT-STATS"
        );
    }
}
