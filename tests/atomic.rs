//! Atomic slot migration (`--migration auto|atomic|keys`) against real servers: on Valkey 9.0
//! and 9.1 reshard and rebalance let the servers move whole slots (CLUSTER MIGRATESLOTS),
//! every key's value intact and every view agreeing; `keys` forces the per-key engine; Redis
//! refuses `atomic` with nothing changed. The servers' jobs are held with
//! `DEBUG SLOTMIGRATION PREVENT-PAUSE` to catch them in flight: `check` reports them, a
//! SIGKILLed run is finished by a re-run that waits for them, a job cancelled on the server
//! is reported with the server's message (exit 1) and a re-run finishes, and Ctrl-C cancels
//! them (exit 130) with nothing lost.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::Value as Json;

use crate::converge::agreed_slot_counts;
use crate::migrate::{STATE, reshard_line};
use crate::support::cluster::{Layout, Nodes, NodesConfig, RedisNode, value_to_string, wait_until};
use crate::support::expect_exit;
use crate::support::pods::Pods;
use crate::support::servers::Server;

/// Defines `mod $name` with one `#[test]` per server that has atomic slot migration (Valkey
/// 9.0 and 9.1), each calling the body with that server.
macro_rules! on_atomic_servers {
    ($($(#[$meta:meta])* fn $name:ident($server:ident) $body:block)+) => {$(
        $(#[$meta])*
        mod $name {
            #[allow(unused_imports)]
            use super::*;

            fn run($server: Server) $body

            #[test]
            fn valkey_9_0() {
                run(Server::Valkey9_0)
            }

            #[test]
            fn valkey_9_1() {
                run(Server::Valkey9_1)
            }
        }
    )+};
}

/// Runs rtrib and asserts its exit code; returns stdout.
fn expect(code: i32, args: &[&str]) -> String {
    expect_exit(crate::support::rtrib(), code, args)
}

/// Runs rtrib through the pods' DNS and asserts its exit code; returns stdout.
fn expect_pods(pods: &Pods, code: i32, args: &[&str]) -> String {
    expect_exit(pods.rtrib(), code, args)
}

/// `count` keys with values, written to their masters.
fn fill(nodes: &Nodes, count: usize) -> Vec<(String, String)> {
    let pairs: Vec<(String, String)> = (0..count)
        .map(|i| {
            (
                format!("atomic:{i}"),
                format!("value-{i}-{}", "x".repeat(i % 50)),
            )
        })
        .collect();
    nodes.set_keys(&pairs);
    pairs
}

/// The keys held by the masters (DBSIZE summed over nodes whose role is master). The sources
/// drop their copies in the background after a job succeeds: waits until the sum is `count`.
fn assert_master_keys(nodes: &Nodes, count: usize) {
    let sum = || {
        nodes
            .iter()
            .filter(|n| {
                n.cluster_nodes()
                    .lines()
                    .any(|l| l.contains("myself,master"))
            })
            .map(|n| n.cmd_str(&["DBSIZE"]).parse::<usize>().unwrap())
            .sum::<usize>()
    };
    let settled = wait_until(Duration::from_secs(10), || sum() == count);
    assert!(settled, "the masters hold {} keys, not {count}", sum());
}

/// The document of a reshard or rebalance run with `-o json`.
fn document(stdout: &str) -> Json {
    serde_json::from_str(stdout).unwrap_or_else(|e| panic!("{e}: {stdout}"))
}

/// Holds (1) or releases (0) every atomic migration job of `nodes` before its hand-off.
fn prevent_pause(nodes: &[&RedisNode], on: bool) {
    let value = if on { "1" } else { "0" };
    for node in nodes {
        node.cmd(&["DEBUG", "SLOTMIGRATION", "PREVENT-PAUSE", value]);
    }
}

/// The states of `node`'s `CLUSTER GETSLOTMIGRATIONS` entries, newest first.
fn job_states(node: &RedisNode) -> Vec<String> {
    let redis::Value::Array(entries) = node.cmd(&["CLUSTER", "GETSLOTMIGRATIONS"]) else {
        return Vec::new();
    };
    entries
        .iter()
        .filter_map(|entry| {
            let redis::Value::Array(fields) = entry else {
                return None;
            };
            fields
                .chunks(2)
                .find(|pair| value_to_string(&pair[0]) == "state")
                .map(|pair| value_to_string(&pair[1]))
        })
        .collect()
}

/// Waits until `node` runs a job held before its hand-off.
fn wait_for_held_job(node: &RedisNode) {
    let held = wait_until(Duration::from_secs(20), || {
        job_states(node).iter().any(|s| s == "waiting-to-pause")
    });
    assert!(
        held,
        "no held job on {}: {:?}",
        node.addr(),
        job_states(node)
    );
}

/// How to ask for atomic migration on `server`: `--migration auto` leaves Valkey 9.0.0 to the
/// per-key engine (see `Server::atomic_migration_by_default`), so there it is asked for.
fn atomic_args(server: Server) -> &'static [&'static str] {
    match server {
        Server::Valkey9_0 => &["--migration", "atomic"],
        _ => &[],
    }
}

/// A reshard of `slots` slots from A to C on a 3-master cluster, run in the background.
fn spawn_reshard(
    server: Server,
    a: &RedisNode,
    c: &RedisNode,
    slots: &str,
    stdout: Stdio,
) -> Child {
    Command::new(env!("CARGO_BIN_EXE_rtrib"))
        .env("XDG_STATE_HOME", STATE)
        .args(reshard_args(server, a, c, slots))
        .stdout(stdout)
        .stderr(Stdio::null())
        .spawn()
        .unwrap()
}

fn reshard_args(server: Server, a: &RedisNode, c: &RedisNode, slots: &str) -> Vec<String> {
    let mut args = reshard_line(a, c, slots);
    args.extend(atomic_args(server).iter().map(|s| s.to_string()));
    args
}

/// A formed 3-master cluster of `server` with `keys` keys.
fn three_masters(server: Server, keys: usize) -> (Nodes, Vec<(String, String)>) {
    let nodes = Nodes::start(NodesConfig::on(server, 3, Layout::Ports));
    nodes.form(3);
    let pairs = fill(&nodes, keys);
    (nodes, pairs)
}

on_atomic_servers! {
    /// Pods with a replica each: reshard, rebalance by weight and a drain move whole slots
    /// with the servers' atomic migration (`method: atomic`; by default on Valkey 9.1, asked
    /// for on 9.0.0), then `--migration keys` moves
    /// keys; after each run every view agrees, every key has its value, and check shows the
    /// server.
    fn reshard_and_rebalance_use_atomic_migration(server) {
        const KEYS: usize = 5000;
        let pods = Pods::start_on(server, 8);
        let names = pods.node_args();
        let mut create = vec!["create", "--replicas", "1", "--yes"];
        create.extend(names[..6].iter().map(String::as_str));
        expect_pods(&pods, 0, &create);
        let pairs = fill(&pods.nodes, KEYS);
        let version = match server {
            Server::Valkey9_0 => "valkey 9.0.0",
            _ => "valkey 9.1.2",
        };
        let check = expect_pods(&pods, 0, &["check", &names[0]]);
        assert!(check.contains(&format!("   server: {version}")), "{check}");
        let json = document(&expect_pods(&pods, 0, &["check", &names[0], "-o", "json"]));
        assert_eq!(json["nodes"][0]["server"]["kind"], "valkey", "{json:#}");

        // An empty master with its replica.
        expect_pods(&pods, 0, &["add-node", &names[6], &names[0]]);
        expect_pods(&pods, 0, &["replicate", "--master-addr", &names[6], "--slave-addr", &names[7]]);
        let new_master = pods.nodes[6].id();

        let mut reshard = vec![
            "reshard", &names[1], "--from", "all", "--to", &names[6], "--slots", "3000",
            "--yes", "-o", "json",
        ];
        reshard.extend(atomic_args(server));
        let moved = document(&expect_pods(&pods, 0, &reshard));
        assert_eq!(moved["method"], "atomic", "{moved:#}");
        assert_eq!(moved["slots_moved"], 3000, "{moved:#}");
        assert_eq!(agreed_slot_counts(&pods.nodes)[&new_master], 3000);
        pods.nodes.assert_values(&pairs);
        assert_master_keys(&pods.nodes, KEYS);

        // Weight 0.2 against three masters of weight 1: 1024 slots.
        let small = format!("{}=0.2", names[6]);
        let mut rebalance = vec!["rebalance", &names[0], "--weight", &small, "--yes"];
        rebalance.extend(atomic_args(server));
        let text = expect_pods(&pods, 0, &rebalance);
        assert!(text.contains("atomic slot migration") || text.contains(", atomic)"), "{text}");
        assert_eq!(agreed_slot_counts(&pods.nodes)[&new_master], 1024);
        pods.nodes.assert_values(&pairs);

        // Forced per key.
        let keyed = document(&expect_pods(&pods, 0, &[
            "reshard", &names[2], "--from", "all", "--to", &names[6], "--slots", "500",
            "--yes", "--migration", "keys", "-o", "json",
        ]));
        assert_eq!(keyed["method"], "keys", "{keyed:#}");
        assert!(keyed["keys_moved"].as_u64().unwrap() > 0, "{keyed:#}");
        assert_eq!(agreed_slot_counts(&pods.nodes)[&new_master], 1524);
        pods.nodes.assert_values(&pairs);

        // Drained by weight 0, with valkey-cli's spelling of the option.
        let drain = format!("{}=0", names[6]);
        let drained = document(&expect_pods(&pods, 0, &[
            "rebalance", &names[0], "--weight", &drain, "--yes",
            "--cluster-use-atomic-slot-migration", "-o", "json",
        ]));
        assert_eq!(drained["method"], "atomic", "{drained:#}");
        let counts = agreed_slot_counts(&pods.nodes);
        assert_eq!(counts.get(&new_master).copied().unwrap_or(0), 0, "{counts:?}");
        pods.nodes.assert_values(&pairs);
        assert_master_keys(&pods.nodes, KEYS);
    }

    /// A run killed while the servers' job is held: `check` reports the migration in flight;
    /// the re-run waits for the job (released while it waits), then does the rest.
    fn a_killed_atomic_run_is_finished_by_a_rerun(server) {
        const KEYS: usize = 3000;
        let (nodes, pairs) = three_masters(server, KEYS);
        let all: Vec<&RedisNode> = nodes.iter().collect();
        let (a, c) = (&nodes[0], &nodes[2]);
        let before = agreed_slot_counts(&nodes)[&c.id()];
        prevent_pause(&all, true);
        let mut child = spawn_reshard(server, a, c, "1000", Stdio::null());
        wait_for_held_job(a);

        let check = crate::support::rtrib()
            .args(["check", &a.addr(), "-o", "json"])
            .output()
            .unwrap();
        let check: Json = serde_json::from_slice(&check.stdout).unwrap();
        let kinds: Vec<&str> = check["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|f| f["kind"].as_str())
            .collect();
        assert!(kinds.contains(&"slot_migration_in_flight"), "{check:#}");

        unsafe { libc::kill(child.id() as i32, libc::SIGKILL) };
        child.wait().unwrap();
        // The server carries on: the job still runs.
        assert!(job_states(a).iter().any(|s| s == "waiting-to-pause"));

        let rerun = Command::new(env!("CARGO_BIN_EXE_rtrib"))
            .env("XDG_STATE_HOME", STATE)
            .args(reshard_args(server, a, c, "1000"))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        std::thread::sleep(Duration::from_secs(2));
        prevent_pause(&all, false);
        let output = rerun.wait_with_output().unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(0), "{stdout}\n{stderr}");
        assert!(
            format!("{stdout}{stderr}").contains("slot migrations in flight"),
            "{stdout}\n{stderr}"
        );
        assert_eq!(agreed_slot_counts(&nodes)[&c.id()], before + 1000);
        nodes.assert_values(&pairs);
        assert_master_keys(&nodes, KEYS);
    }

    /// A job the server cancels (here by CANCELSLOTMIGRATIONS from outside) fails the run
    /// with the server's own words and exit 1, nothing moved and nothing lost; a re-run
    /// finishes.
    fn a_failed_server_job_is_reported_and_a_rerun_finishes(server) {
        const KEYS: usize = 3000;
        let (nodes, pairs) = three_masters(server, KEYS);
        let all: Vec<&RedisNode> = nodes.iter().collect();
        let (a, c) = (&nodes[0], &nodes[2]);
        let before = agreed_slot_counts(&nodes);
        prevent_pause(&all, true);
        let child = spawn_reshard(server, a, c, "800", Stdio::piped());
        wait_for_held_job(a);
        a.cmd(&["CLUSTER", "CANCELSLOTMIGRATIONS"]);
        let output = child.wait_with_output().unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert_eq!(output.status.code(), Some(1), "{stdout}");
        assert!(stdout.contains("were not moved: the server's migration job"), "{stdout}");
        assert!(stdout.contains("cancelled"), "{stdout}");
        assert_eq!(agreed_slot_counts(&nodes), before);
        nodes.assert_values(&pairs);

        prevent_pause(&all, false);
        let args = reshard_args(server, a, c, "800");
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        expect(0, &args);
        assert_eq!(agreed_slot_counts(&nodes)[&c.id()], before[&c.id()] + 800);
        nodes.assert_values(&pairs);
        assert_master_keys(&nodes, KEYS);
    }

    /// Ctrl-C while the servers' job runs: rtrib cancels it, waits, says what did not move
    /// and exits 130; every slot is where it was and every key intact.
    fn ctrl_c_cancels_the_servers_jobs(server) {
        const KEYS: usize = 2000;
        let (nodes, pairs) = three_masters(server, KEYS);
        let all: Vec<&RedisNode> = nodes.iter().collect();
        let (a, c) = (&nodes[0], &nodes[2]);
        let before = agreed_slot_counts(&nodes);
        prevent_pause(&all, true);
        let child = spawn_reshard(server, a, c, "500", Stdio::piped());
        wait_for_held_job(a);
        unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
        let output = child.wait_with_output().unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert_eq!(output.status.code(), Some(130), "{stdout}");
        assert!(stdout.contains("Interrupted"), "{stdout}");
        assert!(job_states(a).iter().any(|s| s == "cancelled"), "{:?}", job_states(a));
        prevent_pause(&all, false);
        assert_eq!(agreed_slot_counts(&nodes), before);
        nodes.assert_values(&pairs);
        assert_master_keys(&nodes, KEYS);
    }
}

/// On Redis 7.0 `--migration atomic` (and valkey-cli's spelling) is refused before anything
/// changes (exit 5), the reshard's journal included (the next run is a plain one, not the
/// resumption of a run that never started); auto moves keys.
#[test]
fn atomic_is_refused_where_the_servers_lack_it() {
    const KEYS: usize = 1000;
    let (nodes, pairs) = three_masters(Server::Redis7_0, KEYS);
    let (a, c) = (&nodes[0], &nodes[2]);
    let before = agreed_slot_counts(&nodes);
    let journal = std::path::Path::new(STATE)
        .join("rtrib")
        .join(format!("reshard-{}.json", c.id()));
    for spelling in [
        &["--migration", "atomic"][..],
        &["--cluster-use-atomic-slot-migration"],
    ] {
        let mut args = reshard_args(Server::Redis7_0, a, c, "100");
        args.extend(spelling.iter().map(|s| s.to_string()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let output = crate::support::rtrib()
            .env("XDG_STATE_HOME", STATE)
            .args(&args)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(5), "{stderr}");
        assert!(stderr.contains("runs redis 7.0.15"), "{stderr}");
        assert!(stderr.contains("nothing was changed"), "{stderr}");
        assert_eq!(agreed_slot_counts(&nodes), before);
        assert!(
            !journal.exists(),
            "a refused reshard wrote {}",
            journal.display()
        );
    }
    let args = reshard_args(Server::Redis7_0, a, c, "100");
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let plain = expect(0, &args);
    assert!(!plain.contains("Resuming"), "{plain}");
    assert!(plain.contains("Moved 100 slots"), "{plain}");
    assert!(!journal.exists());
    let mut args = reshard_args(Server::Redis7_0, a, c, "100");
    args.extend(["-o", "json"].map(str::to_string));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let moved = document(&expect(0, &args));
    assert_eq!(moved["method"], "keys", "{moved:#}");
    nodes.assert_values(&pairs);
}
