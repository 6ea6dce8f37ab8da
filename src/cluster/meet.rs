//! Who MEETs whom, so that the MEETs do not grow as the square of the cluster.
//!
//! Every node of a Redis Cluster must end up with a link to every other: n² handshakes in all,
//! whoever starts them. Sending every node a MEET for every other node starts them all at once,
//! each node opening n links and answering n handshakes in the same instant: the fastest way to
//! join a few nodes, and a way to stall hundreds (a single-threaded server busy with hundreds
//! of handshakes leaves a client's command unanswered for seconds).
//!
//! Up to [`MESH_LIMIT`] nodes, rtrib still MEETs every pair at once. Beyond, every node MEETs
//! a few seeds (the first [`SEEDS`] nodes), as redis-cli MEETs every node to the first one:
//! each MEET's handshake makes the seed gossip about the node and the node about the seed's
//! peers, so the nodes introduce themselves to each other, at the gossip's pace. Whoever still
//! lags after a while (two nodes of which neither knows the other) is told directly, a bounded
//! number of MEETs per node per round ([`pace`]).
//!
//! Everything here is pure: node numbers and what each node knows in, pairs out.

/// Up to this many nodes, every node MEETs every other at once.
pub const MESH_LIMIT: usize = 16;

/// Beyond [`MESH_LIMIT`] nodes, every node MEETs the first `SEEDS` nodes.
pub const SEEDS: usize = 3;

/// Beyond [`MESH_LIMIT`] nodes, at most this many new handshakes per node (as the sender or
/// as the one met) per round of MEETs, MEETs to a seed apart.
pub const PER_NODE: usize = 8;

/// The same bound for the MEETs that tell joining nodes whom they do not know yet
/// ([`strangers`]): by then gossip has introduced most pairs, and one node many others missed
/// (34 of 150, seen) would otherwise be met by 8 of them a round.
pub const TELL_PER_NODE: usize = 32;

/// The MEETs `(from, to)` that introduce `n` nodes to each other: every pair up to
/// [`MESH_LIMIT`] nodes, else every node to each seed. A pair is left out when `from` already
/// `knows` `to`, or when `to` cannot be met (`meetable` is false: its ID is unknown).
pub fn introductions(
    n: usize,
    knows: impl Fn(usize, usize) -> bool,
    meetable: impl Fn(usize) -> bool,
) -> Vec<(usize, usize)> {
    let targets = if n <= MESH_LIMIT { n } else { SEEDS.min(n) };
    (0..n)
        .flat_map(|from| (0..targets).map(move |to| (from, to)))
        .filter(|&(from, to)| from != to && meetable(to) && !knows(from, to))
        .collect()
}

/// The MEETs `(from, to)` that introduce nodes that both answered (`answered`) and of which
/// one does not `know` the other: for each such pair `i < j`, the one that does not know the
/// other MEETs it (`i` when neither knows the other). A pair only one side knows waits for
/// gossip as long as one neither knows: a node that missed the other's handshake (or let it
/// time out) learns of it only from a third node's gossip, which among hundreds of nodes
/// names it seconds later.
pub fn strangers(
    n: usize,
    answered: impl Fn(usize) -> bool,
    knows: impl Fn(usize, usize) -> bool,
) -> Vec<(usize, usize)> {
    (0..n)
        .filter(|&i| answered(i))
        .flat_map(|i| (i + 1..n).map(move |j| (i, j)))
        .filter(|&(_, j)| answered(j))
        .filter_map(|(i, j)| match (knows(i, j), knows(j, i)) {
            (true, true) => None,
            (true, false) => Some((j, i)),
            (false, _) => Some((i, j)),
        })
        .collect()
}

/// The MEETs of `wanted` to send now, among `n` nodes: all of them up to [`MESH_LIMIT`] nodes.
/// Beyond, each node takes part in at most `per_node` of them (as the sender or as the one
/// met), MEETs from or to a seed apart (a seed takes everyone's handshake, as redis-cli's
/// first node does), and of `(a, b)` and `(b, a)` only the first sent is kept: one handshake
/// links both.
/// The order of `wanted` is kept; what is left out waits for a later round.
pub fn pace(wanted: &[(usize, usize)], n: usize, per_node: usize) -> Vec<(usize, usize)> {
    if n <= MESH_LIMIT {
        return wanted.to_vec();
    }
    let mut load = vec![0; n];
    let mut chosen: Vec<(usize, usize)> = Vec::new();
    let mut linked = std::collections::HashSet::new();
    for &(from, to) in wanted {
        let pair = (from.min(to), from.max(to));
        if linked.contains(&pair) {
            continue;
        }
        if from.min(to) < SEEDS {
            linked.insert(pair);
            chosen.push((from, to));
        } else if load[from] < per_node && load[to] < per_node {
            load[from] += 1;
            load[to] += 1;
            linked.insert(pair);
            chosen.push((from, to));
        }
    }
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_few_nodes_all_meet_each_other_at_once() {
        let meets = introductions(4, |_, _| false, |_| true);
        assert_eq!(meets.len(), 12);
        assert_eq!(&meets[..3], [(0, 1), (0, 2), (0, 3)]);
        // Already known, or not meetable: left out.
        let meets = introductions(3, |from, to| (from, to) == (0, 1), |to| to != 2);
        assert_eq!(meets, [(1, 0), (2, 0), (2, 1)]);
        assert_eq!(
            pace(&[(0, 1), (1, 0), (2, 1)], 3, 1),
            [(0, 1), (1, 0), (2, 1)]
        );
    }

    #[test]
    fn many_nodes_meet_the_seeds_only() {
        let n = 200;
        let meets = introductions(n, |_, _| false, |_| true);
        // Each node meets the seeds it is not: 3 seeds meet 2 each, the others 3 each.
        assert_eq!(meets.len(), SEEDS * (SEEDS - 1) + (n - SEEDS) * SEEDS);
        assert!(meets.iter().all(|&(from, to)| to < SEEDS && from != to));
        // A node that knows a seed already does not meet it again.
        let meets = introductions(n, |from, to| from == 50 && to == 0, |_| true);
        assert!(!meets.contains(&(50, 0)) && meets.contains(&(50, 1)));
    }

    #[test]
    fn strangers_are_pairs_of_which_one_does_not_know_the_other() {
        // 0 knows 1; 2 knows 0; 1 and 2 know each other; nobody knows 3; 4 did not answer.
        let knows = |a: usize, b: usize| matches!((a, b), (0, 1) | (2, 0) | (1, 2) | (2, 1));
        let found = strangers(5, |i| i != 4, knows);
        // The one that does not know MEETs the other; of two strangers, the first.
        assert_eq!(found, [(1, 0), (0, 2), (0, 3), (1, 3), (2, 3)]);
    }

    #[test]
    fn pacing_bounds_each_node_but_not_the_seeds() {
        let n = 100;
        // Everyone wants to meet everyone: each node takes part in at most 8 handshakes.
        let wanted: Vec<(usize, usize)> = (SEEDS..n)
            .flat_map(|a| (SEEDS..n).filter(move |&b| b != a).map(move |b| (a, b)))
            .collect();
        let chosen = pace(&wanted, n, PER_NODE);
        let mut load = vec![0; n];
        for &(a, b) in &chosen {
            load[a] += 1;
            load[b] += 1;
        }
        assert!(load.iter().all(|&l| l <= PER_NODE), "{load:?}");
        assert!(chosen.len() >= (n - SEEDS) * PER_NODE / 2 - PER_NODE);
        // (a, b) and (b, a): one handshake.
        assert!(!chosen.iter().any(|&(a, b)| chosen.contains(&(b, a))));
        // MEETs with the seeds all go, and count against nobody's budget.
        let mut wanted: Vec<(usize, usize)> = (SEEDS..n).map(|a| (a, 0)).collect();
        wanted.extend((SEEDS..n).map(|a| (1, a)));
        wanted.push((10, 11));
        wanted.push((11, 10));
        let chosen = pace(&wanted, n, 1);
        assert_eq!(chosen.len(), 2 * (n - SEEDS) + 1);
        // A pair left out for the budget does not hide its reverse.
        let chosen = pace(&[(10, 11), (10, 12), (12, 10)], n, 1);
        assert_eq!(chosen, [(10, 11)]);
        let chosen = pace(&[(10, 11), (12, 13), (13, 12)], n, 1);
        assert_eq!(chosen, [(10, 11), (12, 13)]);
    }
}
