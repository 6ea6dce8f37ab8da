//! Choosing a new cluster's layout: which nodes are masters, which slots each master serves,
//! and which master each replica follows, keeping replicas off their master's failure domain.
//!
//! The choices are redis-cli's (`clusterManagerCommandCreate`), so a cluster created by rtrib
//! looks like one created by `redis-cli --cluster create` from the same node list:
//! - nodes are interleaved across failure domains (hosts) in order of first appearance, and
//!   the first `nodes / (replicas + 1)` of that order become masters;
//! - slots are split with the same single-precision formula (3 masters: 0-5460, 5461-10922,
//!   10923-16383);
//! - replicas are taken from the rest (rotated left by one), each preferring a node outside
//!   its master's domain.
//!
//! Where redis-cli then shuffles replicas randomly to improve anti-affinity, rtrib improves
//! it with a deterministic search, so the same input always gives the same layout.

use std::collections::BTreeMap;

use serde::Serialize;

use crate::cluster::slots::{SLOT_COUNT, Slot};

/// Fewer masters than this cannot fail over automatically (a majority of masters must vote).
pub const MIN_MASTERS: usize = 3;

/// A failure domain: nodes in the same one fail together (same host, same Kubernetes node).
pub type Domain = String;

/// The domain `--host-of NAME=DOMAIN` gives a node known by any of `names`: the first label
/// whose NAME is one of them.
pub fn labelled(names: &[String], labels: &[(String, String)]) -> Option<Domain> {
    labels
        .iter()
        .find(|(name, _)| names.contains(name))
        .map(|(_, domain)| domain.clone())
}

/// A new cluster's layout. Node numbers are indexes into the candidate list given to
/// [`allocate`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Allocation {
    /// Masters in slot order, each with its contiguous slot range.
    pub masters: Vec<MasterSlots>,
    /// Replicas, each with the node number of its master.
    pub replicas: Vec<ReplicaOf>,
    /// How well replicas are kept away from their masters.
    pub anti_affinity: AntiAffinity,
}

/// A master and the slots it will serve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct MasterSlots {
    /// The master's node number.
    pub node: usize,
    /// First slot served.
    pub first: Slot,
    /// Last slot served (inclusive).
    pub last: Slot,
}

/// A replica and the master it follows (both node numbers).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ReplicaOf {
    /// The replica's node number.
    pub node: usize,
    /// The master's node number.
    pub master: usize,
}

/// How far the layout is from keeping every replica in another domain than its master and
/// its master's other replicas.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AntiAffinity {
    /// No replica shares a domain with its master or with a sibling replica.
    Perfect,
    /// Some replicas of one master share a domain (losing it loses several copies).
    ReplicasShareDomain,
    /// Some replica is in its own master's domain (losing it loses the data's every copy).
    ReplicaWithMaster,
}

/// Why no layout can be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AllocationError {
    /// Not even one master would remain after setting replicas aside.
    #[error(
        "{nodes} node(s) cannot hold a master with {replicas} replica(s) each: give at least {} nodes or fewer --replicas",
        replicas + 1
    )]
    TooFewNodes { nodes: usize, replicas: usize },
    /// More masters than slots.
    #[error("{masters} masters cannot share 16384 slots")]
    TooManyMasters { masters: usize },
}

/// How many masters `nodes` nodes give with `replicas` replicas each (redis-cli's integer
/// division: surplus nodes become extra replicas).
pub fn master_count(nodes: usize, replicas: usize) -> usize {
    nodes / (replicas + 1)
}

/// redis-cli's split of the 16384 slots over `masters` masters: contiguous ranges computed in
/// single precision with round-half-away-from-zero, the last range ending at 16383.
pub fn slot_ranges(masters: usize) -> Vec<(Slot, Slot)> {
    let per_master = SLOT_COUNT as f32 / masters as f32;
    let mut ranges = Vec::with_capacity(masters);
    let mut first: i64 = 0;
    let mut cursor = 0.0f32;
    for index in 0..masters {
        let mut last = (cursor + per_master - 1.0).round() as i64;
        if last > SLOT_COUNT as i64 || index == masters - 1 {
            last = SLOT_COUNT as i64 - 1;
        }
        if last < first {
            last = first;
        }
        ranges.push((first as Slot, last as Slot));
        first = last + 1;
        cursor += per_master;
    }
    ranges
}

/// Lays out a cluster of `domains.len()` nodes (one failure domain per node, in the order
/// the user gave them) with `replicas` replicas per master.
pub fn allocate(domains: &[Domain], replicas: usize) -> Result<Allocation, AllocationError> {
    let masters = master_count(domains.len(), replicas);
    if masters == 0 {
        return Err(AllocationError::TooFewNodes {
            nodes: domains.len(),
            replicas,
        });
    }
    if masters > SLOT_COUNT {
        return Err(AllocationError::TooManyMasters { masters });
    }
    let order = interleave_by_domain(domains);
    let (master_nodes, rest) = order.split_at(masters);
    let mut candidates: Vec<Option<usize>> = rest.iter().copied().map(Some).collect();
    if !candidates.is_empty() {
        candidates.rotate_left(1);
    }

    let mut followers: Vec<ReplicaOf> = Vec::new();
    let take_for = |master: usize, candidates: &mut Vec<Option<usize>>| {
        let position = candidates
            .iter()
            .position(|c| c.is_some_and(|node| domains[node] != domains[master]))
            .or_else(|| candidates.iter().position(Option::is_some));
        position.and_then(|p| candidates[p].take())
    };
    for &master in master_nodes {
        for _ in 0..replicas {
            if let Some(node) = take_for(master, &mut candidates) {
                followers.push(ReplicaOf { node, master });
            }
        }
    }
    // Surplus nodes become extra replicas, one more per master per round, in master order.
    while candidates.iter().any(Option::is_some) {
        for &master in master_nodes {
            if let Some(node) = take_for(master, &mut candidates) {
                followers.push(ReplicaOf { node, master });
            }
        }
    }
    improve_anti_affinity(domains, master_nodes, replicas, &mut followers);

    let masters = master_nodes
        .iter()
        .zip(slot_ranges(masters))
        .map(|(&node, (first, last))| MasterSlots { node, first, last })
        .collect();
    let score = anti_affinity_score(domains, &followers);
    Ok(Allocation {
        masters,
        replicas: followers,
        anti_affinity: match score {
            0 => AntiAffinity::Perfect,
            s if s >= MASTER_PENALTY => AntiAffinity::ReplicaWithMaster,
            _ => AntiAffinity::ReplicasShareDomain,
        },
    })
}

/// Node numbers taken round-robin from each domain, domains in order of first appearance.
fn interleave_by_domain(domains: &[Domain]) -> Vec<usize> {
    let mut groups: Vec<(&Domain, Vec<usize>)> = Vec::new();
    for (node, domain) in domains.iter().enumerate() {
        match groups.iter_mut().find(|(d, _)| *d == domain) {
            Some((_, members)) => members.push(node),
            None => groups.push((domain, vec![node])),
        }
    }
    let rounds = groups.iter().map(|(_, m)| m.len()).max().unwrap_or(0);
    (0..rounds)
        .flat_map(|round| {
            groups
                .iter()
                .filter_map(move |(_, members)| members.get(round).copied())
        })
        .collect()
}

/// Score of a replica sharing its master's domain (redis-cli's weight).
const MASTER_PENALTY: usize = 10_000;

/// redis-cli's anti-affinity score: for each (domain, master) group of two or more nodes,
/// 10000 per extra node when the master is in the group, else one per node. Zero is perfect.
fn anti_affinity_score(domains: &[Domain], followers: &[ReplicaOf]) -> usize {
    let mut groups: BTreeMap<(&Domain, usize), (bool, usize)> = BTreeMap::new();
    for follower in followers {
        let group = groups
            .entry((&domains[follower.node], follower.master))
            .or_default();
        group.1 += 1;
    }
    for (&(domain, master), group) in groups.iter_mut() {
        if domains[master] == *domain {
            group.0 = true;
            group.1 += 1;
        }
    }
    groups
        .values()
        .filter(|(_, size)| *size >= 2)
        .map(|&(with_master, size)| {
            if with_master {
                MASTER_PENALTY * (size - 1)
            } else {
                size
            }
        })
        .sum()
}

/// Lowers the anti-affinity score by local search until no step helps: swapping the masters
/// of two replicas, or moving a surplus replica (of a master with more than `replicas`) to
/// another master. Deterministic; redis-cli does the same with random swaps.
fn improve_anti_affinity(
    domains: &[Domain],
    masters: &[usize],
    replicas: usize,
    followers: &mut [ReplicaOf],
) {
    let mut score = anti_affinity_score(domains, followers);
    let mut improved = true;
    while improved && score > 0 {
        improved = false;
        for i in 0..followers.len() {
            for j in i + 1..followers.len() {
                if followers[i].master != followers[j].master {
                    swap_masters(followers, i, j);
                    improved |=
                        keep_if_better(domains, followers, &mut score, |f| swap_masters(f, i, j));
                }
            }
            let from = followers[i].master;
            if followers.iter().filter(|f| f.master == from).count() > replicas {
                for &to in masters.iter().filter(|&&m| m != from) {
                    followers[i].master = to;
                    if keep_if_better(domains, followers, &mut score, |f| f[i].master = from) {
                        improved = true;
                        break;
                    }
                }
            }
        }
    }
}

/// Keeps the step just taken if it lowered the score, else undoes it.
fn keep_if_better(
    domains: &[Domain],
    followers: &mut [ReplicaOf],
    score: &mut usize,
    undo: impl FnOnce(&mut [ReplicaOf]),
) -> bool {
    let candidate = anti_affinity_score(domains, followers);
    if candidate < *score {
        *score = candidate;
        true
    } else {
        undo(followers);
        false
    }
}

fn swap_masters(followers: &mut [ReplicaOf], i: usize, j: usize) {
    let master = followers[i].master;
    followers[i].master = followers[j].master;
    followers[j].master = master;
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn domains(names: &[&str]) -> Vec<Domain> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn slot_split_matches_redis_cli() {
        assert_eq!(slot_ranges(1), vec![(0, 16383)]);
        assert_eq!(slot_ranges(2), vec![(0, 8191), (8192, 16383)]);
        assert_eq!(
            slot_ranges(3),
            vec![(0, 5460), (5461, 10922), (10923, 16383)]
        );
        assert_eq!(
            slot_ranges(5),
            vec![
                (0, 3276),
                (3277, 6553),
                (6554, 9829),
                (9830, 13106),
                (13107, 16383)
            ]
        );
        assert_eq!(
            slot_ranges(7),
            vec![
                (0, 2340),
                (2341, 4680),
                (4681, 7021),
                (7022, 9361),
                (9362, 11702),
                (11703, 14042),
                (14043, 16383)
            ]
        );
        let ten = slot_ranges(10);
        assert_eq!(ten[0], (0, 1637));
        assert_eq!(ten[5], (8192, 9829));
        assert_eq!(ten[9], (14746, 16383));
        assert!(
            slot_ranges(8)
                .iter()
                .all(|(f, l)| f % 2048 == 0 && l - f == 2047)
        );
    }

    #[test]
    fn six_nodes_on_one_host_follow_redis_cli() {
        let layout = allocate(&domains(&["h"; 6]), 1).unwrap();
        let masters: Vec<_> = layout.masters.iter().map(|m| m.node).collect();
        assert_eq!(masters, vec![0, 1, 2]);
        // redis-cli prints 30005→30001, 30006→30002, 30004→30003 before its random shuffle.
        assert_eq!(
            layout.replicas,
            vec![
                ReplicaOf { node: 4, master: 0 },
                ReplicaOf { node: 5, master: 1 },
                ReplicaOf { node: 3, master: 2 }
            ]
        );
        assert_eq!(layout.anti_affinity, AntiAffinity::ReplicaWithMaster);
    }

    #[test]
    fn two_ports_on_three_hosts_get_perfect_anti_affinity() {
        let hosts = domains(&["h1", "h1", "h2", "h2", "h3", "h3"]);
        let layout = allocate(&hosts, 1).unwrap();
        let masters: Vec<_> = layout.masters.iter().map(|m| m.node).collect();
        assert_eq!(masters, vec![0, 2, 4]);
        assert_eq!(layout.anti_affinity, AntiAffinity::Perfect);
        for replica in &layout.replicas {
            assert_ne!(hosts[replica.node], hosts[replica.master]);
        }
    }

    #[test]
    fn nine_nodes_with_two_replicas_on_three_hosts_are_perfect() {
        let hosts = domains(&["a", "a", "a", "b", "b", "b", "c", "c", "c"]);
        let layout = allocate(&hosts, 2).unwrap();
        assert_eq!(layout.masters.len(), 3);
        assert_eq!(layout.replicas.len(), 6);
        assert_eq!(layout.anti_affinity, AntiAffinity::Perfect);
    }

    #[test]
    fn surplus_nodes_become_extra_replicas() {
        let layout = allocate(&domains(&["h"; 7]), 1).unwrap();
        assert_eq!(layout.masters.len(), 3);
        assert_eq!(layout.replicas.len(), 4);
        let layout = allocate(&domains(&["h"; 7]), 3).unwrap();
        assert_eq!(layout.masters.len(), 1);
        assert_eq!(layout.replicas.len(), 6);
    }

    #[test]
    fn too_few_nodes_is_an_error() {
        assert_eq!(
            allocate(&domains(&["h"]), 1),
            Err(AllocationError::TooFewNodes {
                nodes: 1,
                replicas: 1
            })
        );
    }

    #[test]
    fn pods_on_shared_kubernetes_nodes_avoid_their_masters_node() {
        // Six pods with distinct IPs, placed on three k8s nodes: pods 0,3 on k1, 1,4 on k2, 2,5 on k3.
        let hosts = domains(&["k1", "k2", "k3", "k1", "k2", "k3"]);
        let layout = allocate(&hosts, 1).unwrap();
        assert_eq!(layout.anti_affinity, AntiAffinity::Perfect);
    }

    proptest! {
        #[test]
        fn every_layout_is_complete_and_consistent(
            nodes in 1usize..40,
            replicas in 0usize..4,
            hosts in 1usize..6,
        ) {
            let domains: Vec<Domain> = (0..nodes).map(|n| format!("h{}", n % hosts)).collect();
            match allocate(&domains, replicas) {
                Err(AllocationError::TooFewNodes { .. }) => prop_assert!(nodes < replicas + 1),
                Err(other) => prop_assert!(false, "{other}"),
                Ok(layout) => {
                    prop_assert_eq!(layout.masters.len(), nodes / (replicas + 1));
                    // Every node has exactly one role.
                    let mut roles: Vec<usize> = layout.masters.iter().map(|m| m.node)
                        .chain(layout.replicas.iter().map(|r| r.node)).collect();
                    roles.sort_unstable();
                    prop_assert_eq!(roles, (0..nodes).collect::<Vec<_>>());
                    // Slots: contiguous, complete, each exactly once.
                    let mut next = 0u32;
                    for master in &layout.masters {
                        prop_assert_eq!(u32::from(master.first), next);
                        prop_assert!(master.last >= master.first);
                        next = u32::from(master.last) + 1;
                    }
                    prop_assert_eq!(next, 16384);
                    // Every replica follows a master, and each master has at least `replicas`.
                    for replica in &layout.replicas {
                        prop_assert!(layout.masters.iter().any(|m| m.node == replica.master));
                    }
                    for master in &layout.masters {
                        let count = layout.replicas.iter().filter(|r| r.master == master.node).count();
                        prop_assert!(count >= replicas);
                    }
                    // Every node on its own host: perfect.
                    if hosts >= nodes {
                        prop_assert_eq!(layout.anti_affinity, AntiAffinity::Perfect);
                    }
                    // Hosts with equal node counts, more hosts than replicas per master, no
                    // surplus nodes (the Kubernetes and multi-port shapes): no replica shares its
                    // master's host.
                    if nodes % hosts == 0 && hosts > replicas && nodes % (replicas + 1) == 0 {
                        prop_assert_ne!(layout.anti_affinity, AntiAffinity::ReplicaWithMaster);
                    }
                }
            }
        }
    }
}
