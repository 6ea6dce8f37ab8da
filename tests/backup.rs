//! `rtrib backup` against real clusters of every server of the matrix:
//!
//! - a 3-master cluster holding keys of every type (strings, lists, sets, hashes, sorted sets,
//!   a stream with a consumer group and pending entries, TTLs) is saved, one master diskless
//!   and the others disk-based; each file is read whole by `rtrib::rdb`, its SHA-256, size,
//!   key count and slots are the manifest's, every key is in its master's slots, nodes.json
//!   has redis-cli's fields, and each file, loaded as `dump.rdb` by a fresh standalone server
//!   of the same version, holds exactly the keys of its master (type, value, TTL within 1 s);
//! - `--from replicas` reads the replicas, and refuses (exit 5) a master without one unless
//!   `--master-if-no-replica`; a directory that already holds a backup is refused, and so is
//!   a cluster with an unreachable master; the transfers authenticate with the cluster's
//!   password;
//! - a backup killed (SIGKILL) mid-transfer leaves no manifest and no `.rdb` that does not read
//!   whole (the cut transfers are hidden `.part` files), and a re-run (in redis-cli's spelling)
//!   into the same directory completes.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use redis::Value;
use rtrib::rdb::{Item, RdbReader};
use serde_json::Value as Json;
use sha2::{Digest, Sha256};

use crate::support::cluster::{
    Layout, Nodes, NodesConfig, RedisNode, key_slot, value_to_string, wait_until,
};
use crate::support::servers::{Server, on_every_server};
use crate::support::{expect_exit, rtrib};

/// One hour, in milliseconds: the TTLs set.
const HOUR_MS: u64 = 3_600_000;

/// Writes keys of every type, spread over the masters (each through the master of its slot).
fn populate(nodes: &Nodes) -> usize {
    let owners = nodes.slot_owners();
    let master = |key: &str| &nodes[owners[usize::from(key_slot(key.as_bytes()))].unwrap()];
    let mut count = 0;
    for i in 0..6 {
        // Each command's key is its second word, or the stream's (XGROUP, XREADGROUP).
        let run = |args: &[&str]| {
            let key = args
                .iter()
                .find(|a| a.starts_with("st:"))
                .unwrap_or(&args[1]);
            master(key).cmd(args);
        };
        let (s, l, set, z, h, st) = (
            format!("s:{i}"),
            format!("l:{i}"),
            format!("set:{i}"),
            format!("z:{i}"),
            format!("h:{i}"),
            format!("st:{i}"),
        );
        run(&["SET", &s, &format!("value {i}")]);
        run(&["PEXPIRE", &s, &(HOUR_MS * (i + 1)).to_string()]);
        run(&["RPUSH", &l, "a", "b", "1", &i.to_string()]);
        let members: Vec<String> = (0..200 * i).map(|m| format!("member:{m}")).collect();
        let mut args = vec!["SADD", &set, "x", "7"];
        args.extend(members.iter().map(String::as_str));
        run(&args);
        run(&[
            "ZADD",
            &z,
            "1",
            "a",
            "2.5",
            "b",
            "-inf",
            "c",
            &i.to_string(),
            "d",
        ]);
        let fields: Vec<String> = (0..150 * i).map(|f| format!("field:{f}")).collect();
        let mut args = vec!["HSET", &h, "f", "v"];
        for field in &fields {
            args.extend([field.as_str(), "value"]);
        }
        run(&args);
        for n in 1..=20 {
            run(&["XADD", &st, &format!("1000-{n}"), "n", &n.to_string()]);
        }
        run(&["XGROUP", "CREATE", &st, "readers", "0"]);
        run(&[
            "XREADGROUP",
            "GROUP",
            "readers",
            "alice",
            "COUNT",
            "5",
            "STREAMS",
            &st,
            ">",
        ]);
        run(&["XACK", &st, "readers", "1000-2"]);
        count += 6;
    }
    count
}

/// Every key of `node`'s database 0.
fn keys_of(node: &RedisNode) -> Vec<String> {
    let mut keys = Vec::new();
    let mut cursor = "0".to_string();
    loop {
        let Value::Array(reply) = node.cmd(&["SCAN", &cursor, "COUNT", "1000"]) else {
            panic!("SCAN did not return an array");
        };
        cursor = value_to_string(&reply[0]);
        if let Value::Array(batch) = &reply[1] {
            keys.extend(batch.iter().map(value_to_string));
        }
        if cursor == "0" {
            keys.sort();
            return keys;
        }
    }
}

/// A reply, rendered; arrays element by element, sorted when `sorted`.
fn render(value: &Value, sorted: bool) -> String {
    match value {
        Value::Array(items) => {
            let mut parts: Vec<String> = items.iter().map(|v| render(v, false)).collect();
            if sorted {
                parts.sort();
            }
            format!("[{}]", parts.join(", "))
        }
        other => value_to_string(other),
    }
}

/// A key's type and value, as commands read it (no encoding detail, no order a hash table
/// does not keep), and its TTL in milliseconds.
fn describe(node: &RedisNode, key: &str) -> (String, i64) {
    let kind = node.cmd_str(&["TYPE", key]);
    let value = match kind.as_str() {
        "string" => node.cmd_str(&["GET", key]),
        "list" => render(&node.cmd(&["LRANGE", key, "0", "-1"]), false),
        "set" => render(&node.cmd(&["SMEMBERS", key]), true),
        "zset" => render(&node.cmd(&["ZRANGE", key, "0", "-1", "WITHSCORES"]), false),
        "hash" => {
            let Value::Array(flat) = node.cmd(&["HGETALL", key]) else {
                panic!("HGETALL {key}");
            };
            let mut pairs: Vec<String> = flat
                .chunks(2)
                .map(|pair| format!("{}={}", render(&pair[0], false), render(&pair[1], false)))
                .collect();
            pairs.sort();
            pairs.join(",")
        }
        "stream" => {
            // Entries, groups (name, consumers, pending, last id) and pending entries (id,
            // consumer, deliveries; not the idle time, which moves).
            let entries = render(&node.cmd(&["XRANGE", key, "-", "+"]), false);
            let groups = render(&node.cmd(&["XINFO", "GROUPS", key]), false);
            let Value::Array(pending) = node.cmd(&["XPENDING", key, "readers", "-", "+", "100"])
            else {
                panic!("XPENDING {key}");
            };
            let pending: Vec<String> = pending
                .iter()
                .map(|p| match p {
                    Value::Array(f) => format!(
                        "{} {} {}",
                        render(&f[0], false),
                        render(&f[1], false),
                        render(&f[3], false)
                    ),
                    other => render(other, false),
                })
                .collect();
            format!("{entries} {groups} {pending:?}")
        }
        other => panic!("{key} has an unexpected type {other}"),
    };
    let ttl: i64 = node.cmd_str(&["PTTL", key]).parse().unwrap();
    (format!("{kind} {value}"), ttl)
}

/// Asserts `copy` holds exactly `source`'s keys, with equal types and values, and TTLs within
/// a second.
fn assert_same_keys(source: &RedisNode, copy: &RedisNode) {
    let keys = keys_of(source);
    assert_eq!(keys, keys_of(copy), "{} and its copy", source.addr());
    for key in &keys {
        let (value, ttl) = describe(source, key);
        let (copied, copied_ttl) = describe(copy, key);
        assert_eq!(value, copied, "{key}");
        assert_eq!(ttl < 0, copied_ttl < 0, "{key}: TTL {ttl} vs {copied_ttl}");
        assert!(
            (ttl - copied_ttl).abs() <= 1000,
            "{key}: TTL {ttl} vs {copied_ttl}"
        );
    }
}

/// A fresh standalone server of `server` that loaded `rdb` as its `dump.rdb`.
fn load_into_standalone(server: Server, rdb: &Path) -> (Nodes, tempfile::TempDir) {
    let dir = tempfile::Builder::new()
        .prefix("rtrib-restored-")
        .tempdir()
        .unwrap();
    std::fs::copy(rdb, dir.path().join("dump.rdb")).unwrap();
    let nodes = Nodes::start(NodesConfig {
        cluster_enabled: false,
        extra: vec![("dir".into(), dir.path().display().to_string())],
        ..NodesConfig::on(server, 1, Layout::Ports)
    });
    (nodes, dir)
}

/// The file read whole by rtrib's reader: its version and its keys.
fn read_rdb(path: &Path) -> (u16, Vec<String>) {
    let reader = RdbReader::new(std::fs::File::open(path).unwrap()).unwrap();
    let version = reader.header().version;
    let mut keys = Vec::new();
    for item in reader {
        if let Item::Entry(entry) = item.unwrap() {
            keys.push(String::from_utf8(entry.key).unwrap());
        }
    }
    keys.sort();
    (version, keys)
}

fn sha256_hex(path: &Path) -> String {
    Sha256::digest(std::fs::read(path).unwrap())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// `rtrib backup` with `args` after NODE DIR, `-o json`; the document.
fn backup(seed: &RedisNode, dir: &Path, args: &[&str], code: i32) -> Json {
    let (addr, dir_text) = (seed.addr(), dir.display().to_string());
    let mut line = vec!["-o", "json", "backup", &addr, &dir_text];
    line.extend_from_slice(args);
    serde_json::from_str(&expect_exit(rtrib(), code, &line)).unwrap()
}

/// The manifest's file entry for master `id`.
fn file_of<'a>(manifest: &'a Json, id: &str) -> &'a Json {
    manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["master"]["id"] == id)
        .unwrap_or_else(|| panic!("no file for {id} in {manifest:#}"))
}

on_every_server! {
    /// Every shard saved at once, verified three ways: our reader, the manifest, and the
    /// server itself loading the file; then from replicas.
    fn a_backup_holds_every_key_of_every_shard(server) {
        // 3 masters; masters 0 and 1 have a replica, master 2 none.
        let nodes = Nodes::start(NodesConfig::on(server, 5, Layout::Ports));
        let formed = nodes.form(3);
        let written = populate(&nodes);
        nodes[formed.masters[0]].cmd(&["CONFIG", "SET", "repl-diskless-sync", "yes"]);
        for &m in &formed.masters[1..] {
            nodes[m].cmd(&["CONFIG", "SET", "repl-diskless-sync", "no"]);
        }
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("masters");
        let document = backup(&nodes[0], &dir, &[], 0);
        assert_eq!(document["outcome"], "backed_up");
        let manifest: Json =
            serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
        assert_eq!(manifest["format"], "rtrib-backup");
        assert_eq!(manifest["version"], 1);
        assert_eq!(manifest["cluster"]["masters"], 3);
        assert_eq!(manifest["cluster"]["slots_covered"], 16384);
        assert_eq!(manifest["files"], document["files"]);
        assert_eq!(manifest["keys"], written);

        for (index, &m) in formed.masters.iter().enumerate() {
            let master = &nodes[m];
            let entry = file_of(&manifest, &master.id());
            let name = format!("redis-node-{}-{}-{}.rdb", master.ip(), master.port(), master.id());
            assert_eq!(entry["file"], name.as_str());
            let path = dir.join(&name);
            let (first, last) = formed.slots[index];
            assert_eq!(entry["slots"], serde_json::json!([[first, last]]));
            // Valkey 9.1 streams every rdb-only snapshot from its fork, whatever the setting.
            let diskless = index == 0 || server == Server::Valkey9_1;
            assert_eq!(entry["transfer"], if diskless { "diskless" } else { "disk" });
            assert_eq!(entry["source_role"], "master");
            assert_eq!(entry["size"], std::fs::metadata(&path).unwrap().len());
            assert_eq!(entry["sha256"], sha256_hex(&path).as_str());
            let (version, keys) = read_rdb(&path);
            assert_eq!(entry["rdb_version"], version);
            assert_eq!(keys, keys_of(master));
            assert_eq!(entry["keys"], keys.len());
            for key in &keys {
                assert!((first..=last).contains(&key_slot(key.as_bytes())), "{key}");
            }
            let (copy, _dir) = load_into_standalone(server, &path);
            assert_same_keys(master, &copy[0]);
        }
        let total: u64 = formed.masters.iter().map(|&m| keys_of(&nodes[m]).len() as u64).sum();
        assert_eq!(manifest["keys"], total);

        let nodes_json: Json =
            serde_json::from_slice(&std::fs::read(dir.join("nodes.json")).unwrap()).unwrap();
        let listed = nodes_json.as_array().unwrap();
        assert_eq!(listed.len(), 5);
        for node in nodes.iter() {
            let entry = listed.iter().find(|e| e["name"] == node.id().as_str()).unwrap();
            assert_eq!(entry["host"], node.ip().to_string().as_str());
            assert_eq!(entry["port"], node.port());
            let fields: Vec<&str> = entry.as_object().unwrap().keys().map(String::as_str).collect();
            assert_eq!(
                fields,
                ["current_epoch", "flags", "host", "name", "port", "replicate", "slots", "slots_count"]
            );
            match formed.master_of(nodes.iter().position(|n| n.id() == node.id()).unwrap()) {
                Some(master) => {
                    assert_eq!(entry["replicate"], nodes[master].id().as_str());
                    assert_eq!(entry["flags"], "slave");
                    assert_eq!(entry["slots_count"], 0);
                }
                None => {
                    assert_eq!(entry["replicate"], Json::Null);
                    assert_eq!(entry["flags"], "master");
                    assert_eq!(entry["slots_count"], 16384 / 3 + u64::from(entry["slots"][0][0] == 5461));
                }
            }
        }

        // A directory that holds a backup is refused.
        let refused = expect_exit(rtrib(), 5, &["backup", &nodes[0].addr(), &dir.display().to_string()]);
        assert!(refused.is_empty());

        // From replicas: master 2 has none, refused by name unless told.
        let from_replicas = root.path().join("replicas");
        let dir_text = from_replicas.display().to_string();
        let mut refusal = rtrib();
        refusal.args(["backup", &nodes[0].addr(), &dir_text, "--from", "replicas"]);
        let output = refusal.output().unwrap();
        assert_eq!(output.status.code(), Some(5));
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(stderr.contains(&nodes[formed.masters[2]].id()), "{stderr}");
        assert!(!from_replicas.join("manifest.json").exists());
        let document = backup(&nodes[0], &from_replicas, &["--from", "replicas", "--master-if-no-replica"], 0);
        for (index, &m) in formed.masters.iter().enumerate() {
            let entry = file_of(&document, &nodes[m].id());
            let replicas = formed.replicas_of(m);
            match replicas.first() {
                Some(&r) => {
                    assert_eq!(entry["source_role"], "replica", "{index}");
                    assert_eq!(entry["source"]["id"], nodes[r].id().as_str());
                }
                None => assert_eq!(entry["source_role"], "master"),
            }
            let path = from_replicas.join(entry["file"].as_str().unwrap());
            assert_eq!(read_rdb(&path).1, keys_of(&nodes[m]));
        }
    }

    /// SIGKILL in the middle of a transfer leaves nothing that passes for a backup; a re-run,
    /// in redis-cli's spelling, completes in the same directory.
    fn a_killed_backup_leaves_nothing_that_looks_complete(server) {
        let nodes = Nodes::start(NodesConfig::on(server, 3, Layout::Ports));
        nodes.form(3);
        for node in nodes.iter() {
            node.cmd(&["DEBUG", "POPULATE", "10000", "bulk", "64"]);
            node.cmd(&["CONFIG", "SET", "repl-diskless-sync", "yes"]);
            // 100 µs per key: 1 s of streaming, to be killed in.
            node.cmd(&["CONFIG", "SET", "rdb-key-save-delay", "100"]);
        }
        let root = tempfile::tempdir().unwrap();
        let dir = root.path().join("killed");
        let mut child = Command::new(env!("CARGO_BIN_EXE_rtrib"))
            .args(["backup", &nodes[0].addr(), &dir.display().to_string()])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let names = || -> Vec<String> {
            std::fs::read_dir(&dir)
                .map(|entries| {
                    entries
                        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                        .collect()
                })
                .unwrap_or_default()
        };
        let streaming = wait_until(Duration::from_secs(20), || {
            std::fs::read_dir(&dir).is_ok_and(|entries| {
                entries.filter_map(Result::ok).any(|e| {
                    e.file_name().to_string_lossy().ends_with(".part")
                        && e.metadata().is_ok_and(|m| m.len() > 0)
                })
            })
        });
        assert!(streaming, "no transfer started: {:?}", names());
        unsafe { libc::kill(child.id() as i32, libc::SIGKILL) };
        child.wait().unwrap();
        // No manifest, no nodes.json; what bears a final name (a shard that finished before
        // the kill) reads whole; what was cut is a hidden .part file.
        let left = names();
        let (partial, finished): (Vec<&String>, Vec<&String>) =
            left.iter().partition(|n| n.starts_with(".redis-node-") && n.ends_with(".part"));
        assert!(!partial.is_empty(), "{left:?}");
        for name in finished {
            assert!(name.starts_with("redis-node-") && name.ends_with(".rdb"), "{left:?}");
            read_rdb(&dir.join(name));
        }

        for node in nodes.iter() {
            node.cmd(&["CONFIG", "SET", "rdb-key-save-delay", "0"]);
        }
        let seed = &nodes[0];
        let line = [
            "--cluster",
            "backup",
            &seed.ip().to_string(),
            &seed.port().to_string(),
            &dir.display().to_string(),
        ];
        expect_exit(rtrib(), 0, &line);
        let mut left = names();
        left.sort();
        assert_eq!(left.len(), 5, "{left:?}");
        assert!(left.iter().all(|n| !n.ends_with(".part")), "{left:?}");
        let manifest: Json =
            serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
        assert_eq!(manifest["keys"], 30_000);
        let mut counts: BTreeMap<String, u64> = BTreeMap::new();
        for file in manifest["files"].as_array().unwrap() {
            let name = file["file"].as_str().unwrap().to_string();
            counts.insert(name.clone(), read_rdb(&dir.join(&name)).1.len() as u64);
            assert_eq!(file["keys"], counts[&name]);
        }
    }
}

/// The transfers authenticate as the other connections do; a wrong password is exit 3, before
/// anything is written.
#[test]
fn a_backup_authenticates_with_the_cluster_s_password() {
    let nodes = Nodes::start(NodesConfig {
        password: Some("s3cret".into()),
        ..NodesConfig::new(3, Layout::Ports)
    });
    nodes.form(3);
    nodes.fill_keys(100);
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("with-password");
    let dir_text = dir.display().to_string();
    let mut wrong = rtrib();
    wrong.env("REDISCLI_AUTH", "wrong");
    let refused = expect_exit(wrong, 3, &["backup", &nodes[0].addr(), &dir_text]);
    assert!(refused.is_empty());
    assert!(!dir.exists());
    let mut right = rtrib();
    right.env("REDISCLI_AUTH", "s3cret");
    let document: Json = serde_json::from_str(&expect_exit(
        right,
        0,
        &["-o", "json", "backup", &nodes[0].addr(), &dir_text],
    ))
    .unwrap();
    assert_eq!(document["keys"], 100);
}

/// A master that cannot be read is refused by name (exit 5) before anything is written: a
/// backup without its slots would be incomplete.
#[test]
fn an_unreachable_master_is_refused_before_anything_is_written() {
    let mut nodes = Nodes::start(NodesConfig::new(3, Layout::Ports));
    nodes.form(3);
    let gone = nodes[2].id();
    nodes[2].kill();
    let root = tempfile::tempdir().unwrap();
    let dir = root.path().join("incomplete");
    let mut command = rtrib();
    command.args(["backup", &nodes[0].addr(), &dir.display().to_string()]);
    let output = command.output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(5), "{stderr}");
    assert!(stderr.contains(&format!("master {gone}")), "{stderr}");
    assert!(!dir.exists());
}
