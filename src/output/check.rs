//! `rtrib check` and `rtrib info` share this: the per-master summary, the `M:`/`S:` node blocks
//! and the findings, as text in redis-cli's shape, or as a JSON document.

use std::collections::BTreeMap;
use std::io::{self, Write};

use serde::Serialize;

use super::Style;
use crate::cluster::check::{CheckReport, Disagreement, Finding, Severity};
use crate::cluster::endpoint::Endpoint;
use crate::cluster::server::Server;
use crate::cluster::slots::{SLOT_COUNT, Slot, SlotSet};
use crate::cluster::topology::{NodeReport, NodeState, Topology};
use crate::cluster::view::{Flags, NodeId};
use crate::net::converge::Converged;
use crate::net::form::WaitError;

/// How many disagreeing slot ranges are spelled out before the rest is summarised.
const DISAGREEMENTS_SHOWN: usize = 10;

/// A node's address for messages: `name (ip:port)`, or the short ID of a node nobody knows.
pub(super) fn describe(topology: &Topology, id: &NodeId) -> String {
    topology
        .endpoint_of(id)
        .map(Endpoint::to_string)
        .unwrap_or_else(|| format!("unknown node {id}"))
}

/// How many replicas the topology shows for `master`.
pub(super) fn replica_count(topology: &Topology, master: &NodeId) -> usize {
    topology.replicas_of(master).count()
}

/// Key count of a reachable node.
pub(super) fn keys_of(report: &NodeReport) -> Option<u64> {
    report.keys()
}

/// The masters' key, slot and replica counts added up.
pub(super) struct Totals {
    pub keys: u64,
    pub masters: usize,
    pub slots: usize,
    pub replicas: usize,
}

impl Totals {
    pub(super) fn of(topology: &Topology) -> Self {
        let mut totals = Totals {
            keys: 0,
            masters: 0,
            slots: 0,
            replicas: 0,
        };
        for report in topology.nodes.iter().filter(|r| r.entry.is_master()) {
            totals.keys += keys_of(report).unwrap_or(0);
            totals.masters += 1;
            totals.slots += report.entry.slots.len();
            totals.replicas += replica_count(topology, &report.entry.id);
        }
        totals
    }

    /// redis-cli's closing lines: `[OK] N keys in M masters.` and the average per slot.
    pub(super) fn write(&self, out: &mut dyn Write, style: Style) -> io::Result<()> {
        writeln!(
            out,
            "{}",
            style.ok(&format!("{} keys in {} masters.", self.keys, self.masters))
        )?;
        writeln!(
            out,
            "{:.2} keys per slot on average.",
            self.keys as f64 / SLOT_COUNT as f64
        )
    }
}

/// The per-master summary lines and their totals, as `redis-cli --cluster info` prints them.
pub fn write_master_summary(
    out: &mut dyn Write,
    style: Style,
    topology: &Topology,
) -> io::Result<()> {
    for report in topology.nodes.iter().filter(|r| r.entry.is_master()) {
        writeln!(
            out,
            "{} ({}...) -> {} keys | {} slots | {} slaves.",
            report.endpoint,
            report.entry.id.short(),
            keys_of(report).map_or_else(|| "?".to_string(), |k| k.to_string()),
            report.entry.slots.len(),
            replica_count(topology, &report.entry.id),
        )?;
    }
    Totals::of(topology).write(out, style)
}

/// The whole `check` report as text.
pub fn write_check_text(
    out: &mut dyn Write,
    style: Style,
    topology: &Topology,
    report: &CheckReport,
    search_multiple_owners: bool,
) -> io::Result<()> {
    write_master_summary(out, style, topology)?;
    let seed = describe(topology, &topology.seed);
    writeln!(
        out,
        "{}",
        style.step(&format!("Performing Cluster Check (using node {seed})"))
    )?;
    for node in &topology.nodes {
        write_node_block(out, topology, node)?;
    }

    let findings = &report.findings;
    let disagreement = findings.iter().find_map(|f| match f {
        Finding::SlotsDisagree { ranges } => Some(ranges),
        _ => None,
    });
    match disagreement {
        None => writeln!(
            out,
            "{}",
            style.ok("All nodes agree about slots configuration.")
        )?,
        Some(ranges) => {
            writeln!(
                out,
                "{}",
                style.err("Nodes don't agree about configuration!")
            )?;
            write_disagreements(out, topology, ranges)?;
        }
    }

    writeln!(out, "{}", style.step("Check for open slots..."))?;
    for finding in findings {
        match finding {
            Finding::Migrating { node, slots } => writeln!(
                out,
                "{}",
                style.warn(&format!(
                    "Node {} has slots in migrating state {}.",
                    describe(topology, node),
                    open_slot_list(topology, slots, "->")
                ))
            )?,
            Finding::Importing { node, slots } => writeln!(
                out,
                "{}",
                style.warn(&format!(
                    "Node {} has slots in importing state {}.",
                    describe(topology, node),
                    open_slot_list(topology, slots, "<-")
                ))
            )?,
            Finding::OpenSlots { slots } => writeln!(
                out,
                "{}",
                style.warn(&format!("The following slots are open: {slots}."))
            )?,
            Finding::SlotMigrationInFlight {
                source,
                target,
                slots,
                name,
                state,
            } => writeln!(
                out,
                "{}",
                style.warn(&format!(
                    "Atomic slot migration {name} in flight ({state}): slots {slots} from {} \
                     to {}.",
                    describe(topology, source),
                    describe(topology, target)
                ))
            )?,
            Finding::SlotMigrationFailed {
                source,
                target,
                slots,
                name,
                state,
                message,
            } => writeln!(
                out,
                "{}",
                style.warn(&format!(
                    "Atomic slot migration {name} {state}: slots {slots} stayed on {} (not \
                     moved to {}): {message}",
                    describe(topology, source),
                    describe(topology, target)
                ))
            )?,
            _ => {}
        }
    }

    writeln!(out, "{}", style.step("Check slots coverage..."))?;
    let uncovered = findings.iter().find_map(|f| match f {
        Finding::UncoveredSlots { slots } => Some(slots),
        _ => None,
    });
    match uncovered {
        None => writeln!(out, "{}", style.ok("All 16384 slots covered."))?,
        Some(slots) => {
            writeln!(
                out,
                "{}",
                style.err("Not all 16384 slots are covered by nodes.")
            )?;
            writeln!(out, "    uncovered: {slots} ({} slots)", slots.len())?;
        }
    }

    if search_multiple_owners {
        writeln!(out, "{}", style.step("Check for multiple slot owners..."))?;
        let mut found = false;
        for finding in findings {
            if let Finding::MultipleOwners { slot, owners } = finding {
                found = true;
                writeln!(
                    out,
                    "{}",
                    style.err(&format!("Slot {slot} has {} owners:", owners.len()))
                )?;
                for owner in owners {
                    writeln!(out, "    {}", describe(topology, owner))?;
                }
            }
        }
        if !found {
            writeln!(out, "{}", style.ok("No multiple owners found."))?;
        }
    }

    let health: Vec<&Finding> = findings.iter().filter(|f| is_health_finding(f)).collect();
    if !health.is_empty() {
        writeln!(out, "{}", style.step("Check node health..."))?;
        for finding in health {
            let text = health_message(topology, finding);
            let line = match finding.severity() {
                Severity::Error => style.err(&text),
                Severity::Warning => style.warn(&text),
            };
            writeln!(out, "{line}")?;
        }
    }
    Ok(())
}

/// One node in redis-cli's `M:`/`S:` block shape, plus why it could not be read.
fn write_node_block(out: &mut dyn Write, topology: &Topology, node: &NodeReport) -> io::Result<()> {
    let entry = &node.entry;
    let role = if entry.is_master() { "M" } else { "S" };
    writeln!(out, "{role}: {} {}", entry.id, node.endpoint)?;
    let slots = &entry.slots;
    let bracketed = if slots.is_empty() {
        String::new()
    } else {
        slots.bracketed()
    };
    writeln!(
        out,
        "   slots:{bracketed} ({} slots) {}",
        slots.len(),
        entry.flags
    )?;
    if let Some(server) = node.server() {
        writeln!(out, "   server: {server}")?;
    }
    if entry.is_master() {
        let replicas = replica_count(topology, &entry.id);
        if replicas > 0 {
            writeln!(out, "   {replicas} additional replica(s)")?;
        }
    } else if let Some(master) = &entry.master_id {
        writeln!(out, "   replicates {master}")?;
    }
    match &node.state {
        NodeState::Reachable { .. } => Ok(()),
        NodeState::Unreachable { reason } => writeln!(out, "   unreachable: {reason}"),
        NodeState::NotContacted { reason } => writeln!(out, "   not contacted: {reason}"),
    }
}

/// `609->node,610->node` style list of open slots with their peers.
fn open_slot_list(topology: &Topology, slots: &BTreeMap<Slot, NodeId>, arrow: &str) -> String {
    slots
        .iter()
        .map(|(slot, peer)| format!("{slot} ({arrow} {})", describe(topology, peer)))
        .collect::<Vec<_>>()
        .join(", ")
}

fn write_disagreements(
    out: &mut dyn Write,
    topology: &Topology,
    ranges: &[Disagreement],
) -> io::Result<()> {
    for disagreement in ranges.iter().take(DISAGREEMENTS_SHOWN) {
        let claims = disagreement
            .claims
            .iter()
            .map(|claim| {
                let owner = claim
                    .owner
                    .as_ref()
                    .map_or_else(|| "unassigned".to_string(), |o| describe(topology, o));
                format!("{} says {owner}", describe(topology, &claim.observer))
            })
            .collect::<Vec<_>>()
            .join("; ");
        writeln!(out, "    slots {}: {claims}", disagreement.slots)?;
    }
    if ranges.len() > DISAGREEMENTS_SHOWN {
        writeln!(
            out,
            "    ... and {} more ranges (see --output json)",
            ranges.len() - DISAGREEMENTS_SHOWN
        )?;
    }
    Ok(())
}

/// Findings about single nodes, listed under "Check node health".
fn is_health_finding(finding: &Finding) -> bool {
    matches!(
        finding,
        Finding::Unreachable { .. }
            | Finding::Failing { .. }
            | Finding::NotContacted { .. }
            | Finding::UnknownMaster { .. }
            | Finding::NoReplicas { .. }
    )
}

fn health_message(topology: &Topology, finding: &Finding) -> String {
    let list = |ids: &[NodeId]| {
        ids.iter()
            .map(|id| describe(topology, id))
            .collect::<Vec<_>>()
            .join(", ")
    };
    match finding {
        Finding::Unreachable { node, reason } => format!(
            "Node {} ({}) is unreachable: {reason}",
            describe(topology, node),
            node.short()
        ),
        Finding::Failing {
            node,
            flag,
            reported_by,
        } => format!(
            "Node {} ({}) is flagged {flag} by {}.",
            describe(topology, node),
            node.short(),
            list(reported_by)
        ),
        Finding::NotContacted { node, reason } => format!(
            "Node {} ({}) was not contacted: {reason}.",
            describe(topology, node),
            node.short()
        ),
        Finding::UnknownMaster { replica, master } => format!(
            "Node {} claims to be a replica of unknown node {master}.",
            describe(topology, replica)
        ),
        Finding::NoReplicas { master } => format!(
            "Master {} ({}) has no replica: its slots are unavailable if it fails.",
            describe(topology, master),
            master.short()
        ),
        other => format!("{other:?}"),
    }
}

/// One node in the JSON documents of `check` and `info`.
#[derive(Debug, Serialize)]
pub struct NodeDocument {
    id: NodeId,
    name: Option<String>,
    addr: String,
    role: &'static str,
    flags: Flags,
    master_id: Option<NodeId>,
    slots: SlotSet,
    slot_count: usize,
    keys: Option<u64>,
    replicas: Option<usize>,
    server: Option<Server>,
    reachable: bool,
    error: Option<String>,
    migrating: BTreeMap<Slot, NodeId>,
    importing: BTreeMap<Slot, NodeId>,
}

impl NodeDocument {
    /// Describes `report`, a node of `topology`.
    pub fn new(topology: &Topology, report: &NodeReport) -> Self {
        let entry = &report.entry;
        let error = match &report.state {
            NodeState::Reachable { .. } => None,
            NodeState::Unreachable { reason } | NodeState::NotContacted { reason } => {
                Some(reason.clone())
            }
        };
        Self {
            id: entry.id.clone(),
            name: report.endpoint.name.clone(),
            addr: report.endpoint.addr.to_string(),
            role: if entry.is_master() {
                "master"
            } else {
                "replica"
            },
            flags: entry.flags.clone(),
            master_id: entry.master_id.clone(),
            slots: entry.slots.clone(),
            slot_count: entry.slots.len(),
            keys: keys_of(report),
            replicas: entry
                .is_master()
                .then(|| replica_count(topology, &entry.id)),
            server: report.server().copied(),
            reachable: error.is_none(),
            error,
            migrating: entry.migrating.clone(),
            importing: entry.importing.clone(),
        }
    }
}

/// A finding with its severity and whether it makes the check fail.
#[derive(Debug, Serialize)]
struct FindingDocument<'a> {
    severity: Severity,
    problem: bool,
    #[serde(flatten)]
    finding: &'a Finding,
}

/// The JSON document of `rtrib check`.
#[derive(Debug, Serialize)]
pub struct CheckDocument<'a> {
    seed: &'a NodeId,
    healthy: bool,
    nodes: Vec<NodeDocument>,
    uncovered_slots: SlotSet,
    open_slots: SlotSet,
    findings: Vec<FindingDocument<'a>>,
}

impl<'a> CheckDocument<'a> {
    /// Gathers the document from the topology and the report.
    pub fn new(topology: &'a Topology, report: &'a CheckReport) -> Self {
        let mut uncovered_slots = SlotSet::new();
        let mut open_slots = SlotSet::new();
        for finding in &report.findings {
            match finding {
                Finding::UncoveredSlots { slots } => uncovered_slots.union_with(slots),
                Finding::OpenSlots { slots } => open_slots.union_with(slots),
                _ => {}
            }
        }
        Self {
            seed: &topology.seed,
            healthy: report.is_healthy(),
            nodes: topology
                .nodes
                .iter()
                .map(|node| NodeDocument::new(topology, node))
                .collect(),
            uncovered_slots,
            open_slots,
            findings: report
                .findings
                .iter()
                .map(|finding| FindingDocument {
                    severity: finding.severity(),
                    problem: finding.is_problem(),
                    finding,
                })
                .collect(),
        }
    }
}

/// The `convergence` field of the documents of commands that change the cluster: whether
/// every node's view agreed before the final check, how long that took, and otherwise which
/// nodes still lagged and about what.
#[derive(Debug, Serialize)]
pub struct ConvergenceDocument {
    /// Every reachable node's view agreed within the bound.
    pub converged: bool,
    /// Milliseconds waited.
    pub waited_ms: u64,
    /// What still disagreed at the bound (empty when converged).
    pub lagging: Vec<String>,
    /// How many `CLUSTER MEET`s made a node tell a lagging one what it missed.
    pub told: usize,
}

impl ConvergenceDocument {
    /// The document of a wait's outcome.
    pub fn new(convergence: &Result<Converged, WaitError>) -> Self {
        match convergence {
            Ok(done) => Self {
                converged: true,
                waited_ms: done.waited.as_millis() as u64,
                lagging: Vec::new(),
                told: done.told,
            },
            Err(WaitError::NotConverged { waited, lagging }) => Self {
                converged: false,
                waited_ms: waited.as_millis() as u64,
                lagging: lagging.clone(),
                told: 0,
            },
            Err(other) => Self {
                converged: false,
                waited_ms: 0,
                lagging: vec![other.to_string()],
                told: 0,
            },
        }
    }
}
