//! Node-health findings neither refuse nor fail a change; a weight naming a replica takes no
//! part. The cases of the peers' own tests, run with rtrib in place of valkey-cli/redis-cli, on
//! every server of the matrix: Valkey 8.0.1's `tests/unit/cluster/replica-migration.tcl` (a
//! rebalance draining a master while its replica's bus drops PONGs, so that it flags its peers
//! `fail?`; replicas migrating to a master stuck in a save, then that master dead and flagged
//! `fail`) and Redis 7.0.15's `tests/cluster/tests/12-replica-migration-2.tcl` (a drained master
//! turned replica, then named by `--weight`). Each asserts the exit code and the servers' own
//! state: roles, slots moved, every node's view agreeing, every key intact.

use std::time::Duration;

use redis::Value;

use crate::migrate::slot_counts;
use crate::support::cluster::{
    Layout, Nodes, NodesConfig, RedisNode, Server, info_field, key_slot, parse_nodes,
    value_to_string, wait_until,
};
use crate::support::servers::on_every_server;

/// How long the servers may take to fail over or migrate a replica (the tcl tests: 50 s).
const ROLES_SETTLE: Duration = Duration::from_secs(50);

/// The Valkey tests' cluster: 4 masters and 4 replicas (`cluster-node-timeout 1000`,
/// `cluster-migration-barrier 999`), slots 1-16383 split over masters 0-2 and slot 0 alone on
/// master 3 (`my_slot_allocation`), replica 4 + i following master i.
fn valkey_cluster(server: Server) -> Nodes {
    let nodes = Nodes::start(NodesConfig {
        node_timeout_ms: 1000,
        extra: vec![("cluster-migration-barrier".into(), "999".into())],
        ..NodesConfig::on(server, 8, Layout::Ports)
    });
    nodes.form_with(&[(1, 5461), (5462, 10922), (10923, 16383), (0, 0)]);
    nodes
}

/// Runs rtrib as the tcl suites `exec` it: asserts exit 0 and nothing on stderr (`exec` fails on
/// any stderr output); returns stdout.
fn quiet(args: &[&str]) -> String {
    let (code, stdout, stderr) = crate::migrate::run(args);
    assert_eq!(code, Some(0), "rtrib {args:?}\n{stdout}\n{stderr}");
    assert!(
        stderr.is_empty(),
        "rtrib {args:?} wrote on stderr:\n{stderr}"
    );
    stdout
}

/// `INCR key` `times` times on `node`, in one pipeline (the tcl tests' way of writing a
/// replication offset).
fn incr(node: &RedisNode, key: &str, times: usize) {
    let mut pipe = redis::pipe();
    for _ in 0..times {
        pipe.cmd("INCR").arg(key).ignore();
    }
    node.with_conn(|conn| pipe.exec(conn)).unwrap();
}

/// `ROLE`'s first word, and for a replica its master's `ip:port`.
fn role(node: &RedisNode) -> (String, Option<String>) {
    let Value::Array(fields) = node.cmd(&["ROLE"]) else {
        panic!("ROLE is an array");
    };
    let words: Vec<String> = fields.iter().map(value_to_string).collect();
    match words[0].as_str() {
        "slave" => ("slave".into(), Some(format!("{}:{}", words[1], words[2]))),
        other => (other.into(), None),
    }
}

/// `INFO replication`'s `connected_slaves`.
fn connected_replicas(node: &RedisNode) -> String {
    info_field(&node.cmd_str(&["INFO", "replication"]), "connected_slaves").unwrap_or_default()
}

/// Whether `node`'s own view flags some peer `fail?`.
fn flags_a_peer_pfail(node: &RedisNode) -> bool {
    parse_nodes(&node.cluster_nodes())
        .iter()
        .any(|line| line.has_flag("fail?"))
}

/// The ID of the master serving `slot` in `node`'s own view.
fn owner_in_view(node: &RedisNode, slot: u16) -> String {
    let serves = |field: &str| match field.split_once('-') {
        Some((first, last)) => {
            first.parse::<u16>().is_ok_and(|first| first <= slot)
                && last.parse::<u16>().is_ok_and(|last| slot <= last)
        }
        None => field.parse::<u16>() == Ok(slot),
    };
    parse_nodes(&node.cluster_nodes())
        .into_iter()
        .find(|line| line.has_flag("master") && line.slots.iter().any(|f| serves(f)))
        .map(|line| line.id)
        .unwrap_or_else(|| panic!("nobody serves {slot}:\n{}", node.cluster_nodes()))
}

/// Asserts that the nodes that answer agree about every master's slot count, all 16384
/// assigned and none open (waiting a little for gossip); returns node `seed`'s counts by ID.
fn assert_views_agree(
    nodes: &[&RedisNode],
    seed: &RedisNode,
) -> std::collections::HashMap<String, usize> {
    let agreed = wait_until(Duration::from_secs(10), || {
        let (reference, _) = slot_counts(seed);
        nodes.iter().all(|node| {
            let (counts, open) = slot_counts(node);
            !open && counts == reference && counts.values().sum::<usize>() == 16384
        })
    });
    let views: String = nodes.iter().map(|n| n.cluster_nodes() + "\n").collect();
    assert!(agreed, "views disagree or slots are open:\n{views}");
    slot_counts(seed).0
}

on_every_server! {
    /// Valkey's "valkey-cli make source node ignores NOREPLICAS error when doing the last
    /// CLUSTER SETSLOT": master 3 (`cluster-allow-replica-migration no`) is drained by
    /// `rebalance --cluster-weight <3>=0` while its replica 7 drops every PONG (`DEBUG
    /// DROP-CLUSTER-PACKET-FILTER 1`, the "setslot" case; with a short node timeout it flags
    /// all its peers `fail?`). Before it, a 10-slot reshard. Both exit 0 (they refused with
    /// exit 5 while the replica's flags counted as problems); master 3 ends an empty master
    /// without replicas, replica 7 follows master 0, every view (replica 7's too) agrees, every
    /// key reads back. Redis 6.2 has no such DEBUG subcommand: there it is the "gossip" case,
    /// without the filter.
    fn a_rebalance_drains_a_master_while_its_replica_drops_pongs(server) {
        let nodes = valkey_cluster(server);
        let pairs: Vec<(String, String)> = (0..2_000)
            .map(|i| (format!("key:{i}"), format!("value:{i}")))
            .collect();
        nodes.set_keys(&pairs);
        nodes[3].cmd(&["CONFIG", "SET", "cluster-allow-replica-migration", "no"]);
        nodes[7].cmd(&["CONFIG", "SET", "cluster-allow-replica-migration", "yes"]);
        let drops_pongs = nodes[7]
            .try_cmd(&["DEBUG", "DROP-CLUSTER-PACKET-FILTER", "1"])
            .is_ok();
        assert_eq!(drops_pongs, server != Server::Redis6_2, "DEBUG DROP-CLUSTER-PACKET-FILTER");
        if drops_pongs {
            nodes[7].cmd(&["CONFIG", "SET", "cluster-node-timeout", "50"]);
            assert!(
                wait_until(Duration::from_secs(10), || flags_a_peer_pfail(&nodes[7])),
                "{}",
                nodes[7].cluster_nodes()
            );
        }
        let seed = nodes[0].addr();
        let flagged = format!("fail? by {}", nodes[7].addr());

        let (from, to) = (nodes[1].id(), nodes[2].id());
        let out = quiet(
            &["reshard", &seed, "--from", &from, "--to", &to, "--slots", "10", "--yes"],
        );
        if drops_pongs {
            assert!(out.contains(&flagged), "{out}");
        }
        let counts = assert_views_agree(&nodes.iter().collect::<Vec<_>>(), &nodes[0]);
        assert_eq!(counts[&from], 5461 - 10);
        assert_eq!(counts[&to], 5461 + 10);
        nodes.assert_values(&pairs);

        let drained = nodes[3].id();
        let weight = format!("{drained}=0");
        let out = quiet(&["--cluster", "rebalance", &seed, "--cluster-weight", &weight]);
        if drops_pongs {
            assert!(out.contains(&flagged), "{out}");
        }
        let settled = wait_until(ROLES_SETTLE, || {
            role(&nodes[3]).0 == "master"
                && connected_replicas(&nodes[3]) == "0"
                && role(&nodes[7]) == ("slave".into(), Some(seed.clone()))
        });
        assert!(
            settled,
            "3: {:?}, 7: {:?}\n{}",
            role(&nodes[3]),
            role(&nodes[7]),
            nodes.logs()
        );
        let counts = assert_views_agree(&nodes.iter().collect::<Vec<_>>(), &nodes[0]);
        assert_eq!(counts.get(&drained).copied().unwrap_or(0), 0, "{counts:?}");
        assert_eq!(counts.values().sum::<usize>(), 16384);
        nodes.assert_values(&pairs);

        if drops_pongs {
            // `check` still judges the flags: a problem (exit 1), as before.
            let judged = wait_until(Duration::from_secs(10), || {
                let (code, stdout, _) = crate::migrate::run(&["check", &seed]);
                code == Some(1) && stdout.contains(&flagged)
            });
            assert!(judged, "check did not report {flagged}");
        }
    }
}

on_every_server! {
    /// Valkey's "Migrated replica reports zero repl offset and rank, and fails to win election
    /// - shutdown": master 0 hangs in every save (`rdb-key-save-delay`), master 3 is drained
    /// onto it by `rebalance --cluster-weight <3>=0` (exit 0) and, with its replica, turns into
    /// a replica of master 0, whose syncs never end. Master 0 dies and a replica takes its
    /// slots (on Valkey replica 4, nodes 3 and 7 following it with every key: the fix that test
    /// checks). Then, with the dead master flagged `fail` in every view and unreachable, a
    /// 10-slot reshard between masters 1 and 2 goes ahead (exit 0; it refused with exit 5 while
    /// those findings counted as problems), its keys intact, and `check` still exits 1.
    fn replicas_migrate_after_a_drain_and_a_dead_master_does_not_stop_a_reshard(server) {
        let mut nodes = valkey_cluster(server);
        // Keys in the slots of masters 1 and 2, which the reshard moves between them.
        let pairs: Vec<(String, String)> = (0..4_000)
            .map(|i| (format!("key:{i}"), format!("value:{i}")))
            .filter(|(key, _)| key_slot(key.as_bytes()) > 5461)
            .collect();
        nodes.set_keys(&pairs);
        // key_991803 is in slot 1 (master 0), key_977613 in slot 0 (master 3).
        incr(&nodes[0], "key_991803", 1024);
        incr(&nodes[3], "key_977613", 10240);
        nodes[0].cmd(&["CONFIG", "SET", "rdb-key-save-delay", "100000000"]);
        let seed = nodes[0].addr();
        let weight = format!("{}=0", nodes[3].id());
        quiet(&["--cluster", "rebalance", &seed, "--cluster-weight", &weight]);
        assert_eq!(owner_in_view(&nodes[1], 0), nodes[0].id());

        for i in [3, 7] {
            nodes[i].cmd(&["CONFIG", "SET", "cluster-replica-validity-factor", "0"]);
            nodes[i].cmd(&["CONFIG", "SET", "cluster-allow-replica-migration", "yes"]);
        }
        let dead = nodes[0].addr();
        let dead_id = nodes[0].id();
        nodes[0].kill();
        let taken_over = wait_until(ROLES_SETTLE, || {
            owner_in_view(&nodes[1], 1) != dead_id
                && (1..8).all(|i| nodes[i].cluster_info_field("cluster_state") == "ok")
        });
        let roles = || -> Vec<_> { [3, 4, 7].iter().map(|&i| role(&nodes[i])).collect() };
        assert!(taken_over, "{:?}\n{}", roles(), nodes.logs());
        if server.is_valkey() {
            let settled = wait_until(ROLES_SETTLE, || {
                role(&nodes[4]).0 == "master"
                    && role(&nodes[3]).0 == "slave"
                    && role(&nodes[7]).0 == "slave"
            });
            assert!(settled, "{:?}", roles());
            let consistent = wait_until(ROLES_SETTLE, || {
                [3, 4, 7].iter().all(|&i| {
                    nodes[i].cmd(&["READONLY"]);
                    nodes[i].cmd_str(&["GET", "key_991803"]) == "1024"
                        && nodes[i].cmd_str(&["GET", "key_977613"]) == "10240"
                })
            });
            assert!(consistent, "the keys are not consistent\n{}", nodes.logs());
        }
        let flagged = format!("[WARNING] Node {dead} (");
        let every_view_flags_it = wait_until(ROLES_SETTLE, || {
            (1..8).all(|i| {
                parse_nodes(&nodes[i].cluster_nodes())
                    .iter()
                    .any(|line| line.addr.starts_with(&format!("{dead}@")) && line.has_flag("fail"))
            })
        });
        assert!(every_view_flags_it, "{}", nodes[1].cluster_nodes());

        let seed = nodes[1].addr();
        let (from, to) = (nodes[1].id(), nodes[2].id());
        let out = quiet(
            &["reshard", &seed, "--from", &from, "--to", &to, "--slots", "10", "--yes"],
        );
        assert!(out.contains(&flagged) && out.contains("flagged fail"), "{out}");
        let live: Vec<&RedisNode> = (1..8).map(|i| &nodes[i]).collect();
        let counts = assert_views_agree(&live, &nodes[1]);
        assert_eq!(counts[&from], 5461 - 10);
        assert_eq!(counts[&to], 5461 + 10);
        for (key, value) in &pairs {
            let owner = owner_in_view(&nodes[1], key_slot(key.as_bytes()));
            let node = live.iter().find(|n| n.id() == owner).expect("a live owner");
            assert_eq!(&node.cmd_str(&["GET", key]), value, "{key}");
        }

        let (code, stdout, _) = crate::migrate::run(&["check", &seed]);
        assert_eq!(code, Some(1), "{stdout}");
        assert!(stdout.contains(&flagged), "{stdout}");
    }
}

on_every_server! {
    /// Redis's "Resharding back some slot to master #0": master 0, drained by `rebalance
    /// --cluster-weight <0>=0`, turns into a replica; then `rebalance --cluster-weight <0>=.01
    /// --cluster-use-empty-masters` exits 0 (it exited 2: "No such master node ... is a
    /// replica"), warning that the weight takes no part, as redis-cli ignores it. Every view
    /// agrees, every key reads back. A name of no node stays an error.
    fn a_weight_naming_a_drained_master_turned_replica_takes_no_part(server) {
        let nodes = Nodes::start(NodesConfig::on(server, 9, Layout::Ports));
        nodes.form(3);
        let pairs: Vec<(String, String)> = (0..2_000)
            .map(|i| (format!("key:{i}"), format!("value:{i}")))
            .collect();
        nodes.set_keys(&pairs);
        for node in nodes.iter() {
            node.cmd(&["CONFIG", "SET", "cluster-allow-replica-migration", "yes"]);
        }
        let seed = nodes[0].addr();
        let master0 = nodes[0].id();
        let drain = format!("{master0}=0");
        quiet(&["--cluster", "rebalance", &seed, "--cluster-weight", &drain]);
        if server == Server::Redis6_2 {
            // Redis 6.2 may leave the drained master an empty master: made a replica by hand
            // there, as later servers make it at once.
            let drained = wait_until(ROLES_SETTLE, || {
                slot_counts(&nodes[1]).0.get(&master0).copied().unwrap_or(0) == 0
            });
            assert!(drained, "{}", nodes[1].cluster_nodes());
            if role(&nodes[0]).0 == "master" {
                nodes[0].cmd(&["CLUSTER", "REPLICATE", &nodes[1].id()]);
            }
        }
        let turned = wait_until(ROLES_SETTLE, || role(&nodes[0]).0 == "slave");
        assert!(turned, "master #0 did not turn into a replica\n{}", nodes.logs());

        let back = format!("{master0}=.01");
        let (code, stdout, stderr) = crate::migrate::run(&[
            "--cluster",
            "rebalance",
            &seed,
            "--cluster-weight",
            &back,
            "--cluster-use-empty-masters",
        ]);
        assert_eq!(code, Some(0), "{stdout}\n{stderr}");
        // On stdout, as redis-cli warns: the tcl suites' `exec` fails on any stderr output.
        assert!(stderr.is_empty(), "{stderr}");
        let warning = format!("[WARNING] --weight {master0}=0.01: node {master0} (");
        assert!(stdout.contains(&warning), "{stdout}");
        assert!(stdout.contains("is a replica"), "{stdout}");
        assert_eq!(role(&nodes[0]).0, "slave");
        let counts = assert_views_agree(&nodes.iter().collect::<Vec<_>>(), &nodes[1]);
        assert_eq!(counts.get(&master0), None, "{counts:?}");
        nodes.assert_values(&pairs);

        let (code, _, stderr) = crate::migrate::run(&[
            "--cluster",
            "rebalance",
            &seed,
            "--cluster-weight",
            "ffffff=2",
        ]);
        assert_eq!(code, Some(2), "{stderr}");
        assert!(stderr.contains("No such master node ffffff"), "{stderr}");
    }
}
