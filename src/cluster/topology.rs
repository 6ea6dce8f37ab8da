//! What rtrib learned about a cluster from one seed: a [`Topology`] of [`NodeReport`]s, each
//! with the node's own `CLUSTER NODES` ([`NodesView`]) when it answered ([`NodeState`]).
//!
//! The I/O layer (`net::fetch`) builds it; every judgment of `cluster/` reads it.

use std::collections::HashMap;

use super::endpoint::Endpoint;
use super::job::SlotMigration;
use super::server::Server;
use super::slots::SlotSet;
use super::view::{NodeEntry, NodeId, NodesView};

/// What rtrib learned about a cluster, starting from one seed node.
#[derive(Debug, Clone)]
pub struct Topology {
    /// The node rtrib was pointed at. It is always reachable and always `nodes[0]`.
    pub seed: NodeId,
    /// Every node: the seed first, then in the order of the seed's `CLUSTER NODES`.
    pub nodes: Vec<NodeReport>,
}

/// One node of the [`Topology`].
#[derive(Debug, Clone)]
pub struct NodeReport {
    /// The node's own `myself` line when it is reachable, else the seed's line about it.
    pub entry: NodeEntry,
    /// Where the node is.
    pub endpoint: Endpoint,
    /// Whether rtrib could talk to it, and what it said.
    pub state: NodeState,
}

/// How many reachable nodes flag a node failing, from [`Topology::failure_reports`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FailureReports {
    /// Flagging it `fail`.
    pub fail: usize,
    /// Flagging it `fail?`.
    pub pfail: usize,
}

/// Whether rtrib talked to a node.
#[derive(Debug, Clone)]
pub enum NodeState {
    /// Connected and answered.
    Reachable {
        /// The node's own `CLUSTER NODES`.
        view: NodesView,
        /// `DBSIZE`.
        keys: u64,
        /// The slots in which the node holds keys (`CLUSTER COUNTKEYSINSLOT > 0`); fetched
        /// only for `--search-multiple-owners`.
        slots_with_keys: Option<SlotSet>,
        /// The server it runs (`INFO server`), when it said.
        server: Option<Server>,
        /// Its log of atomic slot migrations (`CLUSTER GETSLOTMIGRATIONS`, newest first); read
        /// from masters whose server has them, else empty.
        migrations: Vec<SlotMigration>,
    },
    /// Tried, and failed.
    Unreachable {
        /// The connection or protocol error.
        reason: String,
    },
    /// Not tried: the seed lists the node without a usable address (`noaddr`, `handshake`,
    /// no IP or port 0).
    NotContacted {
        /// Why it was not tried.
        reason: String,
    },
}

impl NodeReport {
    /// The node's ID.
    pub fn id(&self) -> &NodeId {
        &self.entry.id
    }

    /// The node's own `CLUSTER NODES`, when it is reachable.
    pub fn view(&self) -> Option<&NodesView> {
        match &self.state {
            NodeState::Reachable { view, .. } => Some(view),
            _ => None,
        }
    }

    /// The server the node runs, when it is reachable and said.
    pub fn server(&self) -> Option<&Server> {
        match &self.state {
            NodeState::Reachable { server, .. } => server.as_ref(),
            _ => None,
        }
    }

    /// The node's key count (`DBSIZE`), when it is reachable.
    pub fn keys(&self) -> Option<u64> {
        match &self.state {
            NodeState::Reachable { keys, .. } => Some(*keys),
            _ => None,
        }
    }

    /// The node's log of atomic slot migrations (empty when it has none or was not read).
    pub fn migrations(&self) -> &[SlotMigration] {
        match &self.state {
            NodeState::Reachable { migrations, .. } => migrations,
            _ => &[],
        }
    }

    /// Whether rtrib talked to the node.
    pub fn is_reachable(&self) -> bool {
        self.view().is_some()
    }
}

impl Topology {
    /// For tests and benchmarks: every node of `view` reachable and reporting `view` itself,
    /// the first entry as seed.
    ///
    /// # Panics
    /// When a node of `view` has no address, or `view` is empty.
    pub fn all_reporting(view: &NodesView) -> Self {
        let nodes = view
            .entries()
            .map(|entry| NodeReport {
                entry: entry.clone(),
                endpoint: Endpoint::from_addr(entry.addr().expect("test nodes have addresses")),
                state: NodeState::Reachable {
                    view: view.clone(),
                    keys: 0,
                    slots_with_keys: None,
                    server: None,
                    migrations: Vec::new(),
                },
            })
            .collect();
        Topology {
            seed: view.entries().next().expect("a view to report").id.clone(),
            nodes,
        }
    }
}

impl Topology {
    /// The node with ID `id`.
    pub fn node(&self, id: &NodeId) -> Option<&NodeReport> {
        self.nodes.iter().find(|n| n.id() == id)
    }

    /// The seed's own `CLUSTER NODES`.
    ///
    /// # Panics
    /// When the seed is missing from `nodes` or not [`NodeState::Reachable`]: the I/O layer
    /// only builds a topology from a seed that answered.
    pub fn seed_view(&self) -> &NodesView {
        self.node(&self.seed)
            .and_then(NodeReport::view)
            .expect("the seed of a Topology is always reachable")
    }

    /// The masters, in topology order (reachable or not).
    pub fn masters(&self) -> impl Iterator<Item = &NodeReport> {
        self.nodes.iter().filter(|n| n.entry.is_master())
    }

    /// The replicas of `master`, in topology order.
    pub fn replicas_of<'a>(
        &'a self,
        master: &NodeId,
    ) -> impl Iterator<Item = &'a NodeReport> + use<'a> {
        let master = master.clone();
        self.nodes
            .iter()
            .filter(move |n| n.entry.is_replica() && n.entry.master_id.as_ref() == Some(&master))
    }

    /// Where node `id` is.
    pub fn endpoint_of(&self, id: &NodeId) -> Option<&Endpoint> {
        self.node(id).map(|n| &n.endpoint)
    }

    /// The reachable nodes with their own views, in topology order.
    pub fn reachable(&self) -> impl Iterator<Item = (&NodeReport, &NodesView)> {
        self.nodes.iter().filter_map(|n| n.view().map(|v| (n, v)))
    }

    /// Whether some reachable node (the seed among them) flags `id` failing (`fail` or
    /// `fail?`): the one test of "failing" that every refusal and choice uses.
    pub fn is_flagged_failing(&self, id: &NodeId) -> bool {
        self.reachable()
            .filter_map(|(_, view)| view.get(id))
            .any(|entry| entry.flags.fail || entry.flags.pfail)
    }

    /// For every node some reachable node flags failing, how many reachable nodes flag it
    /// `fail` and how many `fail?`: [`Topology::is_flagged_failing`] for all nodes at once,
    /// in one pass over the views.
    pub fn failure_reports(&self) -> HashMap<&NodeId, FailureReports> {
        let mut reports: HashMap<&NodeId, FailureReports> = HashMap::new();
        for (_, view) in self.reachable() {
            for entry in view.entries().filter(|e| e.flags.fail || e.flags.pfail) {
                let counts = reports.entry(&entry.id).or_default();
                counts.fail += usize::from(entry.flags.fail);
                counts.pfail += usize::from(entry.flags.pfail);
            }
        }
        reports
    }

    /// Where node `id` stands in topology order (`usize::MAX` when absent).
    pub fn position(&self, id: &NodeId) -> usize {
        self.nodes
            .iter()
            .position(|n| n.id() == id)
            .unwrap_or(usize::MAX)
    }
}
