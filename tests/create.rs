//! `rtrib create`, `replicate` and `sandbox` against real nodes: layouts, names through the
//! fake DNS, refusals that change nothing, re-runs, a bus port nobody can reach, and the
//! Kubernetes flow (3 masters by FQDN, then `replicate` three times).

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::cluster::{Layout, NodeLine, Nodes, NodesConfig, parse_nodes};
use crate::support::pods::Pods;
use crate::support::rtrib;

fn fresh(count: usize, layout: Layout) -> Nodes {
    Nodes::start(NodesConfig {
        count,
        layout,
        ..NodesConfig::default()
    })
}

/// Asserts, from every node's own CLUSTER INFO and CLUSTER NODES, that the cluster is usable
/// right now: state ok, everyone knows everyone, the expected roles, all slots covered, and
/// every view agrees about each node's role and master. Returns the first node's view.
fn assert_usable(nodes: &Nodes, masters: usize) -> Vec<NodeLine> {
    let mut roles_seen: Option<BTreeSet<(String, String, Vec<String>)>> = None;
    let mut first_view = Vec::new();
    for node in nodes.iter() {
        assert_eq!(
            node.cluster_info_field("cluster_state"),
            "ok",
            "{}",
            node.addr()
        );
        assert_eq!(node.cluster_info_field("cluster_slots_assigned"), "16384");
        let lines = parse_nodes(&node.cluster_nodes());
        assert_eq!(lines.len(), nodes.len(), "{} knows every node", node.addr());
        assert!(
            lines.iter().all(NodeLine::is_settled),
            "{}: {lines:?}",
            node.addr()
        );
        let master_lines = lines.iter().filter(|l| l.has_flag("master")).count();
        assert_eq!(master_lines, masters, "{}", node.addr());
        let roles: BTreeSet<_> = lines
            .iter()
            .map(|l| (l.id.clone(), l.master.clone(), l.slots.clone()))
            .collect();
        match &roles_seen {
            None => roles_seen = Some(roles),
            Some(seen) => assert_eq!(seen, &roles, "{} disagrees", node.addr()),
        }
        if first_view.is_empty() {
            first_view = lines;
        }
    }
    first_view
}

/// Leaves a key on a node that serves no slot, as a node reused from elsewhere would have
/// (`DEBUG POPULATE` writes without cluster routing).
fn leave_key(node: &crate::support::cluster::RedisNode) {
    node.cmd(&["DEBUG", "POPULATE", "1", "leftover"]);
    assert_eq!(node.cmd_str(&["DBSIZE"]), "1");
}

fn ip_of(addr: &str) -> &str {
    addr.rsplit_once(':').map_or(addr, |(ip, _)| ip)
}

fn node_args(nodes: &Nodes) -> Vec<String> {
    nodes.addrs()
}

/// Runs `rtrib create` on every node of `nodes` with `options`; returns the exit code and
/// what it printed on stdout and stderr.
fn create(nodes: &Nodes, options: &[&str]) -> (Option<i32>, String, String) {
    let output = rtrib()
        .arg("create")
        .args(node_args(nodes))
        .args(options)
        .output()
        .unwrap();
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn three_masters_are_usable_when_create_returns() {
    let nodes = fresh(3, Layout::Ports);
    let (code, stdout, stderr) = create(&nodes, &["--yes"]);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    let view = assert_usable(&nodes, 3);
    let mut ranges: Vec<String> = view.iter().flat_map(|l| l.slots.clone()).collect();
    ranges.sort();
    assert_eq!(ranges, ["0-5460", "10923-16383", "5461-10922"]);
    assert!(stdout.contains("Master[0] -> Slots 0 - 5460"), "{stdout}");
    assert!(stdout.contains("[OK] All 16384 slots covered."), "{stdout}");
    // A client sees no CLUSTERDOWN: a write to every master's range succeeds right away.
    for key in ["a", "b", "c", "foo", "bar"] {
        let owner = nodes.iter().find(|n| n.try_cmd(&["SET", key, "v"]).is_ok());
        assert!(owner.is_some(), "{key} is writable on its owner");
    }
    let oracle = std::process::Command::new("redis-cli")
        .args(["--cluster", "check", &nodes[0].addr()])
        .output()
        .unwrap();
    assert!(oracle.status.success());
}

#[test]
fn twenty_nodes_meet_through_seeds_and_are_usable_when_create_returns() {
    // Beyond 16 nodes every node MEETs the first three only; gossip and the join wait's
    // follow-up MEETs introduce the others to each other.
    let nodes = fresh(20, Layout::LoopbackIps);
    let (code, stdout, stderr) = create(&nodes, &["--replicas", "1", "--yes"]);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    let view = assert_usable(&nodes, 10);
    assert_eq!(view.iter().filter(|l| l.has_flag("slave")).count(), 10);
    assert!(stdout.contains("[OK] All 16384 slots covered."), "{stdout}");
}

#[test]
fn six_nodes_on_one_host_warn_about_anti_affinity() {
    let nodes = fresh(6, Layout::Ports);
    let (code, stdout, _) = create(&nodes, &["--replicas", "1", "--yes"]);
    assert_eq!(code, Some(0), "{stdout}");
    assert!(
        stdout.contains("[WARNING] Some replicas are in the same host as their master"),
        "{stdout}"
    );
    let view = assert_usable(&nodes, 3);
    assert_eq!(view.iter().filter(|l| l.has_flag("slave")).count(), 3);
}

#[test]
fn six_pods_on_loopback_ips_keep_replicas_off_their_masters_ip() {
    let nodes = fresh(6, Layout::LoopbackIps);
    let (code, stdout, _) = create(&nodes, &["--cluster-replicas", "1", "--cluster-yes"]);
    assert_eq!(code, Some(0), "{stdout}");
    assert!(
        stdout.contains("[OK] Perfect anti-affinity obtained!"),
        "{stdout}"
    );
    let view = assert_usable(&nodes, 3);
    for replica in view.iter().filter(|l| l.has_flag("slave")) {
        let master = view.iter().find(|l| l.id == replica.master).unwrap();
        assert_ne!(
            ip_of(replica.addr.split('@').next().unwrap()),
            ip_of(master.addr.split('@').next().unwrap())
        );
    }
}

#[test]
fn short_pod_names_are_expanded_by_the_search_domains() {
    let pods = Pods::start(6);
    let names: Vec<String> = (0..6)
        .map(|i| format!("redis-app-{i}.redis-service:6379"))
        .collect();
    let output = pods
        .rtrib()
        .arg("create")
        .args(&names)
        .args(["--replicas", "1", "--yes"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let first = format!("redis-app-0.redis-service ({}:6379)", pods.nodes[0].ip());
    assert!(
        stdout.contains(&format!("M: {} {first}", pods.nodes[0].id())),
        "{stdout}"
    );
    assert_usable(&pods.nodes, 3);
}

#[test]
fn a_pod_that_appears_in_dns_late_is_waited_for() {
    let pods = Pods::start(3);
    pods.dns.remove(&Pods::fqdn(2));
    let names: Vec<String> = (0..3).map(|i| format!("{}:6379", Pods::fqdn(i))).collect();
    let late_ip = pods.nodes[2].ip();
    let output = std::thread::scope(|scope| {
        scope.spawn(|| {
            std::thread::sleep(Duration::from_millis(1500));
            pods.dns.set(&Pods::fqdn(2), &[late_ip]);
        });
        pods.rtrib()
            .arg("create")
            .args(&names)
            .args(["--yes", "--resolve-timeout", "30s"])
            .output()
            .unwrap()
    });
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_usable(&pods.nodes, 3);
}

#[test]
fn a_node_with_data_is_refused_and_nothing_changes() {
    let nodes = fresh(3, Layout::Ports);
    leave_key(&nodes[1]);
    let (code, _, stderr) = create(&nodes, &["--yes"]);
    assert_eq!(code, Some(5), "{stderr}");
    assert!(
        stderr.contains(&nodes[1].addr()) && stderr.contains("not empty"),
        "{stderr}"
    );
    for node in nodes.iter() {
        assert_eq!(node.cluster_info_field("cluster_known_nodes"), "1");
        assert_eq!(node.cluster_info_field("cluster_slots_assigned"), "0");
    }
    assert_eq!(nodes[1].cmd_str(&["DBSIZE"]), "1");
}

#[test]
fn rerun_on_the_formed_cluster_changes_nothing() {
    let nodes = fresh(6, Layout::Ports);
    let args: Vec<String> = node_args(&nodes);
    rtrib()
        .arg("create")
        .args(&args)
        .args(["--replicas", "1", "--yes"])
        .assert()
        .code(0);
    let before: Vec<String> = nodes
        .iter()
        .map(|n| n.cluster_info_field("cluster_current_epoch"))
        .collect();
    let views_before: Vec<BTreeSet<String>> = nodes
        .iter()
        .map(|n| {
            parse_nodes(&n.cluster_nodes())
                .into_iter()
                .map(|l| format!("{} {} {:?}", l.id, l.master, l.slots))
                .collect()
        })
        .collect();
    let output = rtrib()
        .arg("create")
        .args(&args)
        .args(["--replicas", "1"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("already formed"), "{stdout}");
    let after: Vec<String> = nodes
        .iter()
        .map(|n| n.cluster_info_field("cluster_current_epoch"))
        .collect();
    assert_eq!(before, after);
    let views_after: Vec<BTreeSet<String>> = nodes
        .iter()
        .map(|n| {
            parse_nodes(&n.cluster_nodes())
                .into_iter()
                .map(|l| format!("{} {} {:?}", l.id, l.master, l.slots))
                .collect()
        })
        .collect();
    assert_eq!(views_before, views_after);
}

#[test]
fn an_interrupted_create_is_completed() {
    let nodes = fresh(6, Layout::Ports);
    // What an interrupted run leaves: the first master got its slots, a few MEETs happened,
    // no replica is attached, the other masters' slots are unassigned.
    nodes[0].add_slots(0, 5460);
    for other in [1, 3] {
        let target = &nodes[other];
        nodes[0].cmd(&[
            "CLUSTER",
            "MEET",
            &target.ip().to_string(),
            &target.port().to_string(),
        ]);
    }
    let (code, stdout, stderr) = create(&nodes, &["--replicas", "1", "--yes"]);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert!(
        stdout.contains("Resuming an interrupted create"),
        "{stdout}"
    );
    let view = assert_usable(&nodes, 3);
    assert_eq!(view.iter().filter(|l| l.has_flag("slave")).count(), 3);
}

#[test]
fn nodes_of_another_cluster_are_refused_and_nothing_changes() {
    let nodes = fresh(6, Layout::Ports);
    let first: Vec<String> = node_args(&nodes)[..3].to_vec();
    rtrib()
        .arg("create")
        .args(&first)
        .arg("--yes")
        .assert()
        .code(0);
    let others: Vec<String> = node_args(&nodes)[3..].to_vec();
    let mixed = [others.clone(), vec![first[0].clone()]].concat();
    let output = rtrib()
        .arg("create")
        .args(&mixed)
        .args(["--yes", "--allow-few-masters"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(6), "{stderr}");
    assert!(stderr.contains("another cluster"), "{stderr}");
    for node in nodes.iter().skip(3) {
        assert_eq!(node.cluster_info_field("cluster_known_nodes"), "1");
    }
    assert_eq!(nodes[0].cluster_info_field("cluster_known_nodes"), "3");
}

#[test]
fn an_unreachable_bus_port_is_diagnosed_within_the_deadline() {
    let mut config = NodesConfig {
        count: 3,
        layout: Layout::Ports,
        ..NodesConfig::default()
    };
    let dead_bus = crate::support::cluster::free_port();
    config.extra = vec![("cluster-announce-bus-port".into(), dead_bus.to_string())];
    let nodes = Nodes::start(config);
    let started = Instant::now();
    let (code, _, stderr) = create(&nodes, &["--yes", "--wait-timeout", "3s"]);
    assert_eq!(code, Some(4), "{stderr}");
    assert!(started.elapsed() < Duration::from_secs(20));
    assert!(stderr.contains("did not join"), "{stderr}");
    assert!(
        stderr.contains(&format!("cluster bus port {dead_bus}")),
        "{stderr}"
    );
    assert!(stderr.contains("cluster-announce-ip"), "{stderr}");
}

#[test]
fn dry_run_prints_the_plan_and_changes_nothing() {
    let nodes = fresh(6, Layout::Ports);
    let output = rtrib()
        .arg("create")
        .args(node_args(&nodes))
        .args(["--replicas", "1", "--dry-run", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let doc: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(doc["outcome"], "dry_run");
    let layout = doc["nodes"].as_array().unwrap();
    assert_eq!(layout.iter().filter(|n| n["role"] == "master").count(), 3);
    assert_eq!(layout[0]["slots"], serde_json::json!([[0, 5460]]));
    assert_eq!(doc["steps"]["meets"].as_array().unwrap().len(), 30);
    for node in nodes.iter() {
        assert_eq!(node.cluster_info_field("cluster_known_nodes"), "1");
        assert_eq!(node.cluster_info_field("cluster_slots_assigned"), "0");
    }
}

#[test]
fn the_confirmation_reads_a_piped_answer() {
    let nodes = fresh(3, Layout::Ports);
    for declined in ["no\n", ""] {
        rtrib()
            .arg("create")
            .args(node_args(&nodes))
            .write_stdin(declined)
            .assert()
            .code(1);
        assert_eq!(nodes[0].cluster_info_field("cluster_slots_assigned"), "0");
    }
    rtrib()
        .arg("create")
        .args(node_args(&nodes))
        .write_stdin("y\ny\ny\n")
        .assert()
        .code(0);
    assert_usable(&nodes, 3);
}

#[test]
fn fewer_than_three_masters_needs_a_flag() {
    let nodes = fresh(2, Layout::Ports);
    rtrib()
        .arg("create")
        .args(node_args(&nodes))
        .arg("--yes")
        .assert()
        .code(2)
        .stderr(predicates::str::contains("--allow-few-masters"));
    assert_eq!(nodes[0].cluster_info_field("cluster_known_nodes"), "1");
    rtrib()
        .arg("create")
        .args(node_args(&nodes))
        .args(["--yes", "--allow-few-masters"])
        .assert()
        .code(0);
    assert_usable(&nodes, 2);
}

#[test]
fn kubernetes_flow_create_masters_then_replicate_by_fqdn() {
    let pods = Pods::start(6);
    let masters: Vec<String> = (0..3).map(|i| format!("{}:6379", Pods::fqdn(i))).collect();
    pods.rtrib()
        .arg("create")
        .args(&masters)
        .arg("--yes")
        .assert()
        .code(0);
    for (i, master) in masters.iter().enumerate() {
        let output = pods
            .rtrib()
            .args(["replicate", "--master-addr", master])
            .args(["--slave-addr", &format!("{}:6379", Pods::fqdn(i + 3))])
            .output()
            .unwrap();
        assert_eq!(
            output.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let view = assert_usable(&pods.nodes, 3);
    for i in 0..3 {
        let replica = view
            .iter()
            .find(|l| l.id == pods.nodes[i + 3].id())
            .unwrap();
        assert_eq!(replica.master, pods.nodes[i].id());
    }
    // Again: a no-op.
    pods.rtrib()
        .args(["replicate", "--master-addr", &masters[0]])
        .args(["--replica-addr", &format!("{}:6379", Pods::fqdn(3))])
        .assert()
        .code(0)
        .stdout(predicates::str::contains("nothing to do"));
    let check = pods.rtrib().args(["check", &masters[1]]).output().unwrap();
    assert_eq!(check.status.code(), Some(0));
}

#[test]
fn replicate_refuses_a_node_with_data() {
    let nodes = fresh(4, Layout::Ports);
    rtrib()
        .arg("create")
        .args(&node_args(&nodes)[..3])
        .arg("--yes")
        .assert()
        .code(0);
    leave_key(&nodes[3]);
    rtrib()
        .args([
            "replicate",
            "--master-addr",
            &nodes[0].addr(),
            "--slave-addr",
            &nodes[3].addr(),
        ])
        .assert()
        .code(5)
        .stderr(predicates::str::contains("not empty"));
    assert_eq!(nodes[3].cluster_info_field("cluster_known_nodes"), "1");
}

/// Stops the sandbox even when the test fails: its nodes are daemons that outlive the test.
struct SandboxGuard {
    port: u16,
    dir: PathBuf,
}

impl Drop for SandboxGuard {
    fn drop(&mut self) {
        let _ = rtrib()
            .args([
                "sandbox",
                "stop",
                "--nodes",
                "6",
                "--base-port",
                &self.port.to_string(),
            ])
            .arg("--dir")
            .arg(&self.dir)
            .output();
    }
}

/// A block of `count` ports whose client and bus ports are free; `salt` keeps two tests of
/// one process apart.
fn free_sandbox_ports(count: u16, salt: u16) -> u16 {
    (0..50)
        .map(|i| 20000 + (std::process::id() as u16 % 200) * 100 + i * 7 + salt * 3500)
        .find(|&p| (0..count).all(|k| sandbox_port_free(p + k)))
        .expect("free ports")
}

/// Whether nothing listens on `port` nor on its bus port (the sandbox's nodes are gone).
fn sandbox_port_free(port: u16) -> bool {
    std::net::TcpListener::bind(("127.0.0.1", port)).is_ok()
        && std::net::TcpListener::bind(("127.0.0.1", port + 10000)).is_ok()
}

#[test]
fn sandbox_starts_a_healthy_cluster_and_stops_it() {
    let base = free_sandbox_ports(6, 0);
    let dir = tempfile::tempdir().unwrap();
    let guard = SandboxGuard {
        port: base,
        dir: dir.path().join("sandbox"),
    };
    let port = base.to_string();
    let output = rtrib()
        .args(["sandbox", "--base-port", &port])
        .arg("--dir")
        .arg(&guard.dir)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("[OK] All 16384 slots covered."), "{stdout}");
    rtrib()
        .args(["check", &format!("127.0.0.1:{base}")])
        .assert()
        .code(0);
    rtrib()
        .args(["sandbox", "stop", "--base-port", &port])
        .arg("--dir")
        .arg(&guard.dir)
        .assert()
        .code(0);
    assert!(
        std::net::TcpStream::connect(("127.0.0.1", base)).is_err(),
        "the nodes are gone"
    );
    assert!(!guard.dir.exists());
}

/// A start that cannot finish leaves nothing behind: with a port of the block taken it starts
/// nothing and creates no directory (exit 5); when the cluster cannot be formed from the
/// nodes it started (two nodes, two replicas each: exit 2) it shuts them down and removes
/// their directory.
#[test]
fn a_sandbox_that_cannot_start_leaves_no_server_and_no_directory() {
    let base = free_sandbox_ports(3, 1);
    let dir = tempfile::tempdir().unwrap();
    let guard = SandboxGuard {
        port: base,
        dir: dir.path().join("sandbox"),
    };
    let taken = std::net::TcpListener::bind(("127.0.0.1", base + 2)).unwrap();
    let output = rtrib()
        .args(["sandbox", "--nodes", "3", "--base-port", &base.to_string()])
        .arg("--dir")
        .arg(&guard.dir)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(5), "{stderr}");
    assert!(
        stderr.contains(&format!("port {} is already in use", base + 2)),
        "{stderr}"
    );
    assert!(!guard.dir.exists(), "no directory is created");
    assert!(sandbox_port_free(base) && sandbox_port_free(base + 1));
    drop(taken);

    let output = rtrib()
        .args(["sandbox", "--nodes", "2", "--replicas", "2"])
        .args(["--base-port", &base.to_string()])
        .arg("--dir")
        .arg(&guard.dir)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("cannot hold a master"), "{stderr}");
    let gone = crate::support::cluster::wait_until(Duration::from_secs(10), || {
        sandbox_port_free(base) && sandbox_port_free(base + 1)
    });
    assert!(gone, "the nodes it started are shut down");
    assert!(!guard.dir.exists(), "their directory is removed");
}
