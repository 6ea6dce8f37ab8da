//! Deciding what `heal` must do after restarts gave nodes new IP addresses.
//!
//! A Redis Cluster node keeps its ID and its `nodes.conf` across restarts, and `nodes.conf`
//! lists every peer at the address last seen. A pod that comes back with a new IP is therefore
//! still listed by its peers at its old IP, and after a full restart nobody can reach anybody.
//! Node IDs and DNS names are stable, so the names say where each node is *now*, and each
//! node's own `CLUSTER NODES` says where it believes every other node is.
//!
//! The cure is `CLUSTER MEET <current ip> <port>` from every node that sees another one at a
//! wrong address (or not at all): the handshake reaches the node, which answers with its real
//! ID, and the sender — already knowing that ID — updates the address it had and drops the
//! handshake entry (`nodeUpdateAddressIfNeeded`). A replica whose master's address changes
//! re-points its replication link at the same moment.
//!
//! Everything here is pure: snapshots in, a plan (or a refusal) out.

use std::collections::HashSet;
use std::net::SocketAddr;

use serde::Serialize;

use crate::cluster::create::NodeSnapshot;
use crate::cluster::endpoint::Endpoint;
use crate::cluster::view::NodeId;

/// One node's wrong belief about another: `observer` lists `target` at `seen_at` (`None`:
/// not at all, or without an address), not at the target's current address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Sighting {
    /// The node holding the wrong belief (index into the snapshots).
    pub observer: usize,
    /// The node it is wrong about (index into the snapshots).
    pub target: usize,
    /// Where the observer believes the target is.
    pub seen_at: Option<SocketAddr>,
}

/// An entry for a node that is none of the nodes given and that some node flags `fail` or
/// `noaddr`: a removed pod, or a node that came back with a new ID.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ghost {
    /// The entry's node ID.
    pub id: NodeId,
    /// Its last known address, as the first node listing it has it.
    pub addr: Option<SocketAddr>,
    /// The nodes that list it (indices into the snapshots).
    pub listed_by: Vec<usize>,
    /// Why it must not be forgotten, when it must not: forgetting a node that still serves
    /// slots would leave those slots unowned, and a replica refuses to forget its master.
    pub keep_because: Option<&'static str>,
}

/// What `heal` must do. Node numbers index the snapshot list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct HealPlan {
    /// Every wrong belief; the cure of each is a `CLUSTER MEET` from its observer to its
    /// target's current address.
    pub meets: Vec<Sighting>,
    /// Entries for nodes that are none of the nodes given, flagged `fail` or `noaddr`.
    pub ghosts: Vec<Ghost>,
}

impl HealPlan {
    /// The ghosts that may be forgotten.
    pub fn forgettable_ghosts(&self) -> impl Iterator<Item = &Ghost> {
        self.ghosts.iter().filter(|g| g.keep_because.is_none())
    }
}

/// What still keeps the nodes from seeing each other as they are, while `heal` waits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Gap {
    /// A node lists another at a wrong address, or not at all.
    Stale(Sighting),
    /// A node still has a handshake in progress (with a node at `addr`).
    Handshake { observer: usize, addr: SocketAddr },
    /// A node flags another `fail` or `fail?`.
    Failing { observer: usize, target: usize },
}

/// Why `heal` will not touch these nodes. Nothing has been changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HealRefusal {
    /// A node printed no `myself` line.
    #[error("{node}: its CLUSTER NODES has no line flagged myself")]
    NoMyself { node: Endpoint },
    /// Two names lead to the same node ID.
    #[error("{first} and {second} are the same node (they report the same node ID)")]
    Duplicate { first: Endpoint, second: Endpoint },
    /// A node knows none of the others and none of them knows it, but it is a cluster of its
    /// own (it knows other nodes or serves slots).
    #[error(
        "{node} belongs to another cluster: it knows none of the other nodes given and none of \
         them knows it. Leave it out, or give the nodes of one cluster only"
    )]
    Foreign { node: Endpoint },
    /// A node knows nobody and serves nothing: it is an empty node, not a member.
    #[error(
        "{node} is not a member of this cluster: it is an empty node that knows no other node. \
         Leave it out, or add it with rtrib add-node"
    )]
    NotAMember { node: Endpoint },
}

impl HealRefusal {
    /// True when the refusal is about another cluster (exit 6); else exit 5.
    pub fn is_foreign(&self) -> bool {
        matches!(self, HealRefusal::Foreign { .. })
    }
}

/// Decides, from every node's own view, which node must MEET which, and which entries are
/// ghosts. Refuses nodes that do not belong together.
pub fn plan_heal(nodes: &[NodeSnapshot]) -> Result<HealPlan, HealRefusal> {
    let ids = node_ids(nodes)?;
    refuse_strangers(nodes, &ids)?;
    let meets = stale_sightings(nodes, &ids);
    let ghosts = ghosts(nodes, &ids);
    Ok(HealPlan { meets, ghosts })
}

/// Everything that still keeps the nodes from seeing each other at their current addresses:
/// wrong sightings, handshakes in progress, and failure flags on the nodes given.
///
/// Empty means healed (as far as views go). The caller has already checked the IDs with
/// [`plan_heal`]; a node without a `myself` line counts as seeing nobody.
pub fn gaps(nodes: &[NodeSnapshot]) -> Vec<Gap> {
    let ids: Vec<Option<&NodeId>> = nodes.iter().map(NodeSnapshot::id).collect();
    let Some(ids) = ids.into_iter().collect::<Option<Vec<&NodeId>>>() else {
        return (0..nodes.len())
            .flat_map(|observer| {
                (0..nodes.len())
                    .filter(move |&target| target != observer)
                    .map(move |target| {
                        Gap::Stale(Sighting {
                            observer,
                            target,
                            seen_at: None,
                        })
                    })
            })
            .collect();
    };
    let mut gaps: Vec<Gap> = stale_sightings(nodes, &ids)
        .into_iter()
        .map(Gap::Stale)
        .collect();
    for (observer, node) in nodes.iter().enumerate() {
        for entry in node.view.entries() {
            if entry.flags.handshake {
                if let Some(addr) = entry.addr() {
                    gaps.push(Gap::Handshake { observer, addr });
                }
            } else if entry.flags.fail || entry.flags.pfail {
                if let Some(target) = ids.iter().position(|id| **id == entry.id) {
                    gaps.push(Gap::Failing { observer, target });
                }
            }
        }
    }
    gaps
}

/// Every node's own ID, in order; refuses a node without one and one node given twice.
fn node_ids(nodes: &[NodeSnapshot]) -> Result<Vec<&NodeId>, HealRefusal> {
    let mut ids: Vec<&NodeId> = Vec::with_capacity(nodes.len());
    for node in nodes {
        let id = node.id().ok_or_else(|| HealRefusal::NoMyself {
            node: node.endpoint.clone(),
        })?;
        if let Some(first) = ids.iter().position(|known| *known == id) {
            return Err(HealRefusal::Duplicate {
                first: nodes[first].endpoint.clone(),
                second: node.endpoint.clone(),
            });
        }
        ids.push(id);
    }
    Ok(ids)
}

/// The nodes must form one cluster: linked, directly or through each other, by "lists the ID
/// of". Whatever is not linked to the first node is refused (a node that knows only itself and
/// serves nothing is not a member; anything else is another cluster).
fn refuse_strangers(nodes: &[NodeSnapshot], ids: &[&NodeId]) -> Result<(), HealRefusal> {
    let knows = |a: usize, b: usize| nodes[a].view.get(ids[b]).is_some();
    let mut linked = vec![false; nodes.len()];
    let mut frontier = vec![0];
    linked[0] = true;
    while let Some(a) = frontier.pop() {
        for (b, is_linked) in linked.iter_mut().enumerate() {
            if !*is_linked && (knows(a, b) || knows(b, a)) {
                *is_linked = true;
                frontier.push(b);
            }
        }
    }
    // Judge the stranger rather than the first node when the first node is the odd one out.
    let unlinked: Vec<usize> = (0..nodes.len()).filter(|&i| !linked[i]).collect();
    let stranger = match unlinked.as_slice() {
        [] => return Ok(()),
        _ if unlinked.len() * 2 > nodes.len() => 0,
        [first, ..] => *first,
    };
    let node = &nodes[stranger];
    let empty = node
        .view
        .entries()
        .all(|e| e.flags.myself && e.slots.is_empty());
    let endpoint = node.endpoint.clone();
    Err(if empty {
        HealRefusal::NotAMember { node: endpoint }
    } else {
        HealRefusal::Foreign { node: endpoint }
    })
}

/// Every `(observer, target)` where the observer does not list the target at the target's
/// current address.
fn stale_sightings(nodes: &[NodeSnapshot], ids: &[&NodeId]) -> Vec<Sighting> {
    let mut sightings = Vec::new();
    for (observer, node) in nodes.iter().enumerate() {
        for (target, id) in ids.iter().enumerate() {
            if target == observer {
                continue;
            }
            let seen_at = node.view.get(id).and_then(|entry| entry.addr());
            if seen_at != Some(nodes[target].endpoint.addr) {
                sightings.push(Sighting {
                    observer,
                    target,
                    seen_at,
                });
            }
        }
    }
    sightings
}

/// Entries, in any view, for nodes that are none of the given ones and are flagged `fail` or
/// `noaddr` by at least one node.
fn ghosts(nodes: &[NodeSnapshot], ids: &[&NodeId]) -> Vec<Ghost> {
    let given: HashSet<&NodeId> = ids.iter().copied().collect();
    let mut ghosts: Vec<Ghost> = Vec::new();
    for node in nodes {
        for entry in node.view.entries() {
            let dead = entry.flags.fail || entry.flags.noaddr;
            let known = ghosts.iter().any(|g| g.id == entry.id);
            if dead && !entry.flags.handshake && !given.contains(&entry.id) && !known {
                ghosts.push(Ghost {
                    id: entry.id.clone(),
                    addr: entry.addr(),
                    listed_by: Vec::new(),
                    keep_because: None,
                });
            }
        }
    }
    for ghost in &mut ghosts {
        ghost.listed_by = (0..nodes.len())
            .filter(|&i| nodes[i].view.get(&ghost.id).is_some())
            .collect();
        let serves_slots = nodes.iter().any(|n| {
            n.view
                .get(&ghost.id)
                .is_some_and(|entry| !entry.slots.is_empty())
        });
        let is_a_master = nodes
            .iter()
            .any(|n| n.view.myself().and_then(|me| me.master_id.as_ref()) == Some(&ghost.id));
        ghost.keep_because = if serves_slots {
            Some("it still serves slots (fail it over or reassign its slots first)")
        } else if is_a_master {
            Some("a node given still replicates it")
        } else {
            None
        };
    }
    ghosts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::view::NodesView;

    const A: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    const B: &str = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
    const C: &str = "cccccccccccccccccccccccccccccccccccccccc";
    const D: &str = "dddddddddddddddddddddddddddddddddddddddd";

    /// A node named `name`, now at `10.0.0.<now>:6379`, whose view lists `(id, ip, flags,
    /// master, slots)`; the line with `myself` in its flags is its own.
    fn node(now: u8, lines: &[(&str, &str, &str, &str, &str)]) -> NodeSnapshot {
        let text: String = lines
            .iter()
            .map(|(id, ip, flags, master, slots)| {
                format!("{id} {ip}:6379@16379 {flags} {master} 0 0 1 connected {slots}\n")
            })
            .collect();
        NodeSnapshot {
            endpoint: Endpoint::from_addr(format!("10.0.0.{now}:6379").parse().unwrap()),
            view: NodesView::parse(&text).unwrap(),
            keys: 0,
        }
    }

    fn addr(ip: &str) -> Option<SocketAddr> {
        Some(format!("{ip}:6379").parse().unwrap())
    }

    /// Three masters at 10.0.0.1-3 that all know each other there.
    fn healthy() -> Vec<NodeSnapshot> {
        let line = |me: &str, id: &'static str, ip: &'static str, slots: &'static str| {
            let flags = if me == id { "myself,master" } else { "master" };
            (id, ip, flags, "-", slots)
        };
        [A, B, C]
            .iter()
            .enumerate()
            .map(|(i, me)| {
                node(
                    i as u8 + 1,
                    &[
                        line(me, A, "10.0.0.1", "0-5460"),
                        line(me, B, "10.0.0.2", "5461-10922"),
                        line(me, C, "10.0.0.3", "10923-16383"),
                    ],
                )
            })
            .collect()
    }

    #[test]
    fn a_healthy_cluster_needs_nothing() {
        let nodes = healthy();
        assert_eq!(plan_heal(&nodes).unwrap(), HealPlan::default());
        assert_eq!(gaps(&nodes), []);
    }

    #[test]
    fn one_node_at_a_new_address_is_met_by_everyone_who_sees_it_at_the_old_one() {
        let mut nodes = healthy();
        // C came back at 10.0.0.13; it knows itself there, A and B still list 10.0.0.3.
        nodes[2].endpoint.addr = addr("10.0.0.13").unwrap();
        nodes[2] = node(
            13,
            &[
                (A, "10.0.0.1", "master", "-", "0-5460"),
                (B, "10.0.0.2", "master", "-", "5461-10922"),
                (C, "10.0.0.13", "myself,master", "-", "10923-16383"),
            ],
        );
        let plan = plan_heal(&nodes).unwrap();
        assert_eq!(
            plan.meets,
            [
                Sighting {
                    observer: 0,
                    target: 2,
                    seen_at: addr("10.0.0.3")
                },
                Sighting {
                    observer: 1,
                    target: 2,
                    seen_at: addr("10.0.0.3")
                },
            ]
        );
        assert!(plan.ghosts.is_empty());
    }

    #[test]
    fn after_a_full_restart_everyone_meets_everyone() {
        // Every node moved from 10.0.0.N to 10.0.0.1N; each knows only its own new address.
        let views: Vec<NodeSnapshot> = [A, B, C]
            .iter()
            .enumerate()
            .map(|(i, me)| {
                let lines: Vec<(&str, &str, &str, &str, &str)> = [A, B, C]
                    .iter()
                    .zip(["10.0.0.1", "10.0.0.2", "10.0.0.3"])
                    .zip(["10.0.0.11", "10.0.0.12", "10.0.0.13"])
                    .map(|((id, old), new)| {
                        if id == me {
                            (*id, new, "myself,master", "-", "")
                        } else {
                            (*id, old, "master,fail?", "-", "")
                        }
                    })
                    .collect();
                node(11 + i as u8, &lines)
            })
            .collect();
        let plan = plan_heal(&views).unwrap();
        assert_eq!(plan.meets.len(), 6, "{plan:?}");
        assert!(plan.meets.iter().all(|s| s.seen_at.is_some()));
        let pairs: HashSet<(usize, usize)> =
            plan.meets.iter().map(|s| (s.observer, s.target)).collect();
        assert_eq!(pairs.len(), 6);
        // The failure flags on the given nodes are gaps to wait out, not ghosts.
        assert!(plan.ghosts.is_empty());
        let failing = gaps(&views)
            .iter()
            .filter(|g| matches!(g, Gap::Failing { .. }))
            .count();
        assert_eq!(failing, 6);
    }

    #[test]
    fn a_node_missing_from_a_view_or_without_address_is_met() {
        let mut nodes = healthy();
        nodes[0] = node(
            1,
            &[
                (A, "10.0.0.1", "myself,master", "-", "0-5460"),
                (B, "10.0.0.2", "master,noaddr", "-", "5461-10922"),
            ],
        );
        let plan = plan_heal(&nodes).unwrap();
        let wrong: Vec<(usize, usize, Option<SocketAddr>)> = plan
            .meets
            .iter()
            .map(|s| (s.observer, s.target, s.seen_at))
            .collect();
        assert_eq!(wrong, [(0, 1, None), (0, 2, None)]);
    }

    #[test]
    fn handshakes_and_failure_flags_are_gaps_until_they_clear() {
        let mut nodes = healthy();
        nodes[0] = node(
            1,
            &[
                (A, "10.0.0.1", "myself,master", "-", "0-5460"),
                (B, "10.0.0.2", "master,fail", "-", "5461-10922"),
                (C, "10.0.0.3", "master", "-", "10923-16383"),
                (D, "10.0.0.9", "handshake", "-", ""),
            ],
        );
        assert_eq!(plan_heal(&nodes).unwrap().meets, []);
        assert_eq!(
            gaps(&nodes),
            [
                Gap::Failing {
                    observer: 0,
                    target: 1
                },
                Gap::Handshake {
                    observer: 0,
                    addr: addr("10.0.0.9").unwrap()
                },
            ]
        );
    }

    #[test]
    fn failed_and_noaddr_strangers_are_ghosts_unless_they_still_matter() {
        let mut nodes = healthy();
        let dead_replica = "eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee";
        let dead_master = "ffffffffffffffffffffffffffffffffffffffff";
        nodes[0].view.extend(
            NodesView::parse(&format!(
                "{dead_replica} 10.0.0.7:6379@16379 slave,fail {A} 0 0 1 disconnected\n\
                 {dead_master} 10.0.0.8:6379@16379 master,fail - 0 0 1 disconnected 100\n\
                 {D} :0@0 slave,noaddr {dead_master} 0 0 1 disconnected\n"
            ))
            .unwrap(),
        );
        nodes[1].view.extend(
            NodesView::parse(&format!(
                "{dead_replica} 10.0.0.7:6379@16379 slave {A} 0 0 1 disconnected\n"
            ))
            .unwrap(),
        );
        let plan = plan_heal(&nodes).unwrap();
        let summary: Vec<(&str, Vec<usize>, bool)> = plan
            .ghosts
            .iter()
            .map(|g| (g.id.as_str(), g.listed_by.clone(), g.keep_because.is_none()))
            .collect();
        assert_eq!(
            summary,
            [
                (dead_replica, vec![0, 1], true),
                (dead_master, vec![0], false),
                (D, vec![0], true),
            ]
        );
        assert_eq!(plan.forgettable_ghosts().count(), 2);
    }

    #[test]
    fn the_master_of_a_given_replica_is_never_a_ghost_to_forget() {
        let mut nodes = healthy();
        let gone = "ffffffffffffffffffffffffffffffffffffffff";
        nodes[2] = node(
            3,
            &[
                (A, "10.0.0.1", "master", "-", "0-5460"),
                (B, "10.0.0.2", "master", "-", "5461-10922"),
                (C, "10.0.0.3", "myself,slave", gone, ""),
                (gone, "10.0.0.9", "master,fail", "-", ""),
            ],
        );
        let plan = plan_heal(&nodes).unwrap();
        assert_eq!(plan.ghosts.len(), 1);
        assert_eq!(plan.forgettable_ghosts().count(), 0);
    }

    #[test]
    fn a_node_of_another_cluster_is_refused() {
        let mut nodes = healthy();
        nodes.push(node(
            4,
            &[
                (D, "10.0.0.4", "myself,master", "-", "0-16383"),
                (
                    "9999999999999999999999999999999999999999",
                    "10.0.0.5",
                    "slave",
                    D,
                    "",
                ),
            ],
        ));
        let refusal = plan_heal(&nodes).unwrap_err();
        assert!(refusal.is_foreign(), "{refusal}");
        assert!(
            refusal
                .to_string()
                .starts_with("10.0.0.4:6379 belongs to another cluster")
        );
    }

    #[test]
    fn an_empty_node_is_not_a_member() {
        let mut nodes = healthy();
        nodes.push(node(4, &[(D, "10.0.0.4", "myself,master", "-", "")]));
        let refusal = plan_heal(&nodes).unwrap_err();
        assert_eq!(
            refusal,
            HealRefusal::NotAMember {
                node: nodes[3].endpoint.clone()
            }
        );
        assert!(!refusal.is_foreign());
    }

    #[test]
    fn when_the_first_node_is_the_stranger_it_is_the_one_refused() {
        let mut nodes = healthy();
        nodes.insert(
            0,
            node(4, &[(D, "10.0.0.4", "myself,master", "-", "0-16383")]),
        );
        let refusal = plan_heal(&nodes).unwrap_err();
        assert_eq!(
            refusal,
            HealRefusal::Foreign {
                node: nodes[0].endpoint.clone()
            }
        );
    }

    #[test]
    fn one_node_given_twice_is_refused() {
        let mut nodes = healthy();
        let mut twin = nodes[0].clone();
        twin.endpoint.addr = addr("10.0.0.99").unwrap();
        nodes.push(twin);
        assert!(matches!(
            plan_heal(&nodes),
            Err(HealRefusal::Duplicate { .. })
        ));
    }
}
