//! Restoring the role placement `create` chose, after failovers and rollouts moved roles
//! around: masters spread over failure domains, no replica in its master's domain, every
//! master with replicas, replicas spread evenly over masters.
//!
//! Two moves change roles without moving a slot or a key: a coordinated failover (a replica
//! takes its master's slots; the master and its other replicas follow it) and
//! `CLUSTER REPLICATE` (a replica follows another master, after a full sync). [`plan_placement`]
//! searches greedily: at each step it takes the move that lowers the [`Score`] most (ties: by
//! node ID), and stops when no move lowers it. The plan is deterministic, never
//! makes the score worse, and is empty for a placement no single move improves.

use serde::{Deserialize, Serialize};

use super::allocate::Domain;
use super::endpoint::Endpoint;
use super::topology::Topology;
use super::view::NodeId;

/// A node taking part: a master serving slots, or a replica of one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// The node.
    pub id: NodeId,
    /// Its failure domain (IP or `--host-of` label).
    pub domain: Domain,
    /// The master it replicates; `None` for a master.
    pub master: Option<NodeId>,
}

/// How far a placement is from the one `create` makes; compared field by field, in order, and
/// zero in every field but the last (which counts evenness) when perfect.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Score {
    /// Replicas in their master's failure domain: losing that domain loses every copy.
    pub replicas_with_master: usize,
    /// Masters without a replica: nothing takes over when they fail.
    pub masters_without_replica: usize,
    /// Pairs of masters sharing a failure domain: losing it takes several masters at once.
    pub masters_sharing_domain: usize,
    /// The sum of squares of the replica counts per master: smallest when they are even.
    pub replica_spread: usize,
}

/// One role change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Move {
    /// `replica` takes over `master`'s slots by a coordinated failover.
    Failover { replica: NodeId, master: NodeId },
    /// `replica` leaves master `from` to replicate master `to`.
    Replicate {
        replica: NodeId,
        from: NodeId,
        to: NodeId,
    },
}

/// The plan: the moves, and the score before and after them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placement {
    /// The score of the placement found.
    pub before: Score,
    /// The score once every move is made.
    pub after: Score,
    /// The moves, in order.
    pub moves: Vec<Move>,
}

/// The [`Score`] of `members`.
pub fn score(members: &[Member]) -> Score {
    let masters: Vec<&Member> = members.iter().filter(|m| m.master.is_none()).collect();
    let replicas: Vec<usize> = masters
        .iter()
        .map(|master| {
            members
                .iter()
                .filter(|m| m.master.as_ref() == Some(&master.id))
                .count()
        })
        .collect();
    let beside_master = |replica: &&Member| {
        masters
            .iter()
            .any(|m| replica.master.as_ref() == Some(&m.id) && m.domain == replica.domain)
    };
    let sharing = masters
        .iter()
        .enumerate()
        .map(|(i, a)| {
            masters[i + 1..]
                .iter()
                .filter(|b| b.domain == a.domain)
                .count()
        })
        .sum();
    Score {
        replicas_with_master: members.iter().filter(beside_master).count(),
        masters_without_replica: replicas.iter().filter(|&&n| n == 0).count(),
        masters_sharing_domain: sharing,
        replica_spread: replicas.iter().map(|n| n * n).sum(),
    }
}

/// Makes `step` on `members`.
pub fn apply(members: &mut [Member], step: &Move) {
    step.apply_to(members.iter_mut().map(|m| (&m.id, &mut m.master)));
}

impl Move {
    /// Makes the move on `nodes`, each a node's ID and the master it follows (`None` for a
    /// master): after a failover, the old master and its other replicas follow the new one.
    pub fn apply_to<'a>(&self, nodes: impl Iterator<Item = (&'a NodeId, &'a mut Option<NodeId>)>) {
        for (id, master_of) in nodes {
            match self {
                Move::Failover { replica, master } => {
                    if id == replica {
                        *master_of = None;
                    } else if id == master || master_of.as_ref() == Some(master) {
                        *master_of = Some(replica.clone());
                    }
                }
                Move::Replicate { replica, to, .. } if id == replica => {
                    *master_of = Some(to.clone());
                }
                Move::Replicate { .. } => {}
            }
        }
    }

    /// The nodes the move names.
    pub fn nodes(&self) -> Vec<&NodeId> {
        match self {
            Move::Failover { replica, master } => vec![replica, master],
            Move::Replicate { replica, from, to } => vec![replica, from, to],
        }
    }
}

/// Every move possible from `members`.
fn candidates(members: &[Member]) -> Vec<Move> {
    let mut moves = Vec::new();
    for member in members {
        let Some(master) = &member.master else {
            continue;
        };
        moves.push(Move::Failover {
            replica: member.id.clone(),
            master: master.clone(),
        });
        for to in members
            .iter()
            .filter(|m| m.master.is_none() && &m.id != master)
        {
            moves.push(Move::Replicate {
                replica: member.id.clone(),
                from: master.clone(),
                to: to.id.clone(),
            });
        }
    }
    moves
}

/// Orders moves of equal effect, whatever the order of the members: by the replica's ID, a
/// failover first, then by the new master's ID.
fn tie_break(step: &Move) -> (&NodeId, Option<&NodeId>) {
    match step {
        Move::Failover { replica, .. } => (replica, None),
        Move::Replicate { replica, to, .. } => (replica, Some(to)),
    }
}

/// The moves that bring `members` closest to `create`'s placement (see the module docs).
pub fn plan_placement(members: &[Member]) -> Placement {
    let before = score(members);
    let mut current = members.to_vec();
    let mut now = before;
    let mut moves = Vec::new();
    // Each move lowers the score; the bound only guards against a cycle that cannot happen.
    for _ in 0..members.len() * members.len() + 1 {
        let best = candidates(&current)
            .into_iter()
            .map(|step| {
                let mut next = current.clone();
                apply(&mut next, &step);
                (score(&next), step, next)
            })
            .min_by(|a, b| (a.0, tie_break(&a.1)).cmp(&(b.0, tie_break(&b.1))));
        match best {
            Some((next_score, step, next)) if next_score < now => {
                now = next_score;
                current = next;
                moves.push(step);
            }
            _ => break,
        }
    }
    Placement {
        before,
        after: now,
        moves,
    }
}

/// Roles are placed on a whole cluster only: `node` is unreachable or flagged failing; nothing
/// was changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{node} is unreachable or failing: roles are placed on a whole cluster only (rtrib check \
     shows it); nothing was changed"
)]
pub struct NotWhole {
    /// The first such node.
    pub node: Endpoint,
}

/// Refuses a cluster with a node unreachable or failing.
pub fn refuse_unless_whole(topology: &Topology) -> Result<(), NotWhole> {
    let failing = topology.failure_reports();
    match topology
        .nodes
        .iter()
        .find(|n| !n.is_reachable() || failing.contains_key(n.id()))
    {
        Some(node) => Err(NotWhole {
            node: node.endpoint.clone(),
        }),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn id(n: usize) -> NodeId {
        NodeId::new(format!("{n:040}"))
    }

    /// Node `n` in `domains[n]`, a master when `masters[n]` is `None`.
    fn members(domains: &[&str], masters: &[Option<usize>]) -> Vec<Member> {
        domains
            .iter()
            .zip(masters)
            .enumerate()
            .map(|(n, (domain, master))| Member {
                id: id(n),
                domain: domain.to_string(),
                master: master.map(id),
            })
            .collect()
    }

    /// 0, 1, 2 masters on h1, h2, h3; replicas 3 (of 0) on h2, 4 (of 1) on h3, 5 (of 2) on h1.
    const DOMAINS: [&str; 6] = ["h1", "h2", "h3", "h2", "h3", "h1"];

    #[test]
    fn a_good_placement_is_left_alone() {
        let good = members(&DOMAINS, &[None, None, None, Some(0), Some(1), Some(2)]);
        let placement = plan_placement(&good);
        assert!(placement.moves.is_empty());
        assert_eq!(
            placement.after,
            Score {
                replicas_with_master: 0,
                masters_without_replica: 0,
                masters_sharing_domain: 0,
                replica_spread: 3
            }
        );
    }

    #[test]
    fn two_failovers_onto_one_host_are_undone_by_one() {
        // Failovers to 3 (h2) and to 5 (h1): masters 3 (h2), 1 (h2), 5 (h1).
        let piled = members(&DOMAINS, &[Some(3), None, Some(5), None, Some(1), None]);
        assert_eq!(score(&piled).masters_sharing_domain, 1);
        let placement = plan_placement(&piled);
        assert_eq!(
            placement.moves,
            [Move::Failover {
                replica: id(4),
                master: id(1)
            }]
        );
        assert_eq!(placement.after.masters_sharing_domain, 0);
        assert_eq!(placement.after.replicas_with_master, 0);
    }

    #[test]
    fn a_replica_beside_its_master_moves_and_orphans_get_one() {
        // Replica 3 (h2) follows master 1 (h2), master 0 has none.
        let placed = members(&DOMAINS, &[None, None, None, Some(1), Some(1), Some(2)]);
        let placement = plan_placement(&placed);
        assert_eq!(placement.after.replicas_with_master, 0);
        assert_eq!(placement.after.masters_without_replica, 0);
        let mut after = placed.clone();
        for step in &placement.moves {
            apply(&mut after, step);
        }
        assert_eq!(score(&after), placement.after);
        assert!(plan_placement(&after).moves.is_empty());
    }

    proptest! {
        /// Any placement: the plan is deterministic (whatever the order of the members), its steps are valid (a failover promotes a
        /// replica of that master, a replica moves to another master), it never makes the
        /// score worse, its `after` is what the steps give, and planning again finds nothing.
        #[test]
        fn plans_are_deterministic_never_worse_and_final(
            domains in proptest::collection::vec(0usize..4, 2..10),
            roles in proptest::collection::vec(0usize..10, 10),
        ) {
            let nodes = domains.len();
            // Node 0 is always a master; others replicate a master below them, or are masters.
            let mut masters: Vec<Option<usize>> = vec![None];
            for (n, role) in roles.iter().enumerate().take(nodes).skip(1) {
                let pick = role % (n + 1);
                masters.push((pick < n && masters[pick].is_none()).then_some(pick));
            }
            let names: Vec<String> = domains.iter().map(|d| format!("h{d}")).collect();
            let names: Vec<&str> = names.iter().map(String::as_str).collect();
            let start = members(&names, &masters);
            let placement = plan_placement(&start);
            prop_assert_eq!(&placement, &plan_placement(&start));
            let mut reversed = start.clone();
            reversed.reverse();
            prop_assert_eq!(&placement.moves, &plan_placement(&reversed).moves);
            prop_assert!(placement.after <= placement.before);
            prop_assert_eq!(placement.before, score(&start));
            let mut now = start.clone();
            for step in &placement.moves {
                match step {
                    Move::Failover { replica, master } => {
                        let r = now.iter().find(|m| &m.id == replica).unwrap();
                        prop_assert_eq!(r.master.as_ref(), Some(master));
                    }
                    Move::Replicate { replica, from, to } => {
                        let r = now.iter().find(|m| &m.id == replica).unwrap();
                        prop_assert_eq!(r.master.as_ref(), Some(from));
                        prop_assert!(now.iter().any(|m| &m.id == to && m.master.is_none()));
                        prop_assert_ne!(from, to);
                    }
                }
                let before_step = score(&now);
                apply(&mut now, step);
                prop_assert!(score(&now) < before_step);
            }
            prop_assert_eq!(score(&now), placement.after);
            prop_assert!(plan_placement(&now).moves.is_empty());
            // The number of masters never changes.
            let count = |m: &[Member]| m.iter().filter(|m| m.master.is_none()).count();
            prop_assert_eq!(count(&now), count(&start));
        }
    }
}

#[cfg(test)]
mod refusal_tests {
    use super::*;
    use crate::cluster::fixtures::{three_masters, unreachable};

    #[test]
    fn roles_are_placed_on_a_whole_cluster_only() {
        assert_eq!(refuse_unless_whole(&three_masters()), Ok(()));
        let refusal = refuse_unless_whole(&unreachable(three_masters(), "c")).unwrap_err();
        assert_eq!(
            refusal.to_string(),
            "127.0.0.1:7002 is unreachable or failing: roles are placed on a whole cluster only \
             (rtrib check shows it); nothing was changed"
        );
    }
}
