//! Benchmark (not a test): how long `rebalance --by keys` takes to plan, on the 16384 slots of
//! clusters of 3, 10 and 30 masters holding 1M keys, in four shapes:
//!
//! - `hash tags`: the skew, a third of the keys spread evenly and two thirds under 300
//!   hash tags whose slots all belong to the first master;
//! - `zipf`: keys per slot drawn from a heavy-tailed distribution, on every master;
//! - `drain`: keys spread evenly, the first master at weight 0;
//! - `new master`: keys spread evenly over all masters but one, which serves no slot and
//!   takes part with --use-empty-masters.
//!
//! Prints, per case, the median planning time of 15 runs, the slots moved and the keys they
//! hold. Run it with `cargo bench --bench balance_plan` (an optimised build).

use std::time::{Duration, Instant};

use rtrib::cluster::allocate::slot_ranges;
use rtrib::cluster::balance::balance_plan;
use rtrib::cluster::load::{Measure, SlotWeights};
use rtrib::cluster::migrate::RebalanceOptions;
use rtrib::cluster::slots::SLOT_COUNT;
use rtrib::cluster::topology::Topology;
use rtrib::cluster::view::{NodeId, NodesView};

const KEYS: u64 = 1_000_000;
const RUNS: usize = 15;

/// `masters` masters with redis-cli's slot split over the first `serving` of them.
fn topology(masters: usize, serving: usize) -> Topology {
    let ranges = slot_ranges(serving);
    let text: String = (0..masters)
        .map(|i| {
            let slots = ranges
                .get(i)
                .map_or_else(String::new, |(a, b)| format!("{a}-{b}"));
            format!(
                "{:040x} 127.0.0.1:{}@{} master - 0 0 {} connected {slots}\n",
                i + 1,
                7000 + i,
                17000 + i,
                i + 1
            )
        })
        .collect();
    Topology::all_reporting(&NodesView::parse(&text).expect("a valid CLUSTER NODES"))
}

/// A deterministic pseudo-random sequence (xorshift).
fn sequence(seed: u64) -> impl FnMut() -> u64 {
    let mut state = seed;
    move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    }
}

/// `keys` spread evenly over the 16384 slots.
fn even(keys: u64) -> Vec<u64> {
    let count = SLOT_COUNT as u64;
    (0..count)
        .map(|slot| (slot + 1) * keys / count - slot * keys / count)
        .collect()
}

fn hash_tags(first_master_last_slot: u16) -> Vec<u64> {
    let mut per_slot = even(KEYS / 3);
    let mut next = sequence(7);
    for _ in 0..300 {
        let slot = (next() % (u64::from(first_master_last_slot) + 1)) as usize;
        per_slot[slot] += KEYS * 2 / 3 / 300;
    }
    per_slot
}

fn zipf() -> Vec<u64> {
    let mut next = sequence(11);
    let raw: Vec<f64> = (0..SLOT_COUNT)
        .map(|_| {
            let u = (next() % 1_000_000 + 1) as f64 / 1_000_001.0;
            u.powf(-1.2) // Pareto, heavy tail
        })
        .collect();
    let sum: f64 = raw.iter().sum();
    raw.iter()
        .map(|r| (r / sum * KEYS as f64).round() as u64)
        .collect()
}

fn main() {
    println!("planning rebalance --by keys on 16384 slots, 1M keys; median of {RUNS} runs");
    for masters in [3, 10, 30] {
        let cases: Vec<(&str, Topology, Vec<u64>, RebalanceOptions)> = vec![
            (
                "hash tags",
                topology(masters, masters),
                hash_tags(slot_ranges(masters)[0].1),
                options(&[], false),
            ),
            (
                "zipf",
                topology(masters, masters),
                zipf(),
                options(&[], false),
            ),
            (
                "drain",
                topology(masters, masters),
                even(KEYS),
                options(&[(NodeId::new(format!("{:040x}", 1)), 0.0)], false),
            ),
            (
                "new master",
                topology(masters, masters - 1),
                even(KEYS),
                options(&[], true),
            ),
        ];
        for (name, topology, per_slot, options) in cases {
            let weights = SlotWeights::new(Measure::Keys, per_slot);
            let mut times: Vec<Duration> = Vec::with_capacity(RUNS);
            let mut plan = None;
            for _ in 0..RUNS {
                let started = Instant::now();
                plan = Some(balance_plan(&topology, &weights, &options).expect("a plan"));
                times.push(started.elapsed());
            }
            times.sort();
            let plan = plan.expect("planned");
            let worst = plan
                .shares
                .iter()
                .map(|s| (s.after as f64 - s.target).abs() / s.target.max(1.0) * 100.0)
                .fold(0.0, f64::max);
            let share = weights.total() as f64 / masters as f64;
            let heaviest = weights.heaviest(1).first().map_or(0, |&(_, keys)| keys);
            println!(
                "{masters:>2} masters  {name:<10}  {:>8.2} ms  {:>5} slots moved holding {:>7} keys; \
                 worst master after: {worst:6.2}% off its share (heaviest slot: {:5.1}% of a \
                 share; {} unsplittable)",
                times[RUNS / 2].as_secs_f64() * 1000.0,
                plan.moves.len(),
                plan.moved_weight(&weights),
                heaviest as f64 / share * 100.0,
                plan.unsplittable.len(),
            );
        }
    }
}

fn options(weights: &[(NodeId, f64)], use_empty_masters: bool) -> RebalanceOptions {
    RebalanceOptions {
        weights: weights.iter().cloned().collect(),
        use_empty_masters,
        threshold: 2.0,
    }
}
