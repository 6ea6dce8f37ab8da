//! `rtrib failover` against real nodes, each on its own loopback IP like a pod: `--from` a
//! master and `--to` a replica on every server of the matrix, `--force` with the master paused,
//! a master without replicas refused, `rebalance-roles` (run, and planned then applied), and a
//! rolling restart of all six nodes with a handover before each stop while a client writes
//! continuously — no acknowledged write lost.

use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::Value as Json;

use crate::support::cluster::{
    Layout, NodeLine, Nodes, NodesConfig, info_field, parse_nodes, value_to_string, wait_until,
};
use crate::support::servers::on_every_server;
use crate::support::writer::Writer;

/// How long a node stays down during the rolling restart.
const DOWN: Duration = Duration::from_secs(3);

/// Runs rtrib and asserts its exit code; returns stdout and stderr.
pub(crate) fn expect(code: i32, args: &[&str]) -> (String, String) {
    crate::support::expect_exit_printed(crate::support::rtrib(), code, args)
}

/// Asserts from every reachable node's own CLUSTER NODES: each `(master, first, last)` is a
/// master serving exactly that range, each `(replica, master)` replicates it.
pub(crate) fn assert_roles(
    nodes: &Nodes,
    masters: &[(usize, u16, u16)],
    replicas: &[(usize, usize)],
) {
    let ids: Vec<String> = nodes.iter().map(|n| n.id()).collect();
    for node in nodes {
        let lines = parse_nodes(&node.cluster_nodes());
        let line = |i: usize| {
            lines
                .iter()
                .find(|l| l.id == ids[i])
                .unwrap_or_else(|| panic!("{} does not list node {i}: {lines:?}", node.addr()))
        };
        for &(m, first, last) in masters {
            let l = line(m);
            assert!(
                l.has_flag("master"),
                "{} sees node {m} as {l:?}",
                node.addr()
            );
            assert_eq!(
                l.slots,
                [format!("{first}-{last}")],
                "{} on node {m}",
                node.addr()
            );
        }
        for &(r, m) in replicas {
            let l = line(r);
            assert!(
                l.has_flag("slave"),
                "{} sees node {r} as {l:?}",
                node.addr()
            );
            assert_eq!(l.master, ids[m], "{} on node {r}'s master", node.addr());
        }
    }
}

/// Waits until every node answers, reports cluster_state:ok, lists every node settled, and
/// every replica's link to its master is up.
pub(crate) fn wait_healthy(nodes: &Nodes) {
    let healthy = wait_until(Duration::from_secs(60), || {
        nodes.iter().all(|n| {
            let text = |args: &[&str]| n.try_cmd(args).map(|v| value_to_string(&v));
            text(&["CLUSTER", "INFO"])
                .is_ok_and(|info| info_field(&info, "cluster_state").as_deref() == Some("ok"))
                && text(&["CLUSTER", "NODES"]).is_ok_and(|view| {
                    let lines = parse_nodes(&view);
                    lines.len() == nodes.len() && lines.iter().all(NodeLine::is_settled)
                })
                && text(&["INFO", "replication"]).is_ok_and(|info| {
                    !info.contains("role:slave") || info.contains("master_link_status:up")
                })
        })
    });
    assert!(
        healthy,
        "the cluster did not become healthy\n{}",
        nodes.logs()
    );
}

/// Six nodes on their own loopback IPs (`extra` settings added), formed into masters 0, 1, 2
/// with replicas 3, 4, 5, holding 300 keys; returns the nodes and the keys with their values.
fn six_pods(nodes: Nodes) -> (Nodes, Vec<(String, String)>) {
    nodes.form(3);
    let pairs: Vec<(String, String)> = (0..300)
        .map(|i| (format!("key:{i}"), format!("value:{i}")))
        .collect();
    nodes.set_keys(&pairs);
    (nodes, pairs)
}

on_every_server! {
    /// `--from` a replica does nothing; `--from` a master hands its slots to its replica (all
    /// keys still there, every view agreeing, the JSON document saying so); `--to` the old
    /// master hands them back; `--to` a master does nothing.
    fn failover_from_a_master_and_to_a_replica(server) {
        let (nodes, pairs) =
            six_pods(Nodes::start(NodesConfig::on(server, 6, Layout::LoopbackIps)));
        let (a, b, c) = ((0, 0, 5460), (1, 5461, 10922), (2, 10923, 16383));

        let (out, _) = expect(0, &["failover", "--from", &nodes[3].addr()]);
        assert!(out.contains("is a replica: nothing to hand over"), "{out}");
        assert_roles(&nodes, &[a, b, c], &[(3, 0), (4, 1), (5, 2)]);

        let (out, _) = expect(0, &["failover", "--from", &nodes[0].addr(), "-o", "json"]);
        let doc: Json = serde_json::from_str(&out).unwrap();
        assert_eq!(doc["outcome"], "failed_over", "{doc}");
        assert_eq!(doc["mode"], "coordinated");
        assert_eq!(doc["master"]["id"], nodes[0].id());
        assert_eq!(doc["replica"]["id"], nodes[3].id());
        assert_eq!(doc["slots"], 5461);
        assert_eq!(doc["other_domain"], true);
        assert_eq!(doc["convergence"]["converged"], true, "{doc}");
        assert_eq!(doc["check"]["healthy"], true, "{doc}");
        assert_roles(&nodes, &[(3, 0, 5460), b, c], &[(0, 3), (4, 1), (5, 2)]);
        nodes.assert_values(&pairs);

        let (out, _) = expect(0, &["failover", "--to", &nodes[0].addr()]);
        assert!(out.contains("took over in"), "{out}");
        assert_roles(&nodes, &[a, b, c], &[(3, 0), (4, 1), (5, 2)]);
        nodes.assert_values(&pairs);

        let (out, _) = expect(0, &["failover", "--to", &nodes[1].addr(), "-o", "json"]);
        let doc: Json = serde_json::from_str(&out).unwrap();
        assert_eq!(doc["outcome"], "nothing_to_do", "{doc}");
        assert_roles(&nodes, &[a, b, c], &[(3, 0), (4, 1), (5, 2)]);
    }

    /// A rolling restart of all six nodes, highest ordinal first, each down a few seconds,
    /// with `failover --from` before each stop, while a client writes continuously: every
    /// acknowledged write reads back, and the cluster ends healthy with the roles swapped.
    fn rolling_restart_with_handover_loses_no_write(server) {
        let config = NodesConfig {
            extra: vec![("appendonly".into(), "yes".into())],
            ..NodesConfig::on(server, 6, Layout::LoopbackIps)
        };
        let (mut nodes, pairs) = six_pods(Nodes::start(config));
        let writer = Writer::start(nodes.addrs());
        for i in (0..nodes.len()).rev() {
            expect(0, &["failover", "--from", &nodes[i].addr()]);
            nodes[i].kill();
            std::thread::sleep(DOWN);
            nodes[i].restart(None);
            wait_healthy(&nodes);
        }
        let written = writer.stop();
        eprintln!("{}", written.summary());
        assert!(written.acked.len() > 100, "{written:?}");
        nodes.assert_values(&written.acked);
        nodes.assert_values(&pairs);
        assert_roles(
            &nodes,
            &[(3, 0, 5460), (4, 5461, 10922), (5, 10923, 16383)],
            &[(0, 3), (1, 4), (2, 5)],
        );
        expect(0, &["check", &nodes[0].addr()]);
    }
}

on_every_server! {
    /// `--to` a replica whose master is paused is refused without `--force` (exit 5, nothing
    /// changed); with `--force` the replica takes over, and the master, resumed, follows it.
    fn force_promotes_a_replica_of_a_paused_master(server) {
        // A node timeout long enough that the cluster does not fail the master over by itself.
        let config = NodesConfig {
            node_timeout_ms: 30_000,
            ..NodesConfig::on(server, 6, Layout::LoopbackIps)
        };
        let (nodes, pairs) = six_pods(Nodes::start(config));
        nodes[0].pause();
        let fast = ["--command-timeout", "1s", "--connect-timeout", "1s"];
        let mut refused = vec!["failover", "--to"];
        let replica = nodes[3].addr();
        refused.push(&replica);
        refused.extend(fast);
        let (_, err) = expect(5, &refused);
        assert!(err.contains("is unreachable or failing"), "{err}");
        assert!(err.contains("--force"), "{err}");
        assert!(nodes[3].cluster_nodes().contains("myself,slave"));

        let child = Command::new(env!("CARGO_BIN_EXE_rtrib"))
            .args([
                "failover",
                "--to",
                &replica,
                "--force",
                "--wait-timeout",
                "60s",
            ])
            .args(fast)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let promoted = wait_until(Duration::from_secs(30), || {
            nodes[3].cluster_nodes().contains("myself,master")
        });
        nodes[0].resume();
        let output = child.wait_with_output().unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(promoted, "{stdout}\n{stderr}\n{}", nodes.logs());
        assert_eq!(output.status.code(), Some(0), "{stdout}\n{stderr}");
        assert!(stdout.contains("CLUSTER FAILOVER FORCE"), "{stdout}");
        assert_roles(
            &nodes,
            &[(3, 0, 5460), (1, 5461, 10922), (2, 10923, 16383)],
            &[(0, 3), (4, 1), (5, 2)],
        );
        nodes.assert_values(&pairs);
    }
}

on_every_server! {
    /// A master with no replica cannot hand over: refused with the reason, exit 5, every node's
    /// view unchanged.
    fn a_master_without_replicas_is_refused(server) {
        let nodes = Nodes::start(NodesConfig::on(server, 3, Layout::LoopbackIps));
        nodes.form(3);
        let before: Vec<String> = nodes.iter().map(|n| n.cluster_nodes()).collect();
        let (_, err) = expect(5, &["failover", "--from", &nodes[0].addr()]);
        assert!(
            err.contains("serves 5461 slots and it has no replica"),
            "{err}"
        );
        assert!(err.contains("nothing was changed"), "{err}");
        assert_roles(
            &nodes,
            &[(0, 0, 5460), (1, 5461, 10922), (2, 10923, 16383)],
            &[],
        );
        let epochs = |views: &[String]| -> Vec<String> {
            views
                .iter()
                .flat_map(|v| {
                    v.lines()
                        .map(|l| l.split(' ').nth(6).unwrap_or_default().to_owned())
                })
                .collect()
        };
        let after: Vec<String> = nodes.iter().map(|n| n.cluster_nodes()).collect();
        assert_eq!(epochs(&before), epochs(&after));
    }
}

/// Failure domains for the six pods: masters 0, 1, 2 on hosts h1, h2, h3; replicas 3 (of 0)
/// on h2, 4 (of 1) on h3, 5 (of 2) on h1: the placement create makes.
fn host_labels(nodes: &Nodes) -> Vec<String> {
    let hosts = ["h1", "h2", "h3", "h2", "h3", "h1"];
    nodes
        .iter()
        .zip(hosts)
        .flat_map(|(node, host)| ["--host-of".to_string(), format!("{}={host}", node.ip())])
        .collect()
}

/// Runs `rebalance-roles` on node 0 with the host labels and `options`; asserts the code.
fn rebalance_roles(nodes: &Nodes, code: i32, options: &[&str]) -> String {
    let labels = host_labels(nodes);
    let mut args = vec!["rebalance-roles", "--wait-timeout", "90s"];
    let seed = nodes[0].addr();
    args.push(&seed);
    args.extend(labels.iter().map(String::as_str));
    args.extend(options);
    expect(code, &args).0
}

on_every_server! {
    /// Two failovers pile two masters onto host h2; rebalance-roles plans one failover back
    /// (dry run and declined: nothing changed), makes it, then finds nothing to do. A replica
    /// moved beside its master (leaving another master without one) is moved back.
    fn rebalance_roles_after_two_failovers_on_one_host(server) {
        let (nodes, pairs) =
            six_pods(Nodes::start(NodesConfig::on(server, 6, Layout::LoopbackIps)));
        let out = rebalance_roles(&nodes, 0, &[]);
        assert!(out.contains("nothing to do"), "{out}");

        expect(0, &["failover", "--to", &nodes[3].addr()]);
        expect(0, &["failover", "--to", &nodes[5].addr()]);
        let piled = [(3, 0, 5460), (1, 5461, 10922), (5, 10923, 16383)];
        let piled_replicas = [(0, 3), (4, 1), (2, 5)];
        assert_roles(&nodes, &piled, &piled_replicas);

        let out = rebalance_roles(&nodes, 0, &["--dry-run", "-o", "json"]);
        let doc: Json = serde_json::from_str(&out).unwrap();
        assert_eq!(doc["outcome"], "dry_run", "{doc}");
        assert_eq!(doc["before"]["masters_sharing_domain"], 1, "{doc}");
        assert_eq!(doc["after"]["masters_sharing_domain"], 0, "{doc}");
        let moves = doc["moves"].as_array().unwrap();
        assert_eq!(moves.len(), 1, "{doc}");
        assert_eq!(moves[0]["kind"], "failover");
        assert_eq!(moves[0]["replica"], nodes[4].id());
        assert_eq!(moves[0]["master"], nodes[1].id());
        // End of input answers no.
        let out = rebalance_roles(&nodes, 1, &[]);
        assert!(out.contains("takes over the slots of"), "{out}");
        assert_roles(&nodes, &piled, &piled_replicas);

        rebalance_roles(&nodes, 0, &["--yes"]);
        let spread = [(3, 0, 5460), (4, 5461, 10922), (5, 10923, 16383)];
        assert_roles(&nodes, &spread, &[(0, 3), (1, 4), (2, 5)]);
        nodes.assert_values(&pairs);
        let out = rebalance_roles(&nodes, 0, &[]);
        assert!(out.contains("nothing to do"), "{out}");

        // Replica 1 (h2) moved beside master 3 (h2), leaving master 4 without a replica.
        nodes[1].cmd(&["CLUSTER", "REPLICATE", &nodes[3].id()]);
        let out = rebalance_roles(&nodes, 0, &["--yes"]);
        assert!(out.contains("replicate:"), "{out}");
        assert_roles(&nodes, &spread, &[(0, 3), (1, 4), (2, 5)]);
        expect(0, &["check", &nodes[0].addr()]);
    }
}

on_every_server! {
    /// `--takeover` promotes a replica without an election: it takes the slots, its master follows
    /// it, every key stays.
    fn takeover_promotes_a_replica_without_an_election(server) {
        let (nodes, pairs) = six_pods(Nodes::start(NodesConfig::on(server, 6, Layout::LoopbackIps)));
        let (out, _) = expect(
            0,
            &[
                "failover",
                "--to",
                &nodes[4].addr(),
                "--takeover",
                "-o",
                "json",
            ],
        );
        let doc: Json = serde_json::from_str(&out).unwrap();
        assert_eq!(doc["mode"], "takeover", "{doc}");
        assert_eq!(doc["master"]["id"], nodes[1].id());
        assert_roles(
            &nodes,
            &[(0, 0, 5460), (4, 5461, 10922), (2, 10923, 16383)],
            &[(3, 0), (1, 4), (5, 2)],
        );
        nodes.assert_values(&pairs);
    }
}

/// With a password, as every command: the handover authenticates to every node it reads and
/// to the replica it promotes.
#[test]
fn failover_with_a_password() {
    let config = NodesConfig {
        password: Some("s3cret".into()),
        ..NodesConfig::new(6, Layout::LoopbackIps)
    };
    let (nodes, pairs) = six_pods(Nodes::start(config));
    let (_, err) = expect(3, &["failover", "--from", &nodes[0].addr()]);
    assert!(
        err.contains("authentication") || err.contains("NOAUTH"),
        "{err}"
    );
    expect(
        0,
        &["--pass", "s3cret", "failover", "--from", &nodes[0].addr()],
    );
    assert_roles(
        &nodes,
        &[(3, 0, 5460), (1, 5461, 10922), (2, 10923, 16383)],
        &[(0, 3), (4, 1), (5, 2)],
    );
    nodes.assert_values(&pairs);
}

on_every_server! {
    /// `rebalance-roles --plan-out` writes the failover back as a plan and changes nothing;
    /// `apply` makes exactly that role change (every node's view), a second apply says it is done,
    /// and a plan made stale by a failover by hand is refused with nothing changed.
    fn rebalance_roles_plan_applied_once_and_refused_when_stale(server) {
        let (nodes, pairs) = six_pods(Nodes::start(NodesConfig::on(server, 6, Layout::LoopbackIps)));
        let dir = tempfile::tempdir().unwrap();
        let plan = dir.path().join("roles.json");
        let plan = plan.to_str().unwrap();
        expect(0, &["failover", "--to", &nodes[3].addr()]);
        expect(0, &["failover", "--to", &nodes[5].addr()]);
        let piled = [(3, 0, 5460), (1, 5461, 10922), (5, 10923, 16383)];
        let piled_replicas = [(0, 3), (4, 1), (2, 5)];
        assert_roles(&nodes, &piled, &piled_replicas);

        let out = rebalance_roles(&nodes, 0, &["--plan-out", plan]);
        assert!(out.contains("Nothing was changed"), "{out}");
        assert_roles(&nodes, &piled, &piled_replicas);
        let doc: Json = serde_json::from_str(&std::fs::read_to_string(plan).unwrap()).unwrap();
        assert_eq!(doc["command"], "rebalance-roles", "{doc}");
        assert_eq!(doc["steps"].as_array().unwrap().len(), 1, "{doc}");
        assert_eq!(doc["steps"][0]["kind"], "failover", "{doc}");
        assert_eq!(doc["steps"][0]["replica"], nodes[4].id(), "{doc}");

        let (out, _) = expect(0, &["apply", plan, "--dry-run"]);
        assert!(out.contains("takes over the slots of"), "{out}");
        assert_roles(&nodes, &piled, &piled_replicas);
        let (out, _) = expect(0, &["apply", plan, "--yes", "-o", "json"]);
        let doc: Json = serde_json::from_str(&out).unwrap();
        assert_eq!(doc["outcome"], "placed", "{doc}");
        assert_eq!(doc["moves"][0]["master"], nodes[1].id(), "{doc}");
        let spread = [(3, 0, 5460), (4, 5461, 10922), (5, 10923, 16383)];
        assert_roles(&nodes, &spread, &[(0, 3), (1, 4), (2, 5)]);
        nodes.assert_values(&pairs);
        let (out, _) = expect(0, &["apply", plan, "--yes"]);
        assert!(out.contains("nothing to do"), "{out}");
        assert_roles(&nodes, &spread, &[(0, 3), (1, 4), (2, 5)]);

        // Pile masters again, plan, then fail over another shard by hand: the plan is stale.
        expect(0, &["failover", "--to", &nodes[1].addr()]);
        assert_roles(&nodes, &piled, &piled_replicas);
        rebalance_roles(&nodes, 0, &["--plan-out", plan]);
        nodes[0].cmd(&["CLUSTER", "FAILOVER"]);
        let by_hand = [(0, 0, 5460), (1, 5461, 10922), (5, 10923, 16383)];
        let by_hand_replicas = [(3, 0), (4, 1), (2, 5)];
        assert!(
            wait_until(Duration::from_secs(30), || {
                nodes.iter().all(|n| {
                    let lines = parse_nodes(&n.cluster_nodes());
                    let is = |i: usize, flag| {
                        lines
                            .iter()
                            .any(|l| l.id == nodes[i].id() && l.has_flag(flag))
                    };
                    is(0, "master") && is(3, "slave")
                })
            }),
            "{}",
            nodes.logs()
        );
        assert_roles(&nodes, &by_hand, &by_hand_replicas);
        let (_, err) = expect(5, &["apply", plan, "--yes"]);
        assert!(err.contains("changed since the plan was made"), "{err}");
        assert!(err.contains("nothing was changed"), "{err}");
        assert_roles(&nodes, &by_hand, &by_hand_replicas);
    }
}
