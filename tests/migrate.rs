//! `rtrib reshard` and `rebalance` against real clusters: exact slot counts, keys read back
//! through their new owners, every node's CLUSTER NODES agreeing, BUSYKEY with and without
//! `--replace`, draining and filling masters, a run killed with SIGKILL and finished by a
//! re-run, a client blocked on a key of a moving slot, and on every server a reshard with
//! replicas.

use std::collections::HashMap;
use std::process::{Command, Stdio};
use std::time::Duration;

use redis::Value;
use serde_json::Value as Json;

use crate::converge::agreed_slot_counts;
use crate::support::cluster::{
    Layout, Nodes, NodesConfig, RedisNode, key_slot, parse_nodes, value_to_string, wait_until,
};
use crate::support::rtrib;
use crate::support::servers::on_every_server;

/// Where rtrib keeps reshard journals in these tests (not the user's home).
pub(crate) const STATE: &str = env!("CARGO_TARGET_TMPDIR");

/// Runs rtrib; returns the exit code, stdout and stderr.
pub(crate) fn run(args: &[&str]) -> (Option<i32>, String, String) {
    let output = rtrib()
        .env("XDG_STATE_HOME", STATE)
        .args(args)
        .output()
        .unwrap();
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Runs rtrib and asserts it exits with `code`; returns stdout.
pub(crate) fn expect(code: i32, args: &[&str]) -> String {
    crate::support::expect_exit(rtrib(), code, args)
}

/// `reshard A --from <a's ID> --to <c's ID> --slots N --yes`: move N slots from a to c.
pub(crate) fn reshard_line(a: &RedisNode, c: &RedisNode, slots: &str) -> Vec<String> {
    [
        "reshard",
        &a.addr(),
        "--from",
        &a.id(),
        "--to",
        &c.id(),
        "--slots",
        slots,
        "--yes",
    ]
    .map(str::to_string)
    .to_vec()
}

/// A formed cluster of `masters` masters holding `keys` keys.
pub(crate) fn cluster(masters: usize, keys: usize) -> Nodes {
    let nodes = Nodes::on_ports(masters);
    nodes.form(masters);
    nodes.fill_keys(keys);
    nodes
}

/// Slots per node ID in `node`'s own view, and whether any slot is open there.
pub(crate) fn slot_counts(node: &RedisNode) -> (HashMap<String, usize>, bool) {
    let mut open = false;
    let counts = parse_nodes(&node.cluster_nodes())
        .into_iter()
        .filter(|line| line.has_flag("master"))
        .map(|line| {
            let count = line
                .slots
                .iter()
                .filter(|s| {
                    let bracket = s.starts_with('[');
                    open |= bracket;
                    !bracket
                })
                .map(|s| match s.split_once('-') {
                    Some((a, b)) => b.parse::<usize>().unwrap() - a.parse::<usize>().unwrap() + 1,
                    None => 1,
                })
                .sum();
            (line.id, count)
        })
        .collect();
    (counts, open)
}

/// Asserts that every node of `nodes` reports the same slots per master (`expected`, by node
/// index; masters not listed serve none) and no open slot.
fn assert_slots(nodes: &[&RedisNode], expected: &[(&RedisNode, usize)]) {
    let want: HashMap<String, usize> = expected.iter().map(|(n, c)| (n.id(), *c)).collect();
    let agreed = wait_until(Duration::from_secs(10), || {
        nodes.iter().all(|node| {
            let (counts, open) = slot_counts(node);
            !open
                && counts.values().sum::<usize>() == 16384
                && want
                    .iter()
                    .all(|(id, c)| counts.get(id).copied().unwrap_or(0) == *c)
        })
    });
    let views: String = nodes.iter().map(|n| n.cluster_nodes()).collect();
    assert!(agreed, "expected {want:?}, views:\n{views}");
}

/// Reads every key `key:i` back through the node serving its slot (per CLUSTER SLOTS of the
/// first node) and asserts it is `value:i`; also asserts that the masters hold `count` keys
/// (waiting up to 10 s: after an atomic slot migration the source drops its copy in the
/// background).
pub(crate) fn assert_keys(nodes: &[&RedisNode], count: usize) {
    let masters = || -> usize {
        nodes
            .iter()
            .filter(|n| {
                matches!(n.cmd(&["ROLE"]), Value::Array(ref role)
                    if role.first().map(value_to_string).as_deref() == Some("master"))
            })
            .map(|n| n.cmd_str(&["DBSIZE"]).parse::<usize>().unwrap())
            .sum()
    };
    wait_until(Duration::from_secs(10), || masters() == count);
    assert_eq!(masters(), count, "key count");
    let mut owners = vec![None; 16384];
    let Value::Array(ranges) = nodes[0].cmd(&["CLUSTER", "SLOTS"]) else {
        panic!("CLUSTER SLOTS is not an array");
    };
    for range in ranges {
        let Value::Array(fields) = range else {
            continue;
        };
        let (Value::Int(first), Value::Int(last), Value::Array(master)) =
            (&fields[0], &fields[1], &fields[2])
        else {
            continue;
        };
        let Value::Int(port) = master[1] else {
            continue;
        };
        let addr = format!("{}:{port}", value_to_string(&master[0]));
        let owner = nodes.iter().position(|n| n.addr() == addr);
        for slot in *first..=*last {
            owners[slot as usize] = owner;
        }
    }
    let mut batches: HashMap<usize, Vec<usize>> = HashMap::new();
    for i in 0..count {
        let key = format!("key:{i}");
        let owner = owners[usize::from(key_slot(key.as_bytes()))].expect("slot served");
        batches.entry(owner).or_default().push(i);
    }
    for (owner, indices) in batches {
        let mut pipe = redis::pipe();
        for i in &indices {
            pipe.cmd("GET").arg(format!("key:{i}"));
        }
        let values: Vec<Option<String>> = nodes[owner].with_conn(|c| pipe.query(c)).unwrap();
        for (i, value) in indices.iter().zip(values) {
            assert_eq!(
                value,
                Some(format!("value:{i}")),
                "key:{i} on {}",
                nodes[owner].addr()
            );
        }
    }
}

/// Asserts that `node`, which gave its last slot away, holds no keys of its own: it is an
/// empty master, or (with Redis's default `cluster-allow-replica-migration yes`) it turned
/// into a replica of a master that received its slots.
fn assert_drained(node: &RedisNode) {
    let me = parse_nodes(&node.cluster_nodes())
        .into_iter()
        .find(|line| line.has_flag("myself"))
        .unwrap();
    if me.has_flag("master") {
        assert_eq!(node.cmd_str(&["DBSIZE"]), "0");
    } else {
        assert!(me.has_flag("slave"), "{me:?}");
    }
}

/// A key name with this prefix whose slot is below `limit`.
fn key_in_low_slots(prefix: &str, limit: u16) -> (String, u16) {
    (0..)
        .map(|i| format!("{prefix}{i}"))
        .map(|k| {
            let slot = key_slot(k.as_bytes());
            (k, slot)
        })
        .find(|(_, slot)| *slot < limit)
        .unwrap()
}

#[test]
fn reshard_moves_exactly_n_slots_with_their_keys() {
    let nodes = cluster(3, 3000);
    let (a, b, c) = (&nodes[0], &nodes[1], &nodes[2]);
    let dry = expect(
        0,
        &[
            "reshard",
            &a.addr(),
            "--from",
            "all",
            "--to",
            &c.addr(),
            "--slots",
            "1001",
            "--dry-run",
            "-o",
            "json",
        ],
    );
    let plan: Json = serde_json::from_str(&dry).unwrap();
    assert_eq!(plan["outcome"], "dry_run");
    assert_eq!(plan["moves"].as_array().unwrap().len(), 1001);
    assert_slots(&[a, b, c], &[(a, 5461), (b, 5462), (c, 5461)]);

    let out = expect(
        0,
        &[
            "reshard",
            &a.addr(),
            "--cluster-from",
            "all",
            "--cluster-to",
            &c.id()[..8],
            "--cluster-slots",
            "1001",
            "--cluster-yes",
            "--cluster-pipeline",
            "7",
            "-o",
            "json",
        ],
    );
    let document: Json = serde_json::from_str(&out).unwrap();
    assert_eq!(document["outcome"], "moved");
    assert_eq!(document["slots_moved"], 1001);
    assert!(document["keys_moved"].as_u64().unwrap() > 100);
    assert_eq!(document["check"]["healthy"], true, "{document:#}");
    // redis-cli's proportions: 501 from the larger source (rounded up), 500 from the other.
    assert_slots(
        &[a, b, c],
        &[(a, 5461 - 500), (b, 5462 - 501), (c, 5461 + 1001)],
    );
    assert_keys(&[a, b, c], 3000);
}

#[test]
fn the_last_slot_of_a_master_moves_away() {
    let nodes = cluster(3, 1000);
    let (a, b, c) = (&nodes[0], &nodes[1], &nodes[2]);
    let out = expect(
        0,
        &[
            "reshard",
            &b.addr(),
            "--from",
            &a.id(),
            "--to",
            &b.addr(),
            "--slots",
            "5461",
            "--yes",
        ],
    );
    assert!(out.contains("Moved 5461 slots"), "{out}");
    assert_slots(&[a, b, c], &[(a, 0), (b, 5461 + 5462), (c, 5461)]);
    assert_keys(&[a, b, c], 1000);
    assert_drained(a);
    // Nothing is left to give.
    let (code, _, stderr) = run(&[
        "reshard",
        &b.addr(),
        "--from",
        &a.id(),
        "--to",
        &c.addr(),
        "--slots",
        "1",
        "--yes",
    ]);
    assert!(matches!(code, Some(2 | 5)), "{stderr}");
}

/// A refused reshard or rebalance leaves the slot an interrupted run left open as it was: the
/// request (a `--to` or `--weight` naming no node, `--migration atomic` on Redis) is judged
/// before that move is finished. The plain re-run then finishes it, the key intact.
#[test]
fn a_refusal_does_not_finish_an_interrupted_move_first() {
    let nodes = cluster(3, 0);
    let (a, c) = (&nodes[0], &nodes[2]);
    let (key, slot) = key_in_low_slots("open:", 100);
    a.cmd(&["SET", &key, "kept"]);
    c.cmd(&[
        "CLUSTER",
        "SETSLOT",
        &slot.to_string(),
        "IMPORTING",
        &a.id(),
    ]);
    a.cmd(&[
        "CLUSTER",
        "SETSLOT",
        &slot.to_string(),
        "MIGRATING",
        &c.id(),
    ]);
    let migrating = format!("[{slot}->-{}]", c.id());
    let importing = format!("[{slot}-<-{}]", a.id());
    let (to_c, to_nobody) = (reshard_line(a, c, "10"), {
        let mut line = reshard_line(a, c, "10");
        line[5] = "cafebabe00".to_string();
        line
    });
    let mut atomic = to_c.clone();
    atomic.extend(["--migration", "atomic"].map(str::to_string));
    let weight = ["rebalance", &a.addr(), "--weight", "cafebabe00=2", "--yes"].map(str::to_string);
    for (args, code) in [(&to_nobody[..], 2), (&weight[..], 2), (&atomic[..], 5)] {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        crate::support::expect_exit(rtrib(), code, &args);
        assert!(
            a.cluster_nodes().contains(&migrating),
            "{args:?}: {}",
            a.cluster_nodes()
        );
        assert!(
            c.cluster_nodes().contains(&importing),
            "{args:?}: {}",
            c.cluster_nodes()
        );
    }
    let args: Vec<&str> = to_c.iter().map(String::as_str).collect();
    let out = expect(0, &args);
    assert!(out.contains("Finishing 1 slot moves"), "{out}");
    nodes.assert_values(&[(key, "kept".to_string())]);
    for node in &nodes {
        assert!(!slot_counts(node).1, "{} has an open slot", node.addr());
    }
}

#[test]
fn busykey_leaves_the_slot_open_and_replace_finishes_it() {
    let nodes = cluster(3, 0);
    let (a, b, c) = (&nodes[0], &nodes[1], &nodes[2]);
    let (key, slot) = key_in_low_slots("busy:", 20);
    a.cmd(&["SET", &key, "source"]);
    // A conflicting copy on b, in a slot b does not serve: import, ASKING, SET, stable again.
    b.cmd(&[
        "CLUSTER",
        "SETSLOT",
        &slot.to_string(),
        "IMPORTING",
        &a.id(),
    ]);
    b.with_conn(|conn| {
        redis::pipe()
            .cmd("ASKING")
            .cmd("SET")
            .arg(&key)
            .arg("target")
            .exec(conn)
    })
    .unwrap();
    b.cmd(&["CLUSTER", "SETSLOT", &slot.to_string(), "STABLE"]);

    let args = [
        "reshard",
        &a.addr(),
        "--from",
        &a.id(),
        "--to",
        &b.id(),
        "--slots",
        "20",
        "--yes",
        "--parallel",
        "1",
    ];
    let (code, stdout, stderr) = run(&args);
    assert_eq!(code, Some(1), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("BUSYKEY") && stdout.contains("--replace"),
        "{stdout}"
    );
    let migrating = format!("[{slot}->-{}]", b.id());
    let importing = format!("[{slot}-<-{}]", a.id());
    assert!(
        a.cluster_nodes().contains(&migrating),
        "{}",
        a.cluster_nodes()
    );
    assert!(
        b.cluster_nodes().contains(&importing),
        "{}",
        b.cluster_nodes()
    );
    assert_eq!(a.cmd_str(&["GET", &key]), "source");

    // Without --replace, a re-run fails on the same key and changes nothing.
    let (code, stdout, _) = run(&args);
    assert_eq!(code, Some(1), "{stdout}");
    assert!(a.cluster_nodes().contains(&migrating));

    // With it, the open slot is finished, then the rest of the 20 from the journal.
    let out = expect(0, &[&args[..], &["--cluster-replace"]].concat());
    assert!(out.contains("Finishing 1 slot moves"), "{out}");
    assert!(out.contains("Resuming an interrupted reshard"), "{out}");
    assert_slots(&[a, b, c], &[(a, 5461 - 20), (b, 5462 + 20), (c, 5461)]);
    assert_eq!(b.cmd_str(&["GET", &key]), "source");
    assert_eq!(nodes.key_count(), 1);
}

#[test]
fn rebalance_fills_a_new_master_then_weight_zero_drains_it() {
    let nodes = cluster(3, 2000);
    let new = Nodes::on_ports(1);
    let (a, b, c, d) = (&nodes[0], &nodes[1], &nodes[2], &new[0]);
    expect(0, &["add-node", &d.addr(), &a.addr()]);
    let out = expect(0, &["rebalance", &a.addr(), "--yes"]);
    assert!(out.contains("No rebalancing needed"), "{out}");
    assert_slots(&[a, b, c, d], &[(a, 5461), (b, 5462), (c, 5461), (d, 0)]);

    let out = expect(
        0,
        &[
            "rebalance",
            &a.addr(),
            "--cluster-use-empty-masters",
            "--cluster-yes",
            "-o",
            "json",
        ],
    );
    let document: Json = serde_json::from_str(&out).unwrap();
    assert_eq!(document["slots_moved"], 4096, "{document:#}");
    assert_slots(&[a, b, c, d], &[(a, 4096), (b, 4096), (c, 4096), (d, 4096)]);
    assert_keys(&[a, b, c, d], 2000);

    let weight = format!("{}=0", &d.id()[..10]);
    expect(0, &["rebalance", &b.addr(), "--weight", &weight, "--yes"]);
    assert_slots(&[a, b, c, d], &[(d, 0)]);
    assert_drained(d);
    assert_keys(&[a, b, c, d], 2000);
}

/// Runs rtrib with `args` in the background until `started` holds (say, the target serves a
/// few more slots), then SIGKILLs it in the middle of a slot: while [`freeze_mid_slot`] holds
/// the `sources` frozen with a slot importing on `target`. The sources run again afterwards.
pub(crate) fn kill_mid_slot(
    args: &[&str],
    sources: &[&RedisNode],
    target: &RedisNode,
    started: impl FnMut() -> bool,
) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_rtrib"))
        .env("XDG_STATE_HOME", STATE)
        .args(args)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = wait_until(Duration::from_secs(30), started);
    let frozen = started && freeze_mid_slot(sources, target);
    // SAFETY: kill(2) with the pid of our own unreaped child.
    unsafe { libc::kill(child.id() as i32, libc::SIGKILL) };
    child.wait().unwrap();
    if frozen {
        sources.iter().for_each(|node| node.resume());
    }
    assert!(started, "rtrib {args:?} did not get going");
    assert!(
        frozen,
        "no slot was ever in flight: {}",
        target.cluster_nodes()
    );
}

/// Freezes (SIGSTOP) the `sources` at a moment `target` has a slot importing, so that the slot
/// cannot finish and whoever moves it can be killed in the middle of it, not between two
/// slots. Retries for up to 10 s; true when frozen (the caller resumes the sources).
pub(crate) fn freeze_mid_slot(sources: &[&RedisNode], target: &RedisNode) -> bool {
    wait_until(Duration::from_secs(10), || {
        sources.iter().for_each(|node| node.pause());
        let in_flight = slot_counts(target).1;
        if !in_flight {
            sources.iter().for_each(|node| node.resume());
        }
        in_flight
    })
}

#[test]
fn a_reshard_killed_midway_is_finished_by_a_rerun() {
    const KEYS: usize = 100_000;
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
        "6000",
        "--yes",
        "--pipeline",
        "5",
        "--parallel",
        "4",
    ];
    kill_mid_slot(&args, &[a, b], c, || {
        slot_counts(c).0.get(&c.id()).copied().unwrap_or(0) > 5461 + 200
    });
    let (_, open) = slot_counts(a);
    let (_, open_c) = slot_counts(c);
    assert!(
        open || open_c,
        "killed between slots: {}",
        c.cluster_nodes()
    );

    // The re-run finishes the open slots, then the rest of the plan from its journal: exactly
    // 6000 slots moved in all, in redis-cli's proportions.
    let out = expect(0, &args);
    assert!(out.contains("Finishing"), "{out}");
    assert!(out.contains("Resuming an interrupted reshard"), "{out}");
    assert_slots(
        &[a, b, c],
        &[(a, 5461 - 2999), (b, 5462 - 3001), (c, 5461 + 6000)],
    );
    assert_keys(&[a, b, c], KEYS);
}

#[test]
fn a_client_blocked_on_a_moving_slot_gets_its_value() {
    let nodes = cluster(3, 0);
    let (a, b) = (&nodes[0], &nodes[1]);
    let (queue, _) = key_in_low_slots("queue:", 50);
    let blocked_on = a.addr();
    let waiter = {
        let queue = queue.clone();
        std::thread::spawn(move || -> String {
            let mut addr = blocked_on;
            loop {
                let client = redis::Client::open(format!("redis://{addr}")).unwrap();
                let mut conn = client.get_connection().unwrap();
                let reply: redis::RedisResult<Option<(String, String)>> =
                    redis::cmd("BRPOP").arg(&queue).arg(30).query(&mut conn);
                match reply {
                    Ok(Some((_, value))) => return value,
                    Ok(None) => panic!("BRPOP timed out"),
                    Err(e) => {
                        let (to, _) = e.redirect_node().unwrap_or_else(|| panic!("{e}"));
                        addr = to.to_string();
                    }
                }
            }
        })
    };
    std::thread::sleep(Duration::from_millis(300));
    expect(
        0,
        &[
            "reshard",
            &a.addr(),
            "--from",
            &a.id(),
            "--to",
            &b.id(),
            "--slots",
            "50",
            "--yes",
        ],
    );
    let pushed = b.try_cmd(&["LPUSH", &queue, "payload"]);
    assert!(pushed.is_ok(), "{pushed:?}");
    assert_eq!(waiter.join().unwrap(), "payload");
    assert!(matches!(b.cmd(&["EXISTS", &queue]), Value::Int(0)));
}

#[test]
fn a_writer_following_redirections_loses_no_acknowledged_write() {
    let nodes = cluster(3, 0);
    let (a, b, c) = (&nodes[0], &nodes[1], &nodes[2]);
    let keys: Vec<String> = (0..)
        .map(|i| format!("w:{i}"))
        .filter(|k| key_slot(k.as_bytes()) < 200)
        .take(300)
        .collect();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writer = {
        let (stop, start) = (stop.clone(), a.addr());
        std::thread::spawn(move || -> HashMap<String, String> {
            let mut connections: HashMap<String, redis::Connection> = HashMap::new();
            let mut acknowledged = HashMap::new();
            let mut owner = start;
            let mut round = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                for key in &keys {
                    let value = format!("{key}={round}");
                    let (mut addr, mut asking) = (owner.clone(), false);
                    for attempt in 0.. {
                        assert!(attempt < 100, "{key}: too many redirections");
                        let conn = connections.entry(addr.clone()).or_insert_with(|| {
                            let client = redis::Client::open(format!("redis://{addr}")).unwrap();
                            client.get_connection().unwrap()
                        });
                        if asking {
                            redis::cmd("ASKING").exec(conn).unwrap();
                        }
                        match redis::cmd("SET").arg(key).arg(&value).exec(conn) {
                            Ok(()) => {
                                acknowledged.insert(key.clone(), value);
                                break;
                            }
                            Err(e) if e.code() == Some("TRYAGAIN") => {
                                std::thread::sleep(Duration::from_millis(5));
                            }
                            Err(e) => {
                                let (to, _) = e.redirect_node().unwrap_or_else(|| panic!("{e}"));
                                asking = e.code() == Some("ASK");
                                addr = to.to_string();
                                if !asking {
                                    owner = addr.clone();
                                }
                            }
                        }
                    }
                }
                round += 1;
            }
            acknowledged
        })
    };
    std::thread::sleep(Duration::from_millis(200));
    expect(
        0,
        &[
            "reshard",
            &a.addr(),
            "--from",
            &a.id(),
            "--to",
            &b.id(),
            "--slots",
            "200",
            "--yes",
            "--pipeline",
            "3",
        ],
    );
    std::thread::sleep(Duration::from_millis(200));
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    let acknowledged = writer.join().unwrap();
    assert_eq!(acknowledged.len(), 300);
    assert_slots(&[a, b, c], &[(a, 5461 - 200), (b, 5462 + 200), (c, 5461)]);
    assert_eq!(a.cmd_str(&["DBSIZE"]), "0");
    for (key, value) in &acknowledged {
        assert_eq!(&b.cmd_str(&["GET", key]), value, "{key}");
    }
}

#[test]
fn migrate_authenticates_with_the_password_and_an_acl_user() {
    const SECRET: &str = "migrate-s3cret";
    let nodes = Nodes::start(NodesConfig {
        password: Some(SECRET.into()),
        ..NodesConfig::new(3, Layout::Ports)
    });
    nodes.form(3);
    nodes.fill_keys(500);
    let (a, b, c) = (&nodes[0], &nodes[1], &nodes[2]);
    let out = expect(
        0,
        &[
            "reshard",
            &a.addr(),
            "--from",
            "all",
            "--to",
            &c.id(),
            "--slots",
            "300",
            "--yes",
            "--pass",
            SECRET,
        ],
    );
    assert!(!out.contains(SECRET), "{out}");
    assert_slots(
        &[a, b, c],
        &[(a, 5461 - 149), (b, 5462 - 151), (c, 5461 + 300)],
    );
    for node in [a, b, c] {
        node.cmd(&[
            "ACL",
            "SETUSER",
            "mover",
            "on",
            ">mover-pass",
            "~*",
            "+@all",
        ]);
    }
    let (code, stdout, stderr) = run(&[
        "reshard",
        &a.addr(),
        "--from",
        &c.id(),
        "--to",
        &a.id(),
        "--slots",
        "300",
        "--yes",
        "--user",
        "mover",
        "--pass",
        "mover-pass",
    ]);
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert!(stdout.contains("Moved 300 slots"), "{stdout}");
    assert_slots(
        &[a, b, c],
        &[(a, 5461 - 149 + 300), (b, 5462 - 151), (c, 5461)],
    );
    assert_keys(&[a, b, c], 500);
}

#[test]
fn a_rebalance_killed_midway_is_completed_by_a_rerun() {
    const KEYS: usize = 100_000;
    let nodes = cluster(3, KEYS);
    let new = Nodes::on_ports(1);
    let (a, b, c, d) = (&nodes[0], &nodes[1], &nodes[2], &new[0]);
    expect(0, &["add-node", &d.addr(), &a.addr()]);
    let args = [
        "rebalance",
        &a.addr(),
        "--use-empty-masters",
        "--yes",
        "--pipeline",
        "5",
        "--parallel",
        "4",
    ];
    kill_mid_slot(&args, &[a, b, c], d, || {
        slot_counts(d).0.get(&d.id()).copied().unwrap_or(0) > 300
    });

    let out = expect(0, &args);
    assert!(out.contains("Finishing"), "{out}");
    assert_slots(&[a, b, c, d], &[(a, 4096), (b, 4096), (c, 4096), (d, 4096)]);
    assert_keys(&[a, b, c, d], KEYS);
}

on_every_server! {
    /// With a replica per master (Valkey >= 8: every `CLUSTER SETSLOT` waits for the replicas'
    /// acknowledgement), a per-key reshard with many slots in flight moves every key intact, slots
    /// with more keys than a batch included; right after the command every node, replicas
    /// too, reports the same owners and no open slot, and every replica holds its master's
    /// keys.
    fn a_reshard_with_replicas_moves_every_key_and_every_view_agrees(server) {
        let nodes = Nodes::start(NodesConfig::on(server, 6, Layout::Ports));
        let formed = nodes.form(3);
        let (a, c) = (&nodes[0], &nodes[2]);
        // 20k keys spread over the slots, and 300 under one hash tag in a slot that moves:
        // with --pipeline 7 that slot takes 43 batches.
        let (tag, _) = key_in_low_slots("hot", 250);
        let pairs: Vec<(String, String)> = (0..20_000)
            .map(|i| (format!("key:{i}"), format!("value:{i}")))
            .chain((0..300).map(|i| (format!("{{{tag}}}:{i}"), format!("hot:{i}"))))
            .collect();
        nodes.set_keys(&pairs);
        let args = [
            "reshard", &a.addr(), "--from", "all", "--to", &c.addr(), "--slots", "600",
            "--yes", "--migration", "keys", "--pipeline", "7", "--parallel", "16",
        ];
        expect(0, &args);

        let counts = agreed_slot_counts(&nodes);
        assert_eq!(counts[&c.id()], 5461 + 600, "{counts:?}");
        assert_eq!(nodes.key_count(), pairs.len());
        nodes.assert_values(&pairs);
        for &(replica, master) in &formed.replicas {
            let (replica, master) = (&nodes[replica], &nodes[master]);
            let line = parse_nodes(&replica.cluster_nodes())
                .into_iter()
                .find(|line| line.has_flag("myself"))
                .unwrap();
            assert_eq!(line.master, master.id(), "{}", replica.cluster_nodes());
            let synced = wait_until(Duration::from_secs(10), || {
                replica.cmd_str(&["DBSIZE"]) == master.cmd_str(&["DBSIZE"])
            });
            assert!(
                synced,
                "{} holds {} keys, its master {}",
                replica.addr(),
                replica.cmd_str(&["DBSIZE"]),
                master.cmd_str(&["DBSIZE"])
            );
        }
    }
}
