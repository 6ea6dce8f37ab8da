//! `rtrib rebalance --by keys|cpu` and `rtrib info`'s skew report against real clusters: the
//! issue's skewed data set (keys spread evenly plus many more under hash tags whose slots all
//! belong to the first master, ~7x apart) balanced by keys on Redis and on Valkey 9.1 with
//! slot stats, CPU and network figures from slot stats on Valkey 9.1 and Redis 8.2, weights, a
//! balanced cluster left alone, a slot too heavy to balance reported, a run killed midway
//! completed by a re-run, and what `info` shows. Each test asserts the servers' own state: keys
//! per master from DBSIZE, every value read back, every node's CLUSTER NODES agreeing, no open
//! slot.

use std::time::Duration;

use serde_json::Value as Json;

use crate::migrate::{expect, kill_mid_slot, run, slot_counts};
use crate::support::cluster::{
    Layout, Nodes, NodesConfig, RedisNode, Server, key_slot, slot_ranges, wait_until,
};
use crate::support::servers::on_every_server;
use crate::support::{expect_exit_printed, rtrib};

/// Keys spread evenly over all slots (`key:i`).
const SPREAD: usize = 20_000;
/// Keys under [`TAGS`] hash tags whose slots the first master serves (`{tN}:j`).
const TAGGED: usize = 40_000;
/// Hash tags of the tagged keys.
const TAGS: usize = 300;

/// Three masters of `server` (with `extra` settings) holding the skewed data set;
/// returns the nodes and every key with its value.
fn skewed(server: Server, extra: &[(&str, &str)]) -> (Nodes, Vec<(String, String)>) {
    let nodes = Nodes::start(NodesConfig {
        extra: extra
            .iter()
            .map(|(name, value)| (name.to_string(), value.to_string()))
            .collect(),
        ..NodesConfig::on(server, 3, Layout::Ports)
    });
    nodes.form(3);
    let (_, first_last) = slot_ranges(3)[0];
    let tags: Vec<String> = (0..)
        .map(|n| format!("t{n}"))
        .filter(|tag| key_slot(tag.as_bytes()) <= first_last)
        .take(TAGS)
        .collect();
    let mut pairs: Vec<(String, String)> = (0..SPREAD)
        .map(|i| (format!("key:{i}"), format!("value:{i}")))
        .collect();
    for (n, tag) in tags.iter().enumerate() {
        for j in 0..TAGGED / TAGS {
            pairs.push((format!("{{{tag}}}:{j}"), format!("v:{n}:{j}")));
        }
    }
    nodes.set_keys(&pairs);
    (nodes, pairs)
}

/// DBSIZE of each node.
fn keys_per_master(nodes: &Nodes) -> Vec<usize> {
    nodes
        .iter()
        .map(|n| n.cmd_str(&["DBSIZE"]).parse().unwrap())
        .collect()
}

/// Asserts that every node's own CLUSTER NODES gives the same slots per master, all 16384,
/// and no open slot (waiting a little for gossip); returns the slots per master of node 0's
/// view.
fn assert_views_agree(nodes: &Nodes) -> Vec<usize> {
    let agreed = wait_until(Duration::from_secs(10), || {
        let views: Vec<_> = nodes.iter().map(slot_counts).collect();
        views.iter().all(|(counts, open)| {
            !open && *counts == views[0].0 && counts.values().sum::<usize>() == 16384
        })
    });
    let views: String = nodes.iter().map(RedisNode::cluster_nodes).collect();
    assert!(agreed, "views disagree or slots are open:\n{views}");
    let (counts, _) = slot_counts(&nodes[0]);
    nodes.iter().map(|n| counts[&n.id()]).collect()
}

/// Runs `rtrib rebalance SEED --by MEASURE -o json` with `extra` arguments, expecting exit 0;
/// returns the document.
fn rebalance_json(nodes: &Nodes, measure: &str, extra: &[&str]) -> Json {
    let seed = nodes[0].addr();
    let args = [&["rebalance", &seed, "--by", measure, "-o", "json"], extra].concat();
    serde_json::from_str(&expect(0, &args)).unwrap()
}

/// Asserts that the masters' key counts (DBSIZE) are within 25% of each other; returns them.
fn assert_within_25_percent(nodes: &Nodes) -> Vec<usize> {
    let keys = keys_per_master(nodes);
    let (least, most) = (*keys.iter().min().unwrap(), *keys.iter().max().unwrap());
    assert!(most * 100 <= least * 125, "keys per master: {keys:?}");
    keys
}

/// Asserts the cluster is healthy by rtrib's own check too.
fn assert_healthy(nodes: &Nodes) {
    let out = expect(0, &["check", &nodes[0].addr()]);
    assert!(out.contains("[OK] All 16384 slots covered."), "{out}");
}

/// The skewed cluster is balanced by keys to within 25%, every key intact.
fn balances_the_skewed_cluster_by_keys(server: Server, extra: &[(&str, &str)]) -> Json {
    let (nodes, pairs) = skewed(server, extra);
    let before = keys_per_master(&nodes);
    assert!(
        before[0] > 6 * before[1] && before[0] > 6 * before[2],
        "{before:?}"
    );

    let document = rebalance_json(&nodes, "keys", &["--yes"]);
    assert_eq!(document["outcome"], "moved", "{document:#}");
    assert_eq!(document["by"], "keys");
    assert_eq!(document["check"]["healthy"], true);
    assert!(document["unsplittable"].as_array().unwrap().is_empty());
    // Little more than the first master's surplus moved.
    let surplus = before[0] - pairs.len() / 3;
    let moved = document["keys_moved"].as_u64().unwrap() as usize;
    assert!(
        moved >= surplus && moved <= surplus * 11 / 10,
        "{moved} keys moved for a surplus of {surplus}"
    );

    let after = assert_within_25_percent(&nodes);
    assert_eq!(after.iter().sum::<usize>(), pairs.len());
    nodes.assert_values(&pairs);
    let slots = assert_views_agree(&nodes);
    for master in document["masters"].as_array().unwrap() {
        let index = nodes.iter().position(|n| master["id"] == n.id()).unwrap();
        assert_eq!(master["slots_after"], slots[index], "{master:#}");
        assert_eq!(master["after"], after[index], "{master:#}");
    }
    assert_healthy(&nodes);

    // Balanced now: a second run moves nothing.
    let out = expect(0, &["rebalance", &nodes[0].addr(), "--by", "keys", "--yes"]);
    assert!(out.contains("*** No rebalancing needed!"), "{out}");
    assert_eq!(keys_per_master(&nodes), after);
    document
}

on_every_server! {
    /// The skewed data set balanced by keys on every server of the matrix (key counts
    /// from COUNTKEYSINSLOT on Redis before 8.2, from SLOT-STATS on Redis 8.2 and Valkey).
    fn rebalance_by_keys_evens_out_hash_tag_hot_spots(server) {
        balances_the_skewed_cluster_by_keys(server, &[]);
    }
}

#[test]
fn rebalance_by_keys_reads_slot_stats_on_valkey_9_1() {
    let extra = [("cluster-slot-stats-enabled", "yes")];
    balances_the_skewed_cluster_by_keys(Server::Valkey9_1, &extra);
}

#[test]
fn slot_stats_give_cpu_and_network_on_valkey_9_1_and_nothing_falls_back() {
    slot_stats_give_cpu_and_network_and_nothing_falls_back(Server::Valkey9_1);
}

#[test]
fn slot_stats_give_cpu_and_network_on_redis_8_2_and_nothing_falls_back() {
    slot_stats_give_cpu_and_network_and_nothing_falls_back(Server::Redis8_2);
}

/// With `cluster-slot-stats-enabled yes`, `info --by cpu` and `rebalance --by network` read
/// SLOT-STATS on `server`; with it off on one master, `--by cpu` refuses and nothing moves.
fn slot_stats_give_cpu_and_network_and_nothing_falls_back(server: Server) {
    let (nodes, pairs) = skewed(server, &[("cluster-slot-stats-enabled", "yes")]);
    nodes.assert_values(&pairs); // traffic on every slot
    let out = expect(0, &["info", &nodes[0].addr(), "--by", "cpu", "-o", "json"]);
    let info: Json = serde_json::from_str(&out).unwrap();
    assert_eq!(info["by"], "cpu");
    assert_eq!(
        info["measures"],
        serde_json::json!(["slots", "keys", "cpu", "network"])
    );
    for master in info["masters"].as_array().unwrap() {
        assert_eq!(master["figures_from"], "slot-stats", "{master:#}");
    }
    assert!(info["masters"][0]["load"].as_u64().unwrap() > 0);
    let plan = rebalance_json(&nodes, "network", &["--simulate"]);
    assert_eq!(plan["by"], "network");
    assert!(plan["total_load"].as_u64().unwrap() > 0);

    // Slot stats off on one master: cpu cannot be measured, and nothing moves.
    nodes[1].cmd(&["CONFIG", "SET", "cluster-slot-stats-enabled", "no"]);
    let before = keys_per_master(&nodes);
    let (_, stderr) = expect_exit_printed(
        rtrib(),
        5,
        &["rebalance", &nodes[0].addr(), "--by", "cpu", "--yes"],
    );
    assert!(
        stderr.contains("cluster-slot-stats-enabled no") && stderr.contains(&nodes[1].addr()),
        "{stderr}"
    );
    assert_eq!(keys_per_master(&nodes), before);
    assert_views_agree(&nodes);
}

/// Redis before 8.2 has no SLOT-STATS.
#[test]
fn redis_cannot_measure_cpu_and_says_so() {
    let nodes = Nodes::start(NodesConfig::on(Server::Redis7_0, 3, Layout::Ports));
    nodes.form(3);
    nodes.fill_keys(300);
    for command in ["rebalance", "info"] {
        let (_, stderr) =
            expect_exit_printed(rtrib(), 5, &[command, &nodes[0].addr(), "--by", "cpu"]);
        assert!(
            stderr.contains("no CLUSTER SLOT-STATS") && stderr.contains("--by keys"),
            "{stderr}"
        );
    }
    assert_eq!(assert_views_agree(&nodes), [5461, 5462, 5461]);
}

#[test]
fn rebalance_by_keys_follows_weights_through_a_plan_file() {
    let (nodes, pairs) = skewed(Server::from_env(), &[]);
    let weight = format!("{}=2", &nodes[2].id()[..12]);
    let dir = tempfile::tempdir().unwrap();
    let plan = dir.path().join("rebalance.json");
    let plan = plan.to_str().unwrap();
    let before = keys_per_master(&nodes);
    let out = expect(
        0,
        &[
            "rebalance",
            &nodes[0].addr(),
            "--by",
            "keys",
            "--weight",
            &weight,
            "--plan-out",
            plan,
        ],
    );
    assert!(out.contains("Total weight = 4.00"), "{out}");
    assert_eq!(keys_per_master(&nodes), before, "--plan-out moved keys");
    expect(0, &["apply", plan, "--yes"]);
    let after = keys_per_master(&nodes);
    let quarter = pairs.len() as f64 / 4.0;
    for (keys, share) in after.iter().zip([1.0, 1.0, 2.0]) {
        let target = quarter * share;
        assert!(
            (*keys as f64 - target).abs() <= target * 0.05,
            "keys per master {after:?}, targets a quarter, a quarter, a half"
        );
    }
    nodes.assert_values(&pairs);
    assert_views_agree(&nodes);
    assert_healthy(&nodes);
}

#[test]
fn a_cluster_balanced_by_keys_moves_nothing() {
    let nodes = Nodes::on_ports(3);
    nodes.form(3);
    nodes.fill_keys(6000);
    let views = assert_views_agree(&nodes);
    let document = rebalance_json(&nodes, "keys", &["--yes"]);
    assert_eq!(document["outcome"], "balanced");
    assert_eq!(document["slots_moved"], 0);
    assert!(document["moves"].as_array().unwrap().is_empty());
    assert_eq!(assert_views_agree(&nodes), views);
    let out = expect(0, &["rebalance", &nodes[0].addr(), "--by", "keys"]);
    assert!(
        out.contains("*** No rebalancing needed! All nodes are within the 2.00% threshold"),
        "{out}"
    );
}

#[test]
fn a_slot_heavier_than_any_share_is_reported_not_chased() {
    let nodes = Nodes::on_ports(3);
    nodes.form(3);
    let mut pairs: Vec<(String, String)> = (0..3000)
        .map(|i| (format!("key:{i}"), format!("value:{i}")))
        .collect();
    let (_, first_last) = slot_ranges(3)[0];
    let tag = (0..)
        .map(|n| format!("tenant{n}"))
        .find(|t| key_slot(t.as_bytes()) <= first_last)
        .unwrap();
    let huge = key_slot(tag.as_bytes());
    pairs.extend((0..6000).map(|j| (format!("{{{tag}}}:{j}"), format!("big:{j}"))));
    nodes.set_keys(&pairs);

    let args = ["rebalance", &nodes[0].addr(), "--by", "keys", "--yes"];
    let out = expect(0, &args);
    let report = format!("Slot {huge} alone holds 6");
    assert!(
        out.contains(&report) && out.contains("no slot move can balance it"),
        "{out}"
    );
    // The huge slot stays; the first master gave the rest of its keys away.
    assert_eq!(nodes.slot_owners()[usize::from(huge)], Some(0));
    let after = keys_per_master(&nodes);
    assert!(after[0] < 6000 + 50, "{after:?}");
    assert!(after[1].abs_diff(after[2]) <= 10, "{after:?}");
    nodes.assert_values(&pairs);
    assert_views_agree(&nodes);

    // Not chased: a second run moves nothing and says why.
    let (code, stdout, _) = run(&[&args[..], &["-o", "json"]].concat());
    assert_eq!(code, Some(0), "{stdout}");
    let document: Json = serde_json::from_str(&stdout).unwrap();
    assert_eq!(document["slots_moved"], 0);
    assert_eq!(document["unsplittable"][0]["slot"], huge);
    assert_eq!(document["unsplittable"][0]["owner"], nodes[0].id());
    assert_eq!(keys_per_master(&nodes), after);
}

#[test]
fn info_shows_the_skew() {
    let (nodes, pairs) = skewed(Server::from_env(), &[]);
    let seed = nodes[0].addr();
    let output = crate::support::rtrib()
        .args(["info", &seed, "--top", "5"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    // redis-cli's closing lines, intact and last.
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[lines.len() - 2],
        format!("[OK] {} keys in 3 masters.", pairs.len())
    );
    assert!(lines[lines.len() - 1].ends_with(" keys per slot on average."));
    // No colour when stdout is not a terminal: letters and #.
    assert!(!text.contains('\x1b') && !text.contains('█'), "{text}");
    let strip = lines.iter().find(|l| l.starts_with("  |")).unwrap();
    assert_eq!(strip.len(), 2 + 1 + 64 + 1, "{strip}");
    assert!(strip.starts_with("  |AAAAAAAAAAAAAAAAAAAAA"), "{strip}");
    let bars: Vec<&str> = lines
        .iter()
        .copied()
        .skip_while(|l| !l.starts_with(">>> Keys by master"))
        .skip(1)
        .take(3)
        .collect();
    assert_eq!(bars[0].matches('#').count(), 40, "{text}");
    assert!(bars[1].matches('#').count() <= 7, "{text}");
    assert!(
        bars[0].contains(&nodes[0].addr()) && bars[0].contains("77."),
        "{text}"
    );
    let hot: Vec<&str> = lines
        .iter()
        .copied()
        .skip_while(|l| !l.starts_with(">>> Heaviest slots by keys"))
        .skip(2)
        .take(5)
        .collect();
    assert_eq!(hot.len(), 5, "{text}");
    for line in hot {
        assert!(line.contains(&format!("A {}", nodes[0].addr())), "{line}");
        assert!(line.contains(" {t"), "a hash tag is shown: {line}");
    }

    let output = crate::support::rtrib()
        .args(["info", &seed, "--by-slot", "-o", "json"])
        .output()
        .unwrap();
    let info: Json = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(info["total_keys"], pairs.len());
    assert_eq!(info["by"], "keys");
    assert_eq!(info["measures"], serde_json::json!(["slots", "keys"]));
    let dbsize = keys_per_master(&nodes);
    let masters = info["masters"].as_array().unwrap();
    assert_eq!(masters[0]["id"], nodes[0].id(), "the seed comes first");
    for master in masters {
        let index = nodes.iter().position(|n| master["id"] == n.id()).unwrap();
        assert_eq!(master["keys"], dbsize[index]);
        assert_eq!(master["load"], dbsize[index]);
        let method = match Server::from_env() {
            server if server.has_slot_stats() => "slot-stats",
            _ => "countkeysinslot",
        };
        assert_eq!(master["figures_from"], method);
        assert!(master["used_memory"].as_u64().unwrap() > 1_000_000);
    }
    assert!(masters[0]["keys_percent"].as_f64().unwrap() > 75.0);
    let memory: f64 = masters
        .iter()
        .map(|m| m["used_memory_percent"].as_f64().unwrap())
        .sum();
    assert!((memory - 100.0).abs() < 0.1, "{memory}");
    assert!(
        masters[0]["used_memory"].as_u64() > masters[1]["used_memory"].as_u64(),
        "{masters:#?}"
    );
    let heaviest = info["heaviest_slots"].as_array().unwrap();
    assert_eq!(heaviest.len(), 10);
    assert_eq!(heaviest[0]["owner"], nodes[0].id());
    assert!(heaviest[0]["keys"].as_u64().unwrap() >= (TAGGED / TAGS) as u64);
    assert!(
        heaviest[0]["sample_key"]
            .as_str()
            .unwrap()
            .starts_with("{t")
    );
    let slots = info["slots"].as_array().unwrap();
    assert_eq!(slots.len(), 16384);
    let total: u64 = slots.iter().map(|s| s["keys"].as_u64().unwrap()).sum();
    assert_eq!(total, pairs.len() as u64);
    // Memory per slot is estimated only when asked for.
    assert!(slots[0]["memory"].is_null());
    let output = crate::support::rtrib()
        .args(["info", &seed, "--by", "memory", "-o", "json"])
        .output()
        .unwrap();
    let info: Json = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(info["memory_samples_per_slot"], 8);
    let estimated: Vec<u64> = info["masters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["load"].as_u64().unwrap())
        .collect();
    assert!(estimated[0] > 5 * estimated[1], "{estimated:?}");
}

#[test]
fn a_rebalance_by_keys_killed_midway_is_completed_by_a_rerun() {
    let (nodes, pairs) = skewed(Server::from_env(), &[]);
    let (a, b) = (&nodes[0], &nodes[1]);
    let seed = a.addr();
    let args = [
        "rebalance",
        &seed,
        "--by",
        "keys",
        "--yes",
        "--pipeline",
        "5",
        "--parallel",
        "4",
    ];
    kill_mid_slot(&args, &[a], b, || {
        slot_counts(b).0.get(&b.id()).copied().unwrap_or(0) > 5462 + 10
    });

    // The re-run finishes the open slot, reads the keys again and plans what is left.
    let out = expect(0, &args);
    assert!(out.contains("Finishing"), "{out}");
    assert_within_25_percent(&nodes);
    nodes.assert_values(&pairs);
    assert_views_agree(&nodes);
    assert_healthy(&nodes);
}
