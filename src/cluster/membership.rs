//! Membership decisions: whether a node may join a cluster, and which master a new or orphaned
//! replica should follow. The I/O layer reads the nodes; these functions only judge.

use std::net::IpAddr;

use serde::{Deserialize, Serialize};

use crate::cluster::endpoint::Endpoint;
use crate::cluster::slots::SlotSet;
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

/// Why a node will not be added, or made a replica, as asked; nothing was changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AddRefusal {
    /// `replicate --master-addr` names a replica.
    #[error("{master} is a replica, not a master: give a master as --master-addr")]
    NotAMaster {
        /// The node given as the master.
        master: Endpoint,
    },
    /// `replicate`: the node already follows another master.
    #[error(
        "{replica} already replicates node {other}; detach it first (CLUSTER RESET) to \
         replicate {master}"
    )]
    ReplicatesAnother {
        /// The node to make a replica.
        replica: Endpoint,
        /// The master it follows.
        other: NodeId,
        /// The master asked for (boxed: the refusal stays small).
        master: Box<Endpoint>,
    },
    /// `add-node --replica`: no master can take one.
    #[error("no master of the cluster can take a replica: none is reachable and healthy")]
    NoMaster,
    /// `add-node --master-id`: the master named cannot take a replica now.
    #[error(
        "--master-id {text}: master {id} ({endpoint}) is unreachable or failing; choose \
         another master"
    )]
    MasterDown {
        /// `--master-id` as given.
        text: String,
        /// The master.
        id: NodeId,
        /// Its address.
        endpoint: Endpoint,
    },
    /// `add-node --replica --master-id`: the node already follows another master.
    #[error(
        "{node} is already a replica of {current}, not of {master}: run CLUSTER REPLICATE \
         {master} on it to move it"
    )]
    ReplicaOfAnother {
        /// The node to add.
        node: Endpoint,
        /// The master it follows.
        current: NodeId,
        /// The master asked for.
        master: NodeId,
    },
    /// `add-node --replica`: the node is a master of the cluster with data.
    #[error(
        "{node} is already a master of the cluster ({keys} keys, {slots} slots): reshard its \
         slots away (rtrib reshard) before it can become a replica"
    )]
    MasterWithData {
        /// The node to add.
        node: Endpoint,
        /// The keys it holds.
        keys: u64,
        /// The slots it serves.
        slots: usize,
    },
    /// The new node has function libraries (redis-cli's words first).
    #[error(
        "New node already contains functions and can not be added to the cluster. {node} has \
         {libraries} function libraries of its own, and a cluster's functions must be the same \
         on every master: run FUNCTION FLUSH on it and try again"
    )]
    OwnFunctions {
        /// The new node.
        node: Endpoint,
        /// How many libraries it has.
        libraries: usize,
    },
}

/// `replicate`: refuses a cluster read from `master` when `master` is a replica (the seed, the
/// topology's first node).
pub fn refuse_replica_as_master(topology: &Topology, master: &Endpoint) -> Result<(), AddRefusal> {
    match topology.nodes.first() {
        Some(seed) if seed.entry.is_replica() => Err(AddRefusal::NotAMaster {
            master: master.clone(),
        }),
        _ => Ok(()),
    }
}

/// `replicate`: whether `replica` (its own `myself` line) already follows `master_id` (`true`:
/// nothing to do), may start to (`false`), or follows another master (refused).
pub fn already_follows(
    replica: &Endpoint,
    myself: &NodeEntry,
    master_id: &NodeId,
    master: &Endpoint,
) -> Result<bool, AddRefusal> {
    match &myself.master_id {
        Some(current) if current == master_id => Ok(true),
        Some(other) => Err(AddRefusal::ReplicatesAnother {
            replica: replica.clone(),
            other: other.clone(),
            master: Box::new(master.clone()),
        }),
        None => Ok(false),
    }
}

/// `add-node --master-id text`: refuses `master` when it is unreachable or failing.
pub fn refuse_master_down(
    topology: &Topology,
    master: &NodeReport,
    text: &str,
) -> Result<(), AddRefusal> {
    if !master.is_reachable() || topology.is_flagged_failing(master.id()) {
        return Err(AddRefusal::MasterDown {
            text: text.to_string(),
            id: master.id().clone(),
            endpoint: master.endpoint.clone(),
        });
    }
    Ok(())
}

/// `add-node` of `new`, already `member` of the cluster holding `keys` keys: `Some(message)`
/// when it already is what was asked (a member; a replica, of `master` when `master_named`
/// says `--master-id` named it), `None` when it is an empty master left by an interrupted
/// `add-node --replica` that may still become a replica, and a refusal otherwise.
pub fn already_member(
    new: &Endpoint,
    member: &NodeReport,
    master: Option<&NodeReport>,
    master_named: bool,
    keys: u64,
) -> Result<Option<String>, AddRefusal> {
    let entry = &member.entry;
    let Some(master) = master else {
        let role = if entry.is_master() {
            "master"
        } else {
            "replica"
        };
        return Ok(Some(format!(
            "{new} is already a member of the cluster ({role}): nothing to do."
        )));
    };
    if let Some(current) = &entry.master_id {
        if current == master.id() || !master_named {
            return Ok(Some(format!(
                "{new} is already a member of the cluster, replica of {current}: nothing to do."
            )));
        }
        return Err(AddRefusal::ReplicaOfAnother {
            node: new.clone(),
            current: current.clone(),
            master: master.id().clone(),
        });
    }
    if keys > 0 || !entry.slots.is_empty() {
        return Err(AddRefusal::MasterWithData {
            node: new.clone(),
            keys,
            slots: entry.slots.len(),
        });
    }
    Ok(None)
}

/// Refuses a new master `node` that has `libraries` function libraries of its own.
pub fn refuse_own_functions(node: &Endpoint, libraries: usize) -> Result<(), AddRefusal> {
    match libraries {
        0 => Ok(()),
        libraries => Err(AddRefusal::OwnFunctions {
            node: node.clone(),
            libraries,
        }),
    }
}

/// Why `del-node` or `forget` will not remove a node; nothing was changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RemovalRefusal {
    /// A live node serves slots (redis-cli's words first).
    #[error(
        "Node {endpoint} is not empty! Reshard data away and try again: {id} serves {} \
         slots ({slots}); move them with rtrib reshard. Nothing was changed",
        .slots.len()
    )]
    NotEmpty {
        /// The node.
        id: NodeId,
        /// Its address.
        endpoint: Endpoint,
        /// The slots it serves in any view (boxed: the refusal stays small).
        slots: Box<SlotSet>,
    },
    /// A dead node still serves slots in some view.
    #[error(
        "node {id} ({endpoint}) serves {} slots ({slots}) and no other master took them \
         over: wait for its replica's failover, or bring it back and reshard its slots away \
         (rtrib reshard); nothing was changed",
        .slots.len()
    )]
    DeadWithSlots {
        /// The node.
        id: NodeId,
        /// Its address.
        endpoint: Endpoint,
        /// The slots it serves in any view (boxed: the refusal stays small).
        slots: Box<SlotSet>,
    },
    /// `del-node` without `--force` of a dead node.
    #[error(
        "node {id} ({endpoint}) is unreachable, failed or has no address: nothing was changed. \
         To make the cluster forget it anyway, run rtrib del-node --force (or rtrib forget)"
    )]
    Dead {
        /// The node.
        id: NodeId,
        /// Its address.
        endpoint: Endpoint,
    },
    /// `forget` without `--force` of a live node.
    #[error(
        "node {id} ({endpoint}) is alive and healthy: forget is for dead nodes, and nothing was \
         changed. To remove a live node, run rtrib del-node (it re-points its replicas and \
         resets the node); rtrib forget --force does the same"
    )]
    Alive {
        /// The node.
        id: NodeId,
        /// Its address.
        endpoint: Endpoint,
    },
    /// A replica of the node would have no master left.
    #[error("node {id} has replicas and no other master can take them: nothing was changed")]
    Orphans {
        /// The node.
        id: NodeId,
    },
}

/// Judges removing `victim`: `Ok(alive)` when it may go (`alive`: reachable, with an address,
/// and flagged failed by no reachable node), refused when it serves slots in its own view or in
/// any reachable node's view (a dead master whose replica took over serves none any more), or
/// when it is dead and `allow_dead` is not given, or alive and `allow_alive` is not.
pub fn judge_removal(
    topology: &Topology,
    victim: &NodeReport,
    allow_dead: bool,
    allow_alive: bool,
) -> Result<bool, RemovalRefusal> {
    let views = || {
        topology
            .reachable()
            .filter_map(|(_, view)| view.get(victim.id()))
    };
    let alive =
        victim.is_reachable() && !victim.entry.flags.noaddr && !views().any(|e| e.flags.fail);
    let mut slots: SlotSet = victim.entry.slots.clone();
    for entry in views() {
        slots.union_with(&entry.slots);
    }
    let (id, endpoint) = (victim.id().clone(), victim.endpoint.clone());
    if !slots.is_empty() {
        let slots = Box::new(slots);
        return Err(match alive {
            true => RemovalRefusal::NotEmpty {
                id,
                endpoint,
                slots,
            },
            false => RemovalRefusal::DeadWithSlots {
                id,
                endpoint,
                slots,
            },
        });
    }
    match alive {
        false if !allow_dead => Err(RemovalRefusal::Dead { id, endpoint }),
        true if !allow_alive => Err(RemovalRefusal::Alive { id, endpoint }),
        _ => Ok(alive),
    }
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
    use crate::cluster::fixtures;
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
        fixtures::all_reporting(&text)
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

#[cfg(test)]
mod refusal_tests {
    use super::*;
    use crate::cluster::fixtures::{self, id, three_masters, unreachable};

    fn node<'t>(topology: &'t Topology, name: &str) -> &'t NodeReport {
        topology.node(&id(name)).unwrap()
    }

    fn at(port: u16) -> Endpoint {
        Endpoint::from_addr(([127, 0, 0, 1], port).into())
    }

    #[test]
    fn replicate_refuses_a_replica_given_as_the_master() {
        let from_replica = fixtures::all_reporting(&format!(
            "{}{}",
            fixtures::replica_line(0, "r", "a", 1),
            fixtures::master_line(0, "a", "0-16383", 1)
        ));
        let refusal = refuse_replica_as_master(&from_replica, &at(7100)).unwrap_err();
        assert_eq!(
            refusal.to_string(),
            "127.0.0.1:7100 is a replica, not a master: give a master as --master-addr"
        );
        assert_eq!(
            refuse_replica_as_master(&three_masters(), &at(7000)),
            Ok(())
        );
    }

    #[test]
    fn replicate_refuses_a_node_following_another_master() {
        let topology = three_masters();
        let replica = &node(&topology, "r").entry;
        assert_eq!(
            already_follows(&at(7100), replica, &id("a"), &at(7000)),
            Ok(true)
        );
        let refusal = already_follows(&at(7100), replica, &id("b"), &at(7001)).unwrap_err();
        assert_eq!(
            refusal.to_string(),
            format!(
                "127.0.0.1:7100 already replicates node {}; detach it first (CLUSTER RESET) to \
                 replicate 127.0.0.1:7001",
                id("a")
            )
        );
        let master = &node(&topology, "b").entry;
        assert_eq!(
            already_follows(&at(7001), master, &id("a"), &at(7000)),
            Ok(false)
        );
    }

    #[test]
    fn add_node_refuses_a_master_down_or_none_at_all() {
        let topology = unreachable(three_masters(), "b");
        assert_eq!(
            refuse_master_down(&topology, node(&topology, "a"), "aaaaaa"),
            Ok(())
        );
        let refusal = refuse_master_down(&topology, node(&topology, "b"), "bbbbbb").unwrap_err();
        assert_eq!(
            refusal.to_string(),
            format!(
                "--master-id bbbbbb: master {} (127.0.0.1:7001) is unreachable or failing; \
                 choose another master",
                id("b")
            )
        );
        assert_eq!(
            AddRefusal::NoMaster.to_string(),
            "no master of the cluster can take a replica: none is reachable and healthy"
        );
    }

    #[test]
    fn add_node_of_a_member_says_done_or_refuses() {
        let topology = three_masters();
        let (a, b, r) = (
            node(&topology, "a"),
            node(&topology, "b"),
            node(&topology, "r"),
        );
        let done = already_member(&at(7100), r, None, false, 0).unwrap();
        assert_eq!(
            done.as_deref(),
            Some("127.0.0.1:7100 is already a member of the cluster (replica): nothing to do.")
        );
        let done = already_member(&at(7100), r, Some(b), false, 0).unwrap();
        assert_eq!(
            done,
            Some(format!(
                "127.0.0.1:7100 is already a member of the cluster, replica of {}: nothing to do.",
                id("a")
            ))
        );
        let refusal = already_member(&at(7100), r, Some(b), true, 0).unwrap_err();
        assert_eq!(
            refusal.to_string(),
            format!(
                "127.0.0.1:7100 is already a replica of {a}, not of {b}: run CLUSTER REPLICATE \
                 {b} on it to move it",
                a = id("a"),
                b = id("b")
            )
        );
        let refusal = already_member(&at(7001), b, Some(a), true, 3).unwrap_err();
        assert_eq!(
            refusal.to_string(),
            "127.0.0.1:7001 is already a master of the cluster (3 keys, 5462 slots): reshard its \
             slots away (rtrib reshard) before it can become a replica"
        );
        let empty = fixtures::masters(&[("a", "0-16383"), ("d", "")]);
        let d = node(&empty, "d");
        assert_eq!(
            already_member(&at(7001), d, Some(node(&empty, "a")), true, 0),
            Ok(None)
        );
    }

    #[test]
    fn a_new_node_with_functions_is_refused() {
        assert_eq!(refuse_own_functions(&at(7005), 0), Ok(()));
        assert_eq!(
            refuse_own_functions(&at(7005), 2).unwrap_err().to_string(),
            "New node already contains functions and can not be added to the cluster. \
             127.0.0.1:7005 has 2 function libraries of its own, and a cluster's functions must \
             be the same on every master: run FUNCTION FLUSH on it and try again"
        );
    }

    #[test]
    fn removal_refuses_slot_owners_dead_or_alive() {
        let topology = three_masters();
        let refusal = judge_removal(&topology, node(&topology, "b"), true, true).unwrap_err();
        assert_eq!(
            refusal.to_string(),
            format!(
                "Node 127.0.0.1:7001 is not empty! Reshard data away and try again: {} serves \
                 5462 slots (5461-10922); move them with rtrib reshard. Nothing was changed",
                id("b")
            )
        );
        let topology = unreachable(three_masters(), "b");
        let refusal = judge_removal(&topology, node(&topology, "b"), true, true).unwrap_err();
        assert_eq!(
            refusal.to_string(),
            format!(
                "node {} (127.0.0.1:7001) serves 5462 slots (5461-10922) and no other master took \
                 them over: wait for its replica's failover, or bring it back and reshard its \
                 slots away (rtrib reshard); nothing was changed",
                id("b")
            )
        );
    }

    #[test]
    fn removal_takes_dead_nodes_or_live_ones_as_asked() {
        let live = fixtures::masters(&[("a", "0-16383"), ("d", "")]);
        let d = node(&live, "d");
        assert_eq!(judge_removal(&live, d, false, true), Ok(true));
        assert_eq!(
            judge_removal(&live, d, true, false)
                .unwrap_err()
                .to_string(),
            format!(
                "node {} (127.0.0.1:7001) is alive and healthy: forget is for dead nodes, and \
                 nothing was changed. To remove a live node, run rtrib del-node (it re-points \
                 its replicas and resets the node); rtrib forget --force does the same",
                id("d")
            )
        );
        let dead = unreachable(live.clone(), "d");
        let d = node(&dead, "d");
        assert_eq!(judge_removal(&dead, d, true, false), Ok(false));
        assert_eq!(
            judge_removal(&dead, d, false, true)
                .unwrap_err()
                .to_string(),
            format!(
                "node {} (127.0.0.1:7001) is unreachable, failed or has no address: nothing was \
                 changed. To make the cluster forget it anyway, run rtrib del-node --force (or \
                 rtrib forget)",
                id("d")
            )
        );
        assert_eq!(
            RemovalRefusal::Orphans { id: id("d") }.to_string(),
            format!(
                "node {} has replicas and no other master can take them: nothing was changed",
                id("d")
            )
        );
    }
}
