//! The cluster's health as Prometheus metrics: values derived from a [`Topology`], the
//! [`CheckReport`] judged on it and what every node's `INFO memory` / `INFO replication` said.
//! No I/O and no formatting: the output layer writes [`Family`]s in the text exposition
//! format, and docs/metrics.md documents every metric and label named here.
//!
//! Every node is labelled `id` (its 40-character cluster ID, stable across restarts and
//! address changes) and `addr` (`ip:port`); `rtrib_node_info` adds its `name`, `role` and
//! `master_id`, for joins.

use std::collections::HashMap;
use std::time::Duration;

use super::check::{CheckReport, Finding};
use super::info::info_field;
use super::slots::SlotSet;
use super::topology::{NodeReport, NodeState, Topology};
use super::view::NodeId;

/// The Prometheus metric types rtrib exports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetricType {
    /// A value that goes up and down.
    Gauge,
}

impl MetricType {
    /// The word of the `# TYPE` line.
    pub fn name(self) -> &'static str {
        match self {
            MetricType::Gauge => "gauge",
        }
    }
}

/// One sample: label pairs and a value.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    /// `(label, value)` pairs, in the order written.
    pub labels: Vec<(&'static str, String)>,
    /// The value.
    pub value: f64,
}

/// A metric family: its name, help text, type and samples.
#[derive(Debug, Clone, PartialEq)]
pub struct Family {
    /// The metric name (`rtrib_...`).
    pub name: &'static str,
    /// The `# HELP` text.
    pub help: &'static str,
    /// The `# TYPE`.
    pub kind: MetricType,
    /// The samples; a family may have none (no replica in the cluster, say).
    pub samples: Vec<Sample>,
}

impl Family {
    fn gauge(name: &'static str, help: &'static str) -> Self {
        Self {
            name,
            help,
            kind: MetricType::Gauge,
            samples: Vec::new(),
        }
    }

    fn with(mut self, labels: Vec<(&'static str, String)>, value: f64) -> Self {
        self.push(labels, value);
        self
    }

    fn push(&mut self, labels: Vec<(&'static str, String)>, value: f64) {
        self.samples.push(Sample { labels, value });
    }
}

/// What a node's `INFO memory` and `INFO replication` say, as far as the metrics go.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NodeStats {
    /// `used_memory`: bytes the server allocated.
    pub used_memory: Option<u64>,
    /// `role:master`.
    pub is_master: bool,
    /// For a replica, `master_link_status:up`.
    pub link_up: bool,
    /// For a replica, `master_last_io_seconds_ago` (-1, absent while the link is down).
    pub last_io_seconds: Option<u64>,
    /// For a replica, `master_sync_in_progress:1`: a full sync is running.
    pub sync_in_progress: bool,
    /// The replication offset: `master_repl_offset` on a master, `slave_repl_offset` on a
    /// replica.
    pub offset: Option<u64>,
}

impl NodeStats {
    /// Reads the fields of `INFO memory` and `INFO replication` replies; absent or malformed
    /// fields are left unknown.
    pub fn parse(memory: &str, replication: &str) -> Self {
        let number = |text: &str, name: &str| info_field(text, name).and_then(|v| v.parse().ok());
        let is_master = info_field(replication, "role") == Some("master");
        let offset_field = if is_master {
            "master_repl_offset"
        } else {
            "slave_repl_offset"
        };
        Self {
            used_memory: number(memory, "used_memory"),
            is_master,
            link_up: info_field(replication, "master_link_status") == Some("up"),
            last_io_seconds: number(replication, "master_last_io_seconds_ago"),
            sync_in_progress: info_field(replication, "master_sync_in_progress") == Some("1"),
            offset: number(replication, offset_field),
        }
    }
}

/// The labels of every per-node sample.
fn node_labels(node: &NodeReport) -> Vec<(&'static str, String)> {
    vec![
        ("id", node.id().to_string()),
        ("addr", node.endpoint.addr.to_string()),
    ]
}

fn role(node: &NodeReport) -> &'static str {
    if node.entry.is_master() {
        "master"
    } else if node.entry.is_replica() {
        "replica"
    } else {
        "none"
    }
}

fn flag(value: bool) -> f64 {
    if value { 1.0 } else { 0.0 }
}

/// `rtrib_build_info`: which rtrib wrote the metrics.
fn build_info() -> Family {
    Family::gauge(
        "rtrib_build_info",
        "Always 1; the version label is the rtrib that wrote these metrics.",
    )
    .with(
        vec![("version", env!("CARGO_PKG_VERSION").to_string())],
        1.0,
    )
}

fn check_success(read: bool) -> Family {
    Family::gauge(
        "rtrib_check_success",
        "1 when rtrib could read the cluster from its seed node, 0 when it could not (then \
         every other cluster metric is absent and rtrib_cluster_healthy is 0).",
    )
    .with(Vec::new(), flag(read))
}

fn healthy(value: bool) -> Family {
    Family::gauge(
        "rtrib_cluster_healthy",
        "1 when the check found no problem (rtrib check exits 0), else 0.",
    )
    .with(Vec::new(), flag(value))
}

fn duration(took: Duration) -> Family {
    Family::gauge(
        "rtrib_check_duration_seconds",
        "How long reading and judging the cluster took.",
    )
    .with(Vec::new(), took.as_secs_f64())
}

/// The metrics when the cluster could not be read at all (the seed did not answer): not
/// healthy, not read.
pub fn unreadable(took: Duration) -> Vec<Family> {
    vec![
        build_info(),
        check_success(false),
        healthy(false),
        duration(took),
    ]
}

/// Every metric of a check: see docs/metrics.md. `stats` holds what reachable nodes answered
/// to `INFO memory` / `INFO replication`; `took` is how long the check took.
pub fn metrics(
    topology: &Topology,
    report: &CheckReport,
    stats: &HashMap<NodeId, NodeStats>,
    took: Duration,
) -> Vec<Family> {
    let mut families = vec![
        build_info(),
        check_success(true),
        healthy(report.is_healthy()),
        duration(took),
    ];
    families.extend(slot_metrics(topology, report));
    families.push(findings(report));
    families.extend(node_metrics(topology));
    families.extend(master_metrics(topology, stats));
    families.extend(replica_metrics(topology, stats));
    families
}

/// The cluster's slot counts: assigned, uncovered, open, disputed, migrating.
fn slot_metrics(topology: &Topology, report: &CheckReport) -> Vec<Family> {
    let mut assigned = SlotSet::new();
    for entry in topology.seed_view().entries() {
        assigned.union_with(&entry.slots);
    }
    let (mut uncovered, mut open, mut disputed, mut atomic) = (0, 0, 0, 0);
    for finding in &report.findings {
        match finding {
            Finding::UncoveredSlots { slots } => uncovered += slots.len(),
            Finding::OpenSlots { slots } => open += slots.len(),
            Finding::SlotMigrationInFlight { slots, .. } => atomic += slots.len(),
            Finding::SlotsDisagree { ranges } => {
                disputed += ranges.iter().map(|r| r.slots.len()).sum::<usize>();
            }
            _ => {}
        }
    }
    let count = |name, help, value: usize| Family::gauge(name, help).with(Vec::new(), value as f64);
    vec![
        count(
            "rtrib_cluster_slots_assigned",
            "Slots assigned to a master in the seed node's view (16384 when all are).",
            assigned.len(),
        ),
        count(
            "rtrib_cluster_slots_uncovered",
            "Slots no reachable master serves by its own account (keys there fail).",
            uncovered,
        ),
        count(
            "rtrib_cluster_slots_open",
            "Slots in migrating or importing state on some master.",
            open,
        ),
        count(
            "rtrib_cluster_slots_disputed",
            "Slots on whose owner the reachable nodes disagree.",
            disputed,
        ),
        Family::gauge(
            "rtrib_cluster_slots_migrating",
            "Slots being moved to another master, by migration method (key_by_key: slots \
             open with MIGRATING/IMPORTING; atomic: in the servers' CLUSTER MIGRATESLOTS jobs).",
        )
        .with(vec![("method", "key_by_key".to_string())], open as f64)
        .with(vec![("method", "atomic".to_string())], atomic as f64),
    ]
}

/// `rtrib_check_findings`: how many findings of each kind (every kind, 0 when none).
fn findings(report: &CheckReport) -> Family {
    let mut family = Family::gauge(
        "rtrib_check_findings",
        "Findings of the check by kind (as in rtrib check -o json); all but no_replicas make \
         the cluster unhealthy.",
    );
    for kind in Finding::KINDS {
        let count = report.findings.iter().filter(|f| f.kind() == kind).count();
        family.push(vec![("kind", kind.to_string())], count as f64);
    }
    family
}

/// Per node: up, info (role), failure flags, slots.
fn node_metrics(topology: &Topology) -> Vec<Family> {
    let mut up = Family::gauge(
        "rtrib_node_up",
        "1 when rtrib could talk to the node, else 0.",
    );
    let mut info = Family::gauge(
        "rtrib_node_info",
        "Always 1; labels: the node's host name (empty when unknown), role (master, replica, \
         none) and, for a replica, its master's ID.",
    );
    let mut failing = Family::gauge(
        "rtrib_node_flagged",
        "How many reachable nodes flag the node fail (majority agreed it is down) or pfail \
         (fail?: that node cannot reach it).",
    );
    let mut slots = Family::gauge(
        "rtrib_node_slots",
        "Slots the node serves by its own account (its CLUSTER NODES myself line).",
    );
    let failing_reports = topology.failure_reports();
    for node in &topology.nodes {
        let labels = node_labels(node);
        up.push(labels.clone(), flag(node.is_reachable()));
        let mut described = labels.clone();
        described.extend([
            ("name", node.endpoint.name.clone().unwrap_or_default()),
            ("role", role(node).to_string()),
            (
                "master_id",
                node.entry
                    .master_id
                    .as_ref()
                    .map(ToString::to_string)
                    .unwrap_or_default(),
            ),
        ]);
        info.push(described, 1.0);
        let reports = failing_reports.get(node.id()).copied().unwrap_or_default();
        for (name, flagged) in [("fail", reports.fail), ("pfail", reports.pfail)] {
            let mut labels = labels.clone();
            labels.push(("flag", name.to_string()));
            failing.push(labels, flagged as f64);
        }
        slots.push(labels, node.entry.slots.len() as f64);
    }
    vec![up, info, failing, slots]
}

/// Per master: keys, memory, replicas.
fn master_metrics(topology: &Topology, stats: &HashMap<NodeId, NodeStats>) -> Vec<Family> {
    let mut keys = Family::gauge(
        "rtrib_master_keys",
        "Keys a reachable master holds (DBSIZE).",
    );
    let mut memory = Family::gauge(
        "rtrib_master_memory_used_bytes",
        "Memory a reachable master uses (INFO memory used_memory).",
    );
    let mut replicas = Family::gauge(
        "rtrib_master_replicas",
        "Replicas that follow the master, reachable or not.",
    );
    for master in topology.masters() {
        let labels = node_labels(master);
        if let NodeState::Reachable { keys: count, .. } = &master.state {
            keys.push(labels.clone(), *count as f64);
        }
        if let Some(used) = stats.get(master.id()).and_then(|s| s.used_memory) {
            memory.push(labels.clone(), used as f64);
        }
        replicas.push(labels, topology.replicas_of(master.id()).count() as f64);
    }
    vec![keys, memory, replicas]
}

/// Per replica: link state, sync, lag.
fn replica_metrics(topology: &Topology, stats: &HashMap<NodeId, NodeStats>) -> Vec<Family> {
    let mut link = Family::gauge(
        "rtrib_replica_link_up",
        "1 when the replica's link to its master is up (INFO replication \
         master_link_status:up), 0 when it is down or the replica cannot be reached.",
    );
    let mut syncing = Family::gauge(
        "rtrib_replica_sync_in_progress",
        "1 while the replica runs a full sync with its master.",
    );
    let mut last_io = Family::gauge(
        "rtrib_replica_last_io_seconds",
        "Seconds since the replica last heard from its master (master_last_io_seconds_ago).",
    );
    let mut lag = Family::gauge(
        "rtrib_replica_lag_bytes",
        "Bytes of the replication stream the replica is behind its master (the master's \
         master_repl_offset minus the replica's slave_repl_offset).",
    );
    for replica in topology.nodes.iter().filter(|n| n.entry.is_replica()) {
        let mut labels = node_labels(replica);
        let master = replica.entry.master_id.as_ref();
        labels.push((
            "master_id",
            master.map(ToString::to_string).unwrap_or_default(),
        ));
        let own = stats.get(replica.id());
        link.push(labels.clone(), flag(own.is_some_and(|s| s.link_up)));
        let Some(own) = own else { continue };
        syncing.push(labels.clone(), flag(own.sync_in_progress));
        if let Some(seconds) = own.last_io_seconds {
            last_io.push(labels.clone(), seconds as f64);
        }
        let master_offset = master
            .and_then(|m| stats.get(m))
            .filter(|s| s.is_master)
            .and_then(|s| s.offset);
        if let (Some(theirs), Some(mine)) = (master_offset, own.offset) {
            lag.push(labels, theirs.saturating_sub(mine) as f64);
        }
    }
    vec![link, syncing, last_io, lag]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::check::{CheckOptions, check};
    use crate::cluster::fixtures;
    use crate::cluster::view::NodesView;
    use crate::cluster::view::fixtures::*;

    fn value(families: &[Family], name: &str, label: Option<(&str, &str)>) -> Option<f64> {
        let family = families.iter().find(|f| f.name == name)?;
        family
            .samples
            .iter()
            .find(|s| label.is_none_or(|(k, v)| s.labels.iter().any(|(l, x)| *l == k && x == v)))
            .map(|s| s.value)
    }

    #[test]
    fn info_replies_are_read() {
        let replica = NodeStats::parse(
            "# Memory\r\nused_memory:1048576\r\nused_memory_human:1.00M\r\n",
            "# Replication\r\nrole:slave\r\nmaster_link_status:up\r\n\
             master_last_io_seconds_ago:3\r\nmaster_sync_in_progress:0\r\n\
             slave_repl_offset:900\r\nmaster_repl_offset:900\r\n",
        );
        assert_eq!(replica.used_memory, Some(1048576));
        assert!(!replica.is_master && replica.link_up && !replica.sync_in_progress);
        assert_eq!(
            (replica.last_io_seconds, replica.offset),
            (Some(3), Some(900))
        );
        let master = NodeStats::parse("", "role:master\nmaster_repl_offset:1000\n");
        assert!(master.is_master && !master.link_up);
        assert_eq!((master.used_memory, master.offset), (None, Some(1000)));
        let down = NodeStats::parse(
            "",
            "role:slave\nmaster_link_status:down\nmaster_last_io_seconds_ago:-1\n",
        );
        assert_eq!(down.last_io_seconds, None);
    }

    #[test]
    fn a_healthy_cluster_with_replicas() {
        let views: Vec<NodesView> = [HEALTHY_A]
            .iter()
            .map(|t| NodesView::parse(t).unwrap())
            .collect();
        let topology = Topology::all_reporting(&views[0]);
        let report = check(&topology, &CheckOptions::default());
        let mut stats = HashMap::new();
        stats.insert(
            NodeId::new(ID_A),
            NodeStats::parse(
                "used_memory:5000\n",
                "role:master\nmaster_repl_offset:1000\n",
            ),
        );
        stats.insert(
            NodeId::new(ID_A_REPLICA),
            NodeStats::parse(
                "",
                "role:slave\nmaster_link_status:up\nslave_repl_offset:400\n",
            ),
        );
        let families = metrics(&topology, &report, &stats, Duration::from_millis(12));
        assert_eq!(value(&families, "rtrib_cluster_healthy", None), Some(1.0));
        assert_eq!(value(&families, "rtrib_check_success", None), Some(1.0));
        assert_eq!(
            value(&families, "rtrib_check_duration_seconds", None),
            Some(0.012)
        );
        assert_eq!(
            value(&families, "rtrib_cluster_slots_assigned", None),
            Some(16384.0)
        );
        assert_eq!(
            value(&families, "rtrib_cluster_slots_uncovered", None),
            Some(0.0)
        );
        assert_eq!(
            value(&families, "rtrib_node_up", Some(("id", ID_C))),
            Some(1.0)
        );
        assert_eq!(
            value(&families, "rtrib_master_memory_used_bytes", None),
            Some(5000.0)
        );
        assert_eq!(
            value(&families, "rtrib_master_replicas", Some(("id", ID_B))),
            Some(1.0)
        );
        assert_eq!(
            value(
                &families,
                "rtrib_replica_lag_bytes",
                Some(("id", ID_A_REPLICA))
            ),
            Some(600.0)
        );
        assert_eq!(
            value(
                &families,
                "rtrib_replica_link_up",
                Some(("id", ID_A_REPLICA))
            ),
            Some(1.0)
        );
        assert_eq!(
            value(
                &families,
                "rtrib_replica_link_up",
                Some(("id", ID_B_REPLICA))
            ),
            Some(0.0)
        );
        let findings = families
            .iter()
            .find(|f| f.name == "rtrib_check_findings")
            .unwrap();
        assert_eq!(findings.samples.len(), Finding::KINDS.len());
        assert!(findings.samples.iter().all(|s| s.value == 0.0));
        let names: Vec<&str> = families.iter().map(|f| f.name).collect();
        let mut unique = names.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), names.len(), "{names:?}");
    }

    #[test]
    fn open_slots_and_failing_nodes_count() {
        let topology = fixtures::all_reporting(PFAIL_A_REPLICA);
        let report = check(&topology, &CheckOptions::default());
        let families = metrics(&topology, &report, &HashMap::new(), Duration::ZERO);
        assert_eq!(value(&families, "rtrib_cluster_healthy", None), Some(0.0));
        let flagged = families
            .iter()
            .find(|f| f.name == "rtrib_node_flagged")
            .unwrap();
        let c_pfail = flagged.samples.iter().find(|s| {
            s.labels.contains(&("id", ID_C.to_string()))
                && s.labels.contains(&("flag", "pfail".to_string()))
        });
        assert_eq!(c_pfail.map(|s| s.value), Some(topology.nodes.len() as f64));

        let open = fixtures::all_reporting(OPEN_A);
        let report = check(&open, &CheckOptions::default());
        let families = metrics(&open, &report, &HashMap::new(), Duration::ZERO);
        assert_eq!(
            value(&families, "rtrib_cluster_slots_open", None),
            Some(2.0)
        );
        assert_eq!(
            value(
                &families,
                "rtrib_check_findings",
                Some(("kind", "open_slots"))
            ),
            Some(1.0)
        );
        assert_eq!(value(&families, "rtrib_cluster_healthy", None), Some(0.0));
    }

    #[test]
    fn an_unreadable_cluster_is_not_healthy() {
        let families = unreadable(Duration::from_secs(2));
        assert_eq!(value(&families, "rtrib_cluster_healthy", None), Some(0.0));
        assert_eq!(value(&families, "rtrib_check_success", None), Some(0.0));
    }
}
