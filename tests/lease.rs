//! One change at a time: the cluster's lease on every server of the matrix. A reshard and a
//! rebalance started at the same moment (one is done, the other refused with nothing changed,
//! every key where its slot is); a SIGKILLed holder's lease vanishes; a held lease refuses
//! every changing command but no read, preview or plan, and `--force-lease` goes past it; an
//! ACL user without `CLIENT LIST` goes on with a warning.

use std::collections::HashMap;
use std::process::{Child, Command, Output, Stdio};
use std::time::Duration;

use serde_json::Value as Json;

use crate::converge::agreed_slot_counts;
use crate::migrate::{self, STATE, assert_keys, expect};
use crate::support::cluster::{Layout, Nodes, NodesConfig, RedisNode, key_slot, wait_until};
use crate::support::servers::on_every_server;

/// Keys loaded before the runs.
const KEYS: usize = 20_000;

/// Spawns rtrib with `args` in the background, its output captured.
fn spawn(args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_rtrib"))
        .env("XDG_STATE_HOME", STATE)
        .env_remove("REDISCLI_CLUSTER_YES")
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// A finished run: exit code and stderr, with stdout for failure messages.
struct Finished {
    pid: u32,
    code: Option<i32>,
    stdout: String,
    stderr: String,
}

fn finish(child: Child) -> Finished {
    let pid = child.id();
    let Output {
        status,
        stdout,
        stderr,
    } = child.wait_with_output().unwrap();
    Finished {
        pid,
        code: status.code(),
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    }
}

/// Asserts that every master holds exactly the keys `key:0..count` whose slots it serves
/// (per `CLUSTER SLOTS` of the first node), none elsewhere, waiting up to 10 s for a source's
/// background deletion after an atomic migration; then reads every value back.
fn assert_keys_where_owned(nodes: &Nodes, count: usize) {
    let owners = nodes.slot_owners();
    let mut expected: HashMap<usize, usize> = HashMap::new();
    for i in 0..count {
        let slot = usize::from(key_slot(format!("key:{i}").as_bytes()));
        *expected
            .entry(owners[slot].expect("every slot served"))
            .or_default() += 1;
    }
    let per_master = || -> HashMap<usize, usize> {
        (0..nodes.len())
            .map(|n| (n, nodes[n].cmd_str(&["DBSIZE"]).parse::<usize>().unwrap()))
            .filter(|(_, keys)| *keys > 0)
            .collect()
    };
    wait_until(Duration::from_secs(10), || per_master() == expected);
    assert_eq!(per_master(), expected, "keys per node (index: keys)");
    let all: Vec<&RedisNode> = nodes.iter().collect();
    assert_keys(&all, count);
}

/// The lease names every node's `CLIENT LIST` shows.
fn lease_names(nodes: &Nodes) -> Vec<String> {
    nodes
        .iter()
        .flat_map(|node| {
            let list = node.cmd_str(&["CLIENT", "LIST"]);
            list.lines()
                .flat_map(|line| line.split(' '))
                .filter_map(|field| field.strip_prefix("name=rtrib-lease."))
                .map(str::to_string)
                .collect::<Vec<_>>()
        })
        .collect()
}

on_every_server! {
    /// Another actor mid-run: while a per-key reshard moves 1500 slots from C to A, someone
    /// moves by hand (as redis-cli does) one of the slots the reshard has yet to move, to B.
    /// When the reshard reaches it, the move fails: the slot it opened on A is closed again
    /// (none of its keys had moved), no new slot starts, the command says the cluster changed
    /// under it and what to run, and exits 1. No slot is open anywhere, the hand-moved slot is
    /// B's in every view, every key is where its slot is, and a check passes.
    fn another_actor_moving_a_slot_mid_reshard_stops_it_cleanly(server) {
        let nodes = Nodes::start(NodesConfig::on(server, 3, Layout::Ports));
        nodes.form(3);
        nodes.fill_keys(KEYS);
        let (a, b, c) = (&nodes[0], &nodes[1], &nodes[2]);
        let reshard = [
            "reshard", &a.addr(), "--from", &c.id(), "--to", &a.id(), "--slots", "1500",
            "--migration", "keys", "--pipeline", "10", "--parallel", "2", "--yes",
        ];
        let planned = expect(0, &[&reshard[..], &["--dry-run", "-o", "json"]].concat());
        let planned: Json = serde_json::from_str(&planned).unwrap();
        let moves = planned["moves"].as_array().unwrap();
        let slot = moves[moves.len() - 100]["slot"].as_u64().unwrap().to_string();
        let run = spawn(&reshard);
        let moving = wait_until(Duration::from_secs(30), || {
            migrate::slot_counts(a).0.get(&a.id()).copied().unwrap_or(0) > 5461 + 50
        });
        // The other actor: redis-cli's steps for one slot, C -> B.
        b.cmd(&["CLUSTER", "SETSLOT", &slot, "IMPORTING", &c.id()]);
        c.cmd(&["CLUSTER", "SETSLOT", &slot, "MIGRATING", &b.id()]);
        loop {
            let keys = c.cmd(&["CLUSTER", "GETKEYSINSLOT", &slot, "100"]);
            let keys: Vec<String> = redis::from_redis_value(keys).unwrap();
            if keys.is_empty() {
                break;
            }
            let (ip, port) = (b.ip().to_string(), b.port().to_string());
            let mut migrate = vec!["MIGRATE", &ip, &port, "", "0", "5000", "KEYS"];
            migrate.extend(keys.iter().map(String::as_str));
            c.cmd(&migrate);
        }
        for node in [b, c, a] {
            node.cmd(&["CLUSTER", "SETSLOT", &slot, "NODE", &b.id()]);
        }
        let run = finish(run);
        assert!(moving, "the reshard did not get going");
        assert_eq!(run.code, Some(1), "{}\n{}", run.stdout, run.stderr);
        assert!(
            run.stdout.contains(&format!("Slot {slot} ("))
                && run.stdout.contains("the cluster changed under this move")
                && run.stdout.contains("it stays with its source, none of its keys moved")
                && run.stdout.contains("The cluster changed while this command ran")
                && run.stdout.contains("run `rtrib check`"),
            "{}",
            run.stdout
        );
        assert!(
            wait_until(Duration::from_secs(10), || nodes
                .iter()
                .all(|node| !node.cluster_nodes().contains('['))),
            "a slot is left open:\n{}\n{}\n{}",
            a.cluster_nodes(),
            b.cluster_nodes(),
            c.cluster_nodes()
        );
        let owners = nodes.slot_owners();
        assert_eq!(owners[slot.parse::<usize>().unwrap()], Some(1));
        assert_keys_where_owned(&nodes, KEYS);
        expect(0, &["check", &a.addr()]);
    }

    /// The case: on 4 masters holding 20k keys, `reshard --from all --to D` and
    /// `rebalance --weight B=3` (B=1 every other round, so that it always has work) started
    /// at the same moment, three rounds: each time one exits 0 and the other exits 5 naming
    /// it (command and pid) with nothing changed (a reshard that won moved exactly its slots to
    /// D; a rebalance that won left nothing to rebalance); then every view agrees, every slot
    /// is covered, none is open, and every master holds exactly the keys of its slots, each
    /// with its value.
    fn a_reshard_and_a_rebalance_at_once_one_is_done_the_other_refused(server) {
        const SLOTS: usize = 500;
        let nodes = Nodes::start(NodesConfig::on(server, 4, Layout::Ports));
        nodes.form(4);
        nodes.fill_keys(KEYS);
        let (seed, b, d) = (nodes[0].addr(), nodes[1].id(), nodes[3].id());
        let slots = SLOTS.to_string();
        let reshard = ["reshard", &seed, "--from", "all", "--to", &d, "--slots", &slots, "--yes"];
        for round in 0..3 {
            let weight = format!("{b}={}", if round % 2 == 0 { 3 } else { 1 });
            let rebalance = ["rebalance", &seed, "--weight", &weight, "--yes"];
            let before = agreed_slot_counts(&nodes);
            let (reshard_run, rebalance_run) = match round % 2 {
                0 => {
                    let first = spawn(&reshard);
                    (first, spawn(&rebalance))
                }
                _ => {
                    let first = spawn(&rebalance);
                    (spawn(&reshard), first)
                }
            };
            let (reshard_run, rebalance_run) = (finish(reshard_run), finish(rebalance_run));
            let (winner, loser, won) = match (reshard_run.code, rebalance_run.code) {
                (Some(0), Some(5)) => (&reshard_run, &rebalance_run, "reshard"),
                (Some(5), Some(0)) => (&rebalance_run, &reshard_run, "rebalance"),
                codes => panic!(
                    "round {round}: exit codes {codes:?}, not one 0 and one 5\nreshard:\n{}{}\n\
                     rebalance:\n{}{}",
                    reshard_run.stdout, reshard_run.stderr, rebalance_run.stdout,
                    rebalance_run.stderr
                ),
            };
            let named = format!("another rtrib is changing this cluster: rtrib {won} on host ");
            assert!(loser.stderr.contains(&named), "round {round}: {}", loser.stderr);
            assert!(
                loser.stderr.contains(&format!("(pid {})", winner.pid)),
                "round {round}: {}",
                loser.stderr
            );
            assert!(loser.stderr.contains("nothing was changed"), "{}", loser.stderr);

            let after = agreed_slot_counts(&nodes);
            if won == "reshard" {
                assert_eq!(after[&d], before[&d] + SLOTS, "round {round}: {before:?} -> {after:?}");
            } else {
                let out = expect(0, &[&rebalance[..], &["--simulate", "-o", "json"]].concat());
                let document: Json = serde_json::from_str(&out).unwrap();
                assert_eq!(document["outcome"], "balanced", "round {round}: {document:#}");
            }
            assert_keys_where_owned(&nodes, KEYS);
            assert!(lease_names(&nodes).is_empty(), "{:?}", lease_names(&nodes));
        }
    }

    /// A reshard SIGKILLed while it holds the lease: the servers forget its names at once (its
    /// sockets closed), and the same command run again is not refused: it finishes the move
    /// (every view agreeing, every key where its slot is).
    fn a_sigkilled_holders_lease_vanishes_and_the_next_command_goes_on(server) {
        let nodes = Nodes::start(NodesConfig::on(server, 3, Layout::Ports));
        nodes.form(3);
        nodes.fill_keys(KEYS);
        let (seed, c) = (nodes[0].addr(), nodes[2].id());
        let args = ["reshard", &seed, "--from", "all", "--to", &c, "--slots", "3000", "--yes"];
        let mut child = spawn(&args);
        let held = wait_until(Duration::from_secs(30), || {
            lease_names(&nodes).iter().any(|name| name.contains(".held.reshard."))
        });
        // SAFETY: kill(2) with the pid of our own unreaped child.
        unsafe { libc::kill(child.id() as i32, libc::SIGKILL) };
        child.wait().unwrap();
        assert!(held, "the reshard never held the lease");
        assert!(
            wait_until(Duration::from_secs(5), || lease_names(&nodes).is_empty()),
            "the killed holder's lease is still there: {:?}",
            lease_names(&nodes)
        );

        let (code, stdout, stderr) = migrate::run(&args);
        assert_eq!(code, Some(0), "{stdout}\n{stderr}");
        assert!(!stderr.contains("lease"), "{stderr}");
        let counts = agreed_slot_counts(&nodes);
        assert_eq!(counts[&c], 5461 + 3000, "{counts:?}");
        assert_keys_where_owned(&nodes, KEYS);
    }

    /// While another rtrib holds the lease (here connections named as its are, on every node):
    /// every changing command is refused with exit 5 naming it (text and JSON) and changes
    /// nothing; reads (check, info, call, wait), previews (--dry-run, --simulate) and plans
    /// (--plan-out, apply --dry-run) go on, taking no lease; `--force-lease` goes on with a
    /// warning naming it; once the holder is gone, the command goes on.
    fn a_held_lease_refuses_every_change_and_nothing_else(server) {
        let nodes = Nodes::start(NodesConfig::on(server, 3, Layout::Ports));
        nodes.form(3);
        nodes.fill_keys(2000);
        let spare = Nodes::start(NodesConfig::on(server, 1, Layout::Ports));
        let (seed, c, spare) = (nodes[0].addr(), nodes[2].id(), &spare[0]);
        let mut holder = FakeHolder::on(&nodes);
        let before = agreed_slot_counts(&nodes);
        let reshard = ["reshard", &seed, "--from", "all", "--to", &c, "--slots", "10", "--yes"];
        let plan = format!("{STATE}/lease-{}-{}.json", server.name(), std::process::id());
        let weight = format!("{c}=2");
        let changes: [&[&str]; 6] = [
            &reshard,
            &["rebalance", &seed, "--weight", &weight, "--yes"],
            &["fix", &seed, "--yes"],
            &["add-node", &spare.addr(), &seed],
            &["rebalance-roles", &seed, "--yes"],
            &["apply", &plan, "--yes"],
        ];
        expect(0, &[&reshard[..], &["--plan-out", &plan]].concat());
        for args in changes {
            holder.ping();
            let (code, stdout, stderr) = migrate::run(args);
            assert_eq!(code, Some(5), "rtrib {args:?}\n{stdout}\n{stderr}");
            assert!(
                stderr.contains(
                    "another rtrib is changing this cluster: rtrib reshard on host web-1 (pid \
                     4242), holding the lease for"
                ),
                "rtrib {args:?}\n{stderr}"
            );
        }
        let (code, stdout, _) = migrate::run(&[&reshard[..], &["-o", "json"]].concat());
        assert_eq!(code, Some(5));
        let document: Json = serde_json::from_str(&stdout).unwrap();
        assert_eq!(document["error"]["exit_code"], 5, "{document:#}");
        assert!(
            document["error"]["message"].as_str().unwrap().contains("rtrib reshard on host web-1"),
            "{document:#}"
        );
        let create: Vec<String> = nodes.addrs();
        let create: Vec<&str> = ["create", "--yes"]
            .into_iter()
            .chain(create.iter().map(String::as_str))
            .collect();
        assert_eq!(migrate::run(&create).0, Some(5), "create of the cluster's own nodes");
        assert_eq!(agreed_slot_counts(&nodes), before, "a refused command changed slots");
        assert!(!nodes[0].cluster_nodes().contains(&spare.id()), "add-node joined the spare");

        let reads: [&[&str]; 8] = [
            &["check", &seed],
            &["info", &seed],
            &["call", &seed, "PING"],
            &["wait", &seed],
            &[&reshard[..], &["--dry-run"]].concat(),
            &["rebalance", &seed, "--weight", &weight, "--simulate"],
            &["rebalance", &seed, "--weight", &weight, "--plan-out", &format!("{plan}.2")],
            &["apply", &plan, "--dry-run"],
        ];
        for args in reads {
            holder.ping();
            let (code, stdout, stderr) = migrate::run(args);
            assert_eq!(code, Some(0), "rtrib {args:?}\n{stdout}\n{stderr}");
            assert!(!stderr.contains("lease"), "rtrib {args:?}\n{stderr}");
        }
        assert_eq!(agreed_slot_counts(&nodes), before, "a preview changed slots");

        holder.ping();
        let (code, stdout, stderr) = migrate::run(&[&["--force-lease"], &reshard[..]].concat());
        assert_eq!(code, Some(0), "{stdout}\n{stderr}");
        assert!(
            stderr.contains(
                "--force-lease: going on although rtrib reshard on host web-1 (pid 4242)"
            ),
            "{stderr}"
        );
        let forced = agreed_slot_counts(&nodes);
        assert_eq!(forced[&c], before[&c] + 10, "{forced:?}");

        drop(holder);
        let (code, stdout, stderr) = migrate::run(&reshard);
        assert_eq!(code, Some(0), "{stdout}\n{stderr}");
        assert_eq!(agreed_slot_counts(&nodes)[&c], before[&c] + 20);
        assert_keys_where_owned(&nodes, 2000);
    }
}

/// An ACL user that may not read `CLIENT LIST` cannot see the other contenders: its rtrib
/// says so in a warning per node and goes on.
#[test]
fn a_user_without_client_list_goes_on_with_a_warning() {
    let nodes = Nodes::on_ports(3);
    nodes.form(3);
    nodes.fill_keys(1000);
    for node in &nodes {
        node.cmd(&[
            "ACL",
            "SETUSER",
            "mover",
            "on",
            ">secret",
            "~*",
            "&*",
            "+@all",
            "-client|list",
        ]);
    }
    let (seed, c) = (nodes[0].addr(), nodes[2].id());
    let (code, stdout, stderr) = migrate::run(&[
        "reshard", &seed, "--from", "all", "--to", &c, "--slots", "10", "--yes", "--user", "mover",
        "--pass", "secret",
    ]);
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    for node in &nodes {
        assert!(
            stderr.contains(&format!(
                "the lease is not held on {}: CLIENT LIST failed: NOPERM",
                node.addr()
            )),
            "{stderr}"
        );
    }
    assert!(
        stderr.contains("the lease could not be taken on any node"),
        "{stderr}"
    );
    assert_eq!(agreed_slot_counts(&nodes)[&c], 5461 + 10);
    assert_keys_where_owned(&nodes, 1000);
}

/// Connections named as another rtrib's held lease (`rtrib reshard` on host `web-1`, pid
/// 4242), one on every node; closed when dropped.
struct FakeHolder {
    connections: Vec<redis::Connection>,
}

impl FakeHolder {
    fn on(nodes: &Nodes) -> Self {
        let name = "rtrib-lease.0000000000000001.held.reshard.4242.web-1";
        let connections = nodes
            .iter()
            .map(|node| {
                let mut connection = redis::Client::open(format!("redis://{}", node.addr()))
                    .unwrap()
                    .get_connection()
                    .unwrap();
                redis::cmd("CLIENT")
                    .arg("SETNAME")
                    .arg(name)
                    .exec(&mut connection)
                    .unwrap();
                connection
            })
            .collect();
        Self { connections }
    }

    /// Keeps the connections from looking idle (a live holder's heartbeat).
    fn ping(&mut self) {
        for connection in &mut self.connections {
            redis::cmd("PING").exec(connection).unwrap();
        }
    }
}

/// `--lease-wait`: a command that meets a held lease waits for it, saying so at once on
/// stderr, and goes on once the holder is gone; a bound that passes first ends in the usual
/// refusal (exit 5), nothing changed.
#[test]
fn lease_wait_queues_behind_the_holder_instead_of_refusing() {
    let nodes = Nodes::on_ports(3);
    nodes.form(3);
    nodes.fill_keys(1000);
    let (seed, c) = (nodes[0].addr(), nodes[2].id());
    let before = agreed_slot_counts(&nodes);
    let reshard = [
        "reshard", &seed, "--from", "all", "--to", &c, "--slots", "10", "--yes",
    ];
    let mut holder = FakeHolder::on(&nodes);

    let (code, stdout, stderr) = migrate::run(&[&reshard[..], &["--lease-wait", "1s"]].concat());
    assert_eq!(code, Some(5), "{stdout}\n{stderr}");
    assert!(
        stderr.contains(
            "waiting up to 1s for the cluster's lease (held by rtrib reshard on host web-1"
        ),
        "{stderr}"
    );
    assert_eq!(
        agreed_slot_counts(&nodes),
        before,
        "a refused command changed slots"
    );

    let waiting = spawn(&[&reshard[..], &["--lease-wait", "60s"]].concat());
    std::thread::sleep(Duration::from_secs(2));
    holder.ping();
    let moved = agreed_slot_counts(&nodes);
    assert_eq!(
        moved, before,
        "the waiting command changed slots while the lease was held"
    );
    drop(holder);
    let done = finish(waiting);
    assert_eq!(done.code, Some(0), "{}\n{}", done.stdout, done.stderr);
    assert!(
        done.stderr
            .contains("done waiting for the cluster's lease after"),
        "{}",
        done.stderr
    );
    assert_eq!(agreed_slot_counts(&nodes)[&c], before[&c] + 10);
    assert_keys_where_owned(&nodes, 1000);
}
