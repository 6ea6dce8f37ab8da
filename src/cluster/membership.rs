//! Membership decisions: whether a node may join a cluster, and which master a new or orphaned
//! replica should follow. The I/O layer reads the nodes; these functions only judge.

use std::net::IpAddr;

use serde::{Deserialize, Serialize};

use crate::cluster::endpoint::Endpoint;
use crate::cluster::topology::{NodeReport, Topology};
use crate::cluster::view::{NodeEntry, NodeId, NodesView};

/// Why a node may not join a cluster. Nothing has been changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JoinRefusal {
    /// The node owns slots or holds keys: joining would mix its data into the cluster.
    #[error(
        "{node} is not empty ({keys} keys, {slots} slots): only an empty node can join a cluster. \
         Empty it (FLUSHALL, then CLUSTER RESET) or use another node"
    )]
    NotEmpty {
        node: Endpoint,
        keys: u64,
        slots: usize,
    },
    /// The node knows a node the cluster does not: it is part of another cluster.
    #[error(
        "{node} is not empty: it belongs to another cluster (it knows node {stranger}, which this \
         cluster does not). Reset it (CLUSTER RESET HARD) if it should join this cluster"
    )]
    Foreign { node: Endpoint, stranger: NodeId },
}

impl JoinRefusal {
    /// True when the node belongs to another cluster (exit 6), false when it is not empty
    /// (exit 5).
    pub fn is_foreign(&self) -> bool {
        matches!(self, JoinRefusal::Foreign { .. })
    }
}

/// Judges a node that is not yet a member of `topology`'s cluster, from its own `myself` line,
/// view and key count: it may join when it owns no slot, holds no key and knows no node outside
/// the cluster. Knowing some of the cluster's members is a join left half-done, which may be
/// resumed. The node of another cluster is refused first (it usually holds data too).
pub fn check_newcomer(
    topology: &Topology,
    node: &Endpoint,
    myself: &NodeEntry,
    view: &NodesView,
    keys: u64,
) -> Result<(), JoinRefusal> {
    let stranger = view
        .entries()
        .find(|e| !e.flags.myself && !e.flags.handshake && topology.node(&e.id).is_none());
    if let Some(stranger) = stranger {
        return Err(JoinRefusal::Foreign {
            node: node.clone(),
            stranger: stranger.id.clone(),
        });
    }
    if keys > 0 || !myself.slots.is_empty() {
        return Err(JoinRefusal::NotEmpty {
            node: node.clone(),
            keys,
            slots: myself.slots.len(),
        });
    }
    Ok(())
}

/// One step of removing a node from its cluster (`del-node`, `forget`), as plan files keep it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum RemoveStep {
    /// `CLUSTER REPLICATE master` on `replica`, a replica of the node removed.
    Replicate {
        /// The orphan-to-be.
        replica: NodeId,
        /// Its new master.
        master: NodeId,
    },
    /// `CLUSTER FORGET node` on every other node, repeated until none lists it.
    Forget {
        /// The node removed.
        node: NodeId,
    },
    /// `CLUSTER RESET SOFT` on the node removed, so that it cannot rejoin by gossip.
    Reset {
        /// The node removed.
        node: NodeId,
    },
}

/// Where the replicas of a node to remove go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rehoming {
    /// `(replica, new master)` for each reachable replica.
    pub moves: Vec<(NodeId, NodeId)>,
    /// The replicas rtrib cannot reach: left alone.
    pub unreachable: Vec<NodeId>,
}

/// The master each reachable replica of `victim` should follow once it is removed (see
/// [`MasterPicker`]), and the replicas rtrib cannot reach (left alone). `None` when a replica
/// has no master left to follow.
pub fn rehome_replicas(topology: &Topology, victim: &NodeId) -> Option<Rehoming> {
    let mut picker = MasterPicker::new(topology, victim);
    let mut moves = Vec::new();
    let mut unreachable = Vec::new();
    for replica in topology.replicas_of(victim) {
        if !replica.is_reachable() {
            unreachable.push(replica.id().clone());
            continue;
        }
        let master = picker.pick(replica.endpoint.addr.ip())?;
        moves.push((replica.id().clone(), master.id().clone()));
    }
    Some(Rehoming { moves, unreachable })
}

/// Chooses the master each new (or orphaned) replica follows: the one with the fewest replicas,
/// ties going to a master on another IP than the replica's, then to the first in topology order.
///
/// Only masters rtrib can reach and no node flags failing are candidates. Every pick counts, so
/// several replicas spread over the masters instead of all going to the same one (redis-cli's
/// `del-node` sends every orphan to one master).
pub struct MasterPicker<'a> {
    candidates: Vec<(&'a NodeReport, usize)>,
}

impl<'a> MasterPicker<'a> {
    /// The candidates of `topology`, without `excluded` (the node being added or removed).
    pub fn new(topology: &'a Topology, excluded: &NodeId) -> Self {
        let candidates = topology
            .masters()
            .filter(|m| m.id() != excluded && m.is_reachable())
            .filter(|m| !topology.is_flagged_failing(m.id()))
            .map(|m| {
                let replicas = topology
                    .replicas_of(m.id())
                    .filter(|r| r.id() != excluded && !topology.is_flagged_failing(r.id()))
                    .count();
                (m, replicas)
            })
            .collect();
        Self { candidates }
    }

    /// The master for a replica at `replica_ip`, counted as having one more replica from now
    /// on; `None` when there is no candidate.
    pub fn pick(&mut self, replica_ip: IpAddr) -> Option<&'a NodeReport> {
        let (master, replicas) = self
            .candidates
            .iter_mut()
            .min_by_key(|(m, replicas)| (*replicas, m.endpoint.addr.ip() == replica_ip))?;
        *replicas += 1;
        Some(*master)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::topology::NodeState;

    const M1: &str = "aaaaaa1111111111111111111111111111111111";
    const M2: &str = "aaaaaa2222222222222222222222222222222222";
    const M3: &str = "aaaaaa3333333333333333333333333333333333";
    const R1: &str = "bbbbbb1111111111111111111111111111111111";
    /// The node being added: in no topology.
    const NEW: &str = "cccccc1111111111111111111111111111111111";

    /// Three masters on 10.0.0.1-3; M1 has a replica on 10.0.0.4.
    fn topology() -> Topology {
        let text = format!(
            "{M1} 10.0.0.1:6379@16379 myself,master - 0 0 1 connected 0-5460\n\
             {M2} 10.0.0.2:6379@16379 master - 0 0 2 connected 5461-10922\n\
             {M3} 10.0.0.3:6379@16379 master - 0 0 3 connected 10923-16383\n\
             {R1} 10.0.0.4:6379@16379 slave {M1} 0 0 1 connected\n"
        );
        Topology::all_reporting(&NodesView::parse(&text).unwrap())
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn replicas_spread_over_the_masters_with_fewest_replicas() {
        let t = topology();
        let mut picker = MasterPicker::new(&t, &NodeId::new(NEW));
        let picks: Vec<&str> = (0..4)
            .map(|_| picker.pick(ip("10.0.0.9")).unwrap().id().as_str())
            .collect();
        assert_eq!(picks, [M2, M3, M1, M2]);
    }

    #[test]
    fn a_master_on_another_ip_is_preferred_among_equals() {
        let t = topology();
        let mut picker = MasterPicker::new(&t, &NodeId::new(NEW));
        assert_eq!(picker.pick(ip("10.0.0.2")).unwrap().id().as_str(), M3);
    }

    #[test]
    fn the_excluded_node_and_failing_masters_are_no_candidates() {
        let mut t = topology();
        let mut picker = MasterPicker::new(&t, &NodeId::new(M2));
        assert_eq!(picker.pick(ip("10.0.0.9")).unwrap().id().as_str(), M3);
        if let NodeState::Reachable { view, .. } = &mut t.nodes[0].state {
            view.entry_mut(&NodeId::new(M3)).unwrap().flags.fail = true;
        }
        let mut picker = MasterPicker::new(&t, &NodeId::new(M2));
        assert_eq!(picker.pick(ip("10.0.0.9")).unwrap().id().as_str(), M1);
    }

    #[test]
    fn newcomers_must_be_empty_and_know_only_members() {
        let t = topology();
        let node = Endpoint::from_addr("10.0.0.9:6379".parse().unwrap());
        let own = |text: &str| NodesView::parse(text).unwrap();
        let fresh = own(
            "cccccc1111111111111111111111111111111111 :6379@16379 myself,master - 0 0 0 connected\n",
        );
        let me = fresh.myself().unwrap();
        assert_eq!(check_newcomer(&t, &node, me, &fresh, 0), Ok(()));
        let err = check_newcomer(&t, &node, me, &fresh, 3).unwrap_err();
        assert!(!err.is_foreign() && err.to_string().contains("not empty"));

        let half_joined = own(&format!(
            "cccccc1111111111111111111111111111111111 10.0.0.9:6379@16379 myself,master - 0 0 0 connected\n\
             {M2} 10.0.0.2:6379@16379 master - 0 0 2 connected 5461-10922\n"
        ));
        let me = half_joined.myself().unwrap();
        assert_eq!(check_newcomer(&t, &node, me, &half_joined, 0), Ok(()));

        let foreign = own(
            "cccccc1111111111111111111111111111111111 10.0.0.9:6379@16379 myself,master - 0 0 0 connected 0-10\n\
             dddddd1111111111111111111111111111111111 10.0.0.8:6379@16379 master - 0 0 2 connected 11-20\n",
        );
        let me = foreign.myself().unwrap();
        let err = check_newcomer(&t, &node, me, &foreign, 5).unwrap_err();
        assert!(err.is_foreign(), "{err}");
    }
}
