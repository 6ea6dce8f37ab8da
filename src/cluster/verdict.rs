//! What a check's findings mean for a command that changes the cluster (`reshard`, `rebalance`,
//! `fix`, `add-node`, `del-node`, `forget`, `import`, `failover`, `rebalance-roles`, `create`,
//! `replicate`, `heal`, `apply`), as redis-cli judges them: by who serves the slots.
//!
//! A change is refused before it starts, and fails when it ends, only over findings about the
//! slots: a slot no reachable master serves, an open slot, an atomic migration still running,
//! reachable nodes naming different owners for a slot, a slot with several owners. Findings
//! about the nodes' health — a node unreachable, flagged `fail` or `fail?` in some view (a
//! replica whose bus drops packets flags all its peers `fail?`), not contacted, following an
//! unknown master, a master without replicas, an atomic migration job that failed earlier —
//! were there before the change or come from it without harming it: they are printed as
//! `[WARNING]` lines and JSON findings, and `rtrib check` judges them (exit 1), but they
//! neither refuse nor fail a change. (A master rtrib cannot reach takes no part in a plan, as
//! redis-cli does not load it; if it served slots, they count as uncovered.)

use super::check::{CheckReport, Finding};
use super::endpoint::Endpoint;
use super::slots::SlotSet;
use super::topology::Topology;

/// What a [`Finding`] means for a command that changes the cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Bearing {
    /// Who serves which slot is in doubt. A change does not start on it (bar what the command
    /// finishes first: see [`refusals`]) and has not ended well while it lasts.
    Slots,
    /// The nodes' health or history: a warning, which neither refuses nor fails a change.
    Health,
}

/// What `finding` means for a change.
pub fn bearing(finding: &Finding) -> Bearing {
    match finding {
        Finding::SlotsDisagree { .. }
        | Finding::Migrating { .. }
        | Finding::Importing { .. }
        | Finding::OpenSlots { .. }
        | Finding::SlotMigrationInFlight { .. }
        | Finding::UncoveredSlots { .. }
        | Finding::MultipleOwners { .. } => Bearing::Slots,
        Finding::SlotMigrationFailed { .. }
        | Finding::Unreachable { .. }
        | Finding::Failing { .. }
        | Finding::NotContacted { .. }
        | Finding::UnknownMaster { .. }
        | Finding::NoReplicas { .. } => Bearing::Health,
    }
}

/// The findings of `report` over which a change refuses to start: those that bear on
/// [`Bearing::Slots`], except what the command finishes first — `ours`, the slots its own interrupted move left open (as long as no other slot is
/// open: `foreign` is empty), nodes disagreeing only about those, and atomic migrations still
/// running on the servers (waited for). Empty: the change may start.
pub fn refusals<'a>(
    report: &'a CheckReport,
    ours: &SlotSet,
    foreign: &SlotSet,
) -> Vec<&'a Finding> {
    let refuses = |finding: &Finding| match finding {
        Finding::Migrating { .. } | Finding::Importing { .. } | Finding::OpenSlots { .. } => {
            !foreign.is_empty()
        }
        Finding::SlotMigrationInFlight { .. } => false,
        Finding::SlotsDisagree { ranges } => ranges
            .iter()
            .any(|range| !range.slots.difference(ours).is_empty()),
        other => bearing(other) == Bearing::Slots,
    };
    report.findings.iter().filter(|f| refuses(f)).collect()
}

/// Whether a change ended well, as far as its final check shows: no finding bears on the
/// slots (every slot served, none open, the reachable views agreeing about their owners).
/// Health findings do not count; `rtrib check` judges them.
pub fn change_held(report: &CheckReport) -> bool {
    report
        .findings
        .iter()
        .all(|finding| bearing(finding) == Bearing::Health)
}

/// Why a change will not start on the cluster read; nothing was changed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChangeRefusal {
    /// Findings about the slots ([`refusals`]), each named once (see [`problems`]).
    #[error(
        "the cluster has problems: {} (see the check above); nothing was changed",
        .0.join("; ")
    )]
    Problems(Vec<String>),
    /// A refusal of the cluster read, in redis-cli's words for `activity` ("resharding").
    #[error("Please fix your cluster problems before {activity}: {reason}")]
    Before {
        /// What was about to start.
        activity: String,
        /// The refusal.
        reason: String,
    },
    /// `--plan-out` while an interrupted run left slots open (finishing them is a change).
    #[error(
        "an interrupted run left slots {open} open: finish it first (the same command without \
         --plan-out, or rtrib fix), then make the plan; nothing was changed"
    )]
    Unfinished {
        /// The slots left open (boxed: the refusal stays small).
        open: Box<SlotSet>,
    },
    /// `import`, `restore`: the cluster does not pass the check.
    #[error(
        "the cluster of {seed} does not pass the check (see `rtrib check {seed}`): every slot \
         needs one reachable owner, and no slot may be open, before keys can be {writing}; \
         nothing was changed"
    )]
    NotForKeys {
        /// The node the cluster was read from.
        seed: Endpoint,
        /// What would have been done to the keys: "imported", "restored".
        writing: String,
    },
    /// The reason another judgment gave: the migration method asked for cannot be had, a slot
    /// has no reachable owner.
    #[error("{0}; nothing was changed")]
    Because(String),
}

/// The refusal over `refused` (from [`refusals`]) of `topology`, each reason named once in
/// the order found; `foreign` are the open slots no interrupted rtrib move explains.
pub fn problems(refused: &[&Finding], topology: &Topology, foreign: &SlotSet) -> ChangeRefusal {
    let mut reasons: Vec<String> = Vec::new();
    for finding in refused {
        let reason = match finding {
            Finding::SlotsDisagree { .. } => "the nodes don't agree about slot owners".to_string(),
            Finding::Migrating { .. } | Finding::Importing { .. } | Finding::OpenSlots { .. } => {
                format!("slots {foreign} are open, and not by an interrupted rtrib move")
            }
            Finding::UncoveredSlots { slots } => format!("slots {slots} are not covered"),
            Finding::Unreachable { node, .. } => format!(
                "master {} is unreachable",
                topology
                    .endpoint_of(node)
                    .map_or_else(|| node.to_string(), ToString::to_string)
            ),
            other => other.kind().replace('_', " "),
        };
        if !reasons.contains(&reason) {
            reasons.push(reason);
        }
    }
    ChangeRefusal::Problems(reasons)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;
    use crate::cluster::check::{CheckOptions, Claim, Disagreement, check};
    use crate::cluster::fixtures::all_reporting as topology;
    use crate::cluster::topology::{NodeState, Topology};
    use crate::cluster::view::NodeId;
    use crate::cluster::view::fixtures::*;

    fn id(s: &str) -> NodeId {
        NodeId::new(s)
    }

    fn none() -> SlotSet {
        SlotSet::new()
    }

    /// The index of node `node` in `topology`.
    fn position(topology: &Topology, node: &str) -> usize {
        topology
            .nodes
            .iter()
            .position(|n| n.id() == &id(node))
            .unwrap()
    }

    fn report(findings: Vec<Finding>) -> CheckReport {
        CheckReport { findings }
    }

    /// One finding of every kind, in the order of [`Finding::KINDS`].
    fn one_of_each() -> Vec<Finding> {
        let slots = SlotSet::from_range(100, 109);
        vec![
            Finding::SlotsDisagree {
                ranges: vec![Disagreement {
                    slots: slots.clone(),
                    claims: vec![Claim {
                        observer: id(ID_A),
                        owner: Some(id(ID_B)),
                    }],
                }],
            },
            Finding::Migrating {
                node: id(ID_A),
                slots: BTreeMap::from([(100, id(ID_B))]),
            },
            Finding::Importing {
                node: id(ID_B),
                slots: BTreeMap::from([(100, id(ID_A))]),
            },
            Finding::OpenSlots {
                slots: SlotSet::from_range(100, 100),
            },
            Finding::SlotMigrationInFlight {
                source: id(ID_A),
                target: id(ID_B),
                slots: slots.clone(),
                name: "job".into(),
                state: "waiting-to-pause".into(),
            },
            Finding::SlotMigrationFailed {
                source: id(ID_A),
                target: id(ID_B),
                slots: slots.clone(),
                name: "job".into(),
                state: "failed".into(),
                message: "gone".into(),
            },
            Finding::UncoveredSlots { slots },
            Finding::MultipleOwners {
                slot: 100,
                owners: vec![id(ID_A), id(ID_B)],
            },
            Finding::Unreachable {
                node: id(ID_C_REPLICA),
                reason: "connection refused".into(),
            },
            Finding::Failing {
                node: id(ID_C),
                flag: "fail?".into(),
                reported_by: vec![id(ID_A_REPLICA)],
            },
            Finding::NotContacted {
                node: id(ID_C_REPLICA),
                reason: "handshake".into(),
            },
            Finding::UnknownMaster {
                replica: id(ID_C_REPLICA),
                master: id("00000000000000000000000000000000000000ff"),
            },
            Finding::NoReplicas { master: id(ID_A) },
        ]
    }

    #[test]
    fn slots_in_doubt_bear_on_a_change_and_node_health_does_not() {
        let findings = one_of_each();
        let kinds: Vec<&str> = findings.iter().map(Finding::kind).collect();
        assert_eq!(kinds, Finding::KINDS, "one finding of every kind");
        let slots: Vec<&str> = findings
            .iter()
            .filter(|f| bearing(f) == Bearing::Slots)
            .map(Finding::kind)
            .collect();
        assert_eq!(
            slots,
            [
                "slots_disagree",
                "migrating",
                "importing",
                "open_slots",
                "slot_migration_in_flight",
                "uncovered_slots",
                "multiple_owners",
            ]
        );
        for finding in &findings {
            let alone = report(vec![finding.clone()]);
            assert_eq!(
                change_held(&alone),
                bearing(finding) == Bearing::Health,
                "{finding:?}"
            );
        }
    }

    #[test]
    fn a_replica_flagging_its_peers_fail_neither_refuses_nor_fails_a_change() {
        // What a replica whose bus drops PONGs shows: every peer `fail?`, links down; its
        // slots agree with everyone's.
        let flagged: String = HEALTHY_A_REPLICA
            .lines()
            .map(|line| match line.contains("myself") {
                true => format!("{line}\n"),
                false => format!(
                    "{}\n",
                    line.replacen(" master ", " master,fail? ", 1)
                        .replacen(" slave ", " slave,fail? ", 1)
                        .replace(" connected", " disconnected")
                ),
            })
            .collect();
        let topology = topology(&flagged);
        let found = check(&topology, &CheckOptions::default());
        assert!(!found.is_healthy(), "check still judges it: {found:?}");
        assert!(
            found
                .findings
                .iter()
                .any(|f| matches!(f, Finding::Failing { flag, .. } if flag == "fail?"))
        );
        assert_eq!(refusals(&found, &none(), &none()), Vec::<&Finding>::new());
        assert!(change_held(&found));
    }

    #[test]
    fn dead_nodes_are_warnings_unless_slots_are_lost_with_them() {
        let unreachable = NodeState::Unreachable {
            reason: "connection refused".into(),
        };
        // A dead replica, and a dead master without slots (its replica took over).
        let text = HEALTHY_A.to_owned()
            + "0000000000000000000000000000000000000001 127.0.0.1:30746@40746 master,fail - 0 0 6 disconnected\n";
        let mut topology = topology(&text);
        for node in [ID_C_REPLICA, "0000000000000000000000000000000000000001"] {
            let index = position(&topology, node);
            topology.nodes[index].state = unreachable.clone();
        }
        let found = check(&topology, &CheckOptions::default());
        assert!(!found.is_healthy(), "check still judges them: {found:?}");
        assert!(refusals(&found, &none(), &none()).is_empty());
        assert!(change_held(&found));

        // A dead master with its slots: they are uncovered.
        let master = position(&topology, ID_C);
        topology.nodes[master].state = unreachable;
        let found = check(&topology, &CheckOptions::default());
        let kinds: Vec<&str> = refusals(&found, &none(), &none())
            .into_iter()
            .map(Finding::kind)
            .collect();
        assert_eq!(kinds, ["uncovered_slots"]);
        assert!(!change_held(&found));
    }

    #[test]
    fn what_an_interrupted_move_left_is_finished_not_refused() {
        let ours = SlotSet::from_range(100, 109);
        let open = report(vec![
            Finding::Migrating {
                node: id(ID_A),
                slots: BTreeMap::from([(100, id(ID_B))]),
            },
            Finding::OpenSlots {
                slots: SlotSet::from_range(100, 100),
            },
            Finding::SlotsDisagree {
                ranges: vec![Disagreement {
                    slots: SlotSet::from_range(101, 102),
                    claims: Vec::new(),
                }],
            },
            Finding::SlotMigrationInFlight {
                source: id(ID_A),
                target: id(ID_B),
                slots: SlotSet::from_range(103, 104),
                name: "job".into(),
                state: "waiting-to-pause".into(),
            },
        ]);
        assert!(refusals(&open, &ours, &none()).is_empty());
        assert!(!change_held(&open), "at the end, open slots fail a change");

        // Another tool's open slot: every open-slot finding refuses.
        let foreign = SlotSet::from_range(7000, 7000);
        let kinds: Vec<&str> = refusals(&open, &ours, &foreign)
            .into_iter()
            .map(Finding::kind)
            .collect();
        assert_eq!(kinds, ["migrating", "open_slots"]);

        // Nodes disagreeing about a slot that is not ours refuse.
        let outside = report(vec![Finding::SlotsDisagree {
            ranges: vec![Disagreement {
                slots: SlotSet::from_range(109, 110),
                claims: Vec::new(),
            }],
        }]);
        assert_eq!(refusals(&outside, &ours, &none()).len(), 1);
    }
}

#[cfg(test)]
mod refusal_tests {
    use super::*;
    use crate::cluster::check::{CheckOptions, check};
    use crate::cluster::fixtures::{self, unreachable};

    #[test]
    fn problems_name_each_reason_once() {
        let topology = unreachable(
            fixtures::masters(&[("a", "0-99"), ("b", "100-199"), ("c", "200-16383")]),
            "b",
        );
        let report = check(&topology, &CheckOptions::default());
        let none = SlotSet::new();
        let refused = refusals(&report, &none, &none);
        assert_eq!(
            problems(&refused, &topology, &none).to_string(),
            "the cluster has problems: slots 100-199 are not covered (see the check above); \
             nothing was changed"
        );
    }

    #[test]
    fn change_refusals_keep_their_words() {
        let before = ChangeRefusal::Before {
            activity: "resharding".into(),
            reason: "why".into(),
        };
        assert_eq!(
            before.to_string(),
            "Please fix your cluster problems before resharding: why"
        );
        let open = ChangeRefusal::Unfinished {
            open: Box::new(SlotSet::from_range(5, 7)),
        };
        assert_eq!(
            open.to_string(),
            "an interrupted run left slots 5-7 open: finish it first (the same command without \
             --plan-out, or rtrib fix), then make the plan; nothing was changed"
        );
        let keys = ChangeRefusal::NotForKeys {
            seed: Endpoint::from_addr(([127, 0, 0, 1], 7000).into()),
            writing: "imported".into(),
        };
        assert_eq!(
            keys.to_string(),
            "the cluster of 127.0.0.1:7000 does not pass the check (see `rtrib check \
             127.0.0.1:7000`): every slot needs one reachable owner, and no slot may be open, \
             before keys can be imported; nothing was changed"
        );
        assert_eq!(
            ChangeRefusal::Because("some slots have no owner".into()).to_string(),
            "some slots have no owner; nothing was changed"
        );
    }
}
