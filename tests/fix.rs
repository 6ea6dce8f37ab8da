//! `rtrib fix` against real clusters: every half-migrated state of a slot, uncovered slots
//! with and without keys, keys in a master that does not serve their slot, the
//! unreachable-master guard, a thousand open slots, and a reshard killed with SIGKILL. Each
//! test checks the real state afterwards: no open slot on any node, all 16384 slots served,
//! and every key readable with its value.

use std::collections::HashMap;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value as Json;

use crate::migrate::{assert_keys, cluster, expect, freeze_mid_slot, run, slot_counts};
use crate::support::cluster::{Nodes, RedisNode, key_slot, wait_until};
use crate::support::rtrib;

const KEYS: usize = 20_000;

/// `CLUSTER SETSLOT slot <args...>` on `node`.
fn setslot(node: &RedisNode, slot: u16, args: &[&str]) {
    let slot = slot.to_string();
    let mut full = vec!["CLUSTER", "SETSLOT", &slot];
    full.extend_from_slice(args);
    node.cmd(&full);
}

/// Moves `key` from `from` to `to` by hand (the slot must be open on `from`).
fn migrate_by_hand(from: &RedisNode, to: &RedisNode, key: &str) {
    let port = to.port().to_string();
    let ip = to.ip().to_string();
    from.cmd(&["MIGRATE", &ip, &port, "", "0", "5000", "KEYS", key]);
}

/// The keys `key:i` (of the first `KEYS`) per slot.
fn keys_by_slot() -> HashMap<u16, Vec<String>> {
    let mut out: HashMap<u16, Vec<String>> = HashMap::new();
    for i in 0..KEYS {
        let key = format!("key:{i}");
        out.entry(key_slot(key.as_bytes())).or_default().push(key);
    }
    out
}

/// A slot served by node `owner` (an index) holding at least `min` keys (exactly 0 when
/// `min` is 0), other than those in `taken`.
fn slot_of(nodes: &Nodes, owner: usize, min: usize, taken: &[u16]) -> (u16, Vec<String>) {
    let owners = nodes.slot_owners();
    let by_slot = keys_by_slot();
    (0..16384u16)
        .filter(|s| owners[usize::from(*s)] == Some(owner) && !taken.contains(s))
        .map(|s| (s, by_slot.get(&s).cloned().unwrap_or_default()))
        .find(|(_, keys)| {
            if min == 0 {
                keys.is_empty()
            } else {
                keys.len() >= min
            }
        })
        .expect("such a slot")
}

/// Asserts that every node of `nodes` sees all 16384 slots served and none open, and that
/// the `count` keys are there with their values.
fn assert_repaired(nodes: &[&RedisNode], count: usize) {
    let settled = wait_until(Duration::from_secs(10), || {
        nodes.iter().all(|node| {
            let (counts, open) = slot_counts(node);
            !open && counts.values().sum::<usize>() == 16384
        })
    });
    let views: String = nodes.iter().map(|n| n.cluster_nodes()).collect();
    assert!(settled, "not repaired:\n{views}");
    assert_keys(nodes, count);
}

fn fix(node: &RedisNode, extra: &[&str]) -> Vec<String> {
    let addr = node.addr();
    let mut args = vec!["fix".to_string(), addr, "--yes".to_string()];
    args.extend(extra.iter().map(|s| s.to_string()));
    args
}

fn fix_expect(code: i32, node: &RedisNode, extra: &[&str]) -> String {
    let args = fix(node, extra);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    expect(code, &args)
}

#[test]
fn migrating_only_on_the_source_with_and_without_keys() {
    let nodes = cluster(3, KEYS);
    let (a, b, c) = (&nodes[0], &nodes[1], &nodes[2]);
    let (full, _) = slot_of(&nodes, 0, 1, &[]);
    let (empty, _) = slot_of(&nodes, 0, 0, &[]);
    setslot(a, full, &["MIGRATING", &b.id()]);
    setslot(a, empty, &["MIGRATING", &b.id()]);
    // Declined: nothing changes.
    let declined = rtrib()
        .args(["fix", &a.addr()])
        .env_remove("REDISCLI_CLUSTER_YES")
        .write_stdin("n\n")
        .output()
        .unwrap();
    assert_eq!(declined.status.code(), Some(1));
    assert!(a.cluster_nodes().contains(&format!("[{full}->-")));
    let out = fix_expect(0, a, &[]);
    assert!(out.contains("open slots"), "{out}");
    assert_repaired(&[a, b, c], KEYS);
}

#[test]
fn importing_only_on_the_target_with_keys_already_moved() {
    let nodes = cluster(3, KEYS);
    let (a, b, c) = (&nodes[0], &nodes[1], &nodes[2]);
    let (slot, keys) = slot_of(&nodes, 0, 2, &[]);
    setslot(b, slot, &["IMPORTING", &a.id()]);
    setslot(a, slot, &["MIGRATING", &b.id()]);
    migrate_by_hand(a, b, &keys[0]);
    setslot(a, slot, &["STABLE"]);
    assert_eq!(
        b.cmd_str(&["CLUSTER", "COUNTKEYSINSLOT", &slot.to_string()]),
        "1"
    );
    fix_expect(0, c, &[]);
    assert_repaired(&[a, b, c], KEYS);
}

#[test]
fn open_on_both_sides_with_keys_on_both_sides() {
    let nodes = cluster(3, KEYS);
    let (a, b, c) = (&nodes[0], &nodes[1], &nodes[2]);
    let (slot, keys) = slot_of(&nodes, 0, 2, &[]);
    setslot(b, slot, &["IMPORTING", &a.id()]);
    setslot(a, slot, &["MIGRATING", &b.id()]);
    migrate_by_hand(a, b, &keys[0]);
    let out = fix_expect(0, a, &["-o", "json"]);
    let doc: Json = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["outcome"], "fixed", "{doc}");
    assert_eq!(doc["steps"][0]["step"], "move", "{doc}");
    assert!(doc["check"].is_object(), "{doc}");
    assert_repaired(&[a, b, c], KEYS);
}

#[test]
fn an_open_slot_spread_over_three_masters_is_gathered_into_its_owner() {
    let nodes = cluster(3, KEYS);
    let (a, b, c) = (&nodes[0], &nodes[1], &nodes[2]);
    let (slot, keys) = slot_of(&nodes, 0, 3, &[]);
    setslot(b, slot, &["IMPORTING", &a.id()]);
    setslot(a, slot, &["MIGRATING", &b.id()]);
    migrate_by_hand(a, b, &keys[0]);
    setslot(c, slot, &["IMPORTING", &a.id()]);
    setslot(a, slot, &["MIGRATING", &c.id()]);
    migrate_by_hand(a, c, &keys[1]);
    let out = fix_expect(0, b, &[]);
    assert!(out.contains("importing from"), "{out}");
    assert_repaired(&[a, b, c], KEYS);
    assert_eq!(nodes.slot_owners()[usize::from(slot)], Some(0));
}

#[test]
fn finished_on_the_target_only() {
    let nodes = cluster(3, KEYS);
    let (a, b, c) = (&nodes[0], &nodes[1], &nodes[2]);
    let (slot, keys) = slot_of(&nodes, 0, 1, &[]);
    setslot(b, slot, &["IMPORTING", &a.id()]);
    setslot(a, slot, &["MIGRATING", &b.id()]);
    for key in &keys {
        migrate_by_hand(a, b, key);
    }
    setslot(b, slot, &["NODE", &b.id()]);
    fix_expect(0, a, &[]);
    assert_repaired(&[a, b, c], KEYS);
    assert_eq!(nodes.slot_owners()[usize::from(slot)], Some(1));
}

#[test]
fn uncovered_slots_go_where_their_keys_are() {
    let nodes = cluster(3, KEYS);
    let (a, b, c) = (&nodes[0], &nodes[1], &nodes[2]);
    let (empty, _) = slot_of(&nodes, 0, 0, &[]);
    let (single, _) = slot_of(&nodes, 1, 1, &[]);
    let (split, split_keys) = slot_of(&nodes, 0, 2, &[empty]);
    // Half of `split`'s keys go to c by hand before the slot is unassigned everywhere.
    setslot(c, split, &["IMPORTING", &a.id()]);
    setslot(a, split, &["MIGRATING", &c.id()]);
    migrate_by_hand(a, c, &split_keys[0]);
    setslot(a, split, &["STABLE"]);
    setslot(c, split, &["STABLE"]);
    for node in [a, b, c] {
        for slot in [empty, single, split] {
            node.cmd(&["CLUSTER", "DELSLOTS", &slot.to_string()]);
        }
    }
    let out = fix_expect(0, b, &[]);
    assert!(out.contains("3 uncovered slots"), "{out}");
    assert_repaired(&[a, b, c], KEYS);
    // The single node's keys stayed there.
    assert_eq!(nodes.slot_owners()[usize::from(single)], Some(1));
}

#[test]
fn keys_in_a_master_that_does_not_serve_their_slot() {
    let nodes = cluster(3, KEYS);
    let (a, b, c) = (&nodes[0], &nodes[1], &nodes[2]);
    let (slot, keys) = slot_of(&nodes, 0, 2, &[]);
    setslot(b, slot, &["IMPORTING", &a.id()]);
    setslot(a, slot, &["MIGRATING", &b.id()]);
    migrate_by_hand(a, b, &keys[0]);
    setslot(a, slot, &["STABLE"]);
    setslot(b, slot, &["STABLE"]);
    // Without the search, the cluster looks fine.
    let out = fix_expect(0, a, &[]);
    assert!(out.contains("No open slot"), "{out}");
    let out = fix_expect(0, a, &["--search-multiple-owners"]);
    assert!(out.contains("several owners"), "{out}");
    assert_repaired(&[a, b, c], KEYS);
    assert_eq!(
        b.cmd_str(&["CLUSTER", "COUNTKEYSINSLOT", &slot.to_string()]),
        "0"
    );
}

#[test]
fn an_unreachable_master_is_refused_unless_forced() {
    let mut nodes = cluster(3, KEYS);
    let (slot, _) = slot_of(&nodes, 0, 1, &[]);
    setslot(&nodes[0], slot, &["MIGRATING", &nodes[1].id()]);
    let lost: usize = nodes[2].cmd_str(&["DBSIZE"]).parse().unwrap();
    nodes[2].kill();
    let before = nodes[0].cluster_nodes();
    let (code, stdout, stderr) = run(&fix(&nodes[0], &[])
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>());
    assert_eq!(code, Some(5), "{stdout}\n{stderr}");
    assert!(stderr.contains("--force"), "{stderr}");
    assert!(nodes[0].cluster_nodes().contains("->-"), "{before}");
    // Forced: the dead master's slots are reassigned. The final check still reports it, as a
    // warning: every slot is served and none is open, so the repair succeeded (exit 0).
    let dead = nodes[2].addr();
    let out = fix_expect(0, &nodes[0], &["--force"]);
    assert!(
        out.contains(&format!("[WARNING] Node {dead} (")) && out.contains("unreachable"),
        "{out}"
    );
    assert!(out.contains("[OK] All 16384 slots covered."), "{out}");
    expect(1, &["check", &nodes[0].addr()]);
    let (a, b) = (&nodes[0], &nodes[1]);
    let settled = wait_until(Duration::from_secs(10), || {
        [a, b].iter().all(|node| {
            let (counts, open) = slot_counts(node);
            !open && counts.values().sum::<usize>() == 16384
        })
    });
    assert!(settled, "{}", a.cluster_nodes());
    let left: usize = [a, b]
        .iter()
        .map(|n| n.cmd_str(&["DBSIZE"]).parse::<usize>().unwrap())
        .sum();
    assert_eq!(left, KEYS - lost);
}

#[test]
fn a_thousand_open_slots_are_fixed_quickly() {
    let nodes = cluster(3, KEYS);
    let (a, b, c) = (&nodes[0], &nodes[1], &nodes[2]);
    let owners = nodes.slot_owners();
    let slots: Vec<u16> = (0..16384u16)
        .filter(|s| owners[usize::from(*s)] == Some(0))
        .take(1000)
        .collect();
    for (node, state, other) in [(b, "IMPORTING", a.id()), (a, "MIGRATING", b.id())] {
        let mut pipe = redis::pipe();
        for slot in &slots {
            pipe.cmd("CLUSTER")
                .arg("SETSLOT")
                .arg(*slot)
                .arg(state)
                .arg(&other)
                .ignore();
        }
        node.with_conn(|conn| pipe.exec(conn)).unwrap();
    }
    let before = slot_counts(b).0[&b.id()];
    let started = Instant::now();
    fix_expect(0, c, &[]);
    assert!(
        started.elapsed() < Duration::from_secs(60),
        "{:?}",
        started.elapsed()
    );
    assert_repaired(&[a, b, c], KEYS);
    let (counts, _) = slot_counts(b);
    assert_eq!(counts[&b.id()], before + 1000);
}

#[test]
fn fix_finishes_a_reshard_killed_midway() {
    let nodes = cluster(3, KEYS);
    let (a, b, c) = (&nodes[0], &nodes[1], &nodes[2]);
    let args = [
        "reshard",
        &a.addr(),
        "--from",
        "all",
        "--to",
        &c.addr(),
        "--slots",
        "4000",
        "--yes",
        "--pipeline",
        "2",
        "--parallel",
        "4",
    ];
    let mut child = Command::new(env!("CARGO_BIN_EXE_rtrib"))
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = wait_until(Duration::from_secs(30), || {
        slot_counts(c).0.get(&c.id()).copied().unwrap_or(0) > 5462 + 100
            && [a, b].iter().any(|n| n.cluster_nodes().contains("->-"))
    });
    let frozen = started && freeze_mid_slot(&[a, b], c);
    unsafe { libc::kill(child.id() as i32, libc::SIGKILL) };
    child.wait().unwrap();
    if frozen {
        a.resume();
        b.resume();
    }
    assert!(
        started,
        "the reshard did not get going: {}",
        a.cluster_nodes()
    );
    assert!(frozen, "no slot was ever in flight: {}", c.cluster_nodes());
    let open: String = [a, b, c].iter().map(|n| n.cluster_nodes()).collect();
    assert!(open.contains("->-") || open.contains("-<-"), "{open}");
    let out = fix_expect(0, b, &[]);
    assert!(out.contains("finish its move"), "{out}");
    assert_repaired(&[a, b, c], KEYS);
}

/// What `MIGRATE` leaves when its source dies after the destination restored `key` and before
/// its own delete: a copy on `to` too, `value` instead of the source's when given.
fn copy_by_hand(from: &RedisNode, to: &RedisNode, key: &str, value: Option<&str>) {
    let mut pipe = redis::pipe();
    pipe.cmd("ASKING").ignore();
    match value {
        Some(value) => pipe.cmd("SET").arg(key).arg(value).ignore(),
        None => {
            let payload: Vec<u8> = from
                .with_conn(|conn| redis::cmd("DUMP").arg(key).query(conn))
                .unwrap();
            pipe.cmd("RESTORE").arg(key).arg(0).arg(payload).ignore()
        }
    };
    to.with_conn(|conn| pipe.query::<()>(conn)).unwrap();
}

/// Found by the fault campaign (a master SIGKILLed mid-`MIGRATE` and restarted from its AOF,
/// on every server): keys on both sides of an open slot. `fix` replaces the destination's
/// copies that hold the source's value, saying so, and stops on a key whose copies differ,
/// naming it and `--replace`; with `--replace` the source's copy wins.
#[test]
fn keys_on_both_sides_are_replaced_when_identical_and_named_when_not() {
    let nodes = cluster(3, KEYS);
    let (a, b, c) = (&nodes[0], &nodes[1], &nodes[2]);
    let (same, same_keys) = slot_of(&nodes, 0, 2, &[]);
    let (differ, differ_keys) = slot_of(&nodes, 0, 2, &[same]);
    let open = |slot: u16| {
        setslot(b, slot, &["IMPORTING", &a.id()]);
        setslot(a, slot, &["MIGRATING", &b.id()]);
    };
    let args = fix(a, &[]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();

    open(same);
    copy_by_hand(a, b, &same_keys[0], None);
    let (code, stdout, stderr) = run(&args);
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert!(
        stderr.contains(&format!("slot {same}: 1 key(s) were on both")),
        "{stderr}"
    );
    assert_repaired(&[a, b, c], KEYS);

    open(differ);
    copy_by_hand(a, b, &differ_keys[0], Some("written on the destination"));
    let (code, stdout, stderr) = run(&args);
    assert_eq!(code, Some(1), "{stdout}\n{stderr}");
    let said = format!("{stdout}{stderr}");
    assert!(
        said.contains(&format!("different values: {}", differ_keys[0]))
            && said.contains("--replace"),
        "{said}"
    );
    fix_expect(0, a, &["--replace"]);
    assert_repaired(&[a, b, c], KEYS);
}
