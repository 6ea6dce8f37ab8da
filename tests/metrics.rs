//! `rtrib check -o prometheus` (and `info`) against real clusters: the exposition parsed by
//! Python's `prometheus_client`, every family with its help text, and the health metric
//! following the cluster as an open slot, a dead replica and a dead master break it; the
//! `--textfile` file written whole, also when the cluster cannot be read at all.

use std::time::Duration;

use crate::migrate::run;
use crate::support::cluster::{Layout, Nodes, NodesConfig, free_port, wait_until};
use crate::support::prometheus::{Exposition, parse};
use crate::support::servers::on_every_server;

/// `rtrib check NODE -o prometheus`: its exit code and the parsed exposition.
fn metrics(node: &str) -> (Option<i32>, Exposition) {
    let (code, stdout, stderr) = run(&["check", node, "-o", "prometheus"]);
    assert!(!stdout.is_empty(), "no metrics: {stderr}");
    (code, parse(&stdout))
}

on_every_server! {
    /// A healthy cluster with replicas is healthy in the metrics, with every node up, every
    /// replica's link up and the slot counts right; an open slot makes it unhealthy (exit 1)
    /// and names the finding; closed again, it is healthy again.
    fn metrics_parse_and_follow_an_open_slot(server) {
        let nodes = Nodes::start(NodesConfig::on(server, 6, Layout::Ports));
        nodes.form(3);
        nodes.fill_keys(100);
        let seed = nodes[0].addr();
        // Replicas may still be in their first sync just after the cluster formed.
        let synced = wait_until(Duration::from_secs(20), || {
            let (_, m) = metrics(&seed);
            (3..6).all(|r| m.value("rtrib_replica_link_up", &[("addr", &nodes[r].addr())]) == 1.0)
        });
        assert!(synced, "replica links never came up");
        let (code, m) = metrics(&seed);
        assert_eq!(code, Some(0));
        assert_eq!(m.value("rtrib_cluster_healthy", &[]), 1.0);
        assert_eq!(m.value("rtrib_check_success", &[]), 1.0);
        assert_eq!(m.value("rtrib_cluster_slots_assigned", &[]), 16384.0);
        assert_eq!(m.value("rtrib_cluster_slots_uncovered", &[]), 0.0);
        assert!(m.value("rtrib_check_duration_seconds", &[]) > 0.0);
        for (name, kind, help) in &m.families {
            assert!(name.starts_with("rtrib_") && kind == "gauge" && !help.is_empty(), "{name}");
        }
        let mut keys = 0.0;
        for master in 0..3 {
            let id = nodes[master].id();
            let labels = [("id", id.as_str())];
            assert_eq!(m.value("rtrib_node_up", &labels), 1.0);
            assert_eq!(m.value("rtrib_master_replicas", &labels), 1.0);
            assert!(m.value("rtrib_master_memory_used_bytes", &labels) > 0.0);
            keys += m.value("rtrib_master_keys", &labels);
            let role = [("id", id.as_str()), ("role", "master")];
            assert_eq!(m.value("rtrib_node_info", &role), 1.0);
        }
        assert_eq!(keys, 100.0);
        for replica in 3..6 {
            let id = nodes[replica].id();
            assert!(m.find("rtrib_replica_lag_bytes", &[("id", id.as_str())]).is_some());
        }

        let (source, target) = (&nodes[0], &nodes[1]);
        target.cmd(&["CLUSTER", "SETSLOT", "7", "IMPORTING", &source.id()]);
        source.cmd(&["CLUSTER", "SETSLOT", "7", "MIGRATING", &target.id()]);
        let (code, m) = metrics(&seed);
        assert_eq!(code, Some(1));
        assert_eq!(m.value("rtrib_cluster_healthy", &[]), 0.0);
        assert_eq!(m.value("rtrib_cluster_slots_open", &[]), 1.0);
        assert_eq!(m.value("rtrib_check_findings", &[("kind", "open_slots")]), 1.0);
        assert_eq!(m.value("rtrib_cluster_slots_migrating", &[("method", "key_by_key")]), 1.0);
        for node in [source, target] {
            node.cmd(&["CLUSTER", "SETSLOT", "7", "STABLE"]);
        }
        let (code, m) = metrics(&seed);
        assert_eq!((code, m.value("rtrib_cluster_healthy", &[])), (Some(0), 1.0));
    }
}

/// A replica down, then a master down: unhealthy each time, the dead node's `up` at 0, the
/// replica's link down, the dead master's slots uncovered; `info -o prometheus` says the same
/// and exits 0; `--textfile` holds the same metrics.
#[test]
fn dead_replicas_and_masters_are_unhealthy_in_the_metrics() {
    let mut nodes = Nodes::on_ports(6);
    nodes.form(3);
    let seed = nodes[0].addr();
    let replica = nodes[5].id();
    nodes[5].kill();
    let (code, m) = metrics(&seed);
    assert_eq!(code, Some(1));
    assert_eq!(m.value("rtrib_cluster_healthy", &[]), 0.0);
    assert_eq!(m.value("rtrib_node_up", &[("id", &replica)]), 0.0);
    assert_eq!(m.value("rtrib_replica_link_up", &[("id", &replica)]), 0.0);
    assert_eq!(
        m.value("rtrib_check_findings", &[("kind", "unreachable")]),
        1.0
    );
    assert_eq!(m.value("rtrib_cluster_slots_uncovered", &[]), 0.0);

    let master = nodes[2].id();
    nodes[2].kill();
    let (code, m) = metrics(&seed);
    assert_eq!(code, Some(1));
    assert_eq!(m.value("rtrib_cluster_healthy", &[]), 0.0);
    assert_eq!(m.value("rtrib_node_up", &[("id", &master)]), 0.0);
    assert_eq!(m.value("rtrib_cluster_slots_uncovered", &[]), 5461.0);

    let (code, stdout, _) = run(&["info", &seed, "-o", "prometheus"]);
    assert_eq!(code, Some(0));
    assert_eq!(parse(&stdout).value("rtrib_cluster_healthy", &[]), 0.0);

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("rtrib.prom");
    let path = file.to_str().unwrap();
    let (code, stdout, _) = run(&["check", &seed, "--textfile", path]);
    assert_eq!((code, stdout.as_str()), (Some(1), ""));
    let written = parse(&std::fs::read_to_string(&file).unwrap());
    assert_eq!(written.value("rtrib_node_up", &[("id", &master)]), 0.0);
    let entries = std::fs::read_dir(dir.path()).unwrap().count();
    assert_eq!(entries, 1, "a temporary file was left behind");
}

/// When the seed cannot be read at all, the text file still says so: not healthy, not read
/// (rather than keeping an old healthy 1); the exit code is the usual 3.
#[test]
fn an_unreadable_cluster_is_written_as_unhealthy() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("rtrib.prom");
    std::fs::write(&file, "rtrib_cluster_healthy 1\n").unwrap();
    let nowhere = format!("127.0.0.1:{}", free_port());
    let (code, _, stderr) = run(&["check", &nowhere, "--textfile", file.to_str().unwrap()]);
    assert_eq!(code, Some(3), "{stderr}");
    let written = parse(&std::fs::read_to_string(&file).unwrap());
    assert_eq!(written.value("rtrib_cluster_healthy", &[]), 0.0);
    assert_eq!(written.value("rtrib_check_success", &[]), 0.0);
    let (code, _, stderr) = run(&[
        "reshard",
        &nowhere,
        "-o",
        "prometheus",
        "--from",
        "all",
        "--to",
        "x",
        "--slots",
        "1",
    ]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("-o prometheus is for check and info"),
        "{stderr}"
    );
}
