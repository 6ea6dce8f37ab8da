//! Plan files against real clusters: `--plan-out` changes nothing (every node's CLUSTER NODES
//! is the same before and after), two plans of one state are the same bytes, `rtrib apply`
//! makes exactly the plan's moves (the slot map compared slot by slot), recognises a plan
//! already made, refuses a plan made stale by another change with the cluster untouched, and
//! rejects files that are not plans in one line; create, fix and del-node plans are applied
//! too.

use std::path::Path;

use serde_json::Value as Json;

use crate::migrate::{assert_keys, expect, run as rtrib_run};
use crate::support::cluster::{Layout, Nodes, NodesConfig, RedisNode, parse_nodes};
use crate::support::servers::on_every_server;

/// Every node's CLUSTER NODES without what changes by itself (ping and pong times, link
/// state), lines sorted: equal before and after a command that changes nothing.
pub(crate) fn views(nodes: &[&RedisNode]) -> Vec<Vec<String>> {
    nodes
        .iter()
        .map(|node| {
            let mut lines: Vec<String> = node
                .cluster_nodes()
                .lines()
                .map(|line| {
                    let fields: Vec<&str> = line.split_whitespace().collect();
                    let mut kept = fields[..4].to_vec();
                    kept.push(fields[6]);
                    kept.extend(&fields[8..]);
                    kept.join(" ")
                })
                .collect();
            lines.sort();
            lines
        })
        .collect()
}

fn all(nodes: &Nodes) -> Vec<&RedisNode> {
    nodes.iter().collect()
}

fn read_plan(path: &Path) -> Json {
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// The index of the node with ID `id`.
fn index_of(nodes: &Nodes, id: &str) -> usize {
    nodes
        .iter()
        .position(|n| n.id() == id)
        .expect("a node of the cluster")
}

on_every_server! {
    /// A reshard reviewed as a file: planned without a change, the same bytes twice, applied
    /// exactly (slot by slot), recognised as done; a rebalance planned and applied after it;
    /// and a plan made stale by another reshard refused with exit 5, nothing changed.
    fn a_reshard_reviewed_as_a_file_is_applied_exactly_or_refused(server) {
        const KEYS: usize = 300;
        let nodes = Nodes::start(NodesConfig::on(server, 3, Layout::Ports));
        nodes.form(3);
        nodes.fill_keys(KEYS);
        let dir = tempfile::tempdir().unwrap();
        let file = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
        let (seed, to) = (nodes[0].addr(), nodes[2].id());
        let before = views(&all(&nodes));
        let owners = nodes.slot_owners();
        let plan = file("reshard.json");
        let mut written = Vec::new();
        for _ in 0..2 {
            let out = expect(0, &["reshard", &seed, "--from", "all", "--to", &to, "--slots", "40", "--plan-out", &plan]);
            assert!(out.contains("Nothing was changed"), "{out}");
            written.push(std::fs::read_to_string(&plan).unwrap());
        }
        assert_eq!(views(&all(&nodes)), before, "--plan-out changed the cluster");
        assert!(written[0] == written[1], "two plans of one state differ");
        let document = read_plan(Path::new(&plan));
        assert_eq!((document["format"].as_str(), document["version"].as_u64()), (Some("rtrib-plan"), Some(1)));
        assert_eq!(document["command"], "reshard");
        assert_eq!(document["precondition"]["members"].as_array().unwrap().len(), 3);
        let steps = document["steps"].as_array().unwrap();
        assert_eq!(steps.len(), 40);

        let out = expect(0, &["apply", &plan, "--dry-run"]);
        assert!(out.contains("40 steps to make") && out.contains("Dry run"), "{out}");
        assert_eq!(views(&all(&nodes)), before, "--dry-run changed the cluster");
        expect(0, &["apply", &plan, "--yes"]);
        let mut expected = owners.clone();
        for step in steps {
            let slot = step["slot"].as_u64().unwrap() as usize;
            assert_eq!(owners[slot], Some(index_of(&nodes, step["from"].as_str().unwrap())));
            expected[slot] = Some(index_of(&nodes, step["to"].as_str().unwrap()));
        }
        assert_eq!(nodes.slot_owners(), expected, "the slot map is not the plan's");
        assert_keys(&all(&nodes), KEYS);

        let out = expect(0, &["apply", &plan, "--yes"]);
        assert!(out.contains("made already"), "{out}");
        assert_eq!(nodes.slot_owners(), expected);

        let rebalance = file("rebalance.json");
        expect(0, &["rebalance", &seed, "--threshold", "0", "--plan-out", &rebalance]);
        assert_eq!(nodes.slot_owners(), expected, "--plan-out changed the cluster");
        expect(0, &["apply", &rebalance, "--yes"]);
        let served = |i: usize| nodes.slot_owners().iter().filter(|o| **o == Some(i)).count();
        assert!((0..3).all(|i| (5461..=5462).contains(&served(i))), "not balanced");
        assert_keys(&all(&nodes), KEYS);

        let stale = file("stale.json");
        expect(0, &["reshard", &seed, "--from", "all", "--to", &to, "--slots", "10", "--plan-out", &stale]);
        expect(0, &["reshard", &seed, "--from", &to, "--to", &nodes[1].id(), "--slots", "5", "--yes"]);
        let changed = views(&all(&nodes));
        let (code, _, stderr) = rtrib_run(&["apply", &stale, "--yes"]);
        assert_eq!(code, Some(5), "{stderr}");
        assert_eq!(stderr.trim().lines().count(), 1, "{stderr}");
        assert!(stderr.contains("changed since the plan was made"), "{stderr}");
        assert_eq!(views(&all(&nodes)), changed, "a refused apply changed the cluster");
    }
}

/// Files that are not plans are refused in one line (exit 2), and a plan of another cluster
/// with exit 6; nothing changes.
#[test]
fn files_that_are_not_plans_are_refused_in_one_line() {
    let nodes = Nodes::on_ports(3);
    nodes.form(3);
    let other = Nodes::on_ports(3);
    other.form(3);
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("plan.json");
    let path = plan.to_str().unwrap();
    let seed = nodes[0].addr();
    expect(
        0,
        &[
            "reshard",
            &seed,
            "--from",
            "all",
            "--to",
            &nodes[1].id(),
            "--slots",
            "3",
            "--plan-out",
            path,
        ],
    );
    let text = std::fs::read_to_string(&plan).unwrap();
    let before = views(&all(&nodes));
    let to = nodes[1].id();
    let edits = [
        ("not JSON", "{ this is not json".to_string()),
        (
            "not an rtrib plan",
            "{\"format\": \"terraform\"}".to_string(),
        ),
        ("version", text.replace("\"version\": 1", "\"version\": 2")),
        ("explode", text.replace("\"reshard\"", "\"explode\"")),
        (
            "not among",
            text.replace(
                &format!("\"to\": \"{to}\""),
                &format!("\"to\": \"{}\"", "f".repeat(40)),
            ),
        ),
        ("out of range", {
            let mut document: Json = serde_json::from_str(&text).unwrap();
            document["steps"][0]["slot"] = Json::from(20000);
            document.to_string()
        }),
        ("not a master", {
            let mut document: Json = serde_json::from_str(&text).unwrap();
            let from = document["steps"][0]["from"].clone();
            document["steps"][0]["to"] = from;
            document.to_string()
        }),
    ];
    for (expected, content) in edits {
        let bad = dir.path().join("bad.json");
        std::fs::write(&bad, content).unwrap();
        let (code, stdout, stderr) = rtrib_run(&["apply", bad.to_str().unwrap(), "--yes"]);
        assert_eq!(code, Some(2), "{expected}: {stdout}{stderr}");
        assert_eq!(stderr.trim().lines().count(), 1, "{expected}: {stderr}");
        assert!(
            stderr.contains("is not a plan rtrib can apply"),
            "{expected}: {stderr}"
        );
    }
    let (code, _, stderr) = rtrib_run(&["apply", path, "--node", &other[0].addr(), "--yes"]);
    assert_eq!(code, Some(6), "{stderr}");
    assert!(stderr.contains("another cluster"), "{stderr}");
    assert_eq!(views(&all(&nodes)), before);
}

/// A create plan: the nodes stay empty while it is a file; applied, they form the cluster;
/// applied again, nothing is done.
#[test]
fn a_create_plan_forms_the_cluster_when_applied() {
    let nodes = Nodes::on_loopback_ips(4);
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("create.json");
    let path = plan.to_str().unwrap();
    let addrs = nodes.addrs();
    let mut create = vec![
        "create",
        "--allow-few-masters",
        "--replicas",
        "1",
        "--plan-out",
        path,
    ];
    create.extend(addrs.iter().map(String::as_str));
    expect(0, &create);
    for node in nodes.iter() {
        assert_eq!(
            parse_nodes(&node.cluster_nodes()).len(),
            1,
            "a node met another"
        );
    }
    let document = read_plan(&plan);
    assert_eq!(document["command"], "create");
    expect(0, &["apply", path, "--yes"]);
    for node in nodes.iter() {
        assert_eq!(node.cluster_info_field("cluster_state"), "ok");
        assert_eq!(parse_nodes(&node.cluster_nodes()).len(), 4);
    }
    let out = expect(0, &["apply", path, "--yes"]);
    assert!(out.contains("made already"), "{out}");
}

/// A fix plan closes the open slot it found when applied (not before); a del-node plan
/// removes the replica it names when applied (not before); both are then done.
#[test]
fn fix_and_del_node_plans_are_applied() {
    let nodes = Nodes::on_ports(4);
    nodes.form(3);
    nodes.fill_keys(100);
    let dir = tempfile::tempdir().unwrap();
    let fix = dir.path().join("fix.json");
    let seed = nodes[0].addr();
    nodes[1].cmd(&["CLUSTER", "SETSLOT", "0", "IMPORTING", &nodes[0].id()]);
    nodes[0].cmd(&["CLUSTER", "SETSLOT", "0", "MIGRATING", &nodes[1].id()]);
    let before = views(&all(&nodes));
    expect(0, &["fix", &seed, "--plan-out", fix.to_str().unwrap()]);
    assert_eq!(views(&all(&nodes)), before);
    assert_eq!(read_plan(&fix)["command"], "fix");
    expect(0, &["apply", fix.to_str().unwrap(), "--yes"]);
    assert!(
        nodes.iter().all(|n| !n.cluster_nodes().contains('[')),
        "a slot is still open"
    );
    assert_keys(&all(&nodes), 100);
    let out = expect(0, &["apply", fix.to_str().unwrap(), "--yes"]);
    assert!(out.contains("made already"), "{out}");

    let removal = dir.path().join("del.json");
    let replica = nodes[3].id();
    let before = views(&all(&nodes));
    expect(
        0,
        &[
            "del-node",
            &seed,
            &replica,
            "--plan-out",
            removal.to_str().unwrap(),
        ],
    );
    assert_eq!(views(&all(&nodes)), before);
    expect(0, &["apply", removal.to_str().unwrap(), "--yes"]);
    for node in nodes.iter().take(3) {
        assert!(
            !node.cluster_nodes().contains(&replica),
            "{replica} is still known"
        );
    }
    let out = expect(0, &["apply", removal.to_str().unwrap(), "--yes"]);
    assert!(out.contains("made already"), "{out}");
}
