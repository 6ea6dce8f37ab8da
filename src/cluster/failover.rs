//! Choosing the replica that takes over a master's slots before the master stops.
//!
//! A coordinated `CLUSTER FAILOVER`, sent to a replica, makes its master stop serving writes,
//! waits until the replica has applied the master's whole replication stream, and only then
//! hands the slots over: no acknowledged write is lost, and clients see a pause of tens of
//! milliseconds instead of the node timeout and election of an unplanned failover. It only
//! works with a replica that can catch up: reachable, not flagged failing, its replication
//! link up and not in a full sync.
//!
//! Among those, [`choose_replica`] prefers a replica in another failure domain than the master
//! (the host or Kubernetes node being drained takes the master's own domain down with it), then
//! the smallest replication offset gap (the shortest catch-up, hence the shortest pause), then
//! the lowest node ID, so the same cluster always gives the same choice.

use std::collections::HashMap;
use std::fmt;

use serde::Serialize;

use super::allocate::{Domain, labelled};
use super::endpoint::Endpoint;
use super::metrics::NodeStats;
use super::topology::{NodeReport, Topology};
use super::view::NodeId;

/// Why a replica cannot take over now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unfit {
    /// rtrib cannot talk to it.
    Unreachable,
    /// The seed flags it `fail` or `fail?`.
    Failing,
    /// Its replication link to the master is down (`master_link_status:down`).
    LinkDown,
    /// A full sync with the master is running (`master_sync_in_progress:1`).
    Syncing,
}

impl fmt::Display for Unfit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Unfit::Unreachable => "unreachable",
            Unfit::Failing => "flagged failing",
            Unfit::LinkDown => "its replication link is down",
            Unfit::Syncing => "a full sync is running",
        })
    }
}

/// The replica chosen to take over.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Chosen {
    /// The replica.
    pub replica: NodeId,
    /// Whether it is in another failure domain than its master.
    pub other_domain: bool,
    /// How many bytes of the replication stream it lacks (master offset − replica offset);
    /// `None` when either offset is unknown.
    pub offset_gap: Option<u64>,
}

/// No replica of the master can take over; nothing should be changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoReplica {
    /// The master has no replica at all.
    #[error("it has no replica: add one first (rtrib add-node NEW NODE --replica)")]
    None,
    /// Every replica is unfit, each for its reason.
    #[error(
        "no replica can take over: {}",
        .0.iter().map(|(id, why)| format!("{} {why}", id.short())).collect::<Vec<_>>().join(", ")
    )]
    AllUnfit(Vec<(NodeId, Unfit)>),
}

/// Why `failover` will not hand a master's slots over; nothing was changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FailoverRefusal {
    /// `--from`: no replica of the master can take over.
    #[error("{name} serves {slots} slots and {why}; nothing was changed")]
    NoReplica {
        /// The master, as named.
        name: Endpoint,
        /// How many slots it serves.
        slots: usize,
        /// Why no replica can take over.
        why: NoReplica,
    },
    /// `--from`: the replica chosen is not in the topology (never expected).
    #[error("{name}: its replica {replica} vanished")]
    ReplicaVanished {
        /// The master, as named.
        name: Endpoint,
        /// The replica chosen.
        replica: NodeId,
    },
    /// `--to`: the replica's master is not a node of the topology.
    #[error("{name} replicates no known master")]
    NoMaster {
        /// The replica, as named.
        name: Endpoint,
    },
    /// `--to`, coordinated: the master cannot take part.
    #[error(
        "its master {master} is unreachable or failing: a coordinated failover needs it; \
         --force promotes {name} without it (writes it had not received are lost); \
         nothing was changed"
    )]
    MasterDown {
        /// The replica, as named.
        name: Endpoint,
        /// Its master.
        master: Endpoint,
    },
    /// `--to`, coordinated: the replica cannot catch up.
    #[error("{name} cannot take over from {master}: {why}; nothing was changed")]
    Unfit {
        /// The replica, as named.
        name: Endpoint,
        /// Its master.
        master: Endpoint,
        /// Why it cannot.
        why: Unfit,
    },
}

/// What `failover` found to do.
#[derive(Debug)]
pub enum Handover<'a> {
    /// Nothing, for this reason.
    Nothing(String),
    /// `replica` takes over `master`'s slots (`chosen`: how it was chosen, for `--from`).
    Promote {
        /// The master handing its slots over.
        master: &'a NodeReport,
        /// The replica taking them.
        replica: &'a NodeReport,
        /// How it was chosen (`--from` only).
        chosen: Option<Chosen>,
    },
}

/// `--from`: the best replica of `node`, when it is a master serving slots.
pub fn from_master<'a>(
    topology: &'a Topology,
    node: &'a NodeReport,
    stats: &HashMap<NodeId, NodeStats>,
    labels: &[(String, String)],
) -> Result<Handover<'a>, FailoverRefusal> {
    let name = &node.endpoint;
    if !node.entry.is_master() {
        return Ok(Handover::Nothing(format!(
            "{name} is a replica: nothing to hand over."
        )));
    }
    let slots = node.entry.slots.len();
    if slots == 0 {
        return Ok(Handover::Nothing(format!(
            "{name} is a master without slots: nothing to hand over."
        )));
    }
    let chosen =
        choose_replica(topology, node.id(), stats, |n| node_domain(n, labels)).map_err(|why| {
            FailoverRefusal::NoReplica {
                name: name.clone(),
                slots,
                why,
            }
        })?;
    let replica =
        topology
            .node(&chosen.replica)
            .ok_or_else(|| FailoverRefusal::ReplicaVanished {
                name: name.clone(),
                replica: chosen.replica.clone(),
            })?;
    Ok(Handover::Promote {
        master: node,
        replica,
        chosen: Some(chosen),
    })
}

/// `--to`: `node` itself, when it is a replica; a `coordinated` failover needs its master
/// reachable and the replica able to catch up.
pub fn to_replica<'a>(
    topology: &'a Topology,
    node: &'a NodeReport,
    coordinated: bool,
    stats: &HashMap<NodeId, NodeStats>,
) -> Result<Handover<'a>, FailoverRefusal> {
    let name = &node.endpoint;
    if node.entry.is_master() {
        return Ok(Handover::Nothing(format!(
            "{name} is already a master: nothing to do."
        )));
    }
    let master = node
        .entry
        .master_id
        .as_ref()
        .and_then(|id| topology.node(id))
        .ok_or_else(|| FailoverRefusal::NoMaster { name: name.clone() })?;
    if coordinated {
        if !master.is_reachable() || topology.is_flagged_failing(master.id()) {
            return Err(FailoverRefusal::MasterDown {
                name: name.clone(),
                master: master.endpoint.clone(),
            });
        }
        if let Some(why) = unfit(topology, node, stats.get(node.id())) {
            return Err(FailoverRefusal::Unfit {
                name: name.clone(),
                master: master.endpoint.clone(),
                why,
            });
        }
    }
    Ok(Handover::Promote {
        master,
        replica: node,
        chosen: None,
    })
}

/// A node's failure domain: the `--host-of NAME=DOMAIN` label given for one of its names (its
/// address, IP, host name, or host name with port), else its IP address, as `create` groups
/// the nodes it places.
pub fn node_domain(node: &NodeReport, labels: &[(String, String)]) -> Domain {
    let addr = node.endpoint.addr;
    let mut names = vec![addr.to_string(), addr.ip().to_string()];
    for name in [&node.endpoint.name, &node.entry.hostname]
        .into_iter()
        .flatten()
    {
        let name = name.trim_end_matches('.');
        names.push(format!("{name}:{}", addr.port()));
        names.push(name.to_string());
    }
    labelled(&names, labels).unwrap_or_else(|| addr.ip().to_string())
}

/// Why `replica` cannot take over now, from the topology and its `INFO replication` figures
/// (`None`: it is fit).
pub fn unfit(
    topology: &Topology,
    replica: &NodeReport,
    stats: Option<&NodeStats>,
) -> Option<Unfit> {
    match stats {
        _ if !replica.is_reachable() => Some(Unfit::Unreachable),
        _ if topology.is_flagged_failing(replica.id()) => Some(Unfit::Failing),
        None => Some(Unfit::Unreachable),
        Some(s) if s.sync_in_progress => Some(Unfit::Syncing),
        Some(s) if !s.link_up => Some(Unfit::LinkDown),
        Some(_) => None,
    }
}

/// The best replica of `master` to promote (see the module docs), given every node's
/// `INFO replication` figures and failure domain.
pub fn choose_replica(
    topology: &Topology,
    master: &NodeId,
    stats: &HashMap<NodeId, NodeStats>,
    domain: impl Fn(&NodeReport) -> Domain,
) -> Result<Chosen, NoReplica> {
    let master_domain = topology.node(master).map(&domain);
    let master_offset = stats.get(master).and_then(|s| s.offset);
    let mut unfit_ones = Vec::new();
    let mut fit = Vec::new();
    for replica in topology.replicas_of(master) {
        match unfit(topology, replica, stats.get(replica.id())) {
            Some(why) => unfit_ones.push((replica.id().clone(), why)),
            None => fit.push(Chosen {
                replica: replica.id().clone(),
                other_domain: master_domain.as_ref() != Some(&domain(replica)),
                offset_gap: master_offset
                    .zip(stats.get(replica.id()).and_then(|s| s.offset))
                    .map(|(m, r)| m.saturating_sub(r)),
            }),
        }
    }
    fit.into_iter()
        .min_by(|a, b| {
            (
                !a.other_domain,
                a.offset_gap.unwrap_or(u64::MAX),
                &a.replica,
            )
                .cmp(&(
                    !b.other_domain,
                    b.offset_gap.unwrap_or(u64::MAX),
                    &b.replica,
                ))
        })
        .ok_or(if unfit_ones.is_empty() {
            NoReplica::None
        } else {
            NoReplica::AllUnfit(unfit_ones)
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::fixtures;
    use crate::cluster::topology::NodeState;
    use crate::cluster::view::NodesView;
    use crate::cluster::view::fixtures::*;
    use proptest::prelude::*;

    /// A master with three replicas on 127.0.0.1:30740..30743, every one reachable.
    const THREE_REPLICAS: &str = "\
aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa 127.0.0.1:30740@40740 myself,master - 0 0 1 connected 0-16383\n\
bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb 127.0.0.1:30741@40741 slave aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa 0 0 1 connected\n\
cccccccccccccccccccccccccccccccccccccccc 127.0.0.1:30742@40742 slave aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa 0 0 1 connected\n\
dddddddddddddddddddddddddddddddddddddddd 127.0.0.1:30743@40743 slave aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa 0 0 1 connected\n";

    fn id(c: char) -> NodeId {
        NodeId::new(c.to_string().repeat(40))
    }

    fn stats(offset: u64) -> NodeStats {
        NodeStats {
            used_memory: None,
            is_master: false,
            link_up: true,
            last_io_seconds: Some(0),
            sync_in_progress: false,
            offset: Some(offset),
        }
    }

    fn all_stats(offsets: [u64; 4]) -> HashMap<NodeId, NodeStats> {
        ['a', 'b', 'c', 'd']
            .into_iter()
            .zip(offsets)
            .map(|(c, o)| (id(c), stats(o)))
            .collect()
    }

    /// One domain per node port, except where `same` says "on the master's host".
    fn domains(same: &'static [u16]) -> impl Fn(&NodeReport) -> Domain {
        move |node| {
            let port = node.endpoint.addr.port();
            if port == 30740 || same.contains(&port) {
                "master-host".into()
            } else {
                port.to_string()
            }
        }
    }

    #[test]
    fn smallest_gap_wins_among_other_domains() {
        let topology = fixtures::all_reporting(THREE_REPLICAS);
        let chosen = choose_replica(
            &topology,
            &id('a'),
            &all_stats([100, 90, 99, 95]),
            domains(&[]),
        )
        .unwrap();
        assert_eq!(chosen.replica, id('c'));
        assert_eq!(chosen.offset_gap, Some(1));
        assert!(chosen.other_domain);
    }

    #[test]
    fn another_domain_beats_a_smaller_gap() {
        let topology = fixtures::all_reporting(THREE_REPLICAS);
        let chosen = choose_replica(
            &topology,
            &id('a'),
            &all_stats([100, 90, 100, 95]),
            domains(&[30742]),
        )
        .unwrap();
        assert_eq!(chosen.replica, id('d'));
    }

    #[test]
    fn unfit_replicas_are_skipped_and_named() {
        let mut topology = fixtures::all_reporting(THREE_REPLICAS);
        let mut figures = all_stats([100, 100, 100, 100]);
        figures.get_mut(&id('b')).unwrap().link_up = false;
        figures.get_mut(&id('c')).unwrap().sync_in_progress = true;
        topology.nodes[3].state = NodeState::Unreachable {
            reason: "refused".into(),
        };
        assert_eq!(
            choose_replica(&topology, &id('a'), &figures, domains(&[])),
            Err(NoReplica::AllUnfit(vec![
                (id('b'), Unfit::LinkDown),
                (id('c'), Unfit::Syncing),
                (id('d'), Unfit::Unreachable),
            ]))
        );
        figures.get_mut(&id('c')).unwrap().sync_in_progress = false;
        let chosen = choose_replica(&topology, &id('a'), &figures, domains(&[])).unwrap();
        assert_eq!(chosen.replica, id('c'));
        let message = NoReplica::AllUnfit(vec![(id('b'), Unfit::LinkDown)]).to_string();
        assert_eq!(
            message,
            "no replica can take over: bbbbbbbb its replication link is down"
        );
    }

    #[test]
    fn failing_replicas_and_masters_without_replicas() {
        let view = NodesView::parse(PFAIL_A_REPLICA).unwrap();
        let topology = Topology::all_reporting(&view);
        let stats: HashMap<NodeId, NodeStats> =
            view.entries().map(|e| (e.id.clone(), stats(7))).collect();
        let no_domain = |_: &NodeReport| Domain::new();
        // C's only replica is flagged fail by the seed.
        assert_eq!(
            choose_replica(&topology, &NodeId::new(ID_C), &stats, no_domain),
            Err(NoReplica::AllUnfit(vec![(
                NodeId::new(ID_C_REPLICA),
                Unfit::Failing
            )]))
        );
        let chosen = choose_replica(&topology, &NodeId::new(ID_A), &stats, no_domain).unwrap();
        assert_eq!(chosen.replica, NodeId::new(ID_A_REPLICA));
        assert!(!chosen.other_domain);
        // A replica has no replicas.
        assert_eq!(
            choose_replica(&topology, &NodeId::new(ID_A_REPLICA), &stats, no_domain),
            Err(NoReplica::None)
        );
    }

    proptest! {
        /// Whatever the figures, the choice is a fit replica of the master, the same for the
        /// same input, and no fit replica ranks better.
        #[test]
        fn the_choice_is_fit_deterministic_and_best(
            offsets in proptest::array::uniform4(0u64..200),
            links in proptest::array::uniform4(any::<bool>()),
            same_host in proptest::collection::vec(30741u16..30744, 0..3),
        ) {
            let same: &'static [u16] = Box::leak(same_host.into_boxed_slice());
            let topology = fixtures::all_reporting(THREE_REPLICAS);
            let mut figures = all_stats(offsets);
            for (c, up) in ['a', 'b', 'c', 'd'].into_iter().zip(links) {
                figures.get_mut(&id(c)).unwrap().link_up = up;
            }
            let first = choose_replica(&topology, &id('a'), &figures, domains(same));
            prop_assert_eq!(&first, &choose_replica(&topology, &id('a'), &figures, domains(same)));
            match first {
                Ok(chosen) => {
                    let r = topology.node(&chosen.replica).unwrap();
                    prop_assert!(figures[&chosen.replica].link_up);
                    prop_assert_eq!(r.entry.master_id.as_ref(), Some(&id('a')));
                    for other in topology.replicas_of(&id('a')) {
                        let s = &figures[other.id()];
                        if !s.link_up { continue; }
                        let other_domain = !same.contains(&other.endpoint.addr.port());
                        let gap = offsets[0].saturating_sub(s.offset.unwrap());
                        let better = (other_domain && !chosen.other_domain)
                            || (other_domain == chosen.other_domain
                                && gap < chosen.offset_gap.unwrap());
                        prop_assert!(!better, "{} ranks better than {}", other.id(), chosen.replica);
                    }
                }
                Err(NoReplica::AllUnfit(unfit)) => prop_assert_eq!(unfit.len(), 3),
                Err(NoReplica::None) => prop_assert!(false, "the master has replicas"),
            }
        }
    }
}

#[cfg(test)]
mod refusal_tests {
    use super::*;
    use crate::cluster::fixtures::{self, id, three_masters, unreachable};

    #[test]
    fn from_a_master_without_a_replica_is_refused() {
        let topology = fixtures::masters(&[("a", "0-16383")]);
        let refusal = from_master(&topology, &topology.nodes[0], &HashMap::new(), &[]).unwrap_err();
        assert_eq!(
            refusal.to_string(),
            "127.0.0.1:7000 serves 16384 slots and it has no replica: add one first (rtrib \
             add-node NEW NODE --replica); nothing was changed"
        );
        let vanished = FailoverRefusal::ReplicaVanished {
            name: topology.nodes[0].endpoint.clone(),
            replica: id("r"),
        };
        assert_eq!(
            vanished.to_string(),
            format!("127.0.0.1:7000: its replica {} vanished", id("r"))
        );
    }

    #[test]
    fn to_a_replica_needs_its_master_and_a_link() {
        let topology = unreachable(three_masters(), "a");
        let replica = topology.node(&id("r")).unwrap();
        let refusal = to_replica(&topology, replica, true, &HashMap::new()).unwrap_err();
        assert_eq!(
            refusal.to_string(),
            "its master 127.0.0.1:7000 is unreachable or failing: a coordinated failover needs \
             it; --force promotes 127.0.0.1:7100 without it (writes it had not received are \
             lost); nothing was changed"
        );
        assert!(matches!(
            to_replica(&topology, replica, false, &HashMap::new()),
            Ok(Handover::Promote { .. })
        ));
        let topology = three_masters();
        let replica = topology.node(&id("r")).unwrap();
        let refusal = to_replica(&topology, replica, true, &HashMap::new()).unwrap_err();
        assert_eq!(
            refusal.to_string(),
            "127.0.0.1:7100 cannot take over from 127.0.0.1:7000: unreachable; nothing was \
             changed"
        );
        let orphan = fixtures::all_reporting(&fixtures::replica_line(0, "r", "x", 1));
        let refusal = to_replica(&orphan, &orphan.nodes[0], true, &HashMap::new()).unwrap_err();
        assert_eq!(
            refusal.to_string(),
            "127.0.0.1:7100 replicates no known master"
        );
    }
}
