//! Deciding what `create` must still do, from what the nodes already are.
//!
//! `create` is safe to re-run (init jobs are re-run): fresh nodes get the whole layout; nodes
//! left half-formed by an interrupted run get only the missing steps (slots nobody owns, MEETs
//! not yet made, replicas not yet attached); a cluster already formed from exactly these nodes
//! is left alone; nodes holding data, or belonging to another cluster, are refused before
//! anything changes.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};

use crate::cluster::allocate::{Allocation, AntiAffinity, MasterSlots, ReplicaOf};
use crate::cluster::endpoint::Endpoint;
use crate::cluster::meet::introductions;
use crate::cluster::slots::{SLOT_COUNT, SlotSet};
use crate::cluster::view::{NodeId, NodesView};

/// What one node said about itself before `create` changed anything.
#[derive(Debug, Clone)]
pub struct NodeSnapshot {
    /// Where the node is.
    pub endpoint: Endpoint,
    /// The node's own `CLUSTER NODES`.
    pub view: NodesView,
    /// Keys in the node's database (`DBSIZE`).
    pub keys: u64,
}

impl NodeSnapshot {
    /// The node's own ID (`myself` line).
    pub fn id(&self) -> Option<&NodeId> {
        self.view.myself().map(|m| &m.id)
    }

    /// The node's cluster bus port, from its `myself` line.
    pub fn bus_port(&self) -> u16 {
        self.view
            .myself()
            .map_or(self.endpoint.addr.port().saturating_add(10000), |m| {
                m.bus_port
            })
    }

    /// True when the node knows no other node, owns no slot and holds no key.
    pub fn is_fresh(&self) -> bool {
        self.keys == 0
            && self
                .view
                .entries()
                .all(|e| e.flags.myself && e.slots.is_empty())
    }

    /// IDs of the other nodes this node knows (handshakes, whose IDs are temporary, excluded).
    fn known_peers(&self) -> impl Iterator<Item = &NodeId> {
        self.view
            .entries()
            .filter(|e| !e.flags.myself && !e.flags.handshake)
            .map(|e| &e.id)
    }
}

/// The steps that remain to form the cluster. Node numbers index the snapshot list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CreatePlan {
    /// True when every node was fresh: this is a first run, not a resumed one.
    pub fresh: bool,
    /// Slots to assign, per master (`CLUSTER ADDSLOTSRANGE`).
    pub add_slots: Vec<(usize, SlotSet)>,
    /// Distinct config epochs for fresh nodes (`CLUSTER SET-CONFIG-EPOCH`), so that the
    /// masters do not start with a collision to resolve.
    pub config_epochs: Vec<(usize, u64)>,
    /// `(from, to)`: `from` must `CLUSTER MEET` `to` (every pair of a few nodes, every node
    /// and the seeds of many: see `cluster::meet`).
    pub meets: Vec<(usize, usize)>,
    /// `(replica, master)`: `replica` must `CLUSTER REPLICATE` `master`.
    pub replicate: Vec<(usize, usize)>,
}

impl CreatePlan {
    /// True when nothing is left to do.
    pub fn is_empty(&self) -> bool {
        self.add_slots.is_empty()
            && self.config_epochs.is_empty()
            && self.meets.is_empty()
            && self.replicate.is_empty()
    }
}

/// One step of a [`CreatePlan`], naming nodes by ID: the form plan files keep.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum CreateStep {
    /// `CLUSTER ADDSLOTSRANGE` (or `ADDSLOTS`) on `node`.
    AddSlots {
        /// The master-to-be.
        node: NodeId,
        /// The slots it takes.
        slots: SlotSet,
    },
    /// `CLUSTER SET-CONFIG-EPOCH epoch` on a fresh `node`.
    SetConfigEpoch {
        /// The node.
        node: NodeId,
        /// Its epoch.
        epoch: u64,
    },
    /// `CLUSTER MEET` from `from` to `to`.
    Meet {
        /// The node that meets.
        from: NodeId,
        /// The node met.
        to: NodeId,
    },
    /// `CLUSTER REPLICATE master` on `replica`.
    Replicate {
        /// The replica-to-be.
        replica: NodeId,
        /// Its master.
        master: NodeId,
    },
}

impl CreatePlan {
    /// The plan's steps in the order `create` makes them, nodes named by ID (`ids[i]` is
    /// node number `i`'s).
    pub fn steps(&self, ids: &[NodeId]) -> Vec<CreateStep> {
        let id = |index: usize| ids[index].clone();
        let slots = self
            .add_slots
            .iter()
            .map(|(node, slots)| CreateStep::AddSlots {
                node: id(*node),
                slots: slots.clone(),
            });
        let epochs = self
            .config_epochs
            .iter()
            .map(|&(node, epoch)| CreateStep::SetConfigEpoch {
                node: id(node),
                epoch,
            });
        let meets = self.meets.iter().map(|&(from, to)| CreateStep::Meet {
            from: id(from),
            to: id(to),
        });
        let replicate = self
            .replicate
            .iter()
            .map(|&(replica, master)| CreateStep::Replicate {
                replica: id(replica),
                master: id(master),
            });
        slots.chain(epochs).chain(meets).chain(replicate).collect()
    }

    /// The plan of `steps`, nodes numbered by their place in `ids`; `None` when a step names
    /// a node that is not in `ids`.
    pub fn from_steps(steps: &[CreateStep], ids: &[NodeId], fresh: bool) -> Option<Self> {
        let index = |id: &NodeId| ids.iter().position(|i| i == id);
        let mut plan = CreatePlan {
            fresh,
            add_slots: Vec::new(),
            config_epochs: Vec::new(),
            meets: Vec::new(),
            replicate: Vec::new(),
        };
        for step in steps {
            match step {
                CreateStep::AddSlots { node, slots } => {
                    plan.add_slots.push((index(node)?, slots.clone()));
                }
                CreateStep::SetConfigEpoch { node, epoch } => {
                    plan.config_epochs.push((index(node)?, *epoch));
                }
                CreateStep::Meet { from, to } => plan.meets.push((index(from)?, index(to)?)),
                CreateStep::Replicate { replica, master } => {
                    plan.replicate.push((index(replica)?, index(master)?));
                }
            }
        }
        Some(plan)
    }

    /// The layout this plan completes, given each node's slots and master before it: every
    /// node serving slots then (or given some) is a master of the range from its lowest to
    /// its highest slot; every node following a master then (or told to) is its replica.
    pub fn layout(&self, before: &[(SlotSet, Option<usize>)]) -> Allocation {
        let mut masters = Vec::new();
        for (node, (slots, _)) in before.iter().enumerate() {
            let mut all = slots.clone();
            for (_, added) in self.add_slots.iter().filter(|(n, _)| *n == node) {
                all.union_with(added);
            }
            let mut ranges = all.ranges();
            if let Some((first, _)) = ranges.next() {
                let last = all.ranges().last().map_or(first, |(_, last)| last);
                masters.push(MasterSlots { node, first, last });
            }
        }
        masters.sort_by_key(|m| m.first);
        let mut replicas: Vec<ReplicaOf> = before
            .iter()
            .enumerate()
            .filter_map(|(node, (_, master))| master.map(|master| ReplicaOf { node, master }))
            .collect();
        replicas.extend(
            self.replicate
                .iter()
                .map(|&(node, master)| ReplicaOf { node, master }),
        );
        Allocation {
            masters,
            replicas,
            anti_affinity: AntiAffinity::Perfect,
        }
    }
}

/// What `create` should do with these nodes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CreateDecision {
    /// The nodes already form one complete cluster among themselves: nothing to do.
    AlreadyFormed,
    /// Form (or finish forming) the cluster with these steps.
    Build(CreatePlan),
}

/// Why `create` will not touch these nodes. Nothing has been changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CreateRefusal {
    /// A node holds keys (and is not part of a cluster formed from these nodes).
    #[error(
        "{node} is not empty: it holds {keys} key(s). Either empty it (FLUSHALL) or leave it out"
    )]
    HoldsKeys { node: Endpoint, keys: u64 },
    /// A node knows a node that is not among the ones given.
    #[error(
        "{node} is not empty: it belongs to another cluster (it knows node {stranger}, which is not \
         among the nodes given). \
         Give all of that cluster's nodes, or reset this one (CLUSTER RESET HARD) if it should join a new cluster"
    )]
    Foreign { node: Endpoint, stranger: NodeId },
    /// Two nodes claim the same slot: they were formed into different clusters.
    #[error("{first} and {second} both claim slot {slot}: they belong to different clusters")]
    ConflictingSlots {
        first: Endpoint,
        second: Endpoint,
        slot: u16,
    },
    /// A node owns slots but the layout makes it a replica: the nodes were formed with
    /// another node order or --replicas.
    #[error(
        "{node} already owns slots but this layout makes it a replica: re-run create with the node \
         order and --replicas of the first run, or repair the cluster with rtrib fix"
    )]
    LayoutChanged { node: Endpoint },
    /// The same node was given twice (two names for one address, or one address twice).
    #[error("{first} and {second} are the same node (they report the same node ID)")]
    Duplicate { first: Endpoint, second: Endpoint },
}

impl CreateRefusal {
    /// True when the refusal is about another cluster (exit 6), false for a node not empty or
    /// a layout mismatch (exit 5).
    pub fn is_foreign(&self) -> bool {
        matches!(
            self,
            CreateRefusal::Foreign { .. } | CreateRefusal::ConflictingSlots { .. }
        )
    }
}

/// Decides, from every node's snapshot and the layout `allocation` (computed from the same
/// node list), what `create` must do.
pub fn plan_create(
    nodes: &[NodeSnapshot],
    allocation: &Allocation,
) -> Result<CreateDecision, CreateRefusal> {
    let ids: Vec<Option<&NodeId>> = nodes.iter().map(NodeSnapshot::id).collect();
    refuse_duplicates(nodes, &ids)?;
    let members: HashSet<&NodeId> = ids.iter().flatten().copied().collect();
    for node in nodes {
        if let Some(stranger) = node.known_peers().find(|peer| !members.contains(peer)) {
            return Err(CreateRefusal::Foreign {
                node: node.endpoint.clone(),
                stranger: stranger.clone(),
            });
        }
    }
    let owned = owned_slots(nodes)?;
    if is_formed(nodes, &ids, &owned) {
        return Ok(CreateDecision::AlreadyFormed);
    }
    if let Some(node) = nodes.iter().find(|n| n.keys > 0) {
        return Err(CreateRefusal::HoldsKeys {
            node: node.endpoint.clone(),
            keys: node.keys,
        });
    }
    let planned_masters: HashSet<usize> = allocation.masters.iter().map(|m| m.node).collect();
    for (index, node) in nodes.iter().enumerate() {
        let owns_slots = node.view.myself().is_some_and(|m| !m.slots.is_empty());
        if owns_slots && !planned_masters.contains(&index) {
            return Err(CreateRefusal::LayoutChanged {
                node: node.endpoint.clone(),
            });
        }
    }

    let mut all_owned = SlotSet::new();
    for slots in owned.iter().flatten() {
        all_owned.union_with(slots);
    }
    let add_slots = allocation
        .masters
        .iter()
        .filter_map(|master| {
            let missing = SlotSet::from_range(master.first, master.last).difference(&all_owned);
            (!missing.is_empty()).then_some((master.node, missing))
        })
        .collect();
    let config_epochs = nodes
        .iter()
        .enumerate()
        .filter(|(_, node)| node.is_fresh())
        .map(|(index, _)| (index, index as u64 + 1))
        .collect();
    let known: Vec<HashSet<&NodeId>> = nodes.iter().map(|n| n.known_peers().collect()).collect();
    let meets = introductions(
        nodes.len(),
        |from, to| ids[to].is_some_and(|id| known[from].contains(id)),
        |to| ids[to].is_some(),
    );
    let replicate = allocation
        .replicas
        .iter()
        .filter(|replica| {
            nodes[replica.node]
                .view
                .myself()
                .is_some_and(|m| m.master_id.is_none())
        })
        .map(|replica| (replica.node, replica.master))
        .collect();
    Ok(CreateDecision::Build(CreatePlan {
        fresh: nodes.iter().all(NodeSnapshot::is_fresh),
        add_slots,
        config_epochs,
        meets,
        replicate,
    }))
}

fn refuse_duplicates(nodes: &[NodeSnapshot], ids: &[Option<&NodeId>]) -> Result<(), CreateRefusal> {
    for (i, id) in ids.iter().enumerate() {
        if let Some(j) = (0..i).find(|&j| id.is_some() && ids[j] == *id) {
            return Err(CreateRefusal::Duplicate {
                first: nodes[j].endpoint.clone(),
                second: nodes[i].endpoint.clone(),
            });
        }
    }
    Ok(())
}

/// Each node's own slots; refuses when two nodes claim the same slot.
fn owned_slots(nodes: &[NodeSnapshot]) -> Result<Vec<Option<SlotSet>>, CreateRefusal> {
    let owned: Vec<Option<SlotSet>> = nodes
        .iter()
        .map(|n| n.view.myself().map(|m| m.slots.clone()))
        .collect();
    for (i, slots) in owned.iter().enumerate() {
        for (j, other) in owned.iter().enumerate().skip(i + 1) {
            if let (Some(slots), Some(other)) = (slots, other) {
                if let Some(slot) = slots.intersection(other).iter().next() {
                    return Err(CreateRefusal::ConflictingSlots {
                        first: nodes[i].endpoint.clone(),
                        second: nodes[j].endpoint.clone(),
                        slot,
                    });
                }
            }
        }
    }
    Ok(owned)
}

/// Formed: every node knows every other, the nodes own all 16384 slots between them, and
/// every node is a master with slots or a replica of one of them.
fn is_formed(nodes: &[NodeSnapshot], ids: &[Option<&NodeId>], owned: &[Option<SlotSet>]) -> bool {
    let everyone_known = nodes.iter().all(|node| {
        let known: HashSet<&NodeId> = node.known_peers().collect();
        ids.iter()
            .flatten()
            .all(|id| Some(*id) == node.id() || known.contains(id))
    });
    let covered = owned.iter().flatten().map(SlotSet::len).sum::<usize>() == SLOT_COUNT;
    let masters_with_slots: HashSet<&NodeId> = nodes
        .iter()
        .filter_map(|n| n.view.myself())
        .filter(|m| m.is_master() && !m.slots.is_empty())
        .map(|m| &m.id)
        .collect();
    let every_role_set = nodes.iter().filter_map(|n| n.view.myself()).all(|m| {
        masters_with_slots.contains(&m.id)
            || m.master_id
                .as_ref()
                .is_some_and(|master| masters_with_slots.contains(master))
    });
    everyone_known && covered && every_role_set && !masters_with_slots.is_empty()
}
