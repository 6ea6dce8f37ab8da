//! `rtrib check` and `rtrib info` against real clusters: healthy, broken in each way the check
//! must name, reached by name through the fake DNS, and with bad credentials or arguments.

use std::time::Duration;

use predicates::prelude::*;
use serde_json::Value;

use crate::support::cluster::{Layout, Nodes, NodesConfig, RedisNode};
use crate::support::dns::{FakeDns, KUBERNETES_SEARCH};
use crate::support::rtrib;

fn ok_lines(stdout: &str) -> usize {
    stdout.lines().filter(|l| l.starts_with("[OK]")).count()
}

fn started(count: usize, layout: Layout) -> Nodes {
    Nodes::start(NodesConfig {
        count,
        layout,
        ..NodesConfig::default()
    })
}

#[test]
fn healthy_cluster_prints_exactly_three_ok_lines_and_exits_zero() {
    let nodes = started(6, Layout::Ports);
    nodes.form(3);
    let output = rtrib().args(["check", &nodes[0].addr()]).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    assert_eq!(ok_lines(&stdout), 3, "{stdout}");
    assert!(stdout.contains("[OK] All nodes agree about slots configuration."));
    assert!(stdout.contains("[OK] All 16384 slots covered."));
    assert!(
        !stdout.contains("[ERR]") && !stdout.contains("[WARNING]"),
        "{stdout}"
    );
    assert_eq!(stdout.matches("\nM: ").count(), 3, "{stdout}");
    assert_eq!(stdout.matches("\nS: ").count(), 3, "{stdout}");
    assert!(
        stdout.contains("   slots:[0-5460] (5461 slots) master"),
        "{stdout}"
    );
    // The cluster really is as reported, by the server and by redis-cli.
    assert_eq!(nodes[0].cluster_info_field("cluster_state"), "ok");
    let oracle = std::process::Command::new("redis-cli")
        .args(["--cluster", "check", &nodes[0].addr()])
        .output()
        .unwrap();
    assert!(oracle.status.success());
}

#[test]
fn json_report_parses_and_describes_every_node() {
    let nodes = started(6, Layout::Ports);
    nodes.form(3);
    nodes.fill_keys(100);
    let output = rtrib()
        .args(["check", &nodes[3].addr(), "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let doc: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(doc["healthy"], true);
    let listed = doc["nodes"].as_array().unwrap();
    assert_eq!(listed.len(), 6);
    let masters: Vec<_> = listed.iter().filter(|n| n["role"] == "master").collect();
    assert_eq!(masters.len(), 3);
    let slots: u64 = masters
        .iter()
        .map(|n| n["slot_count"].as_u64().unwrap())
        .sum();
    assert_eq!(slots, 16384);
    let keys: u64 = masters.iter().map(|n| n["keys"].as_u64().unwrap()).sum();
    assert_eq!(keys, 100);
    assert_eq!(doc["seed"], nodes[3].id());
    assert!(doc["findings"].as_array().unwrap().is_empty(), "{doc:#}");
}

#[test]
fn masters_without_replicas_warn_but_pass() {
    let nodes = started(3, Layout::Ports);
    nodes.form(3);
    let output = rtrib().args(["check", &nodes[1].addr()]).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    assert_eq!(ok_lines(&stdout), 3, "{stdout}");
    assert_eq!(stdout.matches("has no replica").count(), 3, "{stdout}");
}

#[test]
fn uncovered_slot_is_named_and_fails() {
    let nodes = started(3, Layout::Ports);
    nodes.form(3);
    for node in nodes.iter() {
        node.cmd(&["CLUSTER", "DELSLOTS", "100"]);
    }
    let output = rtrib().args(["check", &nodes[0].addr()]).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("[ERR] Not all 16384 slots are covered by nodes."),
        "{stdout}"
    );
    assert!(stdout.contains("uncovered: 100 (1 slots)"), "{stdout}");
    assert!(
        !nodes[0].cluster_nodes().contains(" 0-5460"),
        "slot 100 really is unassigned"
    );
}

#[test]
fn open_slots_are_named_on_both_sides_and_fail() {
    let nodes = started(3, Layout::Ports);
    nodes.form(3);
    let (source, target) = (&nodes[0], &nodes[1]);
    target.cmd(&["CLUSTER", "SETSLOT", "200", "IMPORTING", &source.id()]);
    source.cmd(&["CLUSTER", "SETSLOT", "200", "MIGRATING", &target.id()]);
    let output = rtrib().args(["check", &source.addr()]).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    let migrating = format!(
        "[WARNING] Node {} has slots in migrating state 200",
        source.addr()
    );
    let importing = format!(
        "[WARNING] Node {} has slots in importing state 200",
        target.addr()
    );
    assert!(stdout.contains(&migrating), "{stdout}");
    assert!(stdout.contains(&importing), "{stdout}");
    assert!(
        stdout.contains("[WARNING] The following slots are open: 200."),
        "{stdout}"
    );
    assert!(
        source.cluster_nodes().contains("[200->-"),
        "the slot really is open"
    );
}

#[test]
fn nodes_that_disagree_are_named_with_the_slot() {
    let nodes = started(3, Layout::Ports);
    nodes.form(3);
    // The owner forgets slot 300; the others still believe it owns it.
    nodes[0].cmd(&["CLUSTER", "DELSLOTS", "300"]);
    let output = rtrib().args(["check", &nodes[1].addr()]).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("[ERR] Nodes don't agree about configuration!"),
        "{stdout}"
    );
    let owner_says = format!("{} says unassigned", nodes[0].addr());
    assert!(
        stdout.contains("slots 300:") && stdout.contains(&owner_says),
        "{stdout}"
    );
}

#[test]
fn a_killed_node_is_named_and_fails() {
    let mut nodes = started(6, Layout::Ports);
    nodes.form(3);
    let victim = nodes[5].addr();
    nodes[5].kill();
    let output = rtrib().args(["check", &nodes[0].addr()]).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    let line = format!("[WARNING] Node {victim} (");
    assert!(
        stdout.contains(&line) && stdout.contains("connection refused"),
        "{stdout}"
    );
    // The rest of the cluster is still whole.
    assert!(stdout.contains("[OK] All 16384 slots covered."), "{stdout}");
}

#[test]
fn multiple_owners_are_found_on_request() {
    let nodes = started(3, Layout::Ports);
    nodes.form(3);
    let (owner, other) = (&nodes[0], &nodes[1]);
    // Put a key of slot 0 ("{06S}" hashes to slot 0) on a node that does not own it.
    other.cmd(&["CLUSTER", "SETSLOT", "0", "IMPORTING", &owner.id()]);
    other
        .with_conn(|connection| {
            redis::pipe()
                .cmd("ASKING")
                .cmd("SET")
                .arg("{06S}stray")
                .arg("v")
                .exec(connection)
        })
        .unwrap();
    other.cmd(&["CLUSTER", "SETSLOT", "0", "STABLE"]);
    assert_eq!(other.cmd_str(&["CLUSTER", "COUNTKEYSINSLOT", "0"]), "1");

    let plain = rtrib().args(["check", &owner.addr()]).output().unwrap();
    assert_eq!(plain.status.code(), Some(0));
    let output = rtrib()
        .args(["check", &owner.addr(), "--cluster-search-multiple-owners"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("Slot 0 has 2 owners:"), "{stdout}");
}

#[test]
fn pods_on_loopback_ips_are_checked_by_name() {
    let nodes = started(6, Layout::LoopbackIps);
    nodes.form(3);
    let dns = FakeDns::for_pods(nodes.iter().map(RedisNode::ip));
    let resolv_conf = dns.resolv_conf(KUBERNETES_SEARCH, 5);
    let output = rtrib()
        .env("RTRIB_RESOLV_CONF", &resolv_conf)
        .args(["check", "redis-app-0.redis-service:6379"])
        .args(["--dns-server", &dns.addr().to_string()])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let seed = format!("redis-app-0.redis-service ({}:6379)", nodes[0].ip());
    assert!(stdout.contains(&format!("using node {seed}")), "{stdout}");
    assert_eq!(ok_lines(&stdout), 3, "{stdout}");
    assert_eq!(
        dns.queries().first().map(String::as_str),
        Some("redis-app-0.redis-service.dev.svc.cluster.local")
    );
}

#[test]
fn a_name_that_appears_late_is_waited_for() {
    let nodes = started(3, Layout::Ports);
    nodes.form(3);
    let dns = FakeDns::start();
    let name = "redis-late.redis-service.test";
    let ip = nodes[0].ip();
    let output = std::thread::scope(|scope| {
        scope.spawn(|| {
            std::thread::sleep(Duration::from_millis(1500));
            dns.set(name, &[ip]);
        });
        rtrib()
            .args(["check", &format!("{name}:{}", nodes[0].port())])
            .args([
                "--dns-server",
                &dns.addr().to_string(),
                "--resolve-timeout",
                "20s",
            ])
            .output()
            .unwrap()
    });
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[test]
fn a_name_that_never_resolves_fails_within_the_deadline() {
    let dns = FakeDns::start();
    let started_at = std::time::Instant::now();
    rtrib()
        .args(["check", "redis-ghost.redis-service.test:6379"])
        .args([
            "--dns-server",
            &dns.addr().to_string(),
            "--resolve-timeout",
            "1s",
        ])
        .assert()
        .code(4)
        .stderr(predicate::str::contains("redis-ghost.redis-service.test"));
    assert!(started_at.elapsed() < Duration::from_secs(10));
}

#[test]
fn wrong_password_is_refused_and_right_one_accepted() {
    let nodes = Nodes::start(NodesConfig {
        count: 3,
        layout: Layout::Ports,
        password: Some("s3cret-pass".into()),
        ..NodesConfig::default()
    });
    nodes.form(3);
    let output = rtrib()
        .args(["check", &nodes[0].addr(), "--pass", "wrong-pass"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("authentication failed"), "{stderr}");
    assert!(stderr.contains(&nodes[0].addr()), "{stderr}");
    // The server's own words, not the client library's.
    assert!(stderr.contains("WRONGPASS"), "{stderr}");
    assert!(
        !stderr.contains("wrong-pass"),
        "the password must not be echoed"
    );
    rtrib()
        .env("REDISCLI_AUTH", "s3cret-pass")
        .args(["check", &nodes[0].addr()])
        .assert()
        .code(0);
    rtrib()
        .args(["check", &nodes[0].addr()])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("authentication failed"));
}

#[test]
fn a_password_given_to_a_server_without_one_shows_the_servers_reason() {
    let nodes = Nodes::start(NodesConfig::new(3, Layout::Ports));
    nodes.form(3);
    let output = rtrib()
        .args(["check", &nodes[0].addr(), "-a", "x-secret"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(stderr.contains("authentication failed"), "{stderr}");
    assert!(
        stderr.contains("called without any password configured"),
        "{stderr}"
    );
    assert!(!stderr.contains("x-secret"), "{stderr}");
}

#[test]
fn a_redis_without_cluster_support_is_refused() {
    let nodes = Nodes::start(NodesConfig {
        count: 1,
        layout: Layout::Ports,
        cluster_enabled: false,
        ..NodesConfig::default()
    });
    rtrib()
        .args(["check", &nodes[0].addr()])
        .assert()
        .code(3)
        .stderr(predicate::str::contains(
            "is not configured as a cluster node",
        ));
}

#[test]
fn a_node_that_does_not_answer_times_out() {
    let nodes = started(3, Layout::Ports);
    nodes.form(3);
    nodes[0].pause();
    let started_at = std::time::Instant::now();
    let output = rtrib()
        .args(["check", &nodes[0].addr(), "--command-timeout", "500ms"])
        .output()
        .unwrap();
    nodes[0].resume();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(4), "{stderr}");
    assert!(
        stderr.contains(&nodes[0].addr()) && stderr.contains("timed out"),
        "{stderr}"
    );
    assert!(started_at.elapsed() < Duration::from_secs(10));
}

#[test]
fn an_address_where_nothing_listens_is_unreachable() {
    let port = crate::support::cluster::free_port();
    rtrib()
        .args(["check", &format!("127.0.0.1:{port}")])
        .assert()
        .code(3)
        .stderr(predicate::str::contains("Could not connect to Redis at"));
}

#[test]
fn garbage_arguments_are_usage_errors() {
    for args in [
        vec!["check"],
        vec!["check", "redis-0"],
        vec!["check", "127.0.0.1:99999"],
        vec!["check", "127.0.0.1:0"],
        vec!["check", "::1:7000"],
        vec!["check", "[::1:7000"],
        vec!["check", "bad host:7000"],
        vec!["check", "127.0.0.1:7000", "--resolve-timeout", "soon"],
        vec!["check", "127.0.0.1:7000", "--dns-server", "not-an-ip"],
        vec!["check", "127.0.0.1:7000", "--output", "yaml"],
        vec!["frobnicate"],
        vec![],
    ] {
        let output = rtrib().args(&args).output().unwrap();
        assert_eq!(output.status.code(), Some(2), "{args:?}: {output:?}");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!stderr.trim().is_empty(), "{args:?} must explain itself");
        assert!(output.stdout.is_empty(), "{args:?}");
    }
}

#[test]
fn info_tabulates_masters_with_totals() {
    let nodes = started(6, Layout::Ports);
    nodes.form(3);
    nodes.fill_keys(300);
    let output = rtrib().args(["info", &nodes[0].addr()]).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("[OK] 300 keys in 3 masters."), "{stdout}");
    let total = stdout.lines().find(|l| l.contains("total")).unwrap();
    assert!(total.contains("300") && total.contains("16384"), "{stdout}");
    for master in nodes.iter().take(3) {
        assert!(stdout.contains(&master.id()), "{stdout}");
    }
    let json = rtrib()
        .args(["info", &nodes[0].addr(), "-o", "json"])
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(doc["total_keys"], 300);
    assert_eq!(doc["total_slots"], 16384);
    assert_eq!(doc["total_replicas"], 3);
    assert_eq!(doc["masters"].as_array().unwrap().len(), 3);
}

#[test]
fn key_slots_match_the_servers_keyslot() {
    let nodes = started(1, Layout::Ports);
    for key in [
        "foo",
        "123456789",
        "{user1000}.following",
        "a{}b",
        "{}{x}",
        "{06S}",
        "",
        "é{ü}",
    ] {
        let server: u16 = nodes[0]
            .cmd_str(&["CLUSTER", "KEYSLOT", key])
            .parse()
            .unwrap();
        assert_eq!(
            rtrib::cluster::slots::key_slot(key.as_bytes()),
            server,
            "{key:?}"
        );
    }
    for i in 0..500 {
        let key = format!("key:{i}:{{tag{}}}", i % 37);
        let server: u16 = nodes[0]
            .cmd_str(&["CLUSTER", "KEYSLOT", &key])
            .parse()
            .unwrap();
        assert_eq!(
            rtrib::cluster::slots::key_slot(key.as_bytes()),
            server,
            "{key}"
        );
    }
}

#[test]
fn a_closed_stdout_ends_every_report_quietly() {
    let nodes = started(3, Layout::Ports);
    nodes.form(3);
    let seed = nodes[0].addr();
    for args in [
        vec!["info", seed.as_str()],
        vec!["check", seed.as_str()],
        vec!["check", seed.as_str(), "-o", "json"],
        vec!["completions", "zsh"],
        vec!["check", "127.0.0.1:1", "-o", "json"],
    ] {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_rtrib"))
            .args(&args)
            .stdout(writer)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(
            matches!(output.status.code(), Some(0 | 3)),
            "{args:?}: {:?} {stderr}",
            output.status
        );
    }
}
