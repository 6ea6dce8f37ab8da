//! `rtrib heal` and `rtrib wait` against real nodes named through the fake DNS: a master, then
//! every node, restarted on new loopback IPs with their own nodes.conf; a healthy cluster left
//! alone; a dead node forgotten; strangers refused; pods and names that come late or never.

use std::time::{Duration, Instant};

use serde_json::Value;

use crate::support::cluster::{
    Nodes, NodesConfig, info_field, parse_nodes, value_to_string, wait_until,
};
use crate::support::pods::Pods;
use crate::support::servers::Server;

/// Runs `rtrib heal` on every pod by name with `options`: exit code, stdout, stderr.
pub(crate) fn heal(pods: &Pods, options: &[&str]) -> (Option<i32>, String, String) {
    let output = pods
        .rtrib()
        .arg("heal")
        .args(pods.node_args())
        .args(options)
        .output()
        .unwrap();
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Asserts, from every node's own CLUSTER NODES, that it lists every node (and only them) at
/// its current address, settled, with no handshake in progress.
pub(crate) fn assert_everyone_sees_everyone_where_they_are(nodes: &Nodes) {
    let current: Vec<(String, String)> = nodes
        .iter()
        .map(|n| (n.id(), format!("{}@{}", n.addr(), n.bus_port())))
        .collect();
    for node in nodes {
        let lines = parse_nodes(&node.cluster_nodes());
        let mut seen: Vec<(String, String)> = lines
            .iter()
            .map(|l| (l.id.clone(), l.addr.clone()))
            .collect();
        seen.sort();
        let mut expected = current.clone();
        expected.sort();
        assert_eq!(seen, expected, "{} view", node.addr());
        assert!(
            lines.iter().all(|l| l.is_settled()),
            "{}: {lines:?}",
            node.addr()
        );
    }
}

/// Asserts that every key reads back its value from the node serving its slot now.
pub(crate) fn assert_keys_readable(nodes: &Nodes, keys: &[String]) {
    let owners = nodes.slot_owners();
    for (i, key) in keys.iter().enumerate() {
        let slot = crate::support::cluster::key_slot(key.as_bytes());
        let owner = owners[usize::from(slot)].unwrap_or_else(|| panic!("slot {slot} unowned"));
        assert_eq!(
            nodes[owner].cmd_str(&["GET", key]),
            format!("value:{i}"),
            "{key} on {}",
            nodes[owner].addr()
        );
    }
}

pub(crate) fn assert_replica_links_up(nodes: &Nodes) {
    for node in nodes {
        let info = node.cmd_str(&["INFO", "replication"]);
        if info.contains("role:slave") {
            assert!(
                info.contains("master_link_status:up"),
                "{}: {info}",
                node.addr()
            );
        }
    }
}

pub(crate) fn assert_check_passes(pods: &Pods) {
    pods.rtrib()
        .args(["check", &pods.node_args()[0]])
        .assert()
        .code(0);
}

/// The six pods formed into 3 masters with a replica each, holding `keys` keys saved to disk
/// (the pods' data survives restarts).
fn cluster_with_keys(keys: usize) -> (Pods, Vec<String>) {
    cluster_with_keys_on(Server::from_env(), keys)
}

/// [`cluster_with_keys`] on `server`.
pub(crate) fn cluster_with_keys_on(server: Server, keys: usize) -> (Pods, Vec<String>) {
    let pods = Pods::start_on(server, 6);
    pods.nodes.form(3);
    let keys = pods.nodes.fill_keys(keys);
    // Replicas must hold the keys before they are saved.
    for node in &pods.nodes {
        assert!(wait_until(Duration::from_secs(10), || {
            let info = node.cmd_str(&["INFO", "replication"]);
            !info.contains("role:slave") || info.contains("master_link_status:up")
        }));
    }
    let total = || -> usize {
        pods.nodes
            .iter()
            .map(|n| n.cmd_str(&["DBSIZE"]).parse::<usize>().unwrap())
            .sum()
    };
    assert!(
        wait_until(Duration::from_secs(10), || total() == 2 * keys.len()),
        "every key on its master and its replica"
    );
    for node in &pods.nodes {
        node.cmd(&["SAVE"]);
    }
    (pods, keys)
}

/// `cluster_stats_messages_meet_sent` of every node (absent until a node sends its first).
fn meets_sent(nodes: &Nodes) -> Vec<String> {
    nodes
        .iter()
        .map(|n| {
            info_field(
                &n.cmd_str(&["CLUSTER", "INFO"]),
                "cluster_stats_messages_meet_sent",
            )
            .unwrap_or_else(|| "0".to_string())
        })
        .collect()
}

/// Stops every pod, then starts each again on a new IP, its name published there.
fn restart_every_node_on_a_new_ip(pods: &mut Pods) {
    for i in 0..pods.nodes.len() {
        pods.nodes[i].kill();
    }
    for i in 0..pods.nodes.len() {
        let new_ip = pods.nodes.spare_ip();
        pods.nodes[i].restart(Some(new_ip));
        pods.dns.set(&Pods::fqdn(i), &[new_ip]);
    }
}

#[test]
fn heal_after_a_master_restarts_on_a_new_ip() {
    let (mut pods, keys) = cluster_with_keys(200);
    let old_ip = pods.nodes[0].ip();
    let new_ip = pods.nodes.spare_ip();
    pods.nodes[0].restart(Some(new_ip));
    pods.dns.set(&Pods::fqdn(0), &[new_ip]);

    let (code, stdout, stderr) = heal(&pods, &[]);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert!(stdout.contains("[OK] All 16384 slots covered."), "{stdout}");
    assert_everyone_sees_everyone_where_they_are(&pods.nodes);
    for node in &pods.nodes {
        assert!(
            !node.cluster_nodes().contains(&format!("{old_ip}:")),
            "{} still lists {old_ip}",
            node.addr()
        );
    }
    assert_keys_readable(&pods.nodes, &keys);
    assert_replica_links_up(&pods.nodes);
    assert_check_passes(&pods);
}

#[test]
fn heal_after_every_node_restarts_on_a_new_ip() {
    let (mut pods, keys) = cluster_with_keys(300);
    restart_every_node_on_a_new_ip(&mut pods);
    // Nobody can reach anybody: every node lists every other at its old address.
    for node in &pods.nodes {
        let view = node.cluster_nodes();
        assert!(
            pods.nodes
                .iter()
                .all(|n| n.id() == node.id() || !view.contains(&n.addr()))
        );
    }

    let started = Instant::now();
    let (code, stdout, stderr) = heal(&pods, &["-o", "json"]);
    eprintln!("heal after a full restart took {:?}", started.elapsed());
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    let document: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(document["outcome"], "healed");
    assert_eq!(
        document["meets"].as_array().unwrap().len(),
        30,
        "all to all"
    );
    assert_eq!(document["check"]["healthy"], true);

    assert_everyone_sees_everyone_where_they_are(&pods.nodes);
    for node in &pods.nodes {
        assert_eq!(node.cluster_info_field("cluster_state"), "ok");
    }
    assert_keys_readable(&pods.nodes, &keys);
    assert_replica_links_up(&pods.nodes);
    assert_check_passes(&pods);
}

#[test]
fn heal_after_eighteen_nodes_restart_on_new_ips_paces_its_meets() {
    // Beyond 16 nodes, heal MEETs the seeds first and a bounded number of other pairs per
    // node and round, not every pair at once.
    let mut pods = Pods::start(18);
    pods.nodes.form(9);
    restart_every_node_on_a_new_ip(&mut pods);
    let (code, stdout, stderr) = heal(&pods, &[]);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    // 18 × 17 stale sightings; the first round sends the seeds' pairs and a few others.
    let sent: usize = stdout
        .split("Sending ")
        .nth(1)
        .and_then(|rest| rest.split(' ').next())
        .and_then(|count| count.parse().ok())
        .unwrap_or_else(|| panic!("{stdout}"));
    assert!(sent < 18 * 17 / 2, "{stdout}");
    assert_everyone_sees_everyone_where_they_are(&pods.nodes);
    for node in &pods.nodes {
        assert_eq!(node.cluster_info_field("cluster_state"), "ok");
    }
    assert_replica_links_up(&pods.nodes);
    assert_check_passes(&pods);
}

#[test]
fn heal_on_a_healthy_cluster_sends_nothing() {
    let pods = Pods::start(6);
    pods.nodes.form(3);
    let epochs: Vec<String> = pods
        .nodes
        .iter()
        .map(|n| n.cluster_info_field("cluster_current_epoch"))
        .collect();
    let meets_before = meets_sent(&pods.nodes);

    let (code, stdout, stderr) = heal(&pods, &["--forget-ghosts"]);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert!(
        stdout.starts_with(
            "[OK] All nodes see each other at their current addresses: nothing to heal.\n"
        ),
        "{stdout}"
    );
    let (code, stdout, _) = heal(&pods, &["-o", "json"]);
    assert_eq!(code, Some(0));
    let document: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(document["outcome"], "nothing_to_do");
    assert_eq!(document["meets"], Value::Array(Vec::new()));

    assert_eq!(meets_sent(&pods.nodes), meets_before, "no MEET was sent");
    let epochs_after: Vec<String> = pods
        .nodes
        .iter()
        .map(|n| n.cluster_info_field("cluster_current_epoch"))
        .collect();
    assert_eq!(epochs_after, epochs);
    assert_everyone_sees_everyone_where_they_are(&pods.nodes);
}

#[test]
fn forget_ghosts_removes_a_dead_nodes_entry() {
    let mut pods = Pods::start(4);
    pods.nodes.form(3);
    let dead_id = pods.nodes[3].id();
    pods.nodes[3].kill();
    let live = [0, 1, 2];
    let flagged = wait_until(Duration::from_secs(20), || {
        live.iter().all(|&i| {
            parse_nodes(&pods.nodes[i].cluster_nodes())
                .iter()
                .any(|l| l.id == dead_id && l.has_flag("fail"))
        })
    });
    assert!(flagged, "the dead replica is flagged fail everywhere");

    let output = pods
        .rtrib()
        .arg("heal")
        .args(&pods.node_args()[..3])
        .arg("--forget-ghosts")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("Forgetting 1 node(s)"), "{stdout}");
    // Gone everywhere, and gossip does not bring it back.
    for _ in 0..2 {
        for &i in &live {
            let view = pods.nodes[i].cluster_nodes();
            assert!(!view.contains(&dead_id), "{}: {view}", pods.nodes[i].addr());
            assert_eq!(pods.nodes[i].cluster_info_field("cluster_known_nodes"), "3");
        }
        std::thread::sleep(Duration::from_millis(1500));
    }
}

#[test]
fn strangers_are_refused_and_nothing_is_sent() {
    let pods = Pods::start(3);
    pods.nodes.form(3);
    let others = Nodes::start(NodesConfig::default());
    // others[0] is a one-node cluster of its own; others[1] is an empty node.
    others[0].add_slots(0, 16383);
    let before = meets_sent(&pods.nodes);
    let mut args = pods.node_args();
    args.push(others[0].addr());
    pods.rtrib()
        .arg("heal")
        .args(&args)
        .assert()
        .code(6)
        .stderr(predicates::str::contains("belongs to another cluster"));
    args.pop();
    args.push(others[1].addr());
    pods.rtrib()
        .arg("heal")
        .args(&args)
        .assert()
        .code(5)
        .stderr(predicates::str::contains("is not a member of this cluster"));
    assert_eq!(meets_sent(&pods.nodes), before);
    assert_eq!(others[0].cluster_info_field("cluster_known_nodes"), "1");
    assert_eq!(others[1].cluster_info_field("cluster_known_nodes"), "1");
}

#[test]
fn wait_for_a_late_pod_and_a_late_name() {
    let mut pods = Pods::start(3);
    pods.nodes[1].kill();
    pods.dns.remove(&Pods::fqdn(2));
    let mut command = pods.rtrib();
    command
        .arg("wait")
        .args(pods.node_args())
        .args(["--timeout", "30s"]);
    // The command runs on a helper thread: nodes must be restarted on the thread that owns
    // them (see the fixture's PDEATHSIG note).
    let started = Instant::now();
    let run = std::thread::spawn(move || command.output().unwrap());
    std::thread::sleep(Duration::from_millis(1500));
    pods.nodes[1].restart(None);
    pods.dns.set(&Pods::fqdn(2), &[pods.nodes[2].ip()]);
    let output = run.join().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(started.elapsed() >= Duration::from_millis(1500));
    assert!(stdout.contains("connection refused"), "{stdout}");
    for i in 0..3 {
        let ready = format!("{} ({}) is ready", Pods::fqdn(i), pods.nodes[i].addr());
        assert!(stdout.contains(&ready), "{ready} in {stdout}");
    }
    assert!(stdout.contains("[OK] All 3 node(s) are ready"), "{stdout}");
    for node in &pods.nodes {
        assert_eq!(value_to_string(&node.cmd(&["PING"])), "PONG");
    }
}

#[test]
fn wait_for_a_node_that_never_comes_times_out_naming_it() {
    let pods = Pods::start(1);
    let started = Instant::now();
    let output = pods
        .rtrib()
        .arg("wait")
        .arg(&pods.node_args()[0])
        .arg("redis-app-9.redis-service:6379")
        .args(["--timeout", "2s"])
        .output()
        .unwrap();
    let elapsed = started.elapsed();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(4), "{stderr}");
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
    assert!(
        stderr.contains("redis-app-9.redis-service:6379: its name does not resolve"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("redis-app-0"),
        "the ready node is not named: {stderr}"
    );

    let output = pods
        .rtrib()
        .args(["wait", "--timeout", "1s", "-o", "json"])
        .arg(&pods.node_args()[0])
        .arg(format!(
            "127.0.0.1:{}",
            crate::support::cluster::free_port()
        ))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(4));
    let document: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(document["outcome"], "timeout");
    assert_eq!(document["nodes"][0]["ready"], true);
    assert_eq!(document["nodes"][1]["ready"], false);
    assert!(
        document["nodes"][1]["waiting_for"]
            .as_str()
            .unwrap()
            .starts_with("connection refused"),
        "{document}"
    );
}

#[test]
fn wait_for_cluster_ok_on_a_formed_cluster() {
    let pods = Pods::start(3);
    pods.nodes.form(3);
    let output = pods
        .rtrib()
        .arg("wait")
        .args(pods.node_args())
        .args(["--for", "cluster-ok", "--timeout", "10s", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let document: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(document["outcome"], "ready");
    assert_eq!(document["for"], "cluster-ok");
    assert_eq!(document["nodes"].as_array().unwrap().len(), 3);
    for node in &pods.nodes {
        assert_eq!(node.cluster_info_field("cluster_state"), "ok");
    }
}
