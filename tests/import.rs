//! `rtrib import` from a standalone Redis into a 3-master cluster: every key lands on the master
//! owning its slot with the same type, value and TTL; the source is emptied (or kept with
//! `--copy`); keys the cluster already has are named and kept (or overwritten with
//! `--replace`); refusals change nothing; passwords on both sides work and are never shown.

use std::time::Instant;

use redis::Value;
use serde_json::Value as Json;

use crate::restore::{
    Router, cluster as restore_cluster, describe, populate, router,
    standalone as restore_standalone,
};
use crate::support::cluster::{
    Nodes, NodesConfig, RedisNode, free_port, key_slot, value_to_string,
};
use crate::support::rtrib;
use crate::support::servers::Server;

/// A 3-master cluster without replicas, optionally password-protected.
fn cluster(password: Option<&str>) -> Nodes {
    let nodes = Nodes::start(NodesConfig {
        count: 3,
        password: password.map(str::to_string),
        ..NodesConfig::default()
    });
    nodes.form(3);
    nodes
}

/// One standalone (not cluster-enabled) server, optionally password-protected.
fn standalone(password: Option<&str>) -> Nodes {
    Nodes::start(NodesConfig {
        count: 1,
        password: password.map(str::to_string),
        cluster_enabled: false,
        ..NodesConfig::default()
    })
}

/// Writes `count` keys to `node`, cycling through strings, hashes, lists and sets; every
/// tenth key gets a one-hour TTL. Returns the names.
pub(crate) fn fill_mixed(node: &RedisNode, count: usize) -> Vec<String> {
    let mut pipe = redis::pipe();
    let mut keys = Vec::with_capacity(count);
    for i in 0..count {
        let key = match i % 4 {
            0 => {
                let key = format!("string:{i}");
                pipe.cmd("SET").arg(&key).arg(format!("value:{i}"));
                key
            }
            1 => {
                let key = format!("hash:{i}");
                pipe.cmd("HSET")
                    .arg(&key)
                    .arg("n")
                    .arg(i)
                    .arg("name")
                    .arg(format!("h{i}"));
                key
            }
            2 => {
                let key = format!("list:{i}");
                pipe.cmd("RPUSH").arg(&key).arg("a").arg(i).arg("z");
                key
            }
            _ => {
                let key = format!("{{set}}:{i}");
                pipe.cmd("SADD").arg(&key).arg("x").arg(i).arg("y");
                key
            }
        };
        pipe.ignore();
        if i % 10 == 0 {
            pipe.cmd("EXPIRE").arg(&key).arg(3600).ignore();
        }
        keys.push(key);
    }
    node.with_conn(|conn| pipe.exec(conn))
        .expect("fill the source");
    keys
}

/// What a key holds, comparable across servers: its type, its value (hash fields and set
/// members sorted) and whether it has a TTL.
pub(crate) type Held = (String, Vec<String>, bool);

/// Each key's [`Held`], read from `node` in one pipeline. The key's name says its type (see
/// [`fill_mixed`]), and so which command reads its value.
pub(crate) fn snapshot(node: &RedisNode, keys: &[String]) -> Vec<Held> {
    let mut pipe = redis::pipe();
    for key in keys {
        pipe.cmd("TYPE").arg(key).cmd("PTTL").arg(key);
        match key.split(':').next() {
            Some("hash") => pipe.cmd("HGETALL").arg(key),
            Some("list") => pipe.cmd("LRANGE").arg(key).arg(0).arg(-1),
            Some("{set}") => pipe.cmd("SMEMBERS").arg(key),
            _ => pipe.cmd("GET").arg(key),
        };
    }
    let replies: Vec<(String, i64, redis::Value)> = node
        .with_conn(|conn| pipe.query(conn))
        .expect("TYPE, PTTL and the value");
    replies
        .into_iter()
        .map(|(kind, ttl, value)| {
            let mut items: Vec<String> = match value {
                redis::Value::Array(items) => items.iter().map(value_to_string).collect(),
                redis::Value::Map(pairs) => pairs
                    .iter()
                    .map(|(k, v)| format!("{}={}", value_to_string(k), value_to_string(v)))
                    .collect(),
                other => vec![value_to_string(&other)],
            };
            if kind != "list" {
                items.sort();
            }
            (kind, items, ttl > 0)
        })
        .collect()
}

/// [`snapshot`] of every key, each read on the master that owns its slot.
pub(crate) fn snapshot_in_cluster(cluster: &Nodes, keys: &[String]) -> Vec<Held> {
    let owners = cluster.slot_owners();
    keys.iter()
        .map(|key| {
            let owner = owners[usize::from(key_slot(key.as_bytes()))].expect("slot owner");
            snapshot(&cluster[owner], std::slice::from_ref(key)).remove(0)
        })
        .collect()
}

fn dbsize(node: &RedisNode) -> usize {
    node.cmd_str(&["DBSIZE"]).parse().expect("DBSIZE")
}

fn json(output: &std::process::Output) -> Json {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not one JSON document ({e}):\n{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    })
}

fn text(output: &std::process::Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[test]
fn ten_thousand_keys_of_every_type_land_on_their_owners_with_ttls_and_leave_the_source() {
    let cluster = cluster(None);
    let source = standalone(None);
    let keys = fill_mixed(&source[0], 10_000);
    let before = snapshot(&source[0], &keys);
    assert_eq!(before.iter().filter(|(_, _, ttl)| *ttl).count(), 1_000);

    let started = Instant::now();
    let output = rtrib()
        .args(["import", &cluster[0].addr(), "--from", &source[0].addr()])
        .output()
        .unwrap();
    let seconds = started.elapsed().as_secs_f64();
    let all = text(&output);
    assert_eq!(output.status.code(), Some(0), "{all}");
    eprintln!(
        "imported 10000 keys in {seconds:.2}s ({:.0} keys/s, whole rtrib run)",
        10_000.0 / seconds
    );
    assert!(
        all.contains(&format!(
            "[OK] Imported 10000 keys from {} (0 skipped, 0 already present)",
            source[0].addr()
        )),
        "{all}"
    );
    assert!(all.contains("[OK] All 16384 slots covered."), "{all}");

    assert_eq!(snapshot_in_cluster(&cluster, &keys), before);
    assert_eq!(cluster.key_count(), 10_000);
    assert_eq!(dbsize(&source[0]), 0, "the source is emptied");
    let kinds: std::collections::BTreeSet<&str> =
        before.iter().map(|(kind, _, _)| kind.as_str()).collect();
    assert_eq!(kinds.len(), 4, "{kinds:?}");
}

#[test]
fn copy_keeps_the_source_and_json_is_one_document() {
    let cluster = cluster(None);
    let source = standalone(None);
    let keys = fill_mixed(&source[0], 500);
    let before = snapshot(&source[0], &keys);

    let output = rtrib()
        .args([
            "import",
            &cluster[1].addr(),
            "--cluster-from",
            &source[0].addr(),
        ])
        .args(["--cluster-copy", "-o", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let document = json(&output);
    assert_eq!(document["outcome"], "imported");
    assert_eq!(document["source"], source[0].addr());
    assert_eq!(document["imported"], 500);
    assert_eq!(document["skipped"], 0);
    assert_eq!(document["busy_keys"]["count"], 0);
    assert!(document["seconds"].as_f64().is_some());
    assert!(document["check"].is_object());

    assert_eq!(
        snapshot(&source[0], &keys),
        before,
        "the source keeps its keys"
    );
    assert_eq!(snapshot_in_cluster(&cluster, &keys), before);
}

#[test]
fn keys_the_cluster_already_has_are_named_and_kept_unless_replace() {
    let cluster = cluster(None);
    let source = standalone(None);
    for i in 0..100 {
        source[0].cmd(&["SET", &format!("key:{i}"), &format!("source:{i}")]);
    }
    let owners = cluster.slot_owners();
    let owner = |key: &str| &cluster[owners[usize::from(key_slot(key.as_bytes()))].unwrap()];
    owner("key:7").cmd(&["SET", "key:7", "cluster"]);

    let output = rtrib()
        .args([
            "import",
            &cluster[0].addr(),
            "--from",
            &source[0].addr(),
            "-o",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", text(&output));
    let document = json(&output);
    assert_eq!(document["outcome"], "keys_not_imported");
    assert_eq!(document["imported"], 99);
    assert_eq!(document["busy_keys"]["count"], 1);
    assert_eq!(document["busy_keys"]["first"][0], "key:7");
    assert_eq!(owner("key:7").cmd_str(&["GET", "key:7"]), "cluster");
    assert_eq!(owner("key:3").cmd_str(&["GET", "key:3"]), "source:3");
    assert_eq!(dbsize(&source[0]), 1, "only key:7 is left on the source");
    assert_eq!(source[0].cmd_str(&["GET", "key:7"]), "source:7");

    let output = rtrib()
        .args(["import", &cluster[0].addr(), "--from", &source[0].addr()])
        .output()
        .unwrap();
    let all = text(&output);
    assert_eq!(output.status.code(), Some(1), "{all}");
    assert!(
        all.contains("[ERR] 1 keys already exist in the cluster and were not imported")
            && all.contains("key:7"),
        "{all}"
    );

    let output = rtrib()
        .args(["import", &cluster[0].addr(), "--from", &source[0].addr()])
        .arg("--replace")
        .output()
        .unwrap();
    let all = text(&output);
    assert_eq!(output.status.code(), Some(0), "{all}");
    assert!(all.contains("[OK] Imported 1 keys from"), "{all}");
    assert_eq!(owner("key:7").cmd_str(&["GET", "key:7"]), "source:7");
    assert_eq!(dbsize(&source[0]), 0);
    assert_eq!(cluster.key_count(), 100);
}

#[test]
fn the_cluster_itself_as_source_or_an_unhealthy_cluster_is_refused_and_nothing_changes() {
    let mut cluster = cluster(None);
    let source = standalone(None);
    fill_mixed(&source[0], 50);
    router(&cluster).node("k").cmd(&["SET", "k", "v"]);

    let output = rtrib()
        .args(["import", &cluster[0].addr(), "--from", &cluster[1].addr()])
        .output()
        .unwrap();
    let all = text(&output);
    assert_eq!(output.status.code(), Some(5), "{all}");
    assert!(
        all.contains("is a node of the cluster imported into"),
        "{all}"
    );
    assert_eq!(cluster.key_count(), 1);

    cluster[2].kill();
    let output = rtrib()
        .args(["import", &cluster[0].addr(), "--from", &source[0].addr()])
        .output()
        .unwrap();
    let all = text(&output);
    assert_eq!(output.status.code(), Some(5), "{all}");
    assert!(all.contains("does not pass the check"), "{all}");
    assert_eq!(dbsize(&source[0]), 50, "the source is untouched");
    assert_eq!(dbsize(&cluster[0]) + dbsize(&cluster[1]), 1);
}

#[test]
fn passwords_on_both_sides_work_through_auth_and_auth2_and_are_never_shown() {
    const CLUSTER_SECRET: &str = "Cluster-S3cret";
    const SOURCE_SECRET: &str = "Source-S3cret";
    let cluster = cluster(Some(CLUSTER_SECRET));
    let source = standalone(Some(SOURCE_SECRET));
    let keys = fill_mixed(&source[0], 300);
    let before = snapshot(&source[0], &keys);
    let (seed, from) = (cluster[0].addr(), source[0].addr());

    let runs: [(&str, i32, Vec<&str>, Option<&str>); 5] = [
        (
            "wrong source password",
            3,
            vec!["--from-pass", "nope"],
            None,
        ),
        ("wrong: no source password", 3, vec![], None),
        (
            "AUTH2 user pass, source password from RTRIB_FROM_PASS, copy",
            0,
            vec![
                "--user",
                "default",
                "--from-user",
                "default",
                "--copy",
                "-vvv",
            ],
            Some(SOURCE_SECRET),
        ),
        (
            "AUTH pass, --cluster-from-pass, replace",
            0,
            vec![
                "--cluster-from-pass",
                SOURCE_SECRET,
                "--replace",
                "-o",
                "json",
            ],
            None,
        ),
        ("nothing listening", 3, vec![], None),
    ];
    let nowhere = format!("127.0.0.1:{}", free_port());
    for (label, expected, extra, env) in runs {
        let target = if label == "nothing listening" {
            &nowhere
        } else {
            &from
        };
        let mut command = rtrib();
        command
            .args(["import", &seed, "--from", target, "--pass", CLUSTER_SECRET])
            .args(&extra);
        if let Some(secret) = env {
            command.env("RTRIB_FROM_PASS", secret);
        }
        let output = command.output().unwrap();
        let all = text(&output);
        assert_eq!(output.status.code(), Some(expected), "{label}: {all}");
        for secret in [CLUSTER_SECRET, SOURCE_SECRET] {
            assert!(!all.contains(secret), "{label} shows a password:\n{all}");
        }
        if label.starts_with("wrong") {
            assert!(all.contains("check --from-user and --from-pass"), "{all}");
            assert!(!all.contains("--user/--pass"), "{all}");
        }
        if label.contains("copy") {
            assert_eq!(
                dbsize(&source[0]),
                300,
                "{label}: the source keeps its keys"
            );
        }
    }
    assert_eq!(snapshot_in_cluster(&cluster, &keys), before);
    assert_eq!(dbsize(&source[0]), 0);
}

#[test]
fn a_failing_migrate_stops_the_import_without_losing_a_key() {
    let cluster = cluster(None);
    let source = standalone(None);
    fill_mixed(&source[0], 3_000);
    cluster[1].cmd(&["CONFIG", "SET", "maxmemory-policy", "noeviction"]);
    cluster[1].cmd(&["CONFIG", "SET", "maxmemory", "1"]);

    let output = rtrib()
        .args([
            "import",
            &cluster[0].addr(),
            "--from",
            &source[0].addr(),
            "-o",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1), "{}", text(&output));
    let document = json(&output);
    assert_eq!(document["outcome"], "interrupted");
    let error = document["error"].as_str().unwrap_or_default();
    assert!(
        error.contains(&format!("MIGRATE to {}", cluster[1].addr())) && error.contains("OOM"),
        "{error}"
    );
    cluster[1].cmd(&["CONFIG", "SET", "maxmemory", "0"]);
    assert_eq!(dbsize(&cluster[1]), 0);
    assert_eq!(
        dbsize(&source[0]) + cluster.key_count(),
        3_000,
        "every key is on the source or in the cluster"
    );
    assert_eq!(
        document["imported"].as_u64(),
        Some(cluster.key_count() as u64)
    );
}

/// Every key's [`describe`](crate::restore::describe), read where `route` says, with its
/// expire time as a Unix time in milliseconds (-1: none), comparable across a slow import.
fn describe_all(route: &Router, keys: &[String]) -> Vec<(String, i64)> {
    keys.iter()
        .map(|key| {
            let (content, ttl) = describe(route.node(key), key);
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_millis() as i64;
            (content, if ttl < 0 { -1 } else { now + ttl })
        })
        .collect()
}

/// Asserts two [`describe_all`]s hold the same, expire times within a second.
fn assert_described(
    after: &[(String, i64)],
    before: &[(String, i64)],
    keys: &[String],
    label: &str,
) {
    for ((key, (after, at_after)), (before, at_before)) in keys.iter().zip(after).zip(before) {
        assert_eq!(after, before, "{label}: {key}");
        assert_eq!(*at_after < 0, *at_before < 0, "{label}: {key} expire");
        assert!(
            (at_after - at_before).abs() < 1000,
            "{label}: {key} expires at {at_before} → {at_after}"
        );
    }
}

/// Across servers (Redis 8.2 ⇄ Valkey 9.1, Redis 7.0 → Valkey 9.1, Valkey 9.1 → Redis 7.0),
/// keys of every type arrive the same: by DUMP and a re-versioned RESTORE where the target
/// refuses MIGRATE's payload (all but Redis 7.0's RDB 10 into Valkey 9.1); `--copy` keeps the
/// source, a move empties it.
#[test]
fn imports_across_servers_both_ways() {
    // Whether MIGRATE's payload (the source's RDB version) is refused by the target.
    for (from, to, refused) in [
        (Server::Redis8_2, Server::Valkey9_1, true),
        (Server::Valkey9_1, Server::Redis8_2, true),
        (Server::Redis7_0, Server::Valkey9_1, false),
        (Server::Valkey9_1, Server::Redis7_0, true),
    ] {
        let label = format!("{} → {}", from.name(), to.name());
        let source = restore_standalone(from);
        let keys = populate(&router(&source));
        let target = restore_cluster(to, 2);
        let before = describe_all(&router(&source), &keys);
        let (seed, from_addr) = (target[0].addr(), source[0].addr());

        let output = rtrib()
            .args(["import", &seed, "--from", &from_addr, "--copy"])
            .output()
            .unwrap();
        let all = text(&output);
        assert_eq!(output.status.code(), Some(0), "{label}: {all}");
        assert_eq!(
            all.contains("DUMP and a re-versioned RESTORE"),
            refused,
            "{label}: {all}"
        );
        assert_eq!(
            dbsize(&source[0]),
            keys.len(),
            "{label}: --copy keeps the source"
        );
        assert_described(
            &describe_all(&router(&target), &keys),
            &before,
            &keys,
            &label,
        );

        let before = describe_all(&router(&source), &keys);
        let output = rtrib()
            .args([
                "import",
                &seed,
                "--from",
                &from_addr,
                "--replace",
                "-o",
                "json",
            ])
            .output()
            .unwrap();
        assert_eq!(output.status.code(), Some(0), "{label}: {}", text(&output));
        assert_eq!(json(&output)["imported"], keys.len());
        assert_eq!(dbsize(&source[0]), 0, "{label}: the source is emptied");
        assert_eq!(target.key_count(), keys.len());
        assert_described(
            &describe_all(&router(&target), &keys),
            &before,
            &keys,
            &label,
        );
    }
}

/// A client keeps overwriting the source's keys while they are imported from Redis 8.2 into
/// Valkey 9.1 (DUMP and RESTORE): at the end, each key's last acknowledged value is where the
/// key is (on the source if it is still there, else in the cluster); no write is lost.
#[test]
fn a_concurrent_writer_on_the_source_loses_no_write() {
    let source = restore_standalone(Server::Redis8_2);
    let target = restore_cluster(Server::Valkey9_1, 2);
    let count = 3000;
    let keys: Vec<String> = (0..count).map(|i| format!("c:{i}")).collect();
    let mut pipe = redis::pipe();
    for key in &keys {
        pipe.cmd("SET").arg(key).arg("initial").ignore();
    }
    source[0].with_conn(|conn| pipe.exec(conn)).unwrap();

    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let stop = std::sync::Arc::clone(&stop);
        let addr = source[0].addr();
        let keys = keys.clone();
        std::thread::spawn(move || {
            let client = redis::Client::open(format!("redis://{addr}")).unwrap();
            let mut conn = client.get_connection().unwrap();
            let mut last: std::collections::HashMap<String, String> = Default::default();
            let mut n = 0usize;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                // Strides through the keys so that writes land all over the SCAN order.
                let key = &keys[(n * 7919) % keys.len()];
                let value = format!("write {n}");
                let _: () = redis::cmd("SET")
                    .arg(key)
                    .arg(&value)
                    .query(&mut conn)
                    .unwrap();
                last.insert(key.clone(), value);
                n += 1;
            }
            (last, n)
        })
    };
    std::thread::sleep(std::time::Duration::from_millis(100));
    let output = rtrib()
        .args([
            "import",
            &target[0].addr(),
            "--from",
            &source[0].addr(),
            "-o",
            "json",
        ])
        .output()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(100));
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let (last, writes) = writer.join().unwrap();
    let code = output.status.code();
    assert!(code == Some(0) || code == Some(1), "{}", text(&output));
    let document = json(&output);
    eprintln!(
        "{writes} writes during the import; imported {}, copied again {}, changing {}, busy {}",
        document["imported"],
        document["copied_again"],
        document["changing_keys"]["count"],
        document["busy_keys"]["count"]
    );
    let in_cluster = router(&target);
    for key in &keys {
        let on_source = source[0].try_cmd(&["GET", key]).unwrap();
        let value = match on_source {
            Value::Nil => in_cluster.node(key).cmd_str(&["GET", key]),
            other => value_to_string(&other),
        };
        let expected = last.get(key).map_or("initial", String::as_str);
        assert_eq!(value, expected, "{key}");
    }
}

/// `--from` naming a node of a Redis 8.2 cluster of 3 masters: every master of it is read, and
/// its keys land in a Valkey 9.1 cluster of 2 masters (by DUMP and RESTORE), the same.
#[test]
fn a_whole_cluster_imports_into_a_cluster_of_another_shape_and_server() {
    let source = restore_cluster(Server::Redis8_2, 3);
    let keys = populate(&router(&source));
    let target = restore_cluster(Server::Valkey9_1, 2);
    let before = describe_all(&router(&source), &keys);
    let output = rtrib()
        .args([
            "import",
            &target[0].addr(),
            "--from",
            &source[1].addr(),
            "-o",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    assert_eq!(json(&output)["imported"], keys.len());
    assert_eq!(
        source.key_count(),
        0,
        "every master of the source is emptied"
    );
    assert_eq!(target.key_count(), keys.len());
    assert_described(
        &describe_all(&router(&target), &keys),
        &before,
        &keys,
        "8.2 cluster → 9.1",
    );
}
