//! `rtrib call` and `rtrib set-timeout` on real clusters, with a node down: every node is
//! answered concurrently, and a failed node makes the exit status 1 (redis-cli says 0).

use serde_json::Value;

use crate::support::cluster::{Layout, Nodes, NodesConfig};
use crate::support::rtrib;

fn formed(count: usize, masters: usize) -> Nodes {
    let nodes = Nodes::start(NodesConfig {
        count,
        layout: Layout::Ports,
        ..NodesConfig::default()
    });
    nodes.form(masters);
    nodes
}

#[test]
fn call_reaches_every_node_and_filters_by_role() {
    let nodes = formed(6, 3);
    let output = rtrib()
        .args(["call", &nodes[0].addr(), "ECHO", "-1"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    for node in nodes.iter() {
        assert!(
            stdout.contains(&format!("{}: -1\n", node.addr())),
            "{stdout}"
        );
    }
    let masters = rtrib()
        .args([
            "call",
            &nodes[0].addr(),
            "ROLE",
            "--only-masters",
            "-o",
            "json",
        ])
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&masters.stdout).unwrap();
    let replies = doc["nodes"].as_array().unwrap();
    assert_eq!(replies.len(), 3);
    assert!(replies.iter().all(|r| r["reply"][0] == "master"), "{doc:#}");
    let replicas = rtrib()
        .args([
            "call",
            &nodes[0].addr(),
            "ROLE",
            "--cluster-only-replicas",
            "-o",
            "json",
        ])
        .output()
        .unwrap();
    let doc: Value = serde_json::from_slice(&replicas.stdout).unwrap();
    let replies = doc["nodes"].as_array().unwrap();
    assert_eq!(replies.len(), 3);
    assert!(replies.iter().all(|r| r["reply"][0] == "slave"), "{doc:#}");
}

#[test]
fn call_fails_when_a_node_fails_or_is_down() {
    let mut nodes = formed(6, 3);
    // A command every node refuses.
    let output = rtrib()
        .args(["call", &nodes[0].addr(), "NO-SUCH-COMMAND"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("6 of 6 nodes failed."), "{stdout}");

    // A command only the slot's master answers: the others' errors show it as it was given.
    let output = rtrib()
        .args(["call", &nodes[0].addr(), "GET", "someKey:abc"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("GET someKey:abc failed: MOVED"), "{stdout}");
    assert!(!stdout.contains("SOMEKEY"), "{stdout}");

    let down = nodes[5].addr();
    nodes[5].kill();
    let output = rtrib()
        .args(["call", &nodes[0].addr(), "PING", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let doc: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(doc["ok"], false);
    let failed: Vec<&Value> = doc["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| !n["error"].is_null())
        .collect();
    assert_eq!(failed.len(), 1, "{doc:#}");
    assert_eq!(failed[0]["addr"], down);
    assert!(
        failed[0]["error"].as_str().unwrap().contains("refused"),
        "{doc:#}"
    );
}

#[test]
fn set_timeout_changes_every_node_and_names_the_one_down() {
    let mut nodes = formed(6, 3);
    let output = rtrib()
        .args(["set-timeout", &nodes[1].addr(), "4321"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    for node in nodes.iter() {
        let reply = node.cmd_str(&["CONFIG", "GET", "cluster-node-timeout"]);
        assert!(reply.contains("4321"), "{}: {reply}", node.addr());
    }
    // The fixture's servers run without a config file: the value is in force, not saved.
    assert!(stdout.contains("not saved"), "{stdout}");
    assert!(stdout.contains("[OK] 6 OK, 0 ERR."), "{stdout}");

    let down = nodes[4].addr();
    nodes[4].kill();
    let output = rtrib()
        .args(["set-timeout", &nodes[0].addr(), "5000"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains(&format!("[ERR] setting node-timeout for {down}")),
        "{stdout}"
    );
    assert!(stdout.contains("5 OK, 1 ERR."), "{stdout}");
    for (i, node) in nodes.iter().enumerate().filter(|(i, _)| *i != 4) {
        let reply = node.cmd_str(&["CONFIG", "GET", "cluster-node-timeout"]);
        assert!(reply.contains("5000"), "node {i}: {reply}");
    }
}

#[test]
fn set_timeout_below_100_ms_is_a_usage_error() {
    let nodes = formed(3, 3);
    rtrib()
        .args(["set-timeout", &nodes[0].addr(), "99"])
        .assert()
        .code(2);
    let reply = nodes[0].cmd_str(&["CONFIG", "GET", "cluster-node-timeout"]);
    assert!(reply.contains("2000"), "{reply}");
}
