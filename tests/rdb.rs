//! `rtrib::rdb` against the real servers of the matrix: each server writes keys of every type
//! and encoding (small and large, so intsets, ziplists or listpacks, quicklists, hash tables,
//! skiplists, LZF strings and compressed quicklist nodes all appear; streams with consumer
//! groups, pending entries and a deleted entry; TTLs; a second database; a function library;
//! hashes with field expiration where the server has them), `SAVE`s, and the reader reads its
//! `dump.rdb`:
//!
//! - every key is found, in its database, with its expire time, and its value's bytes with the
//!   file's version and a CRC64 are byte for byte the server's own `DUMP` reply;
//! - the function library is the one the server's `FUNCTION DUMP` holds;
//! - each server's `RESTORE` accepts exactly the RDB versions the model says it does;
//! - every value carried to every server of the matrix (re-stamped, or converted where the
//!   target cannot load the encoding: listpacks into Redis 6.2, stream encodings down, field
//!   expiration between Redis and Valkey) `RESTORE`s and reads back equal there, and what
//!   is refused is exactly what the target cannot hold (and Redis 8's vector sets, a module
//!   type);
//! - a truncated or altered file is an error naming its offset;
//! - a 128 MiB file is read in bounded memory.

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use redis::Value;
use rtrib::cluster::server::{Server as ServerModel, ServerKind, Version};
use rtrib::rdb::{
    Checksum, Encoding, Entry, FunctionLibrary, Item, RdbReader, RdbTarget, Refusal, carry,
    functions_dump_payload, functions_from_dump_payload,
};

use crate::support::cluster::{
    Layout, Nodes, NodesConfig, RedisNode, key_slot, value_to_string, wait_until,
};
use crate::support::servers::{Server, on_every_server};

/// The function library every server that has functions is given.
const LIBRARY: &str = "#!lua name=rtriblib\n\
    redis.register_function('rtrib_echo', function(keys, args) return args[1] end)";
/// One hour, in milliseconds: the TTLs set.
const HOUR_MS: i64 = 3_600_000;

/// One standalone server.
fn standalone(server: Server) -> Nodes {
    Nodes::start(NodesConfig {
        cluster_enabled: false,
        ..NodesConfig::on(server, 1, Layout::Ports)
    })
}

/// What the server says it is.
fn model(node: &RedisNode) -> ServerModel {
    ServerModel::from_info(&node.cmd_str(&["INFO", "server"])).expect("INFO names a version")
}

/// What a server (or both sides of a copy) can show.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Features {
    /// Function libraries (Redis 7.0+, Valkey).
    functions: bool,
    /// Hash field expiration (Redis 7.4+, Valkey 9.0+).
    field_expiry: bool,
    /// `PEXPIRETIME`, and streams' 7.0 counters (Redis 7.0+, Valkey).
    redis7: bool,
    /// Vector sets, a module type built into Redis 8.
    vector_sets: bool,
}

impl Features {
    fn of(server: &ServerModel) -> Self {
        let redis_from = |major, minor| {
            server.kind == ServerKind::Redis && server.version >= Version(major, minor, 0)
        };
        let valkey = server.kind == ServerKind::Valkey;
        Self {
            functions: valkey || redis_from(7, 0),
            field_expiry: redis_from(7, 4) || (valkey && server.version >= Version(9, 0, 0)),
            redis7: valkey || redis_from(7, 0),
            vector_sets: redis_from(8, 0),
        }
    }

    fn common(self, other: Features) -> Self {
        Self {
            functions: self.functions && other.functions,
            field_expiry: self.field_expiry && other.field_expiry,
            redis7: self.redis7 && other.redis7,
            vector_sets: self.vector_sets && other.vector_sets,
        }
    }
}

/// Runs `args` (binary-safe) in database `db`, then selects database 0 again.
fn in_db(node: &RedisNode, db: u64, args: &[&[u8]]) -> redis::RedisResult<Value> {
    node.with_conn(|conn| {
        redis::cmd("SELECT").arg(db).query::<()>(conn)?;
        let mut command = redis::cmd(std::str::from_utf8(args[0]).expect("command name"));
        for arg in &args[1..] {
            command.arg(*arg);
        }
        let result = command.query(conn);
        redis::cmd("SELECT").arg(0).query::<()>(conn)?;
        result
    })
}

/// Writes the keys of every type and encoding the server has.
fn populate(node: &RedisNode, features: Features) {
    let mut pipe = redis::pipe();
    pipe.cmd("SET").arg("s:short").arg("hello");
    pipe.cmd("SET").arg("s:int").arg("12345");
    pipe.cmd("SET").arg("s:lzf").arg("rtrib ".repeat(200));
    pipe.cmd("SET")
        .arg("s:binary")
        .arg(&[0u8, 255, 13, 10, 7][..]);
    pipe.cmd("SET").arg("s:ttl").arg("v").arg("PX").arg(HOUR_MS);
    pipe.cmd("RPUSH").arg("l:small").arg(&["a", "b", "1", "-2"]);
    let long: Vec<String> = (0..1000).map(|i| format!("{i:050}")).collect();
    pipe.cmd("RPUSH").arg("l:large").arg(&long);
    pipe.cmd("PEXPIRE").arg("l:large").arg(2 * HOUR_MS);
    pipe.cmd("SADD").arg("set:int").arg(&["1", "2", "3", "-7"]);
    pipe.cmd("SADD").arg("set:small").arg(&["a", "b", "c"]);
    let members: Vec<String> = (0..600).map(|i| format!("member:{i}")).collect();
    pipe.cmd("SADD").arg("set:large").arg(&members);
    let numbers: Vec<String> = (0..300).map(|i| (i * 1000 - 70_000).to_string()).collect();
    pipe.cmd("SADD").arg("set:intlarge").arg(&numbers);
    pipe.cmd("ZADD")
        .arg("z:small")
        .arg(&["1", "a", "2.5", "b", "-inf", "c", "0.1", "d"]);
    let mut zlarge = Vec::new();
    for i in 0..200 {
        zlarge.push(format!("{}", f64::from(i) * 0.1 - 3.0));
        zlarge.push(format!("m{i}"));
    }
    zlarge.extend(["inf".to_owned(), "top".to_owned()]);
    pipe.cmd("ZADD").arg("z:large").arg(&zlarge);
    pipe.cmd("HSET")
        .arg("h:small")
        .arg(&["f1", "v1", "f2", "2", "f3", ""]);
    let mut fields = Vec::new();
    for i in 0..600 {
        fields.push(format!("field:{i}"));
        fields.push(format!("value:{i}"));
    }
    pipe.cmd("HSET").arg("h:large").arg(&fields);
    for i in 1..=60 {
        pipe.cmd("XADD")
            .arg("st")
            .arg(format!("1000-{i}"))
            .arg("n")
            .arg(i)
            .arg("text")
            .arg(format!("entry {i}"));
    }
    pipe.cmd("XGROUP").arg(&["CREATE", "st", "g1", "0"]);
    pipe.cmd("XGROUP").arg(&["CREATE", "st", "g2", "$"]);
    pipe.cmd("XREADGROUP")
        .arg(&["GROUP", "g1", "alice", "COUNT", "10", "STREAMS", "st", ">"]);
    pipe.cmd("XREADGROUP")
        .arg(&["GROUP", "g1", "bob", "COUNT", "5", "STREAMS", "st", ">"]);
    pipe.cmd("XACK").arg(&["st", "g1", "1000-1", "1000-12"]);
    pipe.cmd("XDEL").arg(&["st", "1000-30"]);
    pipe.cmd("PEXPIRE").arg("st").arg(2 * HOUR_MS);
    for i in 1..=500 {
        pipe.cmd("XADD")
            .arg("st:large")
            .arg(format!("{i}-0"))
            .arg("payload")
            .arg(format!("{i:040}"));
    }
    node.with_conn(|conn| pipe.query::<()>(conn))
        .expect("populate");

    // Quicklist nodes compressed with LZF (set before the list is created).
    node.cmd(&["CONFIG", "SET", "list-compress-depth", "1"]);
    let compressible: Vec<String> = (0..2000)
        .map(|i| format!("compressible {:080}", i % 7))
        .collect();
    let mut args = vec!["RPUSH", "l:compressed"];
    args.extend(compressible.iter().map(String::as_str));
    node.cmd(&args);
    node.cmd(&["CONFIG", "SET", "list-compress-depth", "0"]);

    in_db(node, 1, &[b"SET", b"db1:key", b"in database 1"]).expect("SET in db 1");
    in_db(node, 1, &[b"PEXPIRE", b"db1:key", b"7200000"]).expect("PEXPIRE in db 1");

    if features.functions {
        node.cmd(&["FUNCTION", "LOAD", LIBRARY]);
    }
    if features.field_expiry {
        node.cmd(&["HSET", "hfe:small", "a", "1", "b", "2", "c", "3"]);
        node.cmd(&["HPEXPIRE", "hfe:small", "3600000", "FIELDS", "1", "a"]);
        let mut args = vec!["HSET".to_owned(), "hfe:large".to_owned()];
        // More fields than any server's hash-max-listpack-entries (Redis 8.2: 512).
        for i in 0..600 {
            args.push(format!("f{i}"));
            args.push(format!("v{i}"));
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        node.cmd(&args);
        node.cmd(&[
            "HPEXPIRE",
            "hfe:large",
            "5400000",
            "FIELDS",
            "2",
            "f1",
            "f7",
        ]);
    }
    if features.vector_sets {
        for (element, vector) in [("e1", ["0.1", "0.2", "0.3"]), ("e2", ["-1", "0.5", "2"])] {
            let mut args = vec!["VADD", "vs", "VALUES", "3"];
            args.extend(vector);
            args.push(element);
            node.cmd(&args);
        }
    }
}

/// Saves and reads the node's `dump.rdb` whole.
fn save_and_read(node: &RedisNode) -> (u16, Vec<Item>) {
    node.cmd(&["SAVE"]);
    let file = std::fs::File::open(node.dir().join("dump.rdb")).expect("dump.rdb");
    let reader = RdbReader::new(file).expect("header");
    let version = reader.header().version;
    let items = reader
        .collect::<Result<Vec<_>, _>>()
        .unwrap_or_else(|e| panic!("{}: {e}", node.dir().display()));
    (version, items)
}

fn entries(items: &[Item]) -> Vec<&Entry> {
    items.iter().filter_map(Item::entry).collect()
}

fn libraries(items: &[Item]) -> Vec<FunctionLibrary> {
    items
        .iter()
        .filter_map(|item| match item {
            Item::Function(library) => Some(library.clone()),
            _ => None,
        })
        .collect()
}

fn bytes(value: Value) -> Vec<u8> {
    match value {
        Value::BulkString(bytes) => bytes,
        other => panic!("not a bulk string: {other:?}"),
    }
}

fn int(value: &Value) -> i64 {
    match value {
        Value::Int(number) => *number,
        other => panic!("not an integer: {other:?}"),
    }
}

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("after 1970")
        .as_millis() as i64
}

/// The key's expire time: exact with `PEXPIRETIME`, else from `PTTL` (within a second).
fn expire_at(node: &RedisNode, db: u64, key: &[u8], features: Features) -> Option<i64> {
    if features.redis7 {
        let time = int(&in_db(node, db, &[b"PEXPIRETIME", key]).expect("PEXPIRETIME"));
        return (time >= 0).then_some(time);
    }
    let ttl = int(&in_db(node, db, &[b"PTTL", key]).expect("PTTL"));
    (ttl >= 0).then(|| now_ms() + ttl)
}

/// The encodings each RDB version's servers write for the keys of [`populate`].
fn expected_encodings(version: u16) -> BTreeSet<Encoding> {
    let mut expected = BTreeSet::from([
        Encoding::String,
        Encoding::SetIntset,
        Encoding::Set,
        Encoding::SortedSet2,
        Encoding::Hash,
    ]);
    if version == 9 {
        expected.extend([
            Encoding::ListQuicklist,
            Encoding::SortedSetZiplist,
            Encoding::HashZiplist,
            Encoding::StreamListpacks,
        ]);
    } else {
        expected.extend([
            Encoding::ListQuicklist2,
            Encoding::SortedSetListpack,
            Encoding::HashListpack,
        ]);
    }
    match version {
        10 => {
            expected.insert(Encoding::StreamListpacks2);
        }
        11.. => {
            expected.extend([Encoding::SetListpack, Encoding::StreamListpacks3]);
        }
        _ => {}
    }
    if version == 12 {
        expected.extend([Encoding::HashListpackEx, Encoding::HashMetadata]);
    }
    if version >= 80 {
        expected.insert(Encoding::HashWithFieldExpiry);
    }
    expected
}

/// Every key the server holds in databases 0 and 1.
fn server_keys(node: &RedisNode) -> BTreeSet<(u64, Vec<u8>)> {
    let mut keys = BTreeSet::new();
    for db in [0u64, 1] {
        let Value::Array(names) = in_db(node, db, &[b"KEYS", b"*"]).expect("KEYS") else {
            panic!("KEYS is an array")
        };
        keys.extend(names.into_iter().map(|name| (db, bytes(name))));
    }
    keys
}

on_every_server! {
    /// The file holds every key with its database and expire time; each value with the file's
    /// version and a CRC64 is the server's own `DUMP` reply, byte for byte; every encoding of
    /// the server appears; the function library is the one `FUNCTION DUMP` holds; the trailer
    /// verifies.
    fn the_file_holds_what_dump_returns(server) {
        let nodes = standalone(server);
        let node = &nodes[0];
        let features = Features::of(&model(node));
        populate(node, features);
        let (version, items) = save_and_read(node);

        let found = entries(&items);
        let found_keys: BTreeSet<(u64, Vec<u8>)> =
            found.iter().map(|entry| (entry.db, entry.key.clone())).collect();
        assert_eq!(found_keys, server_keys(node));
        for entry in &found {
            let dump = bytes(in_db(node, entry.db, &[b"DUMP", &entry.key]).expect("DUMP"));
            assert_eq!(
                entry.value.native_dump_payload(),
                dump,
                "{} ({})",
                String::from_utf8_lossy(&entry.key),
                entry.value.encoding
            );
            let parsed = rtrib::rdb::Value::from_dump_payload(&dump).expect("DUMP parses");
            assert_eq!((parsed.encoding, &parsed.body), (entry.value.encoding, &entry.value.body));
            let expected = expire_at(node, entry.db, &entry.key, features);
            match (entry.expire_at_ms, expected) {
                (Some(read), Some(expected)) if !features.redis7 => {
                    assert!((read - expected).abs() < 1000, "{read} vs {expected}")
                }
                (read, expected) => assert_eq!(read, expected, "{:?}", entry.key),
            }
        }
        let seen: BTreeSet<Encoding> = found.iter().map(|entry| entry.value.encoding).collect();
        let mut expected = expected_encodings(version);
        if features.vector_sets {
            expected.insert(Encoding::Module2);
        }
        let missing: Vec<_> = expected.difference(&seen).copied().collect();
        assert!(missing.is_empty(), "RDB {version}: no {missing:?} among {seen:?}");
        assert!(found.iter().any(|e| e.expire_at_ms.is_some() && e.db == 1));

        if features.functions {
            let dump = bytes(node.cmd(&["FUNCTION", "DUMP"]));
            let read = libraries(&items);
            assert_eq!(read, functions_from_dump_payload(&dump).expect("FUNCTION DUMP parses"));
            assert_eq!(read[0].name().as_deref(), Some("rtriblib"));
        } else {
            assert!(libraries(&items).is_empty());
        }
        assert!(matches!(items.last(), Some(Item::End(Checksum::Verified(_)))));
        assert!(items.iter().any(|item| matches!(
            item,
            Item::Aux { name, .. } if name == b"redis-ver" || name == b"valkey-ver"
        )));
    }

    /// A cut or altered `dump.rdb` is an error naming an offset inside the file.
    fn a_damaged_file_is_an_error_at_an_offset(server) {
        let nodes = standalone(server);
        let node = &nodes[0];
        populate(node, Features::of(&model(node)));
        node.cmd(&["SAVE"]);
        let file = std::fs::read(node.dir().join("dump.rdb")).expect("dump.rdb");
        let read = |bytes: &[u8]| -> Result<Vec<Item>, rtrib::rdb::RdbError> {
            RdbReader::new(bytes)?.collect()
        };
        assert!(read(&file).is_ok());
        for cut in [9, file.len() / 3, file.len() / 2, file.len() - 1] {
            let error = read(&file[..cut]).unwrap_err();
            assert!(error.offset <= cut as u64, "cut at {cut}: {error}");
        }
        let mut altered = file.clone();
        let middle = altered.len() / 2;
        altered[middle] ^= 0x10;
        let error = read(&altered).unwrap_err();
        assert!(error.offset as usize <= altered.len(), "{error}");
        assert!(error.to_string().starts_with("at byte "), "{error}");
    }

    /// Every value of the file, carried to every server of the matrix, restores and reads
    /// back equal (type, content, stream groups and pending entries, field expiration, TTL);
    /// only hashes with field expiration are refused, by servers without it, and module values
    /// (Redis 8's vector sets), naming the module type; the function
    /// library restores wherever there are functions; Redis 6.2 gets converted encodings.
    fn every_value_restores_on_every_server(server) {
        let nodes = standalone(server);
        let source = &nodes[0];
        let source_model = model(source);
        let source_features = Features::of(&source_model);
        populate(source, source_features);
        let (version, items) = save_and_read(source);
        let found = entries(&items);

        for target_server in Server::ALL {
            let targets = standalone(target_server);
            let target = &targets[0];
            let target_model = model(target);
            let target_features = Features::of(&target_model);
            let rdb_target = RdbTarget::of(&target_model);
            let mut refused = BTreeSet::new();
            let mut converted = 0;
            for entry in &found {
                match carry(&entry.value, &rdb_target) {
                    Ok(carried) => {
                        converted += usize::from(carried.converted);
                        let ttl = entry.expire_at_ms.unwrap_or(0).to_string();
                        let mut args: Vec<&[u8]> =
                            vec![b"RESTORE", &entry.key, ttl.as_bytes(), &carried.payload];
                        if entry.expire_at_ms.is_some() {
                            args.push(b"ABSTTL");
                        }
                        in_db(target, entry.db, &args).unwrap_or_else(|e| {
                            panic!(
                                "{source_model} → {target_model}: RESTORE {} ({} as {} v{}): {e}",
                                String::from_utf8_lossy(&entry.key),
                                entry.value.encoding,
                                carried.encoding,
                                carried.version
                            )
                        });
                    }
                    Err(rtrib::rdb::CarryError::Refused { refusal: Refusal::FieldExpiration, .. })
                        if !target_features.field_expiry =>
                    {
                        assert!(entry.value.encoding.has_field_expiry());
                        refused.insert((entry.db, entry.key.clone()));
                    }
                    Err(rtrib::rdb::CarryError::Refused {
                        refusal: Refusal::Module { name }, ..
                    }) => {
                        assert_eq!(name, "vectorset");
                        refused.insert((entry.db, entry.key.clone()));
                    }
                    Err(error) => panic!("{source_model} → {target_model}: {error}"),
                }
            }
            // The target's RESTORE accepts exactly the versions the model says it does.
            let probe = found
                .iter()
                .find(|entry| entry.value.encoding == Encoding::String)
                .expect("a string");
            for version in [9u16, 10, 11, 12, 13, 79, 80, 81] {
                let payload = probe.value.dump_payload(version).expect("strings in any version");
                let restored = target.with_conn(|conn| {
                    redis::cmd("RESTORE")
                        .arg(format!("probe:{version}"))
                        .arg(0)
                        .arg(payload)
                        .query::<()>(conn)
                });
                assert_eq!(
                    restored.is_ok(),
                    rdb_target.accepts_version(version),
                    "{target_model}, RDB {version}: {restored:?}"
                );
                target.cmd(&["DEL", &format!("probe:{version}")]);
            }
            let field_expiry_lost = source_features.field_expiry && !target_features.field_expiry;
            let expected_refused =
                2 * usize::from(field_expiry_lost) + usize::from(source_features.vector_sets);
            assert_eq!(refused.len(), expected_refused, "{source_model} → {target_model}");
            if target_model.version < Version(7, 0, 0) && version >= 10 {
                assert!(converted > 0, "{source_model} → {target_model}: nothing converted");
            }

            let common = source_features.common(target_features);
            let kept: Vec<&Entry> = found
                .iter()
                .copied()
                .filter(|entry| !refused.contains(&(entry.db, entry.key.clone())))
                .collect();
            assert_eq!(
                snapshot(target, &kept, common),
                snapshot(source, &kept, common),
                "{source_model} → {target_model}"
            );
            for entry in &kept {
                let restored = expire_at(target, entry.db, &entry.key, target_features);
                match (entry.expire_at_ms, restored) {
                    (Some(read), Some(restored)) => assert!((read - restored).abs() < 1000),
                    (read, restored) => assert_eq!(read, restored, "{:?}", entry.key),
                }
            }

            let libraries = libraries(&items);
            match rdb_target.functions_stamp() {
                Some(stamp) if !libraries.is_empty() => {
                    let payload = functions_dump_payload(&libraries, stamp);
                    target.with_conn(|conn| {
                        redis::cmd("FUNCTION").arg("RESTORE").arg(payload).query::<()>(conn)
                    })
                    .unwrap_or_else(|e| panic!("{source_model} → {target_model}: {e}"));
                    let echoed = target.cmd_str(&["FCALL", "rtrib_echo", "0", "carried"]);
                    assert_eq!(echoed, "carried");
                }
                stamp => assert!(
                    libraries.is_empty() || (stamp.is_none() && !target_features.functions),
                    "{source_model} → {target_model}"
                ),
            }
        }
    }
}

on_every_server! {
    /// A cluster node's file holds every key; the per-slot counts it carries (Redis 7.4+'s
    /// slot-info opcode, Valkey's `slot-info` aux field) name the right slots and add up to
    /// its keys.
    fn a_cluster_node_s_slot_info_matches_its_keys(server) {
        let nodes = Nodes::start(NodesConfig::on(server, 1, Layout::Ports));
        let node = &nodes[0];
        node.add_slots(0, 16383);
        assert!(wait_until(Duration::from_secs(10), || {
            node.cmd_str(&["CLUSTER", "INFO"]).contains("cluster_state:ok")
        }));
        let keys: Vec<String> = (0..300).map(|i| format!("key:{i}")).collect();
        let mut pipe = redis::pipe();
        for key in &keys {
            pipe.cmd("SET").arg(key).arg("value").ignore();
        }
        pipe.cmd("PEXPIRE").arg(&keys[0]).arg(HOUR_MS).ignore();
        node.with_conn(|conn| pipe.query::<()>(conn)).expect("SET");
        let (_, items) = save_and_read(node);
        let found: BTreeSet<String> = entries(&items)
            .iter()
            .map(|entry| String::from_utf8_lossy(&entry.key).into_owned())
            .collect();
        assert_eq!(found, keys.iter().cloned().collect());

        let mut per_slot: BTreeMap<u64, u64> = BTreeMap::new();
        for item in &items {
            match item {
                Item::SlotInfo { slot, keys, .. } => {
                    per_slot.insert(*slot, *keys);
                }
                Item::Aux { name, value } if name == b"slot-info" => {
                    let text = String::from_utf8_lossy(value).into_owned();
                    let numbers: Vec<u64> =
                        text.split(',').map(|n| n.parse().expect("slot-info number")).collect();
                    per_slot.insert(numbers[0], numbers[1]);
                }
                _ => {}
            }
        }
        // Written by Redis 7.4+ and Valkey 9.0+ (seen on 8.2.3, 9.0.0, 9.1.2; not 6.2, 7.0).
        let server = model(node);
        let writes_slot_info = match server.kind {
            ServerKind::Redis => server.version >= Version(7, 4, 0),
            ServerKind::Valkey => server.version >= Version(9, 0, 0),
        };
        let mut expected: BTreeMap<u64, u64> = BTreeMap::new();
        if writes_slot_info {
            for key in &keys {
                *expected.entry(u64::from(key_slot(key.as_bytes()))).or_default() += 1;
            }
        }
        assert_eq!(per_slot, expected, "{server}");
    }
}

/// A description of every key's content, as clients read it: type; string, list, sorted
/// members and scores, hash fields (with their expiration where set); for streams the entries,
/// the length and last id, each group with its consumers and pending entries (owner and
/// delivery count), and the 7.0 counters when both sides have them.
fn snapshot(node: &RedisNode, keys: &[&Entry], features: Features) -> BTreeMap<String, String> {
    let mut described = BTreeMap::new();
    for entry in keys {
        let (db, key) = (entry.db, entry.key.as_slice());
        let run =
            |args: &[&[u8]]| in_db(node, db, args).unwrap_or_else(|e| panic!("{args:?}: {e}"));
        let kind = value_to_string(&run(&[b"TYPE", key]));
        let content = match kind.as_str() {
            "string" => format!("{:?}", run(&[b"GET", key])),
            "list" => format!("{:?}", run(&[b"LRANGE", key, b"0", b"-1"])),
            "set" => format!("{:?}", sorted(run(&[b"SMEMBERS", key]))),
            "zset" => {
                let Value::Array(flat) = run(&[b"ZRANGE", key, b"0", b"-1", b"WITHSCORES"]) else {
                    panic!("ZRANGE")
                };
                let pairs: Vec<String> = flat
                    .chunks(2)
                    .map(|pair| {
                        let score: f64 = value_to_string(&pair[1]).parse().expect("score");
                        format!("{}={score:?}", value_to_string(&pair[0]))
                    })
                    .collect();
                pairs.join(",")
            }
            "hash" => hash_description(&run, key, features),
            "stream" => stream_description(&run, key, features),
            other => panic!("unexpected type {other}"),
        };
        described.insert(
            format!("{db}/{}", String::from_utf8_lossy(key)),
            format!("{kind}: {content}"),
        );
    }
    described
}

fn sorted(value: Value) -> Vec<Vec<u8>> {
    let Value::Array(items) = value else {
        panic!("not an array: {value:?}")
    };
    let mut items: Vec<Vec<u8>> = items.into_iter().map(bytes).collect();
    items.sort();
    items
}

fn hash_description(run: &dyn Fn(&[&[u8]]) -> Value, key: &[u8], features: Features) -> String {
    let flat = sorted_pairs(run(&[b"HGETALL", key]));
    let mut text = format!("{flat:?}");
    if features.field_expiry {
        let count = flat.len().to_string();
        let mut args: Vec<&[u8]> = vec![b"HPEXPIRETIME", key, b"FIELDS", count.as_bytes()];
        args.extend(flat.iter().map(|(field, _)| field.as_slice()));
        let Value::Array(times) = run(&args) else {
            panic!("HPEXPIRETIME")
        };
        let times: Vec<i64> = times.iter().map(int).collect();
        if times.iter().any(|&time| time >= 0) {
            text.push_str(&format!(" field expiration {times:?}"));
        }
    }
    text
}

fn sorted_pairs(value: Value) -> Vec<(Vec<u8>, Vec<u8>)> {
    let Value::Array(flat) = value else {
        panic!("not an array: {value:?}")
    };
    let mut pairs: Vec<(Vec<u8>, Vec<u8>)> = flat
        .chunks(2)
        .map(|pair| (bytes(pair[0].clone()), bytes(pair[1].clone())))
        .collect();
    pairs.sort();
    pairs
}

/// `XINFO`-style replies as a field → value map.
fn fields_of(value: &Value) -> BTreeMap<String, Value> {
    let Value::Array(flat) = value else {
        panic!("not an array: {value:?}")
    };
    flat.chunks(2)
        .map(|pair| (value_to_string(&pair[0]), pair[1].clone()))
        .collect()
}

fn stream_description(run: &dyn Fn(&[&[u8]]) -> Value, key: &[u8], features: Features) -> String {
    let mut text = format!("{:?}", run(&[b"XRANGE", key, b"-", b"+"]));
    let info = fields_of(&run(&[b"XINFO", b"STREAM", key]));
    let mut wanted = vec!["length", "last-generated-id", "groups"];
    if features.redis7 {
        wanted.extend([
            "max-deleted-entry-id",
            "entries-added",
            "recorded-first-entry-id",
        ]);
    }
    for field in wanted {
        text.push_str(&format!(" {field}={:?}", info.get(field)));
    }
    let Value::Array(groups) = run(&[b"XINFO", b"GROUPS", key]) else {
        panic!("XINFO GROUPS")
    };
    for group in &groups {
        let group = fields_of(group);
        let name = value_to_string(&group["name"]);
        let mut wanted = vec!["consumers", "pending", "last-delivered-id"];
        if features.redis7 {
            wanted.push("entries-read");
        }
        for field in wanted {
            text.push_str(&format!(" {name}.{field}={:?}", group.get(field)));
        }
        let Value::Array(consumers) = run(&[b"XINFO", b"CONSUMERS", key, name.as_bytes()]) else {
            panic!("XINFO CONSUMERS")
        };
        for consumer in &consumers {
            let consumer = fields_of(consumer);
            text.push_str(&format!(
                " {name}/{}.pending={:?}",
                value_to_string(&consumer["name"]),
                consumer.get("pending")
            ));
        }
        let Value::Array(pending) = run(&[b"XPENDING", key, name.as_bytes(), b"-", b"+", b"1000"])
        else {
            panic!("XPENDING")
        };
        for entry in &pending {
            let Value::Array(fields) = entry else {
                panic!("XPENDING entry")
            };
            // Id, consumer and delivery count (not the idle time, which runs on).
            text.push_str(&format!(
                " pending {} {} {}",
                value_to_string(&fields[0]),
                value_to_string(&fields[1]),
                value_to_string(&fields[3])
            ));
        }
    }
    text
}

/// Produces an RDB file of `keys` string keys of `value_len` bytes each, generated as it is
/// read (never whole in memory).
struct SyntheticRdb {
    keys: u64,
    value_len: usize,
    next_key: u64,
    chunk: Vec<u8>,
    position: usize,
    crc: u64,
    ended: bool,
}

impl SyntheticRdb {
    fn new(keys: u64, value_len: usize) -> Self {
        let mut header = b"REDIS0011".to_vec();
        header.extend_from_slice(&[0xfe, 0x00]);
        Self {
            keys,
            value_len,
            next_key: 0,
            crc: rtrib::rdb::crc64(&header),
            chunk: header,
            position: 0,
            ended: false,
        }
    }

    /// The next key's bytes, or the EOF opcode and the CRC64 trailer.
    fn refill(&mut self) {
        self.position = 0;
        self.chunk.clear();
        if self.next_key < self.keys {
            self.chunk.push(0);
            rtrib::rdb::write::put_string(
                &mut self.chunk,
                format!("key:{}", self.next_key).as_bytes(),
            );
            let value: Vec<u8> = (0..self.value_len)
                .map(|i| (i as u64 * 31 + self.next_key) as u8)
                .collect();
            rtrib::rdb::write::put_string(&mut self.chunk, &value);
            self.crc = rtrib::rdb::crc64_update(self.crc, &self.chunk);
            self.next_key += 1;
        } else if !self.ended {
            self.chunk.push(0xff);
            self.crc = rtrib::rdb::crc64_update(self.crc, &self.chunk);
            self.chunk.extend_from_slice(&self.crc.to_le_bytes());
            self.ended = true;
        }
    }
}

impl std::io::Read for SyntheticRdb {
    fn read(&mut self, buffer: &mut [u8]) -> std::io::Result<usize> {
        if self.position == self.chunk.len() {
            self.refill();
        }
        let count = buffer.len().min(self.chunk.len() - self.position);
        buffer[..count].copy_from_slice(&self.chunk[self.position..self.position + count]);
        self.position += count;
        Ok(count)
    }
}

/// The process's peak resident memory (`VmHWM`), in KiB.
fn peak_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM")
}

/// A 128 MiB file (2048 values of 64 KiB) is read through, CRC64 verified, while the
/// process's peak memory grows by far less than the file (nextest runs each test in its own
/// process, so the peak is this test's).
#[test]
fn a_large_file_is_read_in_bounded_memory() {
    let (keys, value_len) = (2048u64, 64 * 1024);
    let before = peak_rss_kib();
    let mut count = 0u64;
    let mut last = None;
    for item in RdbReader::new(SyntheticRdb::new(keys, value_len)).expect("header") {
        match item.expect("item") {
            Item::Entry(entry) => {
                assert_eq!(entry.value.body.len(), value_len + 5);
                count += 1;
            }
            other => last = Some(other),
        }
    }
    assert_eq!(count, keys);
    assert!(
        matches!(last, Some(Item::End(Checksum::Verified(_)))),
        "{last:?}"
    );
    let grown_mib = (peak_rss_kib() - before) / 1024;
    let file_mib = keys * value_len as u64 / (1024 * 1024);
    assert!(
        grown_mib < 32,
        "peak memory grew {grown_mib} MiB reading {file_mib} MiB"
    );
}
