//! `rtrib restore` against real servers: a `redis-cli --cluster backup` of a 3-master cluster
//! restored into a 4-master cluster, and a standalone's `dump.rdb` restored, on every server of
//! the matrix, every key compared (type, value, stream groups and pending entries, TTL within
//! a second); across servers (Redis 8.2 ⇄ Valkey 9.1, Redis 7.0 → Valkey 9.1, Valkey 9.1 →
//! Redis 7.0); and the refusals, which write nothing: a cluster that holds keys (exit 5), a
//! truncated or corrupted file (exit 2, naming the file and the byte), `--dry-run`; and
//! Ctrl-C while it writes (exit 130), after which `--skip-existing` restores the rest.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;
use std::process::Command;

use redis::Value;
use serde_json::Value as Json;

use crate::support::cluster::{
    Layout, Nodes, NodesConfig, RedisNode, key_slot, value_to_string, wait_until,
};
use crate::support::rtrib;
use crate::support::servers::{Server, on_every_server};

/// A cluster of `masters` masters without replicas.
pub(crate) fn cluster(server: Server, masters: usize) -> Nodes {
    let nodes = Nodes::start(NodesConfig::on(server, masters, Layout::Ports));
    nodes.form(masters);
    nodes
}

/// One standalone server.
pub(crate) fn standalone(server: Server) -> Nodes {
    Nodes::start(NodesConfig {
        cluster_enabled: false,
        ..NodesConfig::on(server, 1, Layout::Ports)
    })
}

/// Where each key goes: the master owning its slot in a cluster, the one node otherwise.
pub(crate) struct Router<'a> {
    nodes: &'a Nodes,
    owners: Option<Vec<Option<usize>>>,
}

impl<'a> Router<'a> {
    pub(crate) fn node(&self, key: &str) -> &'a RedisNode {
        match &self.owners {
            Some(owners) => {
                &self.nodes[owners[usize::from(key_slot(key.as_bytes()))].expect("owner")]
            }
            None => &self.nodes[0],
        }
    }
}

/// The [`Router`] of `nodes`.
pub(crate) fn router(nodes: &Nodes) -> Router<'_> {
    let clustered = nodes[0]
        .cmd_str(&["INFO", "cluster"])
        .contains("cluster_enabled:1");
    Router {
        nodes,
        owners: clustered.then(|| nodes.slot_owners()),
    }
}

/// Writes keys of every type, small and large (so compact and plain encodings both appear),
/// some with a TTL, and a stream with two consumer groups, one with pending entries of two
/// consumers; each key to the node `route` names. Returns the key names.
pub(crate) fn populate(route: &Router) -> Vec<String> {
    let mut pipes: HashMap<String, (&RedisNode, redis::Pipeline)> = HashMap::new();
    let mut keys = Vec::new();
    let mut add = |key: String, args: Vec<String>| {
        let node = route.node(&key);
        let (_, pipe) = pipes
            .entry(node.addr())
            .or_insert_with(|| (node, redis::pipe()));
        pipe.cmd(&args[0]).arg(&args[1..]).ignore();
        if !keys.contains(&key) {
            keys.push(key);
        }
    };
    let words = |prefix: &str, count: usize| -> Vec<String> {
        (0..count).map(|i| format!("{prefix}{i}")).collect()
    };
    for i in 0..200 {
        let key = format!("s:{i}");
        let mut args = vec!["SET".into(), key.clone(), format!("value {i}")];
        if i % 10 == 0 {
            args.extend(["PX".into(), "3600000".into()]);
        }
        add(key, args);
    }
    add(
        "s:number".into(),
        vec!["SET".into(), "s:number".into(), "12345".into()],
    );
    add(
        "s:long".into(),
        vec!["SET".into(), "s:long".into(), "rtrib ".repeat(300)],
    );
    for i in 0..40 {
        let fields = if i == 0 { 600 } else { 3 };
        let mut args = vec!["HSET".into(), format!("h:{i}")];
        for field in words("field", fields) {
            args.extend([field.clone(), format!("{field}={i}")]);
        }
        add(format!("h:{i}"), args);
        let elements = if i == 0 { 1000 } else { 4 };
        let mut args = vec!["RPUSH".into(), format!("l:{i}")];
        args.extend(words("element", elements));
        add(format!("l:{i}"), args);
        let mut args = vec!["SADD".into(), format!("set:{i}")];
        args.extend(if i % 2 == 0 {
            (0..5).map(|n| (n * 7 - i).to_string()).collect()
        } else {
            words("member", if i == 1 { 700 } else { 5 })
        });
        add(format!("set:{i}"), args);
        let mut args = vec!["ZADD".into(), format!("z:{i}")];
        for n in 0..(if i == 0 { 300 } else { 5 }) {
            args.extend([format!("{}", f64::from(n) * 0.5 - 2.0), format!("m{n}")]);
        }
        add(format!("z:{i}"), args);
        if i % 7 == 0 {
            for kind in ["h", "l", "set", "z"] {
                let key = format!("{kind}:{i}");
                add(key.clone(), vec!["PEXPIRE".into(), key, "7200000".into()]);
            }
        }
    }
    let stream = "stream:{orders}".to_string();
    for i in 1..=30 {
        add(
            stream.clone(),
            vec![
                "XADD".into(),
                stream.clone(),
                format!("1000-{i}"),
                "n".into(),
                i.to_string(),
            ],
        );
    }
    for args in [
        vec!["XGROUP", "CREATE", &stream, "g1", "0"],
        vec!["XGROUP", "CREATE", &stream, "g2", "$"],
        vec![
            "XREADGROUP",
            "GROUP",
            "g1",
            "alice",
            "COUNT",
            "10",
            "STREAMS",
            &stream,
            ">",
        ],
        vec![
            "XREADGROUP",
            "GROUP",
            "g1",
            "bob",
            "COUNT",
            "5",
            "STREAMS",
            &stream,
            ">",
        ],
        vec!["XACK", &stream, "g1", "1000-2"],
    ] {
        add(stream.clone(), args.into_iter().map(String::from).collect());
    }
    for (node, pipe) in pipes.into_values() {
        node.with_conn(|conn| pipe.exec(conn))
            .unwrap_or_else(|e| panic!("{}: populate: {e}", node.addr()));
    }
    keys
}

/// What a key holds as clients read it, and its TTL in milliseconds (-1: none).
pub(crate) fn describe(node: &RedisNode, key: &str) -> (String, i64) {
    let run = |args: &[&str]| -> Value {
        node.try_cmd(args)
            .unwrap_or_else(|e| panic!("{}: {args:?}: {e}", node.addr()))
    };
    let texts = |value: Value| -> Vec<String> {
        match value {
            Value::Array(items) => items.iter().map(value_to_string).collect(),
            other => panic!("not an array: {other:?}"),
        }
    };
    let sorted = |mut items: Vec<String>| {
        items.sort();
        items
    };
    let kind = value_to_string(&run(&["TYPE", key]));
    let content = match kind.as_str() {
        "string" => format!("{:?}", value_to_string(&run(&["GET", key]))),
        "list" => format!("{:?}", texts(run(&["LRANGE", key, "0", "-1"]))),
        "set" => format!("{:?}", sorted(texts(run(&["SMEMBERS", key])))),
        "zset" => format!(
            "{:?}",
            texts(run(&["ZRANGE", key, "0", "-1", "WITHSCORES"]))
        ),
        "hash" => {
            let flat = texts(run(&["HGETALL", key]));
            let pairs: Vec<String> = flat
                .chunks(2)
                .map(|p| format!("{}={}", p[0], p[1]))
                .collect();
            format!("{:?}", sorted(pairs))
        }
        "stream" => {
            let mut text = format!("{:?}", run(&["XRANGE", key, "-", "+"]));
            let Value::Array(groups) = run(&["XINFO", "GROUPS", key]) else {
                panic!("XINFO GROUPS")
            };
            for group in groups {
                let fields: BTreeMap<String, String> = texts(group)
                    .chunks(2)
                    .map(|p| (p[0].clone(), p.get(1).cloned().unwrap_or_default()))
                    .collect();
                let name = fields["name"].clone();
                text.push_str(&format!(
                    " group {name} consumers={} pending={} last={}",
                    fields["consumers"], fields["pending"], fields["last-delivered-id"]
                ));
                let Value::Array(pending) = run(&["XPENDING", key, &name, "-", "+", "100"]) else {
                    panic!("XPENDING")
                };
                for entry in pending {
                    let fields = texts(entry);
                    text.push_str(&format!(" {}@{}x{}", fields[0], fields[1], fields[3]));
                }
            }
            text
        }
        other => panic!("{key}: unexpected type {other}"),
    };
    let ttl = match run(&["PTTL", key]) {
        Value::Int(ttl) => ttl,
        other => panic!("PTTL: {other:?}"),
    };
    (format!("{kind}: {content}"), ttl)
}

/// Asserts every key holds the same on `to` as on `from` (each read where `route` says),
/// TTLs within a second.
pub(crate) fn assert_same(keys: &[String], from: &Router, to: &Router, label: &str) {
    for key in keys {
        let (before, ttl_before) = describe(from.node(key), key);
        let (after, ttl_after) = describe(to.node(key), key);
        assert_eq!(after, before, "{label}: {key}");
        assert_eq!(ttl_after < 0, ttl_before < 0, "{label}: {key} TTL");
        assert!(
            (ttl_after - ttl_before).abs() < 1000,
            "{label}: {key} TTL {ttl_before} → {ttl_after}"
        );
    }
}

/// `redis-cli --cluster backup NODE DIR`.
fn redis_cli_backup(node: &RedisNode, dir: &Path) {
    let output = Command::new("redis-cli")
        .args(["--cluster", "backup", &node.addr()])
        .arg(dir)
        .output()
        .expect("redis-cli runs");
    assert!(
        output.status.success(),
        "redis-cli --cluster backup: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Runs `rtrib restore` with `args`; its exit code and everything it printed.
pub(crate) fn restore(args: &[&str]) -> (Option<i32>, String, std::process::Output) {
    let output = rtrib().arg("restore").args(args).output().unwrap();
    let all = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.code(), all, output)
}

fn json(output: &std::process::Output) -> Json {
    serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not one JSON document ({e}): {}",
            String::from_utf8_lossy(&output.stdout)
        )
    })
}

on_every_server! {
    /// A `redis-cli --cluster backup` of 3 masters restores into 4 masters: every key is
    /// where its slot is served, the same as in the source (stream groups and pending entries
    /// included, TTLs within a second), the function library is on every master, and the
    /// counts per slot match.
    fn a_redis_cli_backup_of_3_masters_restores_into_4(server) {
        let source = cluster(server, 3);
        let keys = populate(&router(&source));
        let has_functions = server != Server::Redis6_2;
        if has_functions {
            source[0].cmd(&[
                "FUNCTION",
                "LOAD",
                "#!lua name=restorelib\nredis.register_function('echo1', function(k, a) return a[1] end)",
            ]);
        }
        let dir = tempfile::tempdir().unwrap();
        redis_cli_backup(&source[0], dir.path());
        assert!(dir.path().join("nodes.json").is_file());

        let target = cluster(server, 4);
        let (code, all, output) = restore(&[
            dir.path().to_str().unwrap(),
            &target[2].addr(),
            "-o",
            "json",
        ]);
        assert_eq!(code, Some(0), "{all}");
        let document = json(&output);
        assert_eq!(document["outcome"], "restored", "{all}");
        assert_eq!(document["restored"], keys.len());
        assert_eq!(document["masters"], 4);
        assert_eq!(document["source"]["files"].as_array().unwrap().len(), 3);
        assert_eq!(document["slots_differing"], Json::Array(vec![]));
        assert_eq!(target.key_count(), keys.len());
        assert_same(&keys, &router(&source), &router(&target), server.name());
        if has_functions {
            for node in target.iter() {
                assert_eq!(node.cmd_str(&["FCALL", "echo1", "0", "here"]), "here");
            }
        }
    }

    /// An `rtrib backup` of 3 masters (its manifest cross-checked) restores into 2: every key
    /// the same; the same directory missing a shard is refused (exit 2), nothing written.
    fn an_rtrib_backup_of_3_masters_restores_into_2(server) {
        let source = cluster(server, 3);
        let keys = populate(&router(&source));
        let dir = tempfile::tempdir().unwrap();
        let backup = dir.path().join("backup");
        let output = rtrib()
            .args(["backup", &source[0].addr(), backup.to_str().unwrap()])
            .output()
            .unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        assert!(backup.join("manifest.json").is_file());

        let target = cluster(server, 2);
        let (code, all, _) = restore(&[backup.to_str().unwrap(), &target[1].addr()]);
        assert_eq!(code, Some(0), "{all}");
        assert_eq!(target.key_count(), keys.len());
        assert_same(&keys, &router(&source), &router(&target), server.name());

        let shard = std::fs::read_dir(&backup)
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .find(|path| path.extension().is_some_and(|ext| ext == "rdb"))
            .unwrap();
        std::fs::remove_file(&shard).unwrap();
        let empty = cluster(server, 2);
        let (code, all, _) = restore(&[backup.to_str().unwrap(), &empty[0].addr()]);
        assert_eq!(code, Some(2), "{all}");
        assert!(all.contains("manifest.json: lists redis-node-"), "{all}");
        assert_eq!(empty.key_count(), 0);
    }

    /// A standalone's `dump.rdb` restores into a 3-master cluster; keys that expired before
    /// the restore are skipped and counted.
    fn a_standalone_dump_rdb_restores(server) {
        let source = standalone(server);
        let keys = populate(&router(&source));
        source[0].cmd(&["SET", "gone:soon", "x", "PX", "300"]);
        source[0].cmd(&["SAVE"]);
        std::thread::sleep(std::time::Duration::from_millis(400));
        let target = cluster(server, 3);
        let file = source[0].dir().join("dump.rdb");
        let (code, all, _) = restore(&[file.to_str().unwrap(), &target[0].addr()]);
        assert_eq!(code, Some(0), "{all}");
        assert!(all.contains("1 already expired"), "{all}");
        assert!(all.contains(&format!("[OK] Restored {} keys into 3 masters", keys.len())), "{all}");
        assert!(all.contains("[OK] Every slot holds the keys the source has for it."), "{all}");
        assert_eq!(target.key_count(), keys.len());
        assert_same(&keys, &router(&source), &router(&target), server.name());
    }

    /// Nothing is written when the cluster holds keys (exit 5, unless --replace or
    /// --skip-existing), when a file is truncated or corrupted (exit 2, naming the file and
    /// the byte), or with --dry-run.
    fn refusals_write_nothing(server) {
        let source = standalone(server);
        let keys = populate(&router(&source));
        source[0].cmd(&["SAVE"]);
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("node-a.rdb");
        std::fs::copy(source[0].dir().join("dump.rdb"), &file).unwrap();
        let target = cluster(server, 2);
        let seed = target[0].addr();
        let dir_arg = dir.path().to_str().unwrap();

        let (code, all, output) = restore(&[dir_arg, &seed, "--dry-run", "-o", "json"]);
        assert_eq!(code, Some(0), "{all}");
        assert_eq!(json(&output)["outcome"], "dry_run");
        assert_eq!(json(&output)["source"]["keys"], keys.len());
        assert_eq!(target.key_count(), 0);

        // A corrupted copy, then a truncated one, next to the good file.
        let bytes = std::fs::read(&file).unwrap();
        let bad = dir.path().join("node-b.rdb");
        let mut corrupted = bytes.clone();
        corrupted[bytes.len() / 2] ^= 0x5a;
        for (label, content) in [("corrupted", corrupted), ("truncated", bytes[..bytes.len() - 100].to_vec())] {
            std::fs::write(&bad, &content).unwrap();
            let (code, all, _) = restore(&[dir_arg, &seed]);
            assert_eq!(code, Some(2), "{label}: {all}");
            let error = all.lines().find(|line| line.contains("node-b.rdb")).unwrap_or_default();
            assert!(error.contains("at byte "), "{label}: {all}");
            assert_eq!(target.key_count(), 0, "{label}: nothing written");
        }
        std::fs::remove_file(&bad).unwrap();

        router(&target).node("{s:1}:other").cmd(&["SET", "{s:1}:other", "cluster's"]);
        let held = target.key_count();
        let (code, all, _) = restore(&[dir_arg, &seed]);
        assert_eq!(code, Some(5), "{all}");
        assert!(all.contains("the cluster already holds keys"), "{all}");
        assert_eq!(target.key_count(), held);

        let (code, all, output) = restore(&[dir_arg, &seed, "--skip-existing", "-o", "json"]);
        assert_eq!(code, Some(0), "{all}");
        assert_eq!(json(&output)["restored"], keys.len());
        assert_eq!(target.key_count(), held + keys.len());
        let (code, all, output) = restore(&[dir_arg, &seed, "--replace", "-o", "json"]);
        assert_eq!(code, Some(0), "{all}");
        assert_eq!(json(&output)["existing_keys"], keys.len());
        assert_eq!(target.key_count(), held + keys.len());
        assert_same(&keys, &router(&source), &router(&target), server.name());
    }
}

/// Each (source, target) pair of servers: a standalone of one restored into a 2-master
/// cluster of the other, every key compared.
#[test]
fn restores_across_servers_both_ways() {
    for (from, to) in [
        (Server::Redis8_2, Server::Valkey9_1),
        (Server::Valkey9_1, Server::Redis8_2),
        (Server::Redis7_0, Server::Valkey9_1),
        (Server::Valkey9_1, Server::Redis7_0),
    ] {
        let label = format!("{} → {}", from.name(), to.name());
        let source = standalone(from);
        let keys = populate(&router(&source));
        source[0].cmd(&["SAVE"]);
        let target = cluster(to, 2);
        let file = source[0].dir().join("dump.rdb");
        let (code, all, _) = restore(&[file.to_str().unwrap(), &target[0].addr()]);
        assert_eq!(code, Some(0), "{label}: {all}");
        assert_eq!(target.key_count(), keys.len(), "{label}");
        assert_same(&keys, &router(&source), &router(&target), &label);
    }
}

/// What no master can load is refused before any write, named with its type and count: Redis
/// 8.2's vector sets (a module type) anywhere, its hashes with field expiration for Redis 7.0;
/// keys of another database unless `--db` picks one.
#[test]
fn what_cannot_be_carried_is_refused_by_type_and_count() {
    let source = standalone(Server::Redis8_2);
    source[0].cmd(&["SET", "plain", "v"]);
    for (element, vector) in [("e1", ["0.1", "0.2", "0.3"]), ("e2", ["-1", "0.5", "2"])] {
        let mut args = vec!["VADD", "vectors", "VALUES", "3"];
        args.extend(vector);
        args.push(element);
        source[0].cmd(&args);
    }
    source[0].cmd(&["HSET", "fields", "a", "1", "b", "2"]);
    source[0].cmd(&["HPEXPIRE", "fields", "3600000", "FIELDS", "1", "a"]);
    source[0].cmd(&["SAVE"]);
    let file = source[0].dir().join("dump.rdb");
    let file = file.to_str().unwrap();

    let redis82 = cluster(Server::Redis8_2, 2);
    let (code, all, _) = restore(&[file, &redis82[0].addr()]);
    assert_eq!(code, Some(5), "{all}");
    assert!(
        all.contains("1 × module-value (type 7)") && all.contains("'vectorset'"),
        "{all}"
    );
    assert!(all.contains("nothing was written"), "{all}");
    assert_eq!(redis82.key_count(), 0);

    let redis70 = cluster(Server::Redis7_0, 2);
    let (code, all, _) = restore(&[file, &redis70[0].addr()]);
    assert_eq!(code, Some(5), "{all}");
    assert!(all.contains("a hash with field expiration"), "{all}");
    assert_eq!(redis70.key_count(), 0);

    source[0].cmd(&["DEL", "vectors", "fields"]);
    source[0]
        .with_conn(|conn| {
            redis::cmd("SELECT").arg(1).query::<()>(conn)?;
            redis::cmd("SET")
                .arg("elsewhere")
                .arg("v")
                .query::<()>(conn)
        })
        .unwrap();
    source[0].cmd(&["SAVE"]);
    let (code, all, _) = restore(&[file, &redis70[0].addr()]);
    assert_eq!(code, Some(5), "{all}");
    assert!(
        all.contains("database 1: 1 keys") && all.contains("--db N"),
        "{all}"
    );
    let (code, all, _) = restore(&[file, &redis70[0].addr(), "--db", "1"]);
    assert_eq!(code, Some(0), "{all}");
    assert!(
        all.contains("1 keys of database 0 are not restored"),
        "{all}"
    );
    assert_eq!(redis70.key_count(), 1);
    assert_eq!(
        router(&redis70)
            .node("elsewhere")
            .cmd_str(&["GET", "elsewhere"]),
        "v"
    );
}

/// Ctrl-C while a restore writes: no key is read after it, the keys already queued are written
/// (exit 130; the report says that every RESTORE is whole and that a re-run with
/// `--skip-existing` restores the rest); every key there has its value, and the re-run
/// restores every other.
#[test]
fn ctrl_c_during_a_restore_stops_it_and_a_rerun_with_skip_existing_finishes() {
    const KEYS: usize = 100_000;
    let source = standalone(Server::Redis7_0);
    let pairs: Vec<(String, String)> = (0..KEYS)
        .map(|i| (format!("k:{i}"), format!("v{i}")))
        .collect();
    for chunk in pairs.chunks(10_000) {
        let mut pipe = redis::pipe();
        for (key, value) in chunk {
            pipe.cmd("SET").arg(key).arg(value).ignore();
        }
        source[0].with_conn(|conn| pipe.exec(conn)).unwrap();
    }
    source[0].cmd(&["SAVE"]);
    let file = source[0].dir().join("dump.rdb");
    let file = file.to_str().unwrap();
    let target = cluster(Server::Redis7_0, 2);
    let child = Command::new(env!("CARGO_BIN_EXE_rtrib"))
        .args(["restore", file, &target[0].addr()])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let writing = wait_until(std::time::Duration::from_secs(60), || {
        target.key_count() > 0
    });
    assert!(writing, "no key was written");
    // SAFETY: kill(2) with the pid of our own unreaped child.
    unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
    let output = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(130), "{stdout}\n{stderr}");
    assert!(
        stderr.contains("interrupted: no more keys are read"),
        "{stderr}"
    );
    assert!(
        stdout.contains("Interrupted (Ctrl-C). Restored "),
        "{stdout}"
    );
    assert!(
        stdout.contains(&format!(
            "the source holds {KEYS} keys: the same command with --skip-existing restores the rest"
        )),
        "{stdout}"
    );
    let written = target.key_count();
    assert!(written < KEYS, "every key was written before Ctrl-C");
    // Every key there holds its value (a GET through its slot's master, all of them).
    let owners = target.slot_owners();
    let mut found = 0;
    for (index, node) in target.iter().enumerate() {
        let mine: Vec<&(String, String)> = pairs
            .iter()
            .filter(|(key, _)| owners[usize::from(key_slot(key.as_bytes()))] == Some(index))
            .collect();
        let mut pipe = redis::pipe();
        for (key, _) in &mine {
            pipe.cmd("GET").arg(key);
        }
        let values: Vec<Option<String>> = node.with_conn(|conn| pipe.query(conn)).unwrap();
        for ((key, expected), value) in mine.iter().zip(values) {
            if let Some(value) = value {
                assert_eq!(&value, expected, "{key}");
                found += 1;
            }
        }
    }
    assert_eq!(found, written);

    let (code, all, _) = restore(&[file, &target[0].addr(), "--skip-existing"]);
    assert_eq!(code, Some(0), "{all}");
    assert!(
        all.contains(&format!("{written} already there kept")),
        "{all}"
    );
    assert_eq!(target.key_count(), KEYS);
    target.assert_values(&pairs);
}
