//! The judgments `rtrib check` makes on a cluster, redis-cli's `clusterManagerCheckCluster`
//! made explicit: what every reachable node says, compared and summed up as [`Finding`]s.
//!
//! The I/O layer builds a [`Topology`] (one [`NodeReport`] per node the seed knows, with each
//! reachable node's own `CLUSTER NODES`), and [`check`] returns a [`CheckReport`] naming
//! nodes by [`NodeId`] only; the output layer looks their addresses up in the topology.

use std::collections::BTreeMap;

use serde::Serialize;

use super::fasthash::FastMap;
use super::job::{JobState, SlotMigration};
use super::slots::{SLOT_COUNT, Slot, SlotSet};
use super::topology::{NodeState, Topology};
use super::view::{NodeId, NodesView, assignment_groups};

/// Options of `rtrib check`.
#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    /// Also look for slots served, or holding keys, on more than one master
    /// (`--search-multiple-owners`); needs [`NodeState::Reachable::slots_with_keys`].
    pub search_multiple_owners: bool,
}

/// Everything [`check`] found, in a fixed order (see [`Finding`]).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CheckReport {
    /// The findings, problems and mere remarks alike.
    pub findings: Vec<Finding>,
}

impl CheckReport {
    /// Whether nothing needs fixing: no finding [`is_problem`](Finding::is_problem). redis-cli
    /// exits 0 exactly in this case.
    pub fn is_healthy(&self) -> bool {
        !self.findings.iter().any(Finding::is_problem)
    }
}

/// How bad a [`Finding`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The cluster does not serve every key, or could route keys wrongly.
    Error,
    /// Degraded or transitional; may still need attention.
    Warning,
}

/// A range of slots on which reachable nodes disagree, and what each of them says.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Disagreement {
    /// Slots for which every observer names the same owner as for the others in this set.
    pub slots: SlotSet,
    /// One claim per reachable node, in topology order.
    pub claims: Vec<Claim>,
}

/// What one node says about who serves some slots.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Claim {
    /// The node whose `CLUSTER NODES` this is.
    pub observer: NodeId,
    /// The owner it names; `None` when it thinks the slots are unassigned.
    pub owner: Option<NodeId>,
}

/// One thing `check` found. Reports list them in the order of the variants below.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Finding {
    /// Reachable nodes assign slots differently (their
    /// [`config_signature`](NodesView::config_signature)s differ): gossip has not converged,
    /// or epochs collided. Clients may be redirected back and forth.
    SlotsDisagree {
        /// The disputed slots, grouped by identical claims, in order of their first slot.
        ranges: Vec<Disagreement>,
    },
    /// A master is handing slots over (`CLUSTER SETSLOT <slot> MIGRATING <target>`): keys
    /// not yet moved are served here, others get `ASK` redirections.
    Migrating {
        /// The source master.
        node: NodeId,
        /// Each open slot with the node it is migrating to.
        slots: BTreeMap<Slot, NodeId>,
    },
    /// A master is receiving slots (`CLUSTER SETSLOT <slot> IMPORTING <source>`).
    Importing {
        /// The target master.
        node: NodeId,
        /// Each open slot with the node it is importing from.
        slots: BTreeMap<Slot, NodeId>,
    },
    /// All open slots together: an interrupted reshard, to finish with `fix`.
    OpenSlots {
        /// Slots migrating or importing anywhere.
        slots: SlotSet,
    },
    /// A master runs an atomic slot migration job (Valkey ≥ 9.0 `CLUSTER MIGRATESLOTS`): the
    /// slots move to the target when it ends. A run of rtrib that was stopped waits for it
    /// when it is run again.
    SlotMigrationInFlight {
        /// The source primary.
        source: NodeId,
        /// The target primary.
        target: NodeId,
        /// The slots.
        slots: SlotSet,
        /// The job's name.
        name: String,
        /// The server's state name (`waiting-to-pause`, `failover-granted`...).
        state: String,
    },
    /// A master's newest atomic migration job for some slots it still serves failed or was
    /// cancelled: nothing moved (the server rolled back). Not a problem in itself; re-run
    /// the move.
    SlotMigrationFailed {
        /// The source primary.
        source: NodeId,
        /// The target primary.
        target: NodeId,
        /// The slots (still the source's).
        slots: SlotSet,
        /// The job's name.
        name: String,
        /// `failed` or `cancelled`.
        state: String,
        /// The server's message.
        message: String,
    },
    /// Slots no reachable master serves (by its own `myself` line): keys there fail with
    /// `CLUSTERDOWN`, and with `cluster-require-full-coverage yes` the whole cluster stops.
    /// An unreachable master's slots count as uncovered, as in redis-cli.
    UncoveredSlots {
        /// The uncovered slots.
        slots: SlotSet,
    },
    /// More than one master serves a slot or holds keys in it (only with
    /// [`CheckOptions::search_multiple_owners`]).
    MultipleOwners {
        /// The slot.
        slot: Slot,
        /// The masters claiming it or holding keys in it, in topology order.
        owners: Vec<NodeId>,
    },
    /// rtrib could not talk to a node.
    Unreachable {
        /// The node.
        node: NodeId,
        /// The error.
        reason: String,
    },
    /// Some reachable node flags the node `fail` (agreed by a majority) or `fail?` (its own
    /// suspicion).
    Failing {
        /// The node flagged.
        node: NodeId,
        /// The strongest flag any observer uses: `fail` if one says `fail`, else `fail?`.
        flag: String,
        /// Every reachable node flagging it `fail` or `fail?`, in topology order.
        reported_by: Vec<NodeId>,
    },
    /// A node rtrib did not try to contact (`handshake`, `noaddr`, no address).
    NotContacted {
        /// The node.
        node: NodeId,
        /// Why it was not contacted.
        reason: String,
    },
    /// A replica follows a master that is not in the topology.
    UnknownMaster {
        /// The replica.
        replica: NodeId,
        /// The master ID it names.
        master: NodeId,
    },
    /// A master serving slots has no replica: losing it loses its slots. Not a problem in
    /// itself (a cluster built without replicas is healthy).
    NoReplicas {
        /// The master.
        master: NodeId,
    },
}

impl Finding {
    /// How bad the finding is.
    pub fn severity(&self) -> Severity {
        match self {
            Finding::SlotsDisagree { .. }
            | Finding::UncoveredSlots { .. }
            | Finding::MultipleOwners { .. } => Severity::Error,
            Finding::Migrating { .. }
            | Finding::Importing { .. }
            | Finding::OpenSlots { .. }
            | Finding::SlotMigrationInFlight { .. }
            | Finding::SlotMigrationFailed { .. }
            | Finding::Unreachable { .. }
            | Finding::Failing { .. }
            | Finding::NotContacted { .. }
            | Finding::UnknownMaster { .. }
            | Finding::NoReplicas { .. } => Severity::Warning,
        }
    }

    /// Every [`Finding::kind`], in the order of the variants.
    pub const KINDS: [&'static str; 13] = [
        "slots_disagree",
        "migrating",
        "importing",
        "open_slots",
        "slot_migration_in_flight",
        "slot_migration_failed",
        "uncovered_slots",
        "multiple_owners",
        "unreachable",
        "failing",
        "not_contacted",
        "unknown_master",
        "no_replicas",
    ];

    /// The finding's `kind` in JSON (and a label value in the metrics).
    pub fn kind(&self) -> &'static str {
        match self {
            Finding::SlotsDisagree { .. } => "slots_disagree",
            Finding::Migrating { .. } => "migrating",
            Finding::Importing { .. } => "importing",
            Finding::OpenSlots { .. } => "open_slots",
            Finding::SlotMigrationInFlight { .. } => "slot_migration_in_flight",
            Finding::SlotMigrationFailed { .. } => "slot_migration_failed",
            Finding::UncoveredSlots { .. } => "uncovered_slots",
            Finding::MultipleOwners { .. } => "multiple_owners",
            Finding::Unreachable { .. } => "unreachable",
            Finding::Failing { .. } => "failing",
            Finding::NotContacted { .. } => "not_contacted",
            Finding::UnknownMaster { .. } => "unknown_master",
            Finding::NoReplicas { .. } => "no_replicas",
        }
    }

    /// Whether the finding makes the cluster unhealthy (a non-zero exit). Everything but
    /// [`Finding::NoReplicas`] and [`Finding::SlotMigrationFailed`] is.
    pub fn is_problem(&self) -> bool {
        !matches!(
            self,
            Finding::NoReplicas { .. } | Finding::SlotMigrationFailed { .. }
        )
    }
}

/// Judges a topology: slot agreement, open slots, coverage, optionally multiple owners, node
/// health and replication, in that order.
pub fn check(topology: &Topology, options: &CheckOptions) -> CheckReport {
    let mut findings = Vec::new();
    if let Some(ranges) = disagreements(topology) {
        findings.push(Finding::SlotsDisagree { ranges });
    }
    findings.extend(open_slots(topology));
    findings.extend(slot_migrations(topology));
    let uncovered = served_slots(topology).complement();
    if !uncovered.is_empty() {
        findings.push(Finding::UncoveredSlots { slots: uncovered });
    }
    if options.search_multiple_owners {
        findings.extend(multiple_owners(topology));
    }
    findings.extend(node_health(topology));
    findings.extend(
        topology
            .masters()
            .filter(|m| !m.entry.slots.is_empty() && topology.replicas_of(m.id()).next().is_none())
            .map(|m| Finding::NoReplicas {
                master: m.id().clone(),
            }),
    );
    CheckReport { findings }
}

/// `None` when all reachable nodes' signatures are equal; else the disputed slots.
fn disagreements(topology: &Topology) -> Option<Vec<Disagreement>> {
    let observers: Vec<(&NodeId, &NodesView)> =
        topology.reachable().map(|(n, v)| (n.id(), v)).collect();
    let views: Vec<&NodesView> = observers.iter().map(|(_, view)| *view).collect();
    // Views of one group give every slot the same owner: the tables are made per group.
    let groups = assignment_groups(&views);
    let first = *groups.first()?;
    if groups.iter().all(|g| *g == first) {
        return None;
    }
    let mut firsts: Vec<usize> = groups.clone();
    firsts.sort_unstable();
    firsts.dedup();
    // The views of a group have one signature: the first of each speaks for them all.
    let signature = views[first].config_signature();
    if firsts
        .iter()
        .all(|&view| views[view].config_signature() == signature)
    {
        return None;
    }
    // owners[g][slot]: the owner of `slot` according to the views of group `firsts[g]` (first
    // line wins, as in `NodesView::owner_of`).
    let owners: Vec<Vec<Option<&NodeId>>> = firsts
        .iter()
        .map(|&view| {
            let mut table = vec![None; SLOT_COUNT];
            for entry in views[view].entries() {
                for slot in &entry.slots {
                    table[usize::from(slot)].get_or_insert(&entry.id);
                }
            }
            table
        })
        .collect();
    let mut found: Vec<(Vec<Option<&NodeId>>, SlotSet)> = Vec::new();
    let mut index: FastMap<Vec<Option<&NodeId>>, usize> = FastMap::default();
    for slot in 0..SLOT_COUNT {
        let claims: Vec<Option<&NodeId>> = owners.iter().map(|table| table[slot]).collect();
        if claims.iter().all(|c| *c == claims[0]) {
            continue;
        }
        let group = *index.entry(claims.clone()).or_insert_with(|| {
            found.push((claims, SlotSet::new()));
            found.len() - 1
        });
        // slot < SLOT_COUNT fits a Slot.
        found[group].1.insert(slot as Slot);
    }
    Some(
        found
            .into_iter()
            .map(|(claims, slots)| Disagreement {
                slots,
                claims: observers
                    .iter()
                    .zip(&groups)
                    .map(|((observer, _), group)| Claim {
                        observer: (*observer).clone(),
                        owner: firsts
                            .binary_search(group)
                            .ok()
                            .and_then(|g| claims[g])
                            .cloned(),
                    })
                    .collect(),
            })
            .collect(),
    )
}

/// The atomic slot migrations the masters run as sources, then their failed jobs that
/// still matter: the newest job of that source touching those slots, the slots still its own.
fn slot_migrations(topology: &Topology) -> Vec<Finding> {
    let mut findings = Vec::new();
    for master in topology.masters() {
        let exports: Vec<&SlotMigration> =
            master.migrations().iter().filter(|m| m.export).collect();
        for (index, job) in exports.iter().enumerate() {
            let (source, target, slots, name, state) = (
                job.source.clone(),
                job.target.clone(),
                job.slots.clone(),
                job.name.clone(),
                job.state.clone(),
            );
            match job.job_state() {
                JobState::Running => findings.push(Finding::SlotMigrationInFlight {
                    source,
                    target,
                    slots,
                    name,
                    state,
                }),
                JobState::Failed => {
                    // The log is newest first: a job before this one took the slots over.
                    let newer = exports[..index]
                        .iter()
                        .any(|m| !m.slots.intersection(&job.slots).is_empty());
                    let still_here = job.slots.difference(&master.entry.slots).is_empty();
                    if !newer && still_here {
                        findings.push(Finding::SlotMigrationFailed {
                            source,
                            target,
                            slots,
                            name,
                            state,
                            message: job.message.clone(),
                        });
                    }
                }
                JobState::Success => {}
            }
        }
    }
    findings
}

/// `Migrating` / `Importing` per reachable master, then `OpenSlots` if any.
fn open_slots(topology: &Topology) -> Vec<Finding> {
    let mut findings = Vec::new();
    let mut all = SlotSet::new();
    for (node, _) in topology.reachable() {
        let entry = &node.entry;
        if !entry.is_master() {
            continue;
        }
        for (table, migrating) in [(&entry.migrating, true), (&entry.importing, false)] {
            if table.is_empty() {
                continue;
            }
            all.extend(table.keys().copied());
            let (node, slots) = (entry.id.clone(), table.clone());
            findings.push(if migrating {
                Finding::Migrating { node, slots }
            } else {
                Finding::Importing { node, slots }
            });
        }
    }
    if !all.is_empty() {
        findings.push(Finding::OpenSlots { slots: all });
    }
    findings
}

/// The slots reachable nodes serve by their own account.
fn served_slots(topology: &Topology) -> SlotSet {
    let mut served = SlotSet::new();
    for (node, _) in topology.reachable() {
        served.union_with(&node.entry.slots);
    }
    served
}

fn multiple_owners(topology: &Topology) -> Vec<Finding> {
    let claims: Vec<(&NodeId, SlotSet)> = topology
        .nodes
        .iter()
        .filter(|n| n.entry.is_master())
        .filter_map(|n| match &n.state {
            NodeState::Reachable {
                slots_with_keys, ..
            } => {
                let mut slots = n.entry.slots.clone();
                if let Some(with_keys) = slots_with_keys {
                    slots.union_with(with_keys);
                }
                Some((n.id(), slots))
            }
            _ => None,
        })
        .collect();
    (0..SLOT_COUNT as Slot)
        .filter_map(|slot| {
            let owners: Vec<NodeId> = claims
                .iter()
                .filter(|(_, slots)| slots.contains(slot))
                .map(|(id, _)| (*id).clone())
                .collect();
            (owners.len() > 1).then_some(Finding::MultipleOwners { slot, owners })
        })
        .collect()
}

/// `Unreachable`, `Failing`, `NotContacted`, then `UnknownMaster` findings.
fn node_health(topology: &Topology) -> Vec<Finding> {
    let mut findings: Vec<Finding> = topology
        .nodes
        .iter()
        .filter_map(|n| match &n.state {
            NodeState::Unreachable { reason } => Some(Finding::Unreachable {
                node: n.id().clone(),
                reason: reason.clone(),
            }),
            _ => None,
        })
        .collect();

    // Node → (flagged `fail` by someone, observers), in order of first report.
    let mut failing: Vec<(NodeId, bool, Vec<NodeId>)> = Vec::new();
    let mut at: FastMap<&NodeId, usize> = FastMap::default();
    for (observer, view) in topology.reachable() {
        for entry in view.entries().filter(|e| e.flags.fail || e.flags.pfail) {
            match at.get(&entry.id) {
                Some(&index) => {
                    let (_, fail, reporters) = &mut failing[index];
                    *fail |= entry.flags.fail;
                    reporters.push(observer.id().clone());
                }
                None => {
                    at.insert(&entry.id, failing.len());
                    failing.push((
                        entry.id.clone(),
                        entry.flags.fail,
                        vec![observer.id().clone()],
                    ));
                }
            }
        }
    }
    // Topology order; nodes only other observers know come last, in order of first report.
    failing.sort_by_cached_key(|(id, _, _)| topology.position(id));
    findings.extend(
        failing
            .into_iter()
            .map(|(node, fail, reported_by)| Finding::Failing {
                node,
                flag: if fail { "fail" } else { "fail?" }.to_owned(),
                reported_by,
            }),
    );

    findings.extend(topology.nodes.iter().filter_map(|n| match &n.state {
        NodeState::NotContacted { reason } => Some(Finding::NotContacted {
            node: n.id().clone(),
            reason: reason.clone(),
        }),
        _ => None,
    }));

    findings.extend(topology.nodes.iter().filter_map(|n| {
        let master = n.entry.master_id.as_ref()?;
        (n.entry.is_replica() && topology.node(master).is_none()).then(|| Finding::UnknownMaster {
            replica: n.id().clone(),
            master: master.clone(),
        })
    }));
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::fixtures::from_views as topology;
    use crate::cluster::view::fixtures::*;

    fn id(s: &str) -> NodeId {
        NodeId::new(s)
    }

    fn masters_only(text: &str) -> String {
        text.lines()
            .filter(|l| !l.contains(" slave ") && !l.contains(",slave "))
            .map(|l| format!("{l}\n"))
            .collect()
    }

    fn run(topology: &Topology) -> CheckReport {
        check(topology, &CheckOptions::default())
    }

    #[test]
    fn healthy_cluster_with_replicas() {
        let topology = topology(&ALL_HEALTHY);
        assert_eq!(topology.nodes.len(), 6);
        assert_eq!(topology.seed, id(ID_A));
        assert_eq!(topology.seed_view().len(), 6);
        assert_eq!(topology.masters().count(), 3);
        let replicas: Vec<_> = topology.replicas_of(&id(ID_B)).map(|n| n.id()).collect();
        assert_eq!(replicas, [&id(ID_B_REPLICA)]);
        assert_eq!(
            topology.endpoint_of(&id(ID_C)).unwrap().to_string(),
            "127.0.0.1:30742"
        );
        let report = run(&topology);
        assert_eq!(report.findings, []);
        assert!(report.is_healthy());
    }

    #[test]
    fn healthy_cluster_without_replicas() {
        let texts: Vec<String> = [HEALTHY_A, HEALTHY_B, HEALTHY_C]
            .iter()
            .map(|t| masters_only(t))
            .collect();
        let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
        let report = run(&topology(&texts));
        assert_eq!(
            report.findings,
            [ID_A, ID_C, ID_B].map(|m| Finding::NoReplicas { master: id(m) })
        );
        assert!(report.is_healthy());
        assert!(
            report
                .findings
                .iter()
                .all(|f| f.severity() == Severity::Warning)
        );
    }

    #[test]
    fn uncovered_slot() {
        let texts: Vec<String> = [HEALTHY_A, HEALTHY_B, HEALTHY_C]
            .iter()
            .map(|t| masters_only(t).replace("10923-16383", "10923-16382"))
            .collect();
        let texts: Vec<&str> = texts.iter().map(String::as_str).collect();
        let report = run(&topology(&texts));
        assert_eq!(
            report.findings[0],
            Finding::UncoveredSlots {
                slots: SlotSet::from_range(16383, 16383)
            }
        );
        assert_eq!(report.findings[0].severity(), Severity::Error);
        assert!(!report.is_healthy());
    }

    #[test]
    fn migrating_and_importing() {
        let report = run(&topology(&[
            OPEN_A,
            OPEN_B,
            HEALTHY_C,
            HEALTHY_A_REPLICA,
            HEALTHY_B_REPLICA,
            HEALTHY_C_REPLICA,
        ]));
        assert_eq!(
            report.findings,
            [
                Finding::Migrating {
                    node: id(ID_A),
                    slots: BTreeMap::from([(609, id(ID_B)), (610, id(ID_B))]),
                },
                Finding::Importing {
                    node: id(ID_B),
                    slots: BTreeMap::from([(609, id(ID_A)), (610, id(ID_A))]),
                },
                Finding::OpenSlots {
                    slots: SlotSet::from_range(609, 610)
                },
            ]
        );
        assert!(report.findings.iter().all(Finding::is_problem));
        assert!(!report.is_healthy());
    }

    #[test]
    fn nodes_disagree() {
        // B believes it took slots 0-99 from A; A and the others do not know yet, and
        // C believes 100-199 are unassigned.
        let b = HEALTHY_B
            .replace(" 0-5460", " 100-5460")
            .replace(" 5461-10922", " 0-99 5461-10922");
        let c = HEALTHY_C.replace(" 0-5460", " 0-99 200-5460");
        let report = run(&topology(&[
            HEALTHY_A,
            &b,
            &c,
            HEALTHY_A_REPLICA,
            HEALTHY_B_REPLICA,
            HEALTHY_C_REPLICA,
        ]));
        let observers = [ID_A, ID_B_REPLICA, ID_C_REPLICA, ID_A_REPLICA, ID_C, ID_B];
        let claims = |owners: [Option<&str>; 6]| -> Vec<Claim> {
            observers
                .iter()
                .zip(owners)
                .map(|(o, owner)| Claim {
                    observer: id(o),
                    owner: owner.map(id),
                })
                .collect()
        };
        let a = Some(ID_A);
        assert_eq!(
            report.findings[0],
            Finding::SlotsDisagree {
                ranges: vec![
                    Disagreement {
                        slots: SlotSet::from_range(0, 99),
                        claims: claims([a, a, a, a, a, Some(ID_B)]),
                    },
                    Disagreement {
                        slots: SlotSet::from_range(100, 199),
                        claims: claims([a, a, a, a, None, a]),
                    },
                ]
            }
        );
        assert_eq!(report.findings[0].severity(), Severity::Error);
        // Each node's own line still covers everything; nothing else is wrong.
        assert_eq!(report.findings.len(), 1);
    }

    #[test]
    fn unreachable_master() {
        let report = run(&topology(&[
            HEALTHY_A,
            HEALTHY_B,
            HEALTHY_A_REPLICA,
            HEALTHY_B_REPLICA,
            HEALTHY_C_REPLICA,
        ]));
        assert_eq!(
            report.findings,
            [
                Finding::UncoveredSlots {
                    slots: SlotSet::from_range(10923, 16383)
                },
                Finding::Unreachable {
                    node: id(ID_C),
                    reason: "connection refused".into()
                },
            ]
        );
    }

    #[test]
    fn failed_nodes() {
        // Seen from A's replica: master C is `fail?`, C's replica is `fail`, both down.
        let topology = topology(&[PFAIL_A_REPLICA, HEALTHY_A, HEALTHY_B, HEALTHY_B_REPLICA]);
        let order: Vec<&str> = topology.nodes.iter().map(|n| n.id().as_str()).collect();
        assert_eq!(
            order,
            [ID_A_REPLICA, ID_B_REPLICA, ID_C_REPLICA, ID_C, ID_A, ID_B]
        );
        let report = run(&topology);
        let unreachable = |node| Finding::Unreachable {
            node: id(node),
            reason: "connection refused".into(),
        };
        assert_eq!(
            report.findings,
            [
                Finding::UncoveredSlots {
                    slots: SlotSet::from_range(10923, 16383)
                },
                unreachable(ID_C_REPLICA),
                unreachable(ID_C),
                Finding::Failing {
                    node: id(ID_C_REPLICA),
                    flag: "fail".into(),
                    reported_by: vec![id(ID_A_REPLICA)],
                },
                Finding::Failing {
                    node: id(ID_C),
                    flag: "fail?".into(),
                    reported_by: vec![id(ID_A_REPLICA)],
                },
            ]
        );
    }

    #[test]
    fn fail_wins_over_pfail() {
        // A says C is `fail`, A's replica says `fail?`; C's replica is down too.
        let a: String = FAIL_A
            .lines()
            .map(|l| {
                let tokens: Vec<&str> = l.split(' ').filter(|t| !t.starts_with('[')).collect();
                tokens.join(" ") + "\n"
            })
            .collect();
        let report = run(&topology(&[
            &a,
            PFAIL_A_REPLICA,
            HEALTHY_B,
            HEALTHY_B_REPLICA,
        ]));
        let failing: Vec<&Finding> = report
            .findings
            .iter()
            .filter(|f| matches!(f, Finding::Failing { .. }))
            .collect();
        assert_eq!(
            failing,
            [
                &Finding::Failing {
                    node: id(ID_C_REPLICA),
                    flag: "fail".into(),
                    reported_by: vec![id(ID_A), id(ID_A_REPLICA)],
                },
                &Finding::Failing {
                    node: id(ID_C),
                    flag: "fail".into(),
                    reported_by: vec![id(ID_A), id(ID_A_REPLICA)],
                },
            ]
        );
    }

    #[test]
    fn handshake_and_unknown_master() {
        let b = HEALTHY_B.to_owned()
            + "52cd55018c85c25b723f7e992d2acb8284e819b8 127.0.0.1:30747@40747 handshake - 0 0 0 disconnected\n\
               0000000000000000000000000000000000000001 127.0.0.1:30748@40748 slave 00000000000000000000000000000000000000ff 0 0 0 connected\n";
        let report = run(&topology(&[
            &b,
            HEALTHY_A,
            HEALTHY_C,
            HEALTHY_A_REPLICA,
            HEALTHY_B_REPLICA,
            HEALTHY_C_REPLICA,
        ]));
        let helper = id("0000000000000000000000000000000000000001");
        assert_eq!(
            report.findings,
            [
                Finding::Unreachable {
                    node: helper.clone(),
                    reason: "connection refused".into()
                },
                Finding::NotContacted {
                    node: id("52cd55018c85c25b723f7e992d2acb8284e819b8"),
                    reason: "no address".into()
                },
                Finding::UnknownMaster {
                    replica: helper,
                    master: id("00000000000000000000000000000000000000ff"),
                },
            ]
        );
    }

    #[test]
    fn multiple_owners_only_when_asked() {
        let mut topology = topology(&ALL_HEALTHY);
        // A holds keys in slot 6000, which B serves.
        let NodeState::Reachable {
            slots_with_keys, ..
        } = &mut topology.nodes[0].state
        else {
            panic!("seed is reachable");
        };
        *slots_with_keys = Some(SlotSet::from_iter([6000, 10]));
        assert!(run(&topology).is_healthy());
        let report = check(
            &topology,
            &CheckOptions {
                search_multiple_owners: true,
            },
        );
        assert_eq!(
            report.findings,
            [Finding::MultipleOwners {
                slot: 6000,
                owners: vec![id(ID_A), id(ID_B)],
            }]
        );
        assert!(!report.is_healthy());
    }

    #[test]
    fn findings_serialize_with_kind_and_severity() {
        let finding = Finding::Migrating {
            node: id("aa"),
            slots: BTreeMap::from([(609, id("bb"))]),
        };
        assert_eq!(
            serde_json::to_value(&finding).unwrap(),
            serde_json::json!({"kind": "migrating", "node": "aa", "slots": {"609": "bb"}})
        );
        assert_eq!(finding.kind(), "migrating");
        assert!(Finding::KINDS.contains(&finding.kind()));
        assert_eq!(
            serde_json::to_value(Severity::Warning).unwrap(),
            serde_json::json!("warning")
        );
        let report = CheckReport {
            findings: vec![Finding::OpenSlots {
                slots: SlotSet::from_range(609, 610),
            }],
        };
        assert_eq!(
            serde_json::to_value(&report).unwrap(),
            serde_json::json!({"findings": [{"kind": "open_slots", "slots": [[609, 610]]}]})
        );
    }
}
