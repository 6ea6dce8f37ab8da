//! Self-tests of the redis-server fixture (`support::cluster`): a cluster formed with raw
//! commands must be one that `redis-cli --cluster check` accepts.

use std::process::Command;
use std::time::Duration;

use crate::support::cluster::{
    Layout, Nodes, NodesConfig, key_slot, parse_nodes, slot_ranges, wait_until,
};
use crate::support::servers::on_every_server;

/// Runs `redis-cli --cluster check addr` (with `-a` when a password is given) and asserts exit 0.
fn assert_redis_cli_check(addr: &str, password: Option<&str>) {
    let mut command = Command::new("redis-cli");
    if let Some(password) = password {
        command.args(["--no-auth-warning", "-a", password]);
    }
    let out = command
        .args(["--cluster", "check", addr])
        .output()
        .expect("run redis-cli");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.contains("[OK] All 16384 slots covered."),
        "redis-cli --cluster check {addr} failed ({}):\n{stdout}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Asserts every node's view: ok, all nodes known, slots as redis-cli splits them, replicas
/// pointing at their masters.
fn assert_formed(nodes: &Nodes, masters: usize) {
    let formed_slots = slot_ranges(masters);
    let ids: Vec<String> = nodes.iter().map(|n| n.id()).collect();
    for node in nodes {
        assert_eq!(node.cluster_info_field("cluster_state"), "ok");
        assert_eq!(
            node.cluster_info_field("cluster_known_nodes"),
            nodes.len().to_string()
        );
        assert_eq!(node.cluster_info_field("cluster_slots_assigned"), "16384");
        let lines = parse_nodes(&node.cluster_nodes());
        assert_eq!(lines.len(), nodes.len(), "{}", node.cluster_nodes());
        for (i, id) in ids.iter().enumerate() {
            let line = lines.iter().find(|l| &l.id == id).expect("node known");
            assert!(line.is_settled(), "{line:?}");
            assert!(
                line.addr
                    .starts_with(&format!("{}:{}@", nodes[i].ip(), nodes[i].port())),
                "{line:?}"
            );
            if i < masters {
                assert!(line.has_flag("master"), "{line:?}");
                let (a, b) = formed_slots[i];
                assert_eq!(line.slots, [format!("{a}-{b}")]);
            } else {
                assert!(line.has_flag("slave"), "{line:?}");
                assert_eq!(line.master, ids[(i - masters) % masters]);
            }
        }
    }
}

#[test]
fn three_masters_on_ports() {
    let nodes = Nodes::on_ports(3);
    for node in &nodes {
        assert_eq!(node.ip().to_string(), "127.0.0.1");
        assert!((20000..45000).contains(&node.port()));
    }
    let formed = nodes.form(3);
    assert_eq!(formed.masters, [0, 1, 2]);
    assert!(formed.replicas.is_empty());
    assert_formed(&nodes, 3);
    assert_redis_cli_check(&nodes[0].addr(), None);
}

#[test]
fn six_nodes_on_loopback_ips() {
    let nodes = Nodes::on_loopback_ips(6);
    let ips: Vec<String> = nodes.iter().map(|n| n.ip().to_string()).collect();
    for (node, ip) in nodes.iter().zip(&ips) {
        assert_eq!(node.port(), 6379);
        assert_ne!(ip, "127.0.0.1");
    }
    let mut distinct = ips.clone();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), 6, "{ips:?}");

    let formed = nodes.form(3);
    assert_eq!(formed.replicas, [(3, 0), (4, 1), (5, 2)]);
    assert_eq!(formed.master_of(4), Some(1));
    assert_formed(&nodes, 3);
    assert_redis_cli_check(&nodes[5].addr(), None);

    // Keys land on their owners, and the fixture's slot function agrees with the server's.
    let keys = nodes.fill_keys(500);
    assert_eq!(nodes.key_count(), 500);
    let owners = nodes.slot_owners();
    for key in keys.iter().step_by(50) {
        let slot = key_slot(key.as_bytes());
        assert_eq!(
            nodes[0].cmd_str(&["CLUSTER", "KEYSLOT", key]),
            slot.to_string()
        );
        let owner = &nodes[owners[usize::from(slot)].expect("slot owned")];
        assert!(owner.cmd_str(&["GET", key]).starts_with("value:"));
    }
}

#[test]
fn password_protected_cluster_with_replica() {
    let password = "s3cret";
    let nodes = Nodes::start(NodesConfig {
        password: Some(password.to_owned()),
        ..NodesConfig::new(4, Layout::Ports)
    });
    let formed = nodes.form(3);
    assert_eq!(formed.replicas, [(3, 0)]);
    assert_formed(&nodes, 3);
    assert_redis_cli_check(&nodes[0].addr(), Some(password));
    // The replica authenticates to its master (masterauth) and syncs.
    assert!(
        wait_until(Duration::from_secs(10), || {
            nodes[3]
                .cmd_str(&["INFO", "replication"])
                .contains("master_link_status:up")
        }),
        "{}",
        nodes.logs()
    );
}

#[test]
fn standalone_node() {
    let nodes = Nodes::start(NodesConfig {
        cluster_enabled: false,
        ..NodesConfig::new(1, Layout::Ports)
    });
    assert_eq!(nodes[0].cmd_str(&["PING"]), "PONG");
    assert!(
        nodes[0]
            .cmd_str(&["INFO", "cluster"])
            .contains("cluster_enabled:0")
    );
}

/// The `/proc/<pid>/stat` state letter of a process, or None when it is gone.
fn proc_state(pid: u32) -> Option<char> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    stat.rsplit_once(')')?.1.trim_start().chars().next()
}

#[test]
fn kill_pause_restart_and_drop() {
    let mut nodes = Nodes::on_loopback_ips(2);
    let id = nodes[0].id();

    let pid = nodes[0].pid().expect("running");
    nodes[0].pause();
    assert!(wait_until(Duration::from_secs(5), || proc_state(pid) == Some('T')));
    nodes[0].resume();
    assert_eq!(nodes[0].cmd_str(&["PING"]), "PONG");

    nodes[0].kill();
    assert_eq!(proc_state(pid), None, "killed and reaped");
    assert!(nodes[0].try_cmd(&["PING"]).is_err());
    assert!(nodes[0].dir().join("nodes.conf").exists());

    // Restart on another address: same directory, so same nodes.conf and node ID.
    let new_ip = nodes.spare_ip();
    nodes[0].restart(Some(new_ip));
    assert_eq!(nodes[0].ip(), new_ip);
    assert_eq!(nodes[0].id(), id);
    assert!(
        nodes[0]
            .cluster_nodes()
            .contains(&format!("{new_ip}:6379@16379 myself"))
    );

    let pids: Vec<u32> = nodes.iter().filter_map(|n| n.pid()).collect();
    assert_eq!(pids.len(), 2);
    drop(nodes);
    for pid in pids {
        assert_eq!(proc_state(pid), None, "dropped nodes are killed and reaped");
    }
}

on_every_server! {
    /// Every server of the matrix forms a cluster of pods on loopback IPs with replicas, which
    /// redis-cli 7.0 accepts, and serves its keys.
    fn every_server_forms_pods_with_replicas(server) {
        let nodes = Nodes::start(NodesConfig::on(server, 6, Layout::LoopbackIps));
        let version = nodes[0].cmd_str(&["INFO", "server"]);
        let expected = match server {
            Server::Redis6_2 => "redis_version:6.2.5",
            Server::Redis7_0 => "redis_version:7.0.15",
            Server::Redis8_2 => "redis_version:8.2.3",
            Server::Valkey9_0 => "valkey_version:9.0.0",
            Server::Valkey9_1 => "valkey_version:9.1.2",
        };
        assert!(version.contains(expected), "{server:?}: {version}");
        nodes.form(3);
        assert_formed(&nodes, 3);
        assert_redis_cli_check(&nodes[4].addr(), None);
        nodes.fill_keys(300);
        assert_eq!(nodes.key_count(), 300);
    }
}
