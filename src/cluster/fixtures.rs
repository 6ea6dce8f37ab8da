//! Topologies for the pure core's unit tests, built from a few words instead of hand-written
//! `CLUSTER NODES` text: node IDs from short names, masters with their slots, replicas, nodes
//! made unreachable. Every node listens on 127.0.0.1 (masters from port 7000, replicas from
//! 7100, bus ports +10000) and, unless made otherwise, is reachable and reports the same view.

use super::endpoint::Endpoint;
use super::slots::SlotSet;
use super::topology::{NodeReport, NodeState, Topology};
use super::view::{NodeId, NodesView};

/// The node ID `name` repeated to 40 characters (`"a"` → `aaaa…`).
pub fn id(name: &str) -> NodeId {
    NodeId::new(name.repeat(40).get(..40).expect("a non-empty name"))
}

/// Every node of the `CLUSTER NODES` `text` reachable and reporting `text`, the first line as
/// the seed.
pub fn all_reporting(text: &str) -> Topology {
    Topology::all_reporting(&NodesView::parse(text).expect("a valid CLUSTER NODES text"))
}

/// The `CLUSTER NODES` line of master `i` named `name` serving `slots` (ranges separated by
/// spaces, open-slot tokens allowed).
pub fn master_line(i: usize, name: &str, slots: &str, epoch: u64) -> String {
    let line = format!(
        "{} 127.0.0.1:{}@{} master - 0 0 {epoch} connected {slots}",
        id(name),
        7000 + i,
        17000 + i
    );
    format!("{}\n", line.trim_end())
}

/// The `CLUSTER NODES` line of replica `i` named `name` following `master`.
pub fn replica_line(i: usize, name: &str, master: &str, epoch: u64) -> String {
    format!(
        "{} 127.0.0.1:{}@{} slave {} 0 0 {epoch} connected\n",
        id(name),
        7100 + i,
        17100 + i,
        id(master)
    )
}

/// Masters `(name, slots)`, epochs 1, 2, …, every one reachable.
pub fn masters(masters: &[(&str, &str)]) -> Topology {
    let text: String = masters
        .iter()
        .enumerate()
        .map(|(i, (name, slots))| master_line(i, name, slots, i as u64 + 1))
        .collect();
    all_reporting(&text)
}

/// Masters `(name, slots)` and replicas `(name, master's name)`, every one reachable.
pub fn cluster(masters: &[(&str, &str)], replicas: &[(&str, &str)]) -> Topology {
    let mut text: String = masters
        .iter()
        .enumerate()
        .map(|(i, (name, slots))| master_line(i, name, slots, i as u64 + 1))
        .collect();
    for (i, (name, master)) in replicas.iter().enumerate() {
        text += &replica_line(i, name, master, 1);
    }
    all_reporting(&text)
}

/// Three masters `a`, `b`, `c` sharing the slots evenly, `a` with replica `r`.
pub fn three_masters() -> Topology {
    cluster(
        &[("a", "0-5460"), ("b", "5461-10922"), ("c", "10923-16383")],
        &[("r", "a")],
    )
}

/// `topology` with the node `name` unreachable (rtrib could not talk to it).
pub fn unreachable(mut topology: Topology, name: &str) -> Topology {
    let node = topology
        .nodes
        .iter_mut()
        .find(|n| n.entry.id == id(name))
        .expect("a node of the topology");
    node.state = NodeState::Unreachable {
        reason: "test".into(),
    };
    topology
}

/// A topology as the I/O layer would build it: the seed (`views[0]`) first, then the
/// seed's lines in order. Nodes with a view in `views` are reachable; the others are
/// not contacted when they have no usable address or are in handshake, else unreachable.
pub fn from_views(views: &[&str]) -> Topology {
    let views: Vec<NodesView> = views.iter().map(|t| NodesView::parse(t).unwrap()).collect();
    let seed_view = &views[0];
    let seed = seed_view.myself().unwrap().id.clone();
    let mut order = vec![seed.clone()];
    order.extend(
        seed_view
            .entries()
            .map(|e| e.id.clone())
            .filter(|i| i != &seed),
    );
    let nodes = order
        .iter()
        .map(|node| {
            let own = views.iter().find(|v| v.myself().unwrap().id == *node);
            let (entry, state) = match own {
                Some(view) => (
                    view.myself().unwrap().clone(),
                    NodeState::Reachable {
                        view: view.clone(),
                        keys: 0,
                        slots_with_keys: Some(SlotSet::new()),
                        server: None,
                        migrations: Vec::new(),
                    },
                ),
                None => {
                    let entry = seed_view.get(node).unwrap().clone();
                    let state = if entry.addr().is_none() || entry.flags.handshake {
                        NodeState::NotContacted {
                            reason: "no address".into(),
                        }
                    } else {
                        NodeState::Unreachable {
                            reason: "connection refused".into(),
                        }
                    };
                    (entry, state)
                }
            };
            let addr = entry.addr().unwrap_or_else(|| "0.0.0.0:0".parse().unwrap());
            NodeReport {
                endpoint: Endpoint::from_addr(addr),
                entry,
                state,
            }
        })
        .collect();
    Topology { seed, nodes }
}
