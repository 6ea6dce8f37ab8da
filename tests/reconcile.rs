//! `rtrib reconcile`: StatefulSet-shaped pods (loopback IPs behind the fake DNS) scaled out
//! and in, asserting the servers' own state after each step.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Stdio;
use std::time::Duration;

use crate::plans::views;
use crate::support::cluster::{RedisNode, parse_nodes, wait_until};
use crate::support::expect_exit;
use crate::support::pods::Pods;
use crate::support::servers::{Server, on_every_server};
use crate::support::writer::Writer;

/// Keys written once the cluster exists, checked after every step.
const KEYS: usize = 2000;

/// `reconcile --replicas 1 --yes` on pods `0..count`, expecting `code`; returns stdout.
fn reconcile(pods: &Pods, count: usize, code: i32) -> String {
    reconcile_with(pods, count, code, &[])
}

fn reconcile_with(pods: &Pods, count: usize, code: i32, extra: &[&str]) -> String {
    reconcile_replicas(pods, count, 1, code, extra)
}

/// `reconcile --replicas REPLICAS --yes` on pods `0..count`, expecting `code`.
fn reconcile_replicas(
    pods: &Pods,
    count: usize,
    replicas: usize,
    code: i32,
    extra: &[&str],
) -> String {
    let names: Vec<String> = pods.node_args().into_iter().take(count).collect();
    let replicas = replicas.to_string();
    let mut args: Vec<&str> = vec!["reconcile"];
    args.extend(names.iter().map(String::as_str));
    args.extend(["--replicas", &replicas, "--yes"]);
    args.extend(extra);
    expect_exit(pods.rtrib(), code, &args)
}

/// Counts the slot fields of a `CLUSTER NODES` line (`0-5460`, `5461`; open slots skipped).
fn slot_count(fields: &[String]) -> usize {
    fields
        .iter()
        .filter(|f| !f.starts_with('['))
        .map(|f| match f.split_once('-') {
            Some((a, b)) => b.parse::<usize>().unwrap() - a.parse::<usize>().unwrap() + 1,
            None => 1,
        })
        .sum()
}

/// Asserts from every member's own view: state ok, exactly the members known and settled,
/// `masters` masters with their slots within 1% of an even share, each with a replica on
/// another IP (when there are more members than masters); every pod in `gone` reset (it
/// knows only itself).
fn assert_shape(pods: &Pods, members: usize, masters: usize, gone: &[usize]) {
    assert_members(pods, members, masters, gone, true);
}

/// [`assert_shape`], with the slot counts even or not (`--by keys` evens the keys instead).
fn assert_members(pods: &Pods, members: usize, masters: usize, gone: &[usize], even: bool) {
    let ids: BTreeSet<String> = (0..members).map(|i| pods.nodes[i].id()).collect();
    for i in 0..members {
        let node = &pods.nodes[i];
        assert_eq!(
            node.cluster_info_field("cluster_state"),
            "ok",
            "{}",
            node.addr()
        );
        let lines = parse_nodes(&node.cluster_nodes());
        let known: BTreeSet<String> = lines.iter().map(|l| l.id.clone()).collect();
        assert_eq!(known, ids, "{} knows exactly the members", node.addr());
        assert!(lines.iter().all(|l| l.is_settled()), "{lines:?}");
    }
    let view = parse_nodes(&pods.nodes[0].cluster_nodes());
    let ip_of = |id: &str| {
        let line = view.iter().find(|l| l.id == id).unwrap();
        line.addr.split(':').next().unwrap().to_string()
    };
    let mut shares: BTreeMap<String, usize> = BTreeMap::new();
    for line in view.iter().filter(|l| l.has_flag("master")) {
        shares.insert(line.id.clone(), slot_count(&line.slots));
    }
    assert_eq!(shares.len(), masters, "{view:?}");
    assert_eq!(shares.values().sum::<usize>(), 16384);
    let share = 16384 / masters;
    for (id, slots) in &shares {
        assert!(
            !even || slots.abs_diff(share) <= share / 100,
            "{id}: {slots} slots, {shares:?}"
        );
        let replicas: Vec<_> = view.iter().filter(|l| &l.master == id).collect();
        assert!(
            members == masters || !replicas.is_empty(),
            "master {id} has no replica: {view:?}"
        );
        for replica in replicas {
            assert_ne!(ip_of(&replica.id), ip_of(id), "replica beside its master");
        }
    }
    // Every member knows exactly the members (above): no one knows a removed node.
    for &i in gone {
        let node = &pods.nodes[i];
        let lines = parse_nodes(&node.cluster_nodes());
        assert_eq!(lines.len(), 1, "{} was reset: {lines:?}", node.addr());
    }
}

fn fill(pods: &Pods) -> Vec<(String, String)> {
    let pairs: Vec<(String, String)> = (0..KEYS)
        .map(|i| (format!("key:{i}"), format!("value:{i}")))
        .collect();
    pods.nodes.set_keys(&pairs);
    pairs
}

on_every_server! {
    /// 6 → 8 → 6 → 8 pods with --replicas 1: created, grown by a master and its replica, a
    /// re-run changes nothing, shrunk again, grown again with the pods just removed; the
    /// shape, the slots and every key checked each time.
    fn scale_out_and_in_keeps_the_shape_and_every_key(server) {
        let pods = Pods::start_on(server, 8);
        reconcile(&pods, 6, 0);
        assert_shape(&pods, 6, 3, &[]);
        let pairs = fill(&pods);

        let out = reconcile(&pods, 8, 0);
        assert!(out.contains("New nodes join the cluster"), "{out}");
        assert_shape(&pods, 8, 4, &[]);
        pods.nodes.assert_values(&pairs);

        let again = reconcile(&pods, 8, 0);
        assert!(again.contains("The cluster matches the 8 nodes given"), "{again}");

        let out = reconcile(&pods, 6, 0);
        assert!(out.contains("Nodes leave the cluster"), "{out}");
        assert_shape(&pods, 6, 3, &[6, 7]);
        pods.nodes.assert_values(&pairs);
        assert_eq!(pods.nodes.key_count(), KEYS);

        // The scale-in undone: the reset pods join again as new nodes.
        reconcile(&pods, 8, 0);
        assert_shape(&pods, 8, 4, &[]);
        pods.nodes.assert_values(&pairs);
    }
}

/// Starts `reconcile --replicas REPLICAS` on pods `0..count` (slots moving as the servers
/// can: atomically where they can) and SIGKILLs it once pod `watched` serves a number of
/// slots (by its own view) for which `moving` holds.
fn kill_midway(
    pods: &Pods,
    count: usize,
    replicas: usize,
    watched: usize,
    moving: fn(usize) -> bool,
) {
    let mut args: Vec<String> = vec!["reconcile".into()];
    args.extend(pods.node_args().into_iter().take(count));
    args.extend(["--replicas".into(), replicas.to_string(), "--yes".into()]);
    kill_when(pods, &args, watched, moving);
}

/// Starts rtrib with `args` and SIGKILLs it once pod `watched` serves a number of slots (by
/// its own view) for which `moving` holds.
fn kill_when(pods: &Pods, args: &[String], watched: usize, moving: fn(usize) -> bool) {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_rtrib"))
        .envs(pods.resolver_env())
        .env("XDG_STATE_HOME", env!("CARGO_TARGET_TMPDIR"))
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let midway = wait_until(Duration::from_secs(60), || {
        parse_nodes(&pods.nodes[watched].cluster_nodes())
            .iter()
            .any(|l| l.has_flag("myself") && moving(slot_count(&l.slots)))
    });
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(midway, "the run never moved a slot");
}

/// A scale reviewed as a file: `--plan-out` of 6 → 8 pods and of 8 → 6 changes nothing (every
/// pod's CLUSTER NODES the same); `apply` makes each plan (the scale-in's apply SIGKILLed
/// midway and run again, finishing it); applied once more, each is found made.
fn a_scale_planned_as_a_file_is_applied(server: Server) {
    let pods = Pods::start_on(server, 8);
    reconcile(&pods, 6, 0);
    let pairs = fill(&pods);
    let dir = tempfile::tempdir().unwrap();
    let all: Vec<&RedisNode> = pods.nodes.iter().collect();
    let apply = |file: &str, code: i32| expect_exit(pods.rtrib(), code, &["apply", file, "--yes"]);

    let out_file = dir.path().join("out.json");
    let out_file = out_file.to_str().unwrap();
    let before = views(&all);
    let planned = reconcile_with(&pods, 8, 0, &["--plan-out", out_file]);
    assert!(planned.contains("Nothing was changed"), "{planned}");
    assert_eq!(views(&all), before, "--plan-out changed the cluster");
    let document: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out_file).unwrap()).unwrap();
    assert_eq!(document["command"], "reconcile", "{document}");
    assert_eq!(document["joins"].as_array().unwrap().len(), 2, "{document}");
    assert_eq!(
        document["precondition"]["members"]
            .as_array()
            .unwrap()
            .len(),
        8
    );
    let out = apply(out_file, 0);
    assert!(out.contains("as the plan found it"), "{out}");
    assert_shape(&pods, 8, 4, &[]);
    pods.nodes.assert_values(&pairs);
    assert!(apply(out_file, 0).contains("made already"));

    let in_file = dir.path().join("in.json");
    let in_file = in_file.to_str().unwrap();
    let before = views(&all);
    reconcile_with(&pods, 6, 0, &["--plan-out", in_file]);
    assert_eq!(views(&all), before, "--plan-out changed the cluster");
    let args = ["apply", in_file, "--yes"].map(String::from);
    kill_when(&pods, &args, 6, |slots| slots < 4096);
    let out = apply(in_file, 0);
    assert!(out.contains("stopped part-way"), "{out}");
    assert_shape(&pods, 6, 3, &[6, 7]);
    pods.nodes.assert_values(&pairs);
    assert!(apply(in_file, 0).contains("made already"));
    let again = reconcile(&pods, 6, 0);
    assert!(
        again.contains("The cluster matches the 6 nodes given"),
        "{again}"
    );
}

#[test]
fn a_scale_planned_as_a_file_is_applied_key_by_key() {
    a_scale_planned_as_a_file_is_applied(Server::Redis7_0);
}

#[test]
fn a_scale_planned_as_a_file_is_applied_with_atomic_migration() {
    a_scale_planned_as_a_file_is_applied(Server::Valkey9_1);
}

on_every_server! {
    /// Runs killed (SIGKILL) in the middle of a scale-out (6 → 7 masters) and then of a
    /// scale-in (7 → 6) on one cluster, both while slots move (as the server moves them:
    /// atomically where it can, else key by key), are each finished by the same command; the
    /// leaving node is removed only then, and a third run changes nothing. Short: no replicas
    /// (Valkey's SETSLOT waits for them; replicas are killed around in the plan-file test),
    /// and a seventh master moves a seventh of the slots.
    fn killed_scale_runs_are_finished_by_running_them_again(server) {
        let pods = Pods::start_on(server, 7);
        reconcile_replicas(&pods, 6, 0, 0, &[]);
        let pairs = fill(&pods);
        kill_midway(&pods, 7, 0, 6, |slots| slots > 0);
        reconcile_replicas(&pods, 7, 0, 0, &[]);
        assert_shape(&pods, 7, 7, &[]);
        pods.nodes.assert_values(&pairs);

        kill_midway(&pods, 6, 0, 6, |slots| slots < 16384 / 7);
        reconcile_replicas(&pods, 6, 0, 0, &[]);
        assert_shape(&pods, 6, 6, &[6]);
        pods.nodes.assert_values(&pairs);
        let again = reconcile_replicas(&pods, 6, 0, 0, &[]);
        assert!(
            again.contains("The cluster matches the 6 nodes given"),
            "{again}"
        );
    }
}

/// A leaving master that is already dead: once its replica has taken over, it is forgotten
/// and the replica (leaving too) is drained and removed. Before that — with its slots served
/// by nobody — reconcile refuses, naming the slots.
#[test]
fn a_dead_leaving_master_is_forgotten_once_its_slots_are_served() {
    let mut pods = Pods::start_on(Server::Valkey9_1, 8);
    reconcile(&pods, 6, 0);
    reconcile(&pods, 8, 0);
    let pairs = fill(&pods);
    let view = parse_nodes(&pods.nodes[0].cluster_nodes());
    let id6 = pods.nodes[6].id();
    let master6 = view.iter().find(|l| l.id == id6).unwrap();
    assert!(master6.has_flag("master"), "pod 6 is a master: {view:?}");
    let replica = (0..8)
        .find(|&i| {
            view.iter()
                .any(|l| l.id == pods.nodes[i].id() && l.master == id6)
        })
        .unwrap();
    assert_eq!(replica, 7);
    pods.nodes[7].pause();
    pods.nodes[6].kill();
    // Pod 7 cannot take over while paused: the slots of 6 are served by nobody.
    let refused = reconcile(&pods, 6, 5);
    assert!(!refused.contains("Nodes leave"), "{refused}");
    pods.nodes[7].resume();
    let promoted = wait_until(Duration::from_secs(30), || {
        parse_nodes(&pods.nodes[0].cluster_nodes())
            .iter()
            .any(|l| l.id == pods.nodes[7].id() && l.has_flag("master") && !l.slots.is_empty())
            && pods.nodes[0].cluster_info_field("cluster_state") == "ok"
    });
    assert!(promoted, "pod 7 did not take over");
    reconcile(&pods, 6, 0);
    assert_shape(&pods, 6, 3, &[7]);
    let id6_known = (0..6).any(|i| pods.nodes[i].cluster_nodes().contains(&id6));
    assert!(!id6_known, "dead pod 6 is still known");
    pods.nodes.assert_values(&pairs);
}

/// --dry-run prints the plan, in JSON too, and changes nothing.
#[test]
fn a_dry_run_changes_nothing() {
    let pods = Pods::start(7);
    reconcile(&pods, 6, 0);
    let before = pods.nodes[0].cluster_nodes();
    let out = reconcile_with(&pods, 7, 0, &["--dry-run", "-o", "json"]);
    let document: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(document["outcome"], "dry_run", "{document}");
    assert_eq!(document["joins"].as_array().unwrap().len(), 1, "{document}");
    assert_eq!(
        parse_nodes(&pods.nodes[6].cluster_nodes()).len(),
        1,
        "pod 6 did not join"
    );
    assert_eq!(
        parse_nodes(&before).len(),
        parse_nodes(&pods.nodes[0].cluster_nodes()).len()
    );
}

/// 6 → 8 → 6 pods while a client writes throughout: every acknowledged write reads back.
fn scaling_loses_no_acknowledged_write(server: Server) {
    let pods = Pods::start_on(server, 8);
    reconcile(&pods, 6, 0);
    let staying: Vec<String> = pods.nodes.iter().take(6).map(|n| n.addr()).collect();
    let writer = Writer::start(staying);
    reconcile(&pods, 8, 0);
    reconcile(&pods, 6, 0);
    let written = writer.stop();
    eprintln!("{}", written.summary());
    assert!(written.acked.len() > 100, "{written:?}");
    assert_shape(&pods, 6, 3, &[6, 7]);
    pods.nodes.assert_values(&written.acked);
}

#[test]
fn scaling_loses_no_acknowledged_write_key_by_key() {
    scaling_loses_no_acknowledged_write(Server::Redis7_0);
}

#[test]
fn scaling_loses_no_acknowledged_write_with_atomic_migration() {
    scaling_loses_no_acknowledged_write(Server::Valkey9_1);
}

/// --by keys: with hash-tagged keys piled up in a few slots, the new master takes a quarter
/// of the keys (not of the slots); a re-run changes nothing.
#[test]
fn by_keys_the_new_master_takes_its_share_of_the_keys() {
    let pods = Pods::start_on(Server::Redis7_0, 8);
    reconcile(&pods, 6, 0);
    let mut pairs = fill(&pods);
    pairs.extend((0..3000).map(|i| (format!("{{t{}}}:{i}", i % 30), format!("v{i}"))));
    pods.nodes.set_keys(&pairs[KEYS..]);
    reconcile_with(&pods, 8, 0, &["--by", "keys"]);
    assert_members(&pods, 8, 4, &[], false);
    let keys: usize = pods.nodes[6].cmd_str(&["DBSIZE"]).parse().unwrap();
    let share = pairs.len() / 4;
    assert!(
        keys.abs_diff(share) < share / 5,
        "the new master holds {keys} keys of {}",
        pairs.len()
    );
    pods.nodes.assert_values(&pairs);
    let again = reconcile_with(&pods, 8, 0, &["--by", "keys"]);
    assert!(
        again.contains("The cluster matches the 8 nodes given"),
        "{again}"
    );
}

/// Every pod restarted on a new IP (nobody reaches anybody at the addresses they know): the
/// same reconcile heals them as `heal` does, then finds nothing else to do.
#[test]
fn pods_back_on_new_ips_are_healed() {
    let mut pods = Pods::start(6);
    reconcile(&pods, 6, 0);
    for i in 0..6 {
        pods.nodes[i].kill();
    }
    for i in 0..6 {
        let new_ip = pods.nodes.spare_ip();
        pods.nodes[i].restart(Some(new_ip));
        pods.dns.set(&Pods::fqdn(i), &[new_ip]);
    }
    let out = reconcile(&pods, 6, 0);
    assert!(out.contains("Healing"), "{out}");
    assert!(
        out.contains("The cluster matches the 6 nodes given"),
        "{out}"
    );
    assert_shape(&pods, 6, 3, &[]);
}

/// A cluster created with 8 pods (4 masters: pods 0-3) shrunk to 6: pod 3 stays but steps
/// down (its slots move, then it replicates a master short of a replica), pods 6 and 7 leave.
fn a_master_beyond_the_shape_steps_down(server: Server) {
    let pods = Pods::start_on(server, 8);
    reconcile(&pods, 8, 0);
    let pairs = fill(&pods);
    reconcile(&pods, 6, 0);
    assert_shape(&pods, 6, 3, &[6, 7]);
    let view = parse_nodes(&pods.nodes[3].cluster_nodes());
    let me = view.iter().find(|l| l.has_flag("myself")).unwrap();
    assert!(me.has_flag("slave"), "pod 3 stepped down: {view:?}");
    pods.nodes.assert_values(&pairs);
    let again = reconcile(&pods, 6, 0);
    assert!(
        again.contains("The cluster matches the 6 nodes given"),
        "{again}"
    );
}

#[test]
fn a_master_beyond_the_shape_steps_down_key_by_key() {
    a_master_beyond_the_shape_steps_down(Server::Redis7_0);
}

#[test]
fn a_master_beyond_the_shape_steps_down_with_atomic_migration() {
    a_master_beyond_the_shape_steps_down(Server::Valkey9_1);
}

/// The path, 6 → 8 → 10 → 6 → 8 pods, checked after each step.
#[test]
fn six_eight_ten_six_eight() {
    let pods = Pods::start_on(Server::Valkey9_1, 10);
    reconcile(&pods, 6, 0);
    let pairs = fill(&pods);
    for (count, masters, gone) in [
        (8, 4, &[][..]),
        (10, 5, &[][..]),
        (6, 3, &[6, 7, 8, 9][..]),
        (8, 4, &[8, 9][..]),
    ] {
        reconcile(&pods, count, 0);
        assert_shape(&pods, count, masters, gone);
        pods.nodes.assert_values(&pairs);
    }
}

/// --force: a leaving master gone with slots nobody took over is forgotten anyway; the check
/// then reports the slots uncovered (exit 1), and `fix` covers them.
#[test]
fn force_forgets_a_gone_master_and_leaves_its_slots_to_fix() {
    // Not on Valkey 9.1.2: its server crashed (a crash report in its log) during the `fix`
    // that covers the forgotten master's slots, which is not reconcile's part of this test.
    let mut pods = Pods::start_on(Server::Redis7_0, 8);
    reconcile(&pods, 6, 0);
    reconcile(&pods, 8, 0);
    let id6 = pods.nodes[6].id();
    pods.nodes[7].pause();
    pods.nodes[6].kill();
    let out = reconcile_with(&pods, 6, 1, &["--force", "--command-timeout", "1s"]);
    assert!(out.contains("stay uncovered"), "{out}");
    let known = (0..6).any(|i| pods.nodes[i].cluster_nodes().contains(&id6));
    assert!(!known, "dead pod 6 is still known");
    let seed = pods.nodes[0].addr();
    let (code, out) = crate::support::combined_output(pods.rtrib().args(["fix", &seed, "--yes"]));
    assert_eq!(code, Some(0), "{out}\n{}", pods.nodes[0].log_tail());
    assert_eq!(
        pods.nodes[0].cluster_info_field("cluster_slots_assigned"),
        "16384"
    );
}
