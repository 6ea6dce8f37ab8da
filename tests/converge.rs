//! Every change ends converged: a command that changes the cluster exits only once every
//! node's own view (replicas included) agrees, so a script that checks right after it — or
//! runs the next change — sees the new state everywhere. When a node never catches up, the
//! command names it and exits 4.

use std::collections::HashMap;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value as Json;

use crate::migrate::{STATE, assert_keys, slot_counts};
use crate::support::cluster::{Layout, Nodes, NodesConfig, RedisNode, wait_until};

/// Every node's own slot count per master ID, read once (no waiting): rtrib has already
/// waited for them to agree. Asserts they all agree, no slot is open, and returns the counts.
pub(crate) fn agreed_slot_counts(nodes: &Nodes) -> HashMap<String, usize> {
    let views: Vec<(String, HashMap<String, usize>, bool)> = nodes
        .iter()
        .map(|node| {
            let (counts, open) = slot_counts(node);
            (node.addr(), counts, open)
        })
        .collect();
    let (first_addr, first, _) = &views[0];
    for (addr, counts, open) in &views {
        assert!(
            !open,
            "{addr} has open slots:\n{}",
            nodes[0].cluster_nodes()
        );
        assert_eq!(
            counts, first,
            "{addr} and {first_addr} disagree right after the command"
        );
    }
    assert_eq!(first.values().sum::<usize>(), 16384);
    first.clone()
}

/// Runs rtrib with `-o json` and asserts exit 0 and a converged document; returns it.
fn converged_run(args: &[&str]) -> Json {
    let output = crate::support::rtrib()
        .env("XDG_STATE_HOME", STATE)
        .args(args)
        .args(["-o", "json"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "rtrib {args:?}\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let document: Json = serde_json::from_str(&stdout).unwrap();
    assert_eq!(document["convergence"]["converged"], true, "{document:#}");
    assert_eq!(document["check"]["healthy"], true, "{document:#}");
    document
}

#[test]
fn five_reshards_and_a_rebalance_on_twelve_nodes_each_end_converged() {
    const KEYS: usize = 3000;
    let nodes = Nodes::on_loopback_ips(12);
    let formed = nodes.form(3);
    assert_eq!(formed.replicas.len(), 9, "3 masters with 3 replicas each");
    nodes.fill_keys(KEYS);
    let seed = nodes[5].addr();
    let masters: Vec<&RedisNode> = formed.masters.iter().map(|&m| &nodes[m]).collect();
    let mut waits = Vec::new();
    for round in 0..5 {
        let to = masters[round % 3];
        let before = agreed_slot_counts(&nodes)[&to.id()];
        let document = converged_run(&[
            "reshard",
            &seed,
            "--from",
            "all",
            "--to",
            &to.addr(),
            "--slots",
            "700",
            "--yes",
        ]);
        waits.push(document["convergence"]["waited_ms"].as_u64().unwrap());
        assert_eq!(document["slots_moved"], 700, "{document:#}");
        assert_eq!(agreed_slot_counts(&nodes)[&to.id()], before + 700);
    }
    let document = converged_run(&["rebalance", &seed, "--yes"]);
    waits.push(document["convergence"]["waited_ms"].as_u64().unwrap());
    let counts = agreed_slot_counts(&nodes);
    for master in &masters {
        let count = counts[&master.id()];
        assert!(
            (5461..=5462).contains(&count),
            "{} serves {count} slots after the rebalance",
            master.addr()
        );
    }
    let all: Vec<&RedisNode> = nodes.iter().collect();
    assert_keys(&all, KEYS);
    eprintln!("convergence waits on 12 nodes (ms): {waits:?}");
}

#[test]
fn a_replica_frozen_mid_reshard_is_named_and_the_exit_status_is_4() {
    const KEYS: usize = 20_000;
    let nodes = Nodes::start(NodesConfig::new(6, Layout::LoopbackIps));
    let formed = nodes.form(3);
    nodes.fill_keys(KEYS);
    let (a, c) = (&nodes[0], &nodes[2]);
    let replica = &nodes[formed.replicas_of(1)[0]];
    let args = [
        "reshard",
        &a.addr(),
        "--from",
        "all",
        "--to",
        &c.addr(),
        "--slots",
        "1500",
        "--yes",
        "--pipeline",
        "10",
        "--parallel",
        "2",
        "--wait-timeout",
        "2s",
        "--command-timeout",
        "1s",
    ];
    let child = Command::new(env!("CARGO_BIN_EXE_rtrib"))
        .env("XDG_STATE_HOME", STATE)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Freeze the replica once slots are moving: rtrib has read the cluster already.
    let moving = wait_until(Duration::from_secs(30), || {
        slot_counts(c).0.get(&c.id()).copied().unwrap_or(0) > 5461 + 50
    });
    replica.pause();
    let started = Instant::now();
    let output = child.wait_with_output().unwrap();
    replica.resume();
    assert!(moving, "the reshard did not get going");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(4), "{stdout}\n{stderr}");
    assert!(
        stderr.contains(&replica.addr()) && stderr.contains("does not answer"),
        "the frozen replica is not named:\n{stderr}"
    );
    assert!(stderr.contains("did not all agree within 2s"), "{stderr}");
    assert!(started.elapsed() < Duration::from_secs(30));
    // The moves themselves are done: the masters agree on them.
    for master in [&nodes[0], &nodes[1], &nodes[2]] {
        let (counts, open) = slot_counts(master);
        assert!(!open, "{}", master.cluster_nodes());
        assert_eq!(counts[&c.id()], 5461 + 1500, "{}", master.cluster_nodes());
    }
    // Resumed, the replica catches up by gossip and the cluster is whole again.
    assert!(
        wait_until(Duration::from_secs(10), || slot_counts(replica)
            .0
            .get(&c.id())
            .copied()
            == Some(5461 + 1500)),
        "{}",
        replica.cluster_nodes()
    );
    let all: Vec<&RedisNode> = nodes.iter().collect();
    assert_keys(&all, KEYS);
}

#[test]
fn replicas_that_miss_the_new_owners_broadcast_are_told_directly() {
    // Replicas that drop every PONG (where a slot's new owner announces itself) learn of a
    // move only from a later PING, seconds later with the default node timeout: rtrib has the
    // owner MEET them, which carries its claim at once.
    let nodes = Nodes::start(NodesConfig {
        node_timeout_ms: 15000,
        ..NodesConfig::new(6, Layout::LoopbackIps)
    });
    let formed = nodes.form(3);
    nodes.fill_keys(1000);
    for replica in formed
        .replicas_of(0)
        .into_iter()
        .chain(formed.replicas_of(1))
    {
        nodes[replica].cmd(&["DEBUG", "DROP-CLUSTER-PACKET-FILTER", "1"]);
    }
    let (a, c) = (&nodes[0], &nodes[2]);
    let document = converged_run(&[
        "reshard",
        &a.addr(),
        "--from",
        "all",
        "--to",
        &c.addr(),
        "--slots",
        "100",
        "--yes",
    ]);
    assert!(
        document["convergence"]["told"].as_u64().unwrap() >= 1,
        "{document:#}"
    );
    assert_eq!(agreed_slot_counts(&nodes)[&c.id()], 5461 + 100);
    let all: Vec<&RedisNode> = nodes.iter().collect();
    assert_keys(&all, 1000);
}

/// A listening socket at `addr` whose accept queue is full, so that the kernel drops every new
/// connection attempt: the address of a host that vanished (a deleted pod's IP answers
/// nothing, not even a refusal). Closed when dropped.
struct BlackHole {
    fd: libc::c_int,
    _queued: Vec<std::net::TcpStream>,
}

impl BlackHole {
    fn at(addr: std::net::SocketAddr) -> Self {
        let std::net::SocketAddr::V4(v4) = addr else {
            panic!("IPv4 only")
        };
        // SAFETY: plain socket calls on a socket this function owns.
        let fd = unsafe { libc::socket(libc::AF_INET, libc::SOCK_STREAM, 0) };
        assert!(fd >= 0);
        let sockaddr = libc::sockaddr_in {
            sin_family: libc::AF_INET as libc::sa_family_t,
            sin_port: v4.port().to_be(),
            sin_addr: libc::in_addr {
                s_addr: u32::from(*v4.ip()).to_be(),
            },
            sin_zero: [0; 8],
        };
        let bound = unsafe {
            libc::bind(
                fd,
                std::ptr::addr_of!(sockaddr).cast(),
                std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t,
            )
        };
        assert_eq!(bound, 0, "bind {addr}: {}", std::io::Error::last_os_error());
        assert_eq!(unsafe { libc::listen(fd, 0) }, 0);
        // Fill the accept queue (never accepted): later SYNs are dropped.
        let mut queued = Vec::new();
        while let Ok(stream) =
            std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(300))
        {
            queued.push(stream);
            assert!(queued.len() < 10, "the accept queue never filled");
        }
        Self {
            fd,
            _queued: queued,
        }
    }
}

impl Drop for BlackHole {
    fn drop(&mut self) {
        // SAFETY: closing the socket opened in `at`.
        unsafe { libc::close(self.fd) };
    }
}

#[test]
fn a_vanished_host_is_left_out_of_the_wait() {
    let mut nodes = Nodes::on_loopback_ips(8);
    let formed = nodes.form(3);
    let (gone, forgotten) = (formed.replicas_of(0)[0], formed.replicas_of(1)[0]);
    let forgotten_id = nodes[forgotten].id();
    nodes[gone].kill();
    nodes[forgotten].kill();
    let hole = BlackHole::at(nodes[gone].socket_addr());
    let seed = nodes[0].addr();
    // Forgetting one dead node while another's address swallows every connection: the wait
    // leaves the vanished host out instead of waiting for it until the bound.
    let output = crate::support::rtrib()
        .args([
            "forget",
            &seed,
            &forgotten_id,
            "--wait-timeout",
            "20s",
            "-o",
            "json",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    let document: Json = serde_json::from_str(&stdout).unwrap();
    assert_eq!(document["convergence"]["converged"], true, "{document:#}");
    for node in nodes.iter().filter(|n| n.pid().is_some()) {
        assert!(!node.cluster_nodes().contains(&forgotten_id));
    }
    drop(hole);
}

/// Redis before 7.2 can leave a slot served by nobody after a move: a late gossip message
/// makes its owner drop its own claim while every other node lists it as the owner, and
/// nothing in the cluster bus ever gives it back (redis/redis#12344). The state is made here
/// with `CLUSTER SETSLOT s NODE <another master>` on the owner of an empty slot while a
/// reshard runs: the reshard's final wait finds the dropped claim, has the owner claim the
/// slot again, says so, and ends converged with exit 0.
#[test]
fn an_owner_that_dropped_its_claim_during_a_change_claims_it_again() {
    const KEYS: usize = 20_000;
    let nodes = Nodes::on_ports(3);
    nodes.form(3);
    nodes.fill_keys(KEYS);
    let (a, b, c) = (&nodes[0], &nodes[1], &nodes[2]);
    let empty = (5461u16..10923)
        .find(|slot| b.cmd_str(&["CLUSTER", "COUNTKEYSINSLOT", &slot.to_string()]) == "0")
        .expect("an empty slot on the second master")
        .to_string();
    let child = Command::new(env!("CARGO_BIN_EXE_rtrib"))
        .env("XDG_STATE_HOME", STATE)
        .args([
            "reshard",
            &a.addr(),
            "--from",
            &c.id(),
            "--to",
            &a.id(),
            "--slots",
            "1500",
            "--yes",
            "--pipeline",
            "10",
            "--parallel",
            "2",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let moving = wait_until(Duration::from_secs(30), || {
        slot_counts(a).0.get(&a.id()).copied().unwrap_or(0) > 5461 + 50
    });
    b.cmd(&["CLUSTER", "SETSLOT", &empty, "NODE", &a.id()]);
    let output = child.wait_with_output().unwrap();
    assert!(moving, "the reshard did not get going");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}\n{stderr}");
    assert!(
        stderr.contains(&format!(
            "{} had dropped its own claim to slots {empty}",
            b.addr()
        )),
        "{stderr}"
    );
    for node in [a, b, c] {
        let line = node
            .cluster_nodes()
            .lines()
            .find(|line| line.starts_with(&b.id()))
            .unwrap()
            .to_string();
        assert!(
            line.split_whitespace().skip(8).any(|range| {
                let (start, end) = range.split_once('-').unwrap_or((range, range));
                (start.parse::<u16>().unwrap()..=end.parse().unwrap())
                    .contains(&empty.parse::<u16>().unwrap())
            }),
            "{} does not see slot {empty} on {}:\n{}",
            node.addr(),
            b.addr(),
            node.cluster_nodes()
        );
    }
    let all: Vec<&RedisNode> = nodes.iter().collect();
    assert_keys(&all, KEYS);
}
