//! The server matrix: the commands users run most, end to end, on every server rtrib is tested
//! against (Redis 6.2, 7.0 and 8.2, Valkey 9.0 and 9.1; see tests/support/servers.rs). Each test
//! asserts the servers' own state — every node's CLUSTER NODES, slot counts, roles — and every
//! key's value after each change. Other modules add their own `on_every_server!` tests for
//! what they own (failover, rebalancing by load, slot migration methods).

use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::Value as Json;

use crate::converge::agreed_slot_counts;
use crate::heal::{
    assert_everyone_sees_everyone_where_they_are, assert_keys_readable, assert_replica_links_up,
    cluster_with_keys_on, heal,
};
use crate::import::{fill_mixed, snapshot, snapshot_in_cluster};
use crate::migrate::{STATE, assert_keys, freeze_mid_slot, slot_counts};
use crate::support::cluster::{
    Layout, Nodes, NodesConfig, RedisNode, key_slot, parse_nodes, wait_until,
};
use crate::support::expect_exit;
use crate::support::pods::Pods;
use crate::support::servers::on_every_server;

/// Runs rtrib through the pods' DNS and asserts its exit code; returns stdout.
fn expect_pods(pods: &Pods, code: i32, args: &[&str]) -> String {
    expect_exit(pods.rtrib(), code, args)
}

/// Runs rtrib on plain addresses and asserts its exit code; returns stdout.
fn expect(code: i32, args: &[&str]) -> String {
    expect_exit(crate::support::rtrib(), code, args)
}

/// The nodes of `nodes` with the given indices.
fn pick(nodes: &Nodes, indices: impl IntoIterator<Item = usize>) -> Vec<&RedisNode> {
    indices.into_iter().map(|i| &nodes[i]).collect()
}

on_every_server! {
    /// Pods by name, the whole life of a cluster: create with replicas, check and info, a new
    /// master (add-node) with a replica (replicate), reshard onto it, rebalance by weight, drain
    /// it (weight 0), remove both (del-node), call — every view agreeing and every key intact after
    /// each step.
    fn a_cluster_of_pods_lives_from_create_to_del_node(server) {
        const KEYS: usize = 2000;
        let pods = Pods::start_on(server, 8);
        let names = pods.node_args();
        let mut create = vec!["create", "--replicas", "1", "--yes"];
        create.extend(names[..6].iter().map(String::as_str));
        expect_pods(&pods, 0, &create);
        let six = pick(&pods.nodes, 0..6);
        for node in &six {
            assert_eq!(node.cluster_info_field("cluster_state"), "ok");
            let lines = parse_nodes(&node.cluster_nodes());
            assert_eq!(lines.len(), 6, "{}", node.cluster_nodes());
            assert_eq!(lines.iter().filter(|l| l.has_flag("master")).count(), 3);
        }
        pods.nodes.fill_keys(KEYS);
        expect_pods(&pods, 0, &["check", &names[3]]);
        let info: Json = serde_json::from_str(&expect_pods(&pods, 0, &["info", &names[0], "-o", "json"])).unwrap();
        assert_eq!(info["total_keys"], KEYS as u64, "{info:#}");
        assert_eq!(info["masters"].as_array().unwrap().len(), 3, "{info:#}");

        // A new master and its replica.
        expect_pods(&pods, 0, &["add-node", &names[6], &names[0]]);
        expect_pods(&pods, 0, &["replicate", "--master-addr", &names[6], "--slave-addr", &names[7]]);
        let new_master = pods.nodes[6].id();
        let seen_as = parse_nodes(&pods.nodes[0].cluster_nodes());
        assert!(seen_as.iter().any(|l| l.id == pods.nodes[7].id() && l.master == new_master));

        // Some slots onto it, more by weight, then all of them away again.
        expect_pods(&pods, 0, &["reshard", &names[1], "--from", "all", "--to", &names[6], "--slots", "300", "--yes"]);
        assert_eq!(agreed_slot_counts(&pods.nodes)[&new_master], 300);
        // Weight 0.2 against three masters of weight 1: 16384 * 0.2 / 3.2 = 1024 slots.
        let small = format!("{}=0.2", names[6]);
        expect_pods(&pods, 0, &["rebalance", &names[0], "--weight", &small, "--yes"]);
        let counts = agreed_slot_counts(&pods.nodes);
        assert_eq!(counts[&new_master], 1024, "{counts:?}");
        let all: Vec<&RedisNode> = pods.nodes.iter().collect();
        assert_keys(&all, KEYS);
        let drain = format!("{}=0", names[6]);
        expect_pods(&pods, 0, &["rebalance", &names[0], "--weight", &drain, "--yes"]);
        let counts = agreed_slot_counts(&pods.nodes);
        assert_eq!(counts.get(&new_master).copied().unwrap_or(0), 0, "{counts:?}");
        assert_keys(&all, KEYS);

        // Both leave.
        expect_pods(&pods, 0, &["del-node", &names[0], &names[7]]);
        expect_pods(&pods, 0, &["del-node", &names[0], &names[6]]);
        for node in &six {
            let lines = parse_nodes(&node.cluster_nodes());
            assert_eq!(lines.len(), 6, "{}: {}", node.addr(), node.cluster_nodes());
        }
        let ping = expect_pods(&pods, 0, &["call", &names[2], "PING", "-o", "json"]);
        let ping: Json = serde_json::from_str(&ping).unwrap();
        let replies = ping["nodes"].as_array().unwrap();
        assert_eq!(replies.len(), 6, "{ping:#}");
        assert!(replies.iter().all(|n| n["reply"] == "PONG"), "{ping:#}");
        assert_keys(&six, KEYS);
        expect_pods(&pods, 0, &["check", &names[5]]);
    }

    /// A master's pod comes back on a new IP with its data: heal re-joins it, every key
    /// intact and every replica's link up.
    fn heal_rejoins_a_master_restarted_on_a_new_ip(server) {
        let (mut pods, keys) = cluster_with_keys_on(server, 300);
        let new_ip = pods.nodes.spare_ip();
        pods.nodes[0].restart(Some(new_ip));
        pods.dns.set(&Pods::fqdn(0), &[new_ip]);
        let (code, stdout, stderr) = heal(&pods, &[]);
        assert_eq!(code, Some(0), "{stdout}{stderr}");
        assert_everyone_sees_everyone_where_they_are(&pods.nodes);
        assert_keys_readable(&pods.nodes, &keys);
        assert_replica_links_up(&pods.nodes);
    }

    /// fix finishes a slot left half-migrated by hand, then a reshard killed with SIGKILL in
    /// the middle of a slot is finished by running it again: nothing open, every key intact.
    /// Per key on every server (tests/atomic.rs kills atomic runs).
    fn fix_and_a_rerun_finish_interrupted_moves(server) {
        const KEYS: usize = 20_000;
        let nodes = Nodes::start(NodesConfig::on(server, 3, Layout::Ports));
        nodes.form(3);
        nodes.fill_keys(KEYS);
        let (a, b, c) = (&nodes[0], &nodes[1], &nodes[2]);
        let three = pick(&nodes, 0..3);

        // Half-migrated by hand: A MIGRATING to B, B IMPORTING from A, one key already on B.
        let key = (0..KEYS)
            .map(|i| format!("key:{i}"))
            .find(|k| key_slot(k.as_bytes()) < 5461)
            .unwrap();
        let slot = key_slot(key.as_bytes()).to_string();
        b.cmd(&["CLUSTER", "SETSLOT", &slot, "IMPORTING", &a.id()]);
        a.cmd(&["CLUSTER", "SETSLOT", &slot, "MIGRATING", &b.id()]);
        a.cmd(&["MIGRATE", &b.ip().to_string(), &b.port().to_string(), "", "0", "5000", "KEYS", &key]);
        expect(0, &["fix", &c.addr(), "--yes"]);
        for node in &three {
            assert!(!slot_counts(node).1, "{}", node.cluster_nodes());
        }
        assert_keys(&three, KEYS);

        // A reshard killed while a slot is in flight, then run again.
        let args = [
            "reshard", &a.addr(), "--from", "all", "--to", &c.addr(), "--slots", "3000",
            "--yes", "--pipeline", "5", "--parallel", "4", "--migration", "keys",
        ];
        let before = agreed_slot_counts(&nodes)[&c.id()];
        let mut child = Command::new(env!("CARGO_BIN_EXE_rtrib"))
            .env("XDG_STATE_HOME", STATE)
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let started = wait_until(Duration::from_secs(30), || {
            slot_counts(c).0.get(&c.id()).copied().unwrap_or(0) > before + 100
        });
        let frozen = started && freeze_mid_slot(&[a, b], c);
        unsafe { libc::kill(child.id() as i32, libc::SIGKILL) };
        child.wait().unwrap();
        if frozen {
            a.resume();
            b.resume();
        }
        assert!(started, "the reshard did not get going");
        expect(0, &args);
        assert_eq!(agreed_slot_counts(&nodes)[&c.id()], before + 3000);
        assert_keys(&three, KEYS);
    }

    /// import moves a standalone server's keys of every type, with their TTLs, into the
    /// masters owning their slots.
    fn import_moves_a_standalone_servers_keys(server) {
        let cluster = Nodes::start(NodesConfig::on(server, 3, Layout::Ports));
        cluster.form(3);
        let source = Nodes::start(NodesConfig {
            cluster_enabled: false,
            ..NodesConfig::on(server, 1, Layout::Ports)
        });
        let keys = fill_mixed(&source[0], 2000);
        let before = snapshot(&source[0], &keys);
        expect(0, &["import", &cluster[0].addr(), "--from", &source[0].addr()]);
        assert_eq!(snapshot_in_cluster(&cluster, &keys), before);
        assert_eq!(source[0].cmd_str(&["DBSIZE"]), "0");
    }
}
