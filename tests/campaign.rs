//! The fault campaign (issue 19, item 3): seeded schedules, each a changing command (`reshard`,
//! `rebalance`, `add-node`, `del-node`, `failover`) started on a cluster with keys, replicas and
//! a client writing all along, one fault injected at a random moment — rtrib SIGKILLed, a node
//! SIGSTOPped past the node timeout, a master SIGKILLed and restarted with its data, a replica
//! SIGKILLed and restarted — then the same command run again (`fix` where a reshard's
//! destination lost its master role to a failover) until it exits 0, at most [`RERUNS`] times.
//! Afterwards, whatever happened:
//!
//! - every member's view (replicas included; a deleted replica is no member, an added node is)
//!   names the same owner for every slot, all 16384 are
//!   covered and none is open;
//! - every master holds keys of its own slots only;
//! - every key loaded before the run has its value;
//! - every write the client saw acknowledged is readable with its last acknowledged value (or a
//!   later one the client sent): after a failover, the last one a replica confirmed (`WAIT 1`),
//!   as Redis's asynchronous replication may drop a write only its old master had.
//!
//! A schedule is drawn from its seed (tests/support/faults.rs); each prints one `campaign:` line
//! (the machine-readable fields benches/campaign.sh tabulates, then the schedule in words), and a
//! failed one its seed, the violated invariant and rtrib's output. The test fails listing every
//! failed seed. Environment: `RTRIB_CAMPAIGN_SEED=<n>` replays one schedule;
//! `RTRIB_CAMPAIGN_SCHEDULES=<n>` runs the seeds `first..first+n`, `first` from
//! `RTRIB_CAMPAIGN_FIRST_SEED` (default 1000 × the server's place in the matrix); without
//! either, the suite's fixed seeds ([`suite_seeds`]).

use std::collections::HashMap;
use std::panic::AssertUnwindSafe;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::migrate::slot_counts;
use crate::support::cluster::{
    Layout, Nodes, NodesConfig, RedisNode, SLOTS, key_slot, parse_nodes, value_to_string,
    wait_until,
};
use crate::support::faults::{
    Change, Fault, MASTERS, Migration, NODE_TIMEOUT, NODES, SPARE, Schedule,
};
use crate::support::servers::{Server, on_every_server};
use crate::support::writer::{Writer, Written};

/// The normal suite's seeds per server, four each: every command (reshard and rebalance per
/// key, and atomic on Valkey 9.1; add-node as a master and as a replica; del-node; failover)
/// and every fault kind. They include the findings fixed since: a master restarted mid-move
/// (Redis 7.0 seed 20009; keys on both sides have a test of their own in tests/fix.rs), a
/// del-node killed before its reset (seed 20010) or with a master restarted while it made
/// the members forget (seed 20034), a reshard whose destination a failover took before it
/// started (seed 20022).
fn suite_seeds(server: Server) -> &'static [u64] {
    match server {
        Server::Redis6_2 => &[20001, 20003, 20010, 20024],
        Server::Redis7_0 => &[20004, 20007, 20009, 20030],
        Server::Redis8_2 => &[20019, 20028, 20029, 20038],
        Server::Valkey9_0 => &[20002, 20007, 20022, 20034],
        Server::Valkey9_1 => &[20000, 20009, 20010, 20031],
    }
}
/// Keys loaded before the run (`key:<i>` = `value:<i>`).
const LOADED_KEYS: usize = 5000;
/// Keys the client writes over and over (`c:<n mod WRITER_KEYS>` = `n`).
const WRITER_KEYS: u64 = 1000;
/// Re-runs allowed before a schedule fails.
const RERUNS: usize = 3;
/// How long one rtrib run may take before the schedule fails as hung.
const RUN_LIMIT: Duration = Duration::from_secs(120);
/// How long the cluster may take to settle after the fault, before a re-run goes anyway.
const SETTLE_LIMIT: Duration = Duration::from_secs(30);

/// How a schedule's servers move slots: Valkey 9.1 atomically or per key, Valkey 9.0 per key
/// (its atomic migration crashes on many ranges, docs/commands.md), Redis per key.
fn migrations(server: Server) -> &'static [Migration] {
    match server {
        Server::Valkey9_1 => &[Migration::Atomic, Migration::Atomic, Migration::Keys],
        _ => &[Migration::Keys],
    }
}

/// The seeds to run on `server`, from the environment (module docs).
fn seeds(server: Server) -> Vec<u64> {
    let number = |name: &str| {
        std::env::var(name).ok().filter(|v| !v.is_empty()).map(|v| {
            v.parse::<u64>()
                .unwrap_or_else(|e| panic!("{name}={v}: {e}"))
        })
    };
    if let Some(seed) = number("RTRIB_CAMPAIGN_SEED") {
        return vec![seed];
    }
    match number("RTRIB_CAMPAIGN_SCHEDULES") {
        Some(count) => {
            let index = Server::ALL.iter().position(|&s| s == server).unwrap() as u64;
            let first = number("RTRIB_CAMPAIGN_FIRST_SEED").unwrap_or(1000 * (index + 1));
            (first..first + count).collect()
        }
        None => suite_seeds(server).to_vec(),
    }
}

/// What one schedule came to.
struct Outcome {
    /// rtrib's first exit code (None: killed).
    first_exit: Option<i32>,
    /// Re-runs until exit 0.
    reruns: usize,
    /// What the last re-run was: `same` command, `fix`, or `-` (none).
    rerun_with: &'static str,
    /// Whether a replica took over from a master.
    failover: bool,
    /// What the client wrote.
    written: Written,
}

on_every_server! {
    /// The campaign's schedules on one server; fails listing every failed seed.
    fn schedules(server) {
        campaign(server);
    }
}

/// Runs the seeds of `server` ([`seeds`]), one `campaign:` line each; fails listing the failed.
fn campaign(server: Server) {
    let mut failed = Vec::new();
    for seed in seeds(server) {
        let schedule = Schedule::draw(seed, migrations(server));
        let started = Instant::now();
        let result = std::panic::catch_unwind(AssertUnwindSafe(|| run(server, &schedule)));
        let secs = started.elapsed().as_secs_f64();
        let command = schedule.change.name();
        let migration = match schedule.change.moves_slots() {
            true => schedule.migration.name(),
            false => "-",
        };
        let fields = format!(
            "server={} seed={seed} command={command} migration={migration} fault={} secs={secs:.1}",
            server.name(),
            schedule.fault.kind(),
        );
        match result {
            Ok(outcome) => {
                let first = outcome
                    .first_exit
                    .map_or("killed".to_string(), |c| c.to_string());
                let replicated = outcome.written.replicated.iter().filter(|&&r| r).count();
                println!(
                    "campaign: status=ok {fields} first_exit={first} reruns={} rerun_with={} \
                     acked={} replicated={replicated} failover={} lost=0 | {schedule}",
                    outcome.reruns,
                    outcome.rerun_with,
                    outcome.written.acked.len(),
                    outcome.failover,
                );
            }
            Err(panic) => {
                let why = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                println!("campaign: status=FAILED {fields} | {schedule}\n{why}");
                failed.push(schedule);
            }
        }
    }
    let replay: Vec<String> = failed
        .iter()
        .map(|s| {
            format!(
                "  {s}\n    replay: RTRIB_CAMPAIGN_SEED={} cargo nextest run --no-capture \
                 -E 'test(=campaign::schedules::{})'",
                s.seed,
                server.name().replace(['-', '.'], "_")
            )
        })
        .collect();
    assert!(
        failed.is_empty(),
        "{} schedules failed on {}:\n{}",
        failed.len(),
        server.name(),
        replay.join("\n")
    );
}

/// Runs one schedule on a fresh cluster and checks every invariant (module docs); panics with
/// the violated one.
fn run(server: Server, schedule: &Schedule) -> Outcome {
    let spare = usize::from(matches!(schedule.change, Change::AddNode { .. }));
    let mut nodes = Nodes::start(NodesConfig {
        node_timeout_ms: NODE_TIMEOUT.as_millis() as u64,
        // A master killed comes back with every write it acknowledged.
        extra: vec![
            ("appendonly".into(), "yes".into()),
            ("appendfsync".into(), "always".into()),
        ],
        ..NodesConfig::on(server, NODES + spare, Layout::Ports)
    });
    nodes.form_first(MASTERS, NODES);
    let ids: Vec<String> = nodes.iter().map(|n| n.id()).collect();
    let loaded: Vec<(String, String)> = (0..LOADED_KEYS)
        .map(|i| (format!("key:{i}"), format!("value:{i}")))
        .collect();
    nodes.set_keys(&loaded);
    for master in 0..MASTERS {
        let replicas = nodes[master].cmd_str(&["WAIT", "1", "10000"]);
        assert_eq!(
            replicas, "1",
            "the loaded keys reached no replica of node {master}"
        );
    }
    let state = tempfile::tempdir().unwrap();
    let writer = Writer::overwriting(nodes.addrs()[..NODES].to_vec(), WRITER_KEYS);

    let args = command_line(schedule, &nodes, &ids);
    let mut rtrib = spawn(&args, state.path(), "first");
    std::thread::sleep(schedule.at);
    schedule.fault.inject(&mut nodes, &mut rtrib);
    let first_exit = wait_for(&mut rtrib, state.path(), "first");
    eprintln!(
        "seed {}: the first run exited {first_exit:?}\n{}",
        schedule.seed,
        outputs(state.path(), "first")
    );
    if first_exit.is_none() {
        assert_eq!(schedule.fault, Fault::KillRtrib, "rtrib died of a signal");
    }
    // A failover before rtrib read the cluster leaves `--to` naming a replica: refused as a bad
    // argument (exit 2, nothing changed), and `fix` follows ([`rerun_line`]).
    let destination_lost = matches!(schedule.change,
        Change::Reshard { to, .. } if !is_master(&nodes, &ids[to]));
    assert!(
        !matches!(first_exit, Some(101)) && (first_exit != Some(2) || destination_lost),
        "the first run exited {first_exit:?}\n{}",
        outputs(state.path(), "first")
    );

    let mut reruns = 0;
    let mut rerun_with = "-";
    let mut exit = first_exit;
    while exit != Some(0) {
        assert!(
            reruns < RERUNS,
            "still exit {exit:?} after {RERUNS} re-runs\n{}\n{}",
            outputs(state.path(), &format!("rerun{reruns}")),
            nodes.logs()
        );
        settle(&nodes);
        reruns += 1;
        let (line, with) = rerun_line(schedule, &nodes, &ids, &args, exit);
        rerun_with = with;
        let name = format!("rerun{reruns}");
        let mut child = spawn(&line, state.path(), &name);
        exit = wait_for(&mut child, state.path(), &name);
        eprintln!(
            "seed {}: re-run {reruns} ({with}) exited {exit:?}\n{}",
            schedule.seed,
            outputs(state.path(), &name)
        );
    }
    let written = writer.stop();
    let failover = (0..MASTERS).any(|m| !is_master(&nodes, &ids[m]));

    let members: Vec<&RedisNode> = schedule
        .change
        .members()
        .into_iter()
        .map(|n| &nodes[n])
        .collect();
    assert_views_agree(&members);
    assert_keys_with_their_owners(&nodes, &members);
    let lost: Vec<String> = read_values(&nodes, &loaded)
        .into_iter()
        .zip(&loaded)
        .filter(|(value, (_, expected))| value.as_deref() != Some(expected.as_str()))
        .map(|(value, (key, expected))| format!("{key}: {value:?}, expected {expected}"))
        .collect();
    assert!(
        lost.is_empty(),
        "{} loaded keys lost or changed: {:?}",
        lost.len(),
        &lost[..lost.len().min(10)]
    );
    let lost = lost_writes(&nodes, &written, failover);
    assert!(
        lost.is_empty(),
        "{} acknowledged writes lost (failover: {failover}): {:?}",
        lost.len(),
        &lost[..lost.len().min(10)]
    );
    Outcome {
        first_exit,
        reruns,
        rerun_with,
        failover,
        written,
    }
}

/// The schedule's command line, seeded at node 0.
fn command_line(schedule: &Schedule, nodes: &Nodes, ids: &[String]) -> Vec<String> {
    let text = |args: &[&str]| args.iter().map(|a| a.to_string()).collect::<Vec<_>>();
    let mut args: Vec<String> = match schedule.change {
        Change::Reshard { to, slots } => [
            "reshard",
            &nodes[0].addr(),
            "--from",
            "all",
            "--to",
            &ids[to],
            "--slots",
            &slots.to_string(),
        ]
        .map(str::to_string)
        .to_vec(),
        Change::Rebalance { heavy, weight } => [
            "rebalance",
            &nodes[0].addr(),
            "--weight",
            &format!("{}={weight}", ids[heavy]),
        ]
        .map(str::to_string)
        .to_vec(),
        Change::AddNode { replica } => {
            let mut args = text(&["add-node", &nodes[SPARE].addr(), &nodes[0].addr()]);
            if replica {
                args.push("--replica".into());
            }
            return args;
        }
        // By address: a re-run after the cluster forgot it still finds it (docs/commands.md).
        Change::DelNode { replica } => {
            return text(&["del-node", &nodes[0].addr(), &nodes[replica].addr()]);
        }
        Change::Failover { master } => return text(&["failover", "--from", &nodes[master].addr()]),
    };
    args.extend(["--migration", schedule.migration.name(), "--yes"].map(str::to_string));
    args
}

/// The re-run after an exit `last`: the same command; `fix` when the last run was refused as
/// the cluster has problems (exit 5, "Please fix your cluster problems"), or when a reshard's
/// destination is a replica now (a failover took its slots over; docs/commands.md: `fix`
/// finishes what an interrupted run left open).
fn rerun_line(
    schedule: &Schedule,
    nodes: &Nodes,
    ids: &[String],
    args: &[String],
    last: Option<i32>,
) -> (Vec<String>, &'static str) {
    let destination_lost = match schedule.change {
        Change::Reshard { to, .. } => !is_master(nodes, &ids[to]),
        // Re-running them is safe (docs/commands.md): the same command.
        Change::AddNode { .. } | Change::DelNode { .. } | Change::Failover { .. } => {
            return (args.to_vec(), "same");
        }
        Change::Rebalance { .. } => false,
    };
    match last {
        Some(5) => (
            ["fix", &nodes[0].addr(), "--yes"]
                .map(str::to_string)
                .to_vec(),
            "fix",
        ),
        _ if destination_lost => (
            ["fix", &nodes[0].addr(), "--yes"]
                .map(str::to_string)
                .to_vec(),
            "fix",
        ),
        _ => (args.to_vec(), "same"),
    }
}

/// Whether node 0 sees the node `id` as a master.
fn is_master(nodes: &Nodes, id: &str) -> bool {
    parse_nodes(&nodes[0].cluster_nodes())
        .iter()
        .any(|line| line.id == id && line.has_flag("master"))
}

/// Starts rtrib with `args`, stdout and stderr into `<name>.out` and `<name>.err` of `state`
/// (also its journal directory).
fn spawn(args: &[String], state: &Path, name: &str) -> Child {
    let file = |ext: &str| std::fs::File::create(state.join(format!("{name}.{ext}"))).unwrap();
    Command::new(env!("CARGO_BIN_EXE_rtrib"))
        .env("XDG_STATE_HOME", state)
        .env_remove("REDISCLI_AUTH")
        .env_remove("RTRIB_PASS")
        .env_remove("REDISCLI_CLUSTER_YES")
        .args(args)
        .stdin(Stdio::null())
        .stdout(file("out"))
        .stderr(file("err"))
        .spawn()
        .unwrap()
}

/// Waits for `child` (at most [`RUN_LIMIT`], then kills it and fails); its exit code, None
/// when a signal ended it.
fn wait_for(child: &mut Child, state: &Path, name: &str) -> Option<i32> {
    let deadline = Instant::now() + RUN_LIMIT;
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            return status.code();
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "rtrib ({name}) still ran after {RUN_LIMIT:?}\n{}",
                outputs(state, name)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// What the run `name` printed.
fn outputs(state: &Path, name: &str) -> String {
    let read = |ext: &str| {
        std::fs::read_to_string(state.join(format!("{name}.{ext}"))).unwrap_or_default()
    };
    format!(
        "--- rtrib {name} stdout ---\n{}--- stderr ---\n{}",
        read("out"),
        read("err")
    )
}

/// Waits (at most [`SETTLE_LIMIT`]) until every node answers and none sees any node failing or
/// in handshake: what an operator waits for before running the command again.
fn settle(nodes: &Nodes) {
    wait_until(SETTLE_LIMIT, || {
        nodes.iter().all(|node| {
            node.try_cmd(&["CLUSTER", "NODES"]).is_ok_and(|text| {
                parse_nodes(&value_to_string(&text))
                    .iter()
                    .all(|line| line.is_settled())
            })
        })
    });
}

/// One node's view: each slot's owner ID and whether any slot is open, or why it did not answer.
type View = Result<(Vec<Option<String>>, bool), String>;

/// Every node's address and [`View`].
fn slot_owner_views(nodes: &[&RedisNode]) -> Vec<(String, View)> {
    nodes
        .iter()
        .map(|node| {
            let view = node
                .try_cmd(&["CLUSTER", "NODES"])
                .map_err(|e| e.to_string())
                .map(|text| {
                    let mut owners = vec![None; usize::from(SLOTS)];
                    let mut open = false;
                    for line in parse_nodes(&value_to_string(&text)) {
                        for field in &line.slots {
                            if field.starts_with('[') {
                                open = true;
                                continue;
                            }
                            let (a, b) = field.split_once('-').unwrap_or((field, field));
                            let (a, b) = (a.parse::<usize>().unwrap(), b.parse::<usize>().unwrap());
                            for owner in &mut owners[a..=b] {
                                *owner = Some(line.id.clone());
                            }
                        }
                    }
                    (owners, open)
                });
            (node.addr(), view)
        })
        .collect()
}

/// Every node answers, says `cluster_state:ok`, names the same owner for every slot, covers
/// all 16384 and has none open (within 10 s: a node restarted by the fault may still be catching up).
fn assert_views_agree(nodes: &[&RedisNode]) {
    let agreed = |views: &[(String, View)]| {
        let Ok((first, _)) = &views[0].1 else {
            return false;
        };
        first.iter().all(Option::is_some)
            && nodes.iter().all(|node| {
                node.try_cmd(&["CLUSTER", "INFO"])
                    .is_ok_and(|info| value_to_string(&info).contains("cluster_state:ok"))
            })
            && views
                .iter()
                .all(|(_, view)| matches!(view, Ok((owners, false)) if owners == first))
    };
    let converged = wait_until(Duration::from_secs(10), || agreed(&slot_owner_views(nodes)));
    if !converged {
        let views: String = nodes
            .iter()
            .map(|n| match n.try_cmd(&["CLUSTER", "NODES"]) {
                Ok(v) => format!("--- {} ---\n{}", n.addr(), value_to_string(&v)),
                Err(e) => format!("--- {} --- {e}\n", n.addr()),
            })
            .collect();
        let counts: Vec<_> = nodes.iter().map(|n| slot_counts(n)).collect();
        panic!("the views disagree, a slot is uncovered or open: {counts:?}\n{views}");
    }
}

/// Every master among `members` (in node 0's view) holds keys of its own slots only.
fn assert_keys_with_their_owners(nodes: &Nodes, members: &[&RedisNode]) {
    let owners = nodes.slot_owners();
    for node in members {
        let index = nodes.iter().position(|n| n.addr() == node.addr()).unwrap();
        if !matches!(node.cmd(&["ROLE"]), redis::Value::Array(ref role)
            if role.first().map(value_to_string).as_deref() == Some("master"))
        {
            continue;
        }
        let mut pipe = redis::pipe();
        for slot in 0..SLOTS {
            pipe.cmd("CLUSTER").arg("COUNTKEYSINSLOT").arg(slot);
        }
        let counts: Vec<u64> = node.with_conn(|conn| pipe.query(conn)).unwrap();
        let strays: Vec<(usize, u64)> = counts
            .into_iter()
            .enumerate()
            .filter(|&(slot, count)| count > 0 && owners[slot] != Some(index))
            .collect();
        assert!(
            strays.is_empty(),
            "{} holds keys in slots it does not own (slot, keys): {:?}",
            node.addr(),
            &strays[..strays.len().min(10)]
        );
    }
}

/// The value of each key of `pairs`, read from the master serving its slot.
fn read_values(nodes: &Nodes, pairs: &[(String, String)]) -> Vec<Option<String>> {
    let owners = nodes.slot_owners();
    let mut values = vec![None; pairs.len()];
    let mut batches: HashMap<usize, Vec<usize>> = HashMap::new();
    for (i, (key, _)) in pairs.iter().enumerate() {
        let owner = owners[usize::from(key_slot(key.as_bytes()))]
            .unwrap_or_else(|| panic!("no node serves the slot of {key}"));
        batches.entry(owner).or_default().push(i);
    }
    for (owner, batch) in batches {
        let mut pipe = redis::pipe();
        for &i in &batch {
            pipe.cmd("GET").arg(&pairs[i].0);
        }
        let read: Vec<Option<String>> = nodes[owner].with_conn(|conn| pipe.query(conn)).unwrap();
        for (i, value) in batch.into_iter().zip(read) {
            values[i] = value;
        }
    }
    values
}

/// The client's keys whose value is not the last acknowledged one (the last a replica confirmed
/// after a failover) nor a later one the client sent: `key: read, expected at least`.
fn lost_writes(nodes: &Nodes, written: &Written, failover: bool) -> Vec<String> {
    let mut floor: HashMap<&str, u64> = HashMap::new();
    for (i, (key, value)) in written.acked.iter().enumerate() {
        if failover && !written.replicated[i] {
            continue;
        }
        let n: u64 = value.parse().unwrap();
        let entry = floor.entry(key.as_str()).or_default();
        *entry = (*entry).max(n);
    }
    let pairs: Vec<(String, String)> = floor
        .iter()
        .map(|(key, n)| (key.to_string(), n.to_string()))
        .collect();
    read_values(nodes, &pairs)
        .into_iter()
        .zip(&pairs)
        .filter_map(|(value, (key, at_least))| {
            let at_least: u64 = at_least.parse().unwrap();
            let index: u64 = key.strip_prefix("c:").unwrap().parse().unwrap();
            let ok = value
                .as_deref()
                .and_then(|v| v.parse::<u64>().ok())
                .is_some_and(|n| n % WRITER_KEYS == index && n >= at_least && n < written.sent);
            (!ok).then(|| format!("{key}: {value:?}, expected at least {at_least}"))
        })
        .collect()
}

on_every_server! {
    /// Found by the campaign (Valkey 9.0, seed 4003): a per-key reshard SIGKILLed in the middle
    /// of a slot on a cluster with replicas. Valkey 8 and later replicate `SETSLOT`, so the
    /// replicas show their masters' MIGRATING and IMPORTING markers too; the re-run still takes
    /// the open slot for the interrupted move it is, finishes it and the rest (exit 0), with
    /// every view agreeing and every key in place.
    fn a_killed_per_key_reshard_is_finished_by_a_rerun_with_replicas(server) {
        const KEYS: usize = 20_000;
        let nodes = Nodes::start(NodesConfig::on(server, NODES, Layout::Ports));
        nodes.form(MASTERS);
        let keys = nodes.fill_keys(KEYS);
        let (a, b, c) = (&nodes[0], &nodes[1], &nodes[2]);
        let args = [
            "reshard",
            &a.addr(),
            "--from",
            "all",
            "--to",
            &c.id(),
            "--slots",
            "3000",
            "--migration",
            "keys",
            "--yes",
        ];
        let before = slot_counts(c).0[&c.id()];
        crate::migrate::kill_mid_slot(&args, &[a, b], c, || {
            slot_counts(c).0.get(&c.id()).copied().unwrap_or(0) > before + 50
        });
        crate::migrate::expect(0, &args);
        let members: Vec<&RedisNode> = nodes.iter().collect();
        assert_views_agree(&members);
        assert_keys_with_their_owners(&nodes, &members);
        let pairs: Vec<(String, String)> = keys
            .iter()
            .enumerate()
            .map(|(i, key)| (key.clone(), format!("value:{i}")))
            .collect();
        nodes.assert_values(&pairs);
        assert_eq!(slot_counts(c).0[&c.id()], before + 3000);
    }
}

/// Found by the campaign (Valkey 9.1 seeds 5003, 7003, 9004): Valkey replicates `SETSLOT`, and
/// a master SIGKILLed after its replica had a MIGRATING marker but before its own `nodes.conf`
/// comes back without it; the replica keeps the marker through its full resync and refuses
/// `SETSLOT` itself. The next change's final wait has the master close the slot again (`SETSLOT
/// STABLE`, replicated): every view is stable again, the replica's included.
#[test]
fn a_replica_keeping_a_marker_its_master_lost_is_brought_back_to_stable() {
    let mut nodes = Nodes::start(NodesConfig::on(Server::Valkey9_1, NODES, Layout::Ports));
    nodes.form(MASTERS);
    let ids: Vec<String> = nodes.iter().map(|n| n.id()).collect();
    let replica = MASTERS;
    let conf = nodes[0].dir().join("nodes.conf");
    let before = std::fs::read(&conf).unwrap();
    nodes[1].cmd(&["CLUSTER", "SETSLOT", "100", "IMPORTING", &ids[0]]);
    nodes[0].cmd(&["CLUSTER", "SETSLOT", "100", "MIGRATING", &ids[1]]);
    let marked = |node: &RedisNode| {
        parse_nodes(&node.cluster_nodes())
            .iter()
            .any(|line| line.id == node.id() && line.slots.iter().any(|s| s.starts_with("[100")))
    };
    assert!(wait_until(Duration::from_secs(10), || marked(
        &nodes[replica]
    )));
    // The master dies before saving the marker.
    nodes[0].kill();
    std::fs::write(&conf, before).unwrap();
    nodes[0].restart(None);
    nodes[1].cmd(&["CLUSTER", "SETSLOT", "100", "STABLE"]);
    assert!(!marked(&nodes[0]));
    assert!(
        marked(&nodes[replica]),
        "the replica lost the marker: {}",
        nodes[replica].cluster_nodes()
    );
    settle(&nodes);
    crate::migrate::expect(
        0,
        &[
            "reshard",
            &nodes[0].addr(),
            "--from",
            &ids[0],
            "--to",
            &ids[2],
            "--slots",
            "1",
            "--yes",
        ],
    );
    let members: Vec<&RedisNode> = nodes.iter().collect();
    assert_views_agree(&members);
}
