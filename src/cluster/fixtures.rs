//! Topologies for the pure core's unit tests, built from a few words instead of hand-written
//! `CLUSTER NODES` text: node IDs from short names, masters with their slots, replicas, nodes
//! made unreachable. Every node listens on 127.0.0.1 (masters from port 7000, replicas from
//! 7100, bus ports +10000) and, unless made otherwise, is reachable and reports the same view.

use super::topology::{NodeState, Topology};
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
