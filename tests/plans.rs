//! Plan files against real clusters: `--plan-out` changes nothing (every node's CLUSTER NODES
//! is the same before and after), two plans of one state are the same bytes, `rtrib apply`
//! makes exactly the plan's moves (the slot map compared slot by slot), recognises a plan
//! already made, refuses a plan made stale by another change with the cluster untouched, and
//! rejects files that are not plans in one line; create, fix and del-node plans are applied
//! too; and the golden version-1 plan files under `tests/plans/v1/` still apply.

use std::path::Path;
use std::time::Duration;

use serde_json::Value as Json;

use crate::migrate::{assert_keys, expect};
use crate::support::cluster::{Layout, Nodes, NodesConfig, RedisNode, parse_nodes, wait_until};
use crate::support::servers::on_every_server;
use crate::support::{expect_exit_printed, rtrib};

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
        let (_, stderr) = expect_exit_printed(rtrib(), 5, &["apply", &stale, "--yes"]);
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
        let (_, stderr) =
            expect_exit_printed(rtrib(), 2, &["apply", bad.to_str().unwrap(), "--yes"]);
        assert_eq!(stderr.trim().lines().count(), 1, "{expected}: {stderr}");
        assert!(
            stderr.contains("is not a plan rtrib can apply"),
            "{expected}: {stderr}"
        );
    }
    let (_, stderr) = expect_exit_printed(
        rtrib(),
        6,
        &["apply", path, "--node", &other[0].addr(), "--yes"],
    );
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

/// The golden version-1 plan files under `tests/plans/v1/` (one per planning command, written
/// by the format's first release) that must keep applying as long as version 1 is read.
const GOLDEN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/plans/v1");

/// The live node of each member of a golden plan's precondition, in the file's order, found by
/// role in the cluster `nodes` formed in the plan's shape: a master by the first slot it
/// serves, a replica by its master, a node without slots or master (a create plan's) in order.
fn members_of(plan: &Json, nodes: &Nodes) -> Vec<usize> {
    let members = plan["precondition"]["members"].as_array().unwrap();
    let owners = nodes.slot_owners();
    let lines = parse_nodes(&nodes[0].cluster_nodes());
    let mut live: Vec<Option<usize>> = vec![None; members.len()];
    let mut fresh = 0..nodes.len();
    for (i, member) in members.iter().enumerate() {
        if let Some(first) = member["slots"][0][0].as_u64() {
            live[i] = owners[first as usize];
        } else if member["role"] == "master" {
            live[i] = fresh.next();
        }
    }
    for (i, member) in members.iter().enumerate() {
        let Some(master) = member["master"].as_str() else {
            continue;
        };
        let m = members
            .iter()
            .position(|other| other["id"] == master)
            .unwrap();
        let master_id = nodes[live[m].unwrap()].id();
        let line = lines.iter().find(|l| l.master == master_id).unwrap();
        live[i] = Some(index_of(nodes, &line.id));
    }
    live.into_iter()
        .map(|l| l.expect("a live node for every member"))
        .collect()
}

/// The golden plan `name` with its members' IDs and addresses, and nothing else, rewritten to
/// those of the live nodes `members_of` finds; written under `dir`. Returns the path and the
/// live node of each member.
fn golden(name: &str, nodes: &Nodes, dir: &Path) -> (String, Vec<usize>) {
    let text = std::fs::read_to_string(Path::new(GOLDEN).join(name)).unwrap();
    let plan: Json = serde_json::from_str(&text).unwrap();
    assert_eq!(
        (plan["format"].as_str(), plan["version"].as_u64()),
        (Some("rtrib-plan"), Some(1))
    );
    let live = members_of(&plan, nodes);
    let members = plan["precondition"]["members"].as_array().unwrap();
    // Through placeholders, so that a live address equal to another member's golden one is
    // not rewritten twice.
    let mut text = text;
    for (i, member) in members.iter().enumerate() {
        text = text.replace(member["id"].as_str().unwrap(), &format!("<id {i}>"));
        text = text.replace(member["addr"].as_str().unwrap(), &format!("<addr {i}>"));
    }
    for (i, &node) in live.iter().enumerate() {
        text = text.replace(&format!("<id {i}>"), &nodes[node].id());
        text = text.replace(&format!("<addr {i}>"), &nodes[node].addr());
    }
    let path = dir.join(name).to_str().unwrap().to_string();
    std::fs::write(&path, text).unwrap();
    (path, live)
}

/// Forgets the cluster on every node (`CLUSTER RESET HARD`: new IDs, epochs 0), then forms it
/// again: three masters, epochs 1 to 3, each with one replica.
fn reform(nodes: &Nodes) {
    for node in nodes.iter() {
        node.cmd(&["CLUSTER", "RESET", "HARD"]);
    }
    nodes.form(3);
}

/// Each golden version-1 plan file, its IDs and addresses rewritten to a live cluster formed
/// in the shape its precondition names, applies with exit 0 and leaves the cluster as its
/// steps say. One set of six nodes serves every plan, formed again between plans.
#[test]
fn golden_version_1_plans_still_apply() {
    let nodes = Nodes::on_ports(6);
    let dir = tempfile::tempdir().unwrap();
    let slot_owner = |slot: usize| nodes.slot_owners()[slot];

    // reshard: slots 0-7 from the first master to the second.
    nodes.form(3);
    let before = nodes.slot_owners();
    let (plan, live) = golden("reshard.json", &nodes, dir.path());
    expect(0, &["apply", &plan, "--yes"]);
    let mut expected = before.clone();
    expected[..8].fill(Some(live[1]));
    assert_eq!(nodes.slot_owners(), expected, "reshard.json");

    // fix: slot 100 left migrating from the first master to the second, finished there.
    reform(&nodes);
    let before = nodes.slot_owners();
    let (plan, live) = golden("fix.json", &nodes, dir.path());
    nodes[live[0]].cmd(&[
        "CLUSTER",
        "SETSLOT",
        "100",
        "MIGRATING",
        &nodes[live[1]].id(),
    ]);
    expect(0, &["apply", &plan, "--yes"]);
    let mut expected = before.clone();
    expected[100] = Some(live[1]);
    assert_eq!(nodes.slot_owners(), expected, "fix.json");
    assert!(
        nodes.iter().all(|n| !n.cluster_nodes().contains('[')),
        "slot 100 still open"
    );

    // rebalance-roles and rebalance: the first master's replica took over (epoch 7).
    reform(&nodes);
    let replica = index_of(
        &nodes,
        &parse_nodes(&nodes[0].cluster_nodes())
            .into_iter()
            .find(|line| line.master == nodes[0].id())
            .unwrap()
            .id,
    );
    nodes[replica].cmd(&["CLUSTER", "FAILOVER"]);
    let (old, new) = (nodes[0].id(), nodes[replica].id());
    let took_over = wait_until(Duration::from_secs(30), || {
        nodes.iter().all(|n| {
            parse_nodes(&n.cluster_nodes())
                .iter()
                .any(|l| l.id == old && l.master == new && l.is_settled())
        })
    });
    assert!(
        took_over,
        "the failover did not settle: {}",
        nodes[0].cluster_nodes()
    );
    let before = views(&all(&nodes));
    let (plan, _) = golden("rebalance-roles.json", &nodes, dir.path());
    expect(0, &["apply", &plan, "--yes"]);
    assert_eq!(
        views(&all(&nodes)),
        before,
        "rebalance-roles.json: its plan has no step"
    );
    let owners = nodes.slot_owners();
    let (plan, live) = golden("rebalance.json", &nodes, dir.path());
    expect(0, &["apply", &plan, "--yes"]);
    let mut expected = owners.clone();
    expected[5461] = Some(live[4]);
    assert_eq!(nodes.slot_owners(), expected, "rebalance.json");
    assert_eq!(slot_owner(0), Some(live[4]));

    // del-node: the second master's replica forgotten by every other node, and reset.
    reform(&nodes);
    let (plan, live) = golden("del-node.json", &nodes, dir.path());
    let removed = nodes[live[5]].id();
    expect(0, &["apply", &plan, "--yes"]);
    for node in nodes.iter().filter(|n| n.id() != removed) {
        assert!(
            !node.cluster_nodes().contains(&removed),
            "{} still knows it",
            node.addr()
        );
    }
    assert_eq!(
        parse_nodes(&nodes[live[5]].cluster_nodes()).len(),
        1,
        "not reset"
    );

    // create: three fresh nodes formed into a cluster of three masters.
    for node in nodes.iter() {
        node.cmd(&["CLUSTER", "RESET", "HARD"]);
    }
    let (plan, live) = golden("create.json", &nodes, dir.path());
    expect(0, &["apply", &plan, "--yes"]);
    let ranges = [(0, 5460), (5461, 10922), (10923, 16383)];
    for (&node, (first, last)) in live.iter().zip(ranges) {
        let served = (first..=last).all(|slot| slot_owner(slot) == Some(node));
        assert!(
            served,
            "create.json: {} does not serve {first}-{last}",
            nodes[node].addr()
        );
    }
}
