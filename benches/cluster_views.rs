//! Benchmark (not a test): what judging a large cluster costs in the pure core, time and
//! memory, on synthetic `CLUSTER NODES` views of 100, 300 and 1000 nodes (a third masters, the
//! 16384 slots split among them as `create` does, the rest replicas spread over them).
//!
//! Every node's view is a text as the server would print it: every node's line, its own
//! flagged `myself`, in an order of its own, with its own pong times. The judgment measured is
//! what `check` and the convergence wait do with them: parse all n views (into one pool, as
//! `net::fetch` does), build the topology, run `check` and `converge::lags`. Two shapes:
//!
//! - `settled`: every view agrees;
//! - `lagging`: 100 slots (half the first master's, when it has fewer) moved from the first
//!   master to the second, and a tenth of the views (replicas) have not heard of it yet.
//!
//! Prints, per case, the median time of the runs, the peak of memory held during one judgment
//! (above what was held before it: the view texts are the input, not counted) and the bytes
//! allocated in all, from a counting global allocator. Run it with
//! `cargo bench --bench cluster_views` (an optimised build); `SIZES=100,300` to choose.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use rtrib::cluster::allocate::slot_ranges;
use rtrib::cluster::check::{CheckOptions, check};
use rtrib::cluster::converge::lags;
use rtrib::cluster::endpoint::Endpoint;
use rtrib::cluster::topology::{NodeReport, NodeState, Topology};
use rtrib::cluster::view::{EntryPool, NodesView};

/// Counts the bytes held now, their peak, and every byte ever allocated.
struct Counting;

static HELD: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
static ALLOCATED: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded to the system allocator unchanged; only counters are added.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let held = HELD.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(held, Ordering::Relaxed);
        ALLOCATED.fetch_add(layout.size(), Ordering::Relaxed);
        // SAFETY: the caller's contract is the system allocator's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        HELD.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: `ptr` came from `alloc` above, with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const RUNS: usize = 5;

/// The ID of node `i`.
fn id(i: usize) -> String {
    format!("{:040x}", 0x00ab_cdef_0000_0000_u64 + i as u64)
}

/// The n view texts of a cluster of `n` nodes; with `lagging`, 100 slots moved from master 0 to
/// master 1 and a tenth of the views (replicas) not aware of it.
fn views(n: usize, lagging: bool) -> Vec<String> {
    let masters = n / 3;
    let mut ranges: Vec<String> = slot_ranges(masters)
        .into_iter()
        .map(|(a, b)| format!("{a}-{b}"))
        .collect();
    let (first_end, old_first, old_second) = {
        let (_, end) = slot_ranges(masters)[0];
        let moved = format!("0-{}", end);
        (end, moved, ranges[1].clone())
    };
    // 100 slots, or half the first master's when it has fewer.
    let moved = 100.min(usize::from(first_end).div_ceil(2));
    if lagging {
        ranges[0] = format!("{moved}-{first_end}");
        ranges[1] = format!("0-{} {}", moved - 1, ranges[1]);
    }
    (0..n)
        .map(|observer| {
            let stale = lagging && observer >= masters && observer % 10 == 0;
            let mut text = String::with_capacity(n * 130);
            // Each node prints its table in an order of its own.
            for k in 0..n {
                let i = (k * 7 + observer) % n;
                let me = if i == observer { "myself," } else { "" };
                let ip = format!("10.{}.{}.{}", i / 65536, i / 256 % 256, i % 256);
                let pong = 1_795_320_000_000_u64 + (observer * 31 + i * 17) as u64 % 5000;
                if i < masters {
                    let slots = match (stale, i) {
                        (true, 0) => old_first.clone(),
                        (true, 1) => old_second.clone(),
                        _ => ranges[i].clone(),
                    };
                    let epoch = if lagging && i == 1 && !stale {
                        n + 1
                    } else {
                        i + 1
                    };
                    text.push_str(&format!(
                        "{} {ip}:6379@16379 {me}master - 0 {pong} {epoch} connected {slots}\n",
                        id(i)
                    ));
                } else {
                    let master = i % masters;
                    text.push_str(&format!(
                        "{} {ip}:6379@16379 {me}slave {} 0 {pong} {} connected\n",
                        id(i),
                        id(master),
                        master + 1
                    ));
                }
            }
            text
        })
        .collect()
}

/// Parses every view into one pool and builds the topology, as `net::fetch` does.
fn topology(texts: &[String]) -> Topology {
    let pool = EntryPool::default();
    let nodes = texts
        .iter()
        .map(|text| {
            let view = NodesView::parse_in(text, &pool).expect("a valid CLUSTER NODES");
            let entry = view.myself().expect("a myself line").clone();
            NodeReport {
                endpoint: Endpoint::from_addr(entry.addr().expect("an address")),
                entry,
                state: NodeState::Reachable {
                    view,
                    keys: 0,
                    slots_with_keys: None,
                    server: None,
                    migrations: Vec::new(),
                },
            }
        })
        .collect::<Vec<_>>();
    Topology {
        seed: nodes[0].entry.id.clone(),
        nodes,
    }
}

/// One judgment: parse, check, convergence; what they found, to keep it from being optimised
/// away.
fn judge(texts: &[String]) -> (usize, usize) {
    let topology = topology(texts);
    let report = check(&topology, &CheckOptions::default());
    let views: Vec<&NodesView> = topology.reachable().map(|(_, view)| view).collect();
    (report.findings.len(), lags(&views).len())
}

fn main() {
    let sizes: Vec<usize> = std::env::var("SIZES")
        .unwrap_or_else(|_| "100,300,1000".into())
        .split(',')
        .map(|s| s.trim().parse().expect("SIZES: numbers"))
        .collect();
    println!(
        "{:>6} {:<8} {:>12} {:>12} {:>14} {:>9} {:>5}",
        "nodes", "shape", "median ms", "peak MB", "allocated MB", "findings", "lags"
    );
    for n in sizes {
        for lagging in [false, true] {
            let texts = views(n, lagging);
            let mut times: Vec<Duration> = Vec::new();
            let mut peak = 0;
            let mut allocated = 0;
            let mut found = (0, 0);
            for _ in 0..RUNS {
                let before = HELD.load(Ordering::Relaxed);
                PEAK.store(before, Ordering::Relaxed);
                let total = ALLOCATED.load(Ordering::Relaxed);
                let started = Instant::now();
                found = std::hint::black_box(judge(&texts));
                times.push(started.elapsed());
                peak = PEAK.load(Ordering::Relaxed) - before;
                allocated = ALLOCATED.load(Ordering::Relaxed) - total;
            }
            times.sort();
            let mb = |bytes: usize| bytes as f64 / 1e6;
            println!(
                "{n:>6} {:<8} {:>12.1} {:>12.1} {:>14.1} {:>9} {:>5}",
                if lagging { "lagging" } else { "settled" },
                times[RUNS / 2].as_secs_f64() * 1000.0,
                mb(peak),
                mb(allocated),
                found.0,
                found.1
            );
        }
    }
}
