//! Scripts written for `redis-cli --cluster` or redis-trib.rb work with only the command name
//! changed: the spellings (`--cluster create`, `--cluster-replicas`, `yes |` on the prompt),
//! the grep for `All 16384 slots covered`, and re-runs on pod restarts.

use std::collections::BTreeSet;
use std::process::Command;
use std::time::Duration;

use clap::CommandFactory;
use rtrib::cli::Cli;

use crate::migrate::{assert_keys, slot_counts};
use crate::support::cluster::{
    Layout, Nodes, NodesConfig, RedisNode, join_by_meet, key_slot, parse_nodes, wait_until,
};
use crate::support::combined_output;

/// An init script in the style of Bitnami's redis-cluster image (`librediscluster.sh`), as
/// written for redis-cli; `CLI` is the only thing changed.
const BITNAMI_STYLE_INIT: &str = r#"
set -o errexit -o nounset -o pipefail
CLI="$1"; shift
nodes=("$@")
# Wait for every node to answer (plain redis-cli, not --cluster).
for node in "${nodes[@]}"; do
    while [[ "$(redis-cli -h "${node%:*}" -p "${node##*:}" ping)" != "PONG" ]]; do sleep 0.1; done
done
yes yes | "$CLI" --cluster create "${nodes[@]}" --cluster-replicas 1 || true
check="$("$CLI" --cluster check "${nodes[0]}")"
if [[ $check =~ "All 16384 slots covered" ]]; then
    echo "Cluster correctly created"
else
    echo "The cluster was not created"; exit 1
fi
"#;

/// redis-trib.rb's spelling, with the confirmation piped in.
const TRIB_STYLE_INIT: &str = r#"
set -o errexit -o nounset -o pipefail
CLI="$1"; shift
echo yes | "$CLI" create --replicas 1 "$@"
"$CLI" check "$1" | grep -q "All 16384 slots covered"
echo ok
"#;

fn run_script(script: &str, cli: &str, nodes: &Nodes) -> (i32, String) {
    let output = Command::new("bash")
        .arg("-c")
        .arg(script)
        .arg("init")
        .arg(cli)
        .args(nodes.addrs())
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ),
    )
}

fn assert_formed(nodes: &Nodes) {
    for node in nodes.iter() {
        assert_eq!(
            node.cluster_info_field("cluster_state"),
            "ok",
            "{}",
            node.addr()
        );
        assert_eq!(node.cluster_info_field("cluster_known_nodes"), "6");
        assert_eq!(node.cluster_info_field("cluster_size"), "3");
    }
}

#[test]
fn a_bitnami_style_init_script_runs_with_only_the_command_name_changed() {
    let nodes = Nodes::start(NodesConfig {
        count: 6,
        layout: Layout::LoopbackIps,
        ..NodesConfig::default()
    });
    let rtrib = env!("CARGO_BIN_EXE_rtrib");
    let (code, output) = run_script(BITNAMI_STYLE_INIT, rtrib, &nodes);
    assert_eq!(code, 0, "{output}");
    assert!(output.contains("Cluster correctly created"), "{output}");
    assert_formed(&nodes);
    // The pod restarts and the init script runs again: still fine, nothing changed.
    let epoch = nodes[0].cluster_info_field("cluster_current_epoch");
    let (code, output) = run_script(BITNAMI_STYLE_INIT, rtrib, &nodes);
    assert_eq!(code, 0, "{output}");
    assert!(output.contains("already formed"), "{output}");
    assert_eq!(nodes[0].cluster_info_field("cluster_current_epoch"), epoch);
}

#[test]
fn a_redis_trib_style_script_runs_with_only_the_command_name_changed() {
    let nodes = Nodes::start(NodesConfig {
        count: 6,
        layout: Layout::Ports,
        ..NodesConfig::default()
    });
    let (code, output) = run_script(TRIB_STYLE_INIT, env!("CARGO_BIN_EXE_rtrib"), &nodes);
    assert_eq!(code, 0, "{output}");
    assert_formed(&nodes);
}

/// The documented top-level fields of each command's JSON document are there.
#[test]
fn json_documents_carry_the_documented_fields() {
    let nodes = Nodes::start(NodesConfig {
        count: 4,
        layout: Layout::Ports,
        ..NodesConfig::default()
    });
    nodes.form(3);
    let (seed, replica) = (nodes[0].addr(), nodes[3].addr());
    let master_of_replica = nodes
        .iter()
        .find(|n| {
            nodes[3]
                .cluster_nodes()
                .contains(&format!("slave {}", n.id()))
        })
        .map(|n| n.addr())
        .unwrap();
    let all = nodes.addrs();
    let backups = tempfile::tempdir().unwrap();
    let backup_dir = backups.path().join("backup").display().to_string();
    let mut create = vec!["create", "--allow-few-masters"];
    create.extend(all.iter().map(String::as_str));
    // 4 nodes with a replica each are 2 masters: the plan steps one of the 3 down.
    let mut reconcile = vec![
        "reconcile",
        "--allow-few-masters",
        "--replicas",
        "1",
        "--dry-run",
    ];
    reconcile.extend(all.iter().map(String::as_str));
    let cases: Vec<(Vec<&str>, &[&str])> = vec![
        (
            reconcile,
            &[
                "outcome", "nodes", "masters", "joins", "attach", "moves", "repoint", "remove",
            ],
        ),
        (
            vec!["check", &seed],
            &[
                "seed",
                "healthy",
                "nodes",
                "uncovered_slots",
                "open_slots",
                "findings",
            ],
        ),
        (
            vec!["info", &seed],
            &[
                "masters",
                "total_keys",
                "total_slots",
                "total_replicas",
                "keys_per_slot",
            ],
        ),
        (
            create,
            &["outcome", "nodes", "anti_affinity", "steps", "check"],
        ),
        (
            vec![
                "replicate",
                "--master-addr",
                &master_of_replica,
                "--slave-addr",
                &replica,
            ],
            &["outcome", "master", "replica", "check"],
        ),
        (
            vec!["add-node", &replica, &seed],
            &["outcome", "node", "check"],
        ),
        (
            vec!["heal", &seed],
            &["outcome", "meets", "forgotten", "check"],
        ),
        (
            vec!["wait", &seed],
            &["outcome", "for", "waited_ms", "nodes"],
        ),
        (vec!["call", &seed, "PING"], &["command", "ok", "nodes"]),
        (
            vec!["backup", &seed, &backup_dir],
            &[
                "outcome", "dir", "format", "version", "cluster", "files", "keys",
            ],
        ),
        (
            vec!["set-timeout", &seed, "2000"],
            &["milliseconds", "ok", "nodes"],
        ),
        (vec!["check", "127.0.0.1:1"], &["error"]),
    ];
    for (args, fields) in cases {
        let output = crate::support::rtrib()
            .args(&args)
            .args(["-o", "json"])
            .output()
            .unwrap();
        let doc: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
            panic!("{args:?}: {e}: {}", String::from_utf8_lossy(&output.stdout))
        });
        for field in fields {
            assert!(
                doc.get(field).is_some(),
                "{args:?}: no {field:?} in {doc:#}"
            );
        }
    }
}

/// Runs rtrib with `args` and `env`, stdin closed (a question would be answered no); returns
/// the exit code and stdout followed by stderr.
fn run_with(env: &[(&str, &str)], args: &[String]) -> (Option<i32>, String) {
    combined_output(
        crate::support::rtrib()
            .env("XDG_STATE_HOME", env!("CARGO_TARGET_TMPDIR"))
            .envs(env.iter().copied())
            .args(args),
    )
}

/// Whether every node of `nodes` lists the node `id`.
fn known_by_all(nodes: &[&RedisNode], id: &str) -> bool {
    nodes.iter().all(|node| {
        parse_nodes(&node.cluster_nodes())
            .iter()
            .any(|l| l.id == id)
    })
}

/// Waits until no node of `nodes` lists the node `id`.
fn assert_forgotten(nodes: &[&RedisNode], id: &str) {
    let gone = wait_until(Duration::from_secs(10), || {
        nodes.iter().all(|node| {
            parse_nodes(&node.cluster_nodes())
                .iter()
                .all(|l| l.id != id)
        })
    });
    assert!(gone, "{id} is still known");
}

/// Every subcommand takes redis-cli's `--cluster-yes` before and after it, and does its job:
/// a real script's sequence, from `create` to `import`, each step checked on the servers.
/// stdin is closed throughout, so a confirmation that was not skipped would decline.
#[test]
fn cluster_yes_is_accepted_by_every_subcommand_before_and_after_it() {
    let n = Nodes::on_ports(8);
    let source = Nodes::start(NodesConfig {
        count: 1,
        cluster_enabled: false,
        ..NodesConfig::default()
    });
    source[0].cmd(&["DEBUG", "POPULATE", "20", "imported"]);
    let a: Vec<String> = n.addrs();
    let mut covered: BTreeSet<(String, bool)> = BTreeSet::new();
    let mut step = |before: bool, line: &[&str], code: i32| -> String {
        let mut args: Vec<String> = line.iter().map(|s| s.to_string()).collect();
        if before {
            args.insert(0, "--cluster-yes".into());
        } else {
            args.push("--cluster-yes".into());
        }
        let (actual, output) = run_with(&[], &args);
        assert_eq!(actual, Some(code), "rtrib {args:?}\n{output}");
        covered.insert((line[0].to_string(), before));
        output
    };
    let cluster =
        |members: &[usize]| -> Vec<&RedisNode> { members.iter().map(|&i| &n[i]).collect() };

    step(true, &["create", &a[0], &a[1], &a[2]], 0);
    for node in cluster(&[0, 1, 2]) {
        assert_eq!(node.cluster_info_field("cluster_state"), "ok");
        assert_eq!(node.cluster_info_field("cluster_slots_assigned"), "16384");
    }
    let epoch = n[0].cluster_info_field("cluster_current_epoch");
    let out = step(false, &["create", &a[0], &a[1], &a[2]], 0);
    assert!(out.contains("already formed"), "{out}");
    assert_eq!(n[0].cluster_info_field("cluster_current_epoch"), epoch);

    for before in [true, false] {
        let out = step(before, &["check", &a[0]], 0);
        assert!(out.contains("[OK] All 16384 slots covered."), "{out}");
        let out = step(before, &["info", &a[0]], 0);
        assert!(out.contains("[OK] 0 keys in 3 masters."), "{out}");
        let out = step(before, &["call", &a[0], "PING"], 0);
        assert_eq!(out.matches(": PONG").count(), 3, "{out}");
        let out = step(before, &["wait", &a[0], &a[1], &a[2]], 0);
        assert!(out.contains("are ready"), "{out}");
        let ms = if before { "3000" } else { "2000" };
        step(before, &["set-timeout", &a[0], ms], 0);
        for node in cluster(&[0, 1, 2]) {
            assert!(
                node.cmd_str(&["CONFIG", "GET", "cluster-node-timeout"])
                    .contains(ms),
                "{}",
                node.addr()
            );
        }
    }
    // After `--`, -y is the Redis command's.
    let (code, out) = run_with(
        &[],
        &[
            "call".into(),
            a[0].clone(),
            "--".into(),
            "ECHO".into(),
            "-y".into(),
        ],
    );
    assert_eq!(code, Some(0), "{out}");
    assert_eq!(out.matches(": -y").count(), 3, "{out}");

    step(true, &["add-node", &a[3], &a[0]], 0);
    step(false, &["add-node", &a[4], &a[0], "--replica"], 0);
    step(
        true,
        &["replicate", "--master-addr", &a[1], "--slave-addr", &a[5]],
        0,
    );
    step(
        false,
        &["replicate", "--master-addr", &a[1], "--slave-addr", &a[5]],
        0,
    );
    let members = cluster(&[0, 1, 2, 3, 4, 5]);
    for node in &members {
        let lines = parse_nodes(&node.cluster_nodes());
        assert_eq!(lines.len(), 6, "{}", node.addr());
        let five = lines.iter().find(|l| l.id == n[5].id()).unwrap();
        assert_eq!(five.master, n[1].id(), "{}", node.addr());
        let four = lines.iter().find(|l| l.id == n[4].id()).unwrap();
        assert!(four.has_flag("slave"), "{}", node.addr());
    }

    // A replica hands nothing over; 5 takes over 1's slots and hands them back; all nodes
    // share one host, so no role placement is better than this one.
    let out = step(true, &["failover", "--from", &a[5]], 0);
    assert!(out.contains("nothing to hand over"), "{out}");
    step(false, &["failover", "--to", &a[5]], 0);
    assert!(n[5].cluster_nodes().contains("myself,master"));
    step(true, &["failover", "--to", &a[1]], 0);
    assert!(n[1].cluster_nodes().contains("myself,master"));
    for before in [true, false] {
        let out = step(before, &["rebalance-roles", &a[0]], 0);
        assert!(out.contains("nothing to do"), "{out}");
        let copies = tempfile::tempdir().unwrap();
        step(
            before,
            &["copy-binary", &copies.path().display().to_string()],
            0,
        );
        assert!(copies.path().join("rtrib").is_file());
    }

    n.fill_keys(500);
    let to = n[3].id();
    step(
        true,
        &[
            "reshard", &a[0], "--from", "all", "--to", &to, "--slots", "100",
        ],
        0,
    );
    step(
        false,
        &[
            "reshard", &a[0], "--from", "all", "--to", &to, "--slots", "100",
        ],
        0,
    );
    // REDISCLI_CLUSTER_YES=1 answers too.
    let line = [
        "reshard", &a[0], "--from", "all", "--to", &to, "--slots", "10",
    ];
    let line: Vec<String> = line.iter().map(|s| s.to_string()).collect();
    let (code, out) = run_with(&[("REDISCLI_CLUSTER_YES", "1")], &line);
    assert_eq!(code, Some(0), "{out}");
    let served = wait_until(Duration::from_secs(10), || {
        members
            .iter()
            .all(|node| slot_counts(node).0.get(&to) == Some(&210))
    });
    assert!(served, "{:?}", slot_counts(&n[0]));
    assert_keys(&members, 500);

    step(true, &["rebalance", &a[0]], 0);
    let balanced = wait_until(Duration::from_secs(10), || {
        members.iter().all(|node| {
            let (counts, open) = slot_counts(node);
            !open && counts.len() == 4 && counts.values().all(|&c| c == 4096)
        })
    });
    assert!(balanced, "{:?}", slot_counts(&n[0]));
    let out = step(false, &["rebalance", &a[0]], 0);
    assert!(out.contains("No rebalancing needed"), "{out}");
    assert_keys(&members, 500);

    let owners = n.slot_owners();
    let slot = (0..16384)
        .find(|&s| owners[s] == Some(0))
        .unwrap()
        .to_string();
    n[0].cmd(&["CLUSTER", "SETSLOT", &slot, "MIGRATING", &n[1].id()]);
    step(true, &["fix", &a[0]], 0);
    assert!(!n[0].cluster_nodes().contains("->-"), "still open");
    let out = step(false, &["fix", &a[0]], 0);
    assert!(out.contains("No open slot"), "{out}");
    assert_keys(&members, 500);

    let plans = tempfile::tempdir().unwrap();
    let plan = plans.path().join("reshard.json").display().to_string();
    let to = n[1].id();
    let reshard = [
        "reshard", &a[0], "--from", "all", "--to", &to, "--slots", "2",
    ];
    step(true, &[&reshard[..], &["--plan-out", &plan]].concat(), 0);
    step(true, &["apply", &plan], 0);
    let out = step(false, &["apply", &plan], 0);
    assert!(out.contains("made already"), "{out}");
    assert_keys(&members, 500);

    let everyone = cluster(&[0, 1, 2, 3, 4, 5, 6, 7]);
    join_by_meet(&n[6], &n[0], &everyone[..7]);
    join_by_meet(&n[7], &n[0], &everyone);
    let (six, seven) = (n[6].id(), n[7].id());
    step(true, &["del-node", &a[0], &six], 0);
    assert_forgotten(&cluster(&[0, 1, 2, 3, 4, 5, 7]), &six);
    step(false, &["del-node", &a[0], &seven], 0);
    assert_forgotten(&members, &seven);

    let (four, five) = (n[4].id(), n[5].id());
    let mut n = n;
    n[4].kill();
    n[5].kill();
    let live: Vec<&RedisNode> = [0, 1, 2, 3].iter().map(|&i| &n[i]).collect();
    assert!(known_by_all(&live, &four) && known_by_all(&live, &five));
    step(true, &["forget", &a[0], &four], 0);
    assert_forgotten(&live, &four);
    step(false, &["forget", &a[0], &five], 0);
    assert_forgotten(&live, &five);

    for before in [true, false] {
        let out = step(before, &["heal", &a[0], &a[1], &a[2], &a[3]], 0);
        assert!(out.contains("nothing to heal"), "{out}");
    }
    for before in [true, false] {
        let out = step(before, &["reconcile", &a[0], &a[1], &a[2], &a[3]], 0);
        assert!(
            out.contains("The cluster matches the 4 nodes given"),
            "{out}"
        );
    }

    let from = source[0].addr();
    step(true, &["import", &a[0], "--from", &from, "--copy"], 0);
    step(
        false,
        &["import", &a[0], "--from", &from, "--copy", "--replace"],
        0,
    );
    assert_eq!(n.key_count(), 520);
    assert_eq!(source[0].cmd_str(&["DBSIZE"]), "20");
    source[0].cmd(&["SAVE"]);
    let dump = source[0].dir().join("dump.rdb").display().to_string();
    for before in [true, false] {
        let out = step(before, &["restore", &dump, &a[0], "--skip-existing"], 0);
        assert!(out.contains("[OK] Restored 0 keys"), "{out}");
    }
    assert_eq!(n.key_count(), 520);

    let backups = tempfile::tempdir().unwrap();
    for before in [true, false] {
        let dir = backups
            .path()
            .join(before.to_string())
            .display()
            .to_string();
        step(before, &["backup", &a[0], &dir], 0);
    }

    let nowhere = tempfile::tempdir().unwrap();
    let nowhere = nowhere.path().join("none").display().to_string();
    for before in [true, false] {
        let out = step(before, &["completions", "bash"], 0);
        assert!(out.contains("_rtrib"), "{out}");
        let out = step(before, &["sandbox", "stop", "--dir", &nowhere], 0);
        assert!(out.contains("Stopped 0 node(s)"), "{out}");
    }

    let all: BTreeSet<(String, bool)> = Cli::command()
        .get_subcommands()
        .flat_map(|s| {
            [
                (s.get_name().to_string(), true),
                (s.get_name().to_string(), false),
            ]
        })
        .collect();
    let missing: Vec<_> = all.difference(&covered).collect();
    assert!(
        missing.is_empty(),
        "not run with --cluster-yes: {missing:?}"
    );
}

/// The master that serves `slot` in `node`'s own view.
fn owner_of(node: &RedisNode, slot: u16) -> String {
    parse_nodes(&node.cluster_nodes())
        .into_iter()
        .find(|line| {
            line.slots.iter().any(|range| {
                let (a, b) = range.split_once('-').unwrap_or((range, range));
                match (a.parse::<u16>(), b.parse::<u16>()) {
                    (Ok(a), Ok(b)) => (a..=b).contains(&slot),
                    _ => false,
                }
            })
        })
        .map(|line| line.id)
        .unwrap_or_default()
}

/// A key named `prefix<n>` whose slot `want` accepts.
fn key_where(prefix: &str, want: impl Fn(u16) -> bool) -> (String, u16) {
    (0..)
        .map(|i| format!("{prefix}{i}"))
        .map(|key| {
            let slot = key_slot(key.as_bytes());
            (key, slot)
        })
        .find(|(_, slot)| want(*slot))
        .unwrap()
}

/// Writes `key` on `node`, which does not serve its slot (served by `owner`): the slot is set
/// importing on `node` for one ASKING write, then closed again. redis-cli calls such a node an
/// owner of the slot too.
fn stray_key(node: &RedisNode, owner: &str, key: &str, value: &str) {
    let slot = key_slot(key.as_bytes()).to_string();
    node.cmd(&["CLUSTER", "SETSLOT", &slot, "IMPORTING", owner]);
    node.with_conn(|conn| {
        redis::pipe()
            .cmd("ASKING")
            .ignore()
            .cmd("SET")
            .arg(key)
            .arg(value)
            .ignore()
            .exec(conn)
    })
    .unwrap();
    node.cmd(&["CLUSTER", "SETSLOT", &slot, "STABLE"]);
}

/// Every `--cluster-*` option redis-cli parses: where the subcommand has it, it does what
/// redis-cli's does (checked on the servers); everywhere else it is accepted and ignored with a
/// one-line warning naming it. Every row of the table (`REDIS_CLI_OPTIONS`) is used here.
#[test]
fn every_redis_cli_option_is_honoured_where_it_means_something_and_ignored_elsewhere() {
    let c = Nodes::on_ports(3);
    c.form(3);
    let s = Nodes::on_ports(3);
    let source = Nodes::start(NodesConfig {
        count: 1,
        cluster_enabled: false,
        password: Some("source-secret".into()),
        ..NodesConfig::default()
    });
    source[0].cmd(&["DEBUG", "POPULATE", "30", "imported"]);
    let (c0, from) = (c[0].addr(), source[0].addr());
    let ids: Vec<String> = c.iter().map(RedisNode::id).collect();
    let mut honoured: BTreeSet<&str> = BTreeSet::new();
    let mut expect = |code: i32, options: &[&'static str], line: &[&str]| -> String {
        let args: Vec<String> = line.iter().map(|s| s.to_string()).collect();
        let (actual, output) = run_with(&[], &args);
        assert_eq!(actual, Some(code), "rtrib {args:?}\n{output}");
        assert!(
            !output.contains("warning: --cluster-"),
            "{args:?}: {output}"
        );
        honoured.extend(options.iter().map(|o| o.trim_start_matches("--")));
        output
    };

    // Ignored where they mean nothing, with one warning each; the command still does its job.
    let support = rtrib::redis_cli::redis_cli_option_support();
    for (line, subcommand) in [
        (vec!["check", c0.as_str()], "check"),
        (vec!["call", &c0, "PING"], "call"),
    ] {
        let mut args: Vec<String> = line.iter().map(|s| s.to_string()).collect();
        let mut dropped = Vec::new();
        for &(name, values) in rtrib::redis_cli::REDIS_CLI_OPTIONS {
            let row = support
                .iter()
                .find(|r| r.redis_cli == format!("--{name}"))
                .unwrap();
            if row.subcommands.iter().any(|s| s == subcommand) {
                continue;
            }
            args.push(format!("--{name}"));
            match values {
                rtrib::redis_cli::Values::Zero => {}
                rtrib::redis_cli::Values::One => args.push("x".into()),
                rtrib::redis_cli::Values::Weights => args.extend(["a=1".into(), "b=2".into()]),
            }
            dropped.push(name);
        }
        let (code, output) = run_with(&[], &args);
        assert_eq!(code, Some(0), "{args:?}\n{output}");
        for name in &dropped {
            let warning = format!("warning: --{name} does nothing for `rtrib {subcommand}`");
            assert_eq!(output.matches(&warning).count(), 1, "{warning}\n{output}");
        }
        assert!(dropped.len() >= 20, "{dropped:?}");
        assert!(
            output.contains("All 16384 slots covered") || output.contains(": PONG"),
            "{output}"
        );
    }

    // valkey-cli's --cluster-use-atomic-slot-migration asks for atomic slot migration, which
    // Redis 7.0 lacks: refused before anything changes (tests/atomic.rs moves slots with it on
    // Valkey 9).
    let out = expect(
        5,
        &["--cluster-use-atomic-slot-migration"],
        &[
            "reshard",
            &c0,
            "--cluster-from",
            &ids[0],
            "--cluster-to",
            &ids[1],
            "--cluster-slots",
            "10",
            "--cluster-yes",
            "--cluster-use-atomic-slot-migration",
        ],
    );
    assert!(out.contains("needs CLUSTER MIGRATESLOTS"), "{out}");

    // create --cluster-replicas: the plan has a replica.
    let out = expect(
        0,
        &["--cluster-replicas"],
        &[
            "create",
            "--dry-run",
            "-o",
            "json",
            "--allow-few-masters",
            "--cluster-replicas",
            "1",
            &s[0].addr(),
            &s[1].addr(),
        ],
    );
    let plan: serde_json::Value =
        serde_json::from_str(&out[..out.rfind('}').unwrap() + 1]).unwrap();
    let roles: Vec<&str> = plan["nodes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["role"].as_str().unwrap())
        .collect();
    assert_eq!(roles, ["master", "replica"], "{plan:#}");

    // add-node as a replica of a chosen master, in redis-cli's and valkey-cli's spellings.
    expect(
        0,
        &["--cluster-slave", "--cluster-master-id"],
        &[
            "add-node",
            &s[0].addr(),
            &c0,
            "--cluster-slave",
            "--cluster-master-id",
            &ids[1],
        ],
    );
    expect(
        0,
        &["--cluster-replica", "--cluster-primary-id"],
        &[
            "add-node",
            &s[1].addr(),
            &c0,
            "--cluster-replica",
            "--cluster-primary-id",
            &ids[2],
        ],
    );
    let members: Vec<&RedisNode> = c.iter().chain([&s[0], &s[1]]).collect();
    for node in &members {
        let lines = parse_nodes(&node.cluster_nodes());
        let master_of = |id: &str| lines.iter().find(|l| l.id == id).unwrap().master.clone();
        assert_eq!(master_of(&s[0].id()), ids[1], "{}", node.addr());
        assert_eq!(master_of(&s[1].id()), ids[2], "{}", node.addr());
    }

    // call: masters only (either spelling), replicas only.
    for (option, count) in [
        ("--cluster-only-masters", 3),
        ("--cluster-only-primaries", 3),
        ("--cluster-only-replicas", 2),
    ] {
        let out = expect(0, &[option], &["call", &c0, "ROLE", option, "-o", "json"]);
        let doc: serde_json::Value =
            serde_json::from_str(&out[..out.rfind('}').unwrap() + 1]).unwrap();
        assert_eq!(
            doc["nodes"].as_array().unwrap().len(),
            count,
            "{option}: {doc:#}"
        );
    }

    // reshard: 10 slots from c1 to c0; a key c0 already has is replaced by c1's copy.
    let (key, slot) = key_where("replace:", |slot| slot == 5461);
    c[1].cmd(&["SET", &key, "from-c1"]);
    stray_key(&c[0], &ids[1], &key, "stale-on-c0");
    let ten = [
        "reshard",
        &c0,
        "--cluster-from",
        &ids[1],
        "--cluster-to",
        &ids[0],
        "--cluster-slots",
        "10",
    ];
    for (bad, refusal) in [
        ("--cluster-timeout", "must be at least 1 ms"),
        ("--cluster-pipeline", "0 is not in"),
    ] {
        let out = expect(2, &[], &[&ten[..], &[bad, "0"]].concat());
        assert!(
            out.contains(refusal),
            "{bad} 0 is rtrib's option, checked: {out}"
        );
    }
    let options = [
        "--cluster-timeout",
        "5000",
        "--cluster-pipeline",
        "7",
        "--cluster-replace",
        "--cluster-yes",
    ];
    let mut shown: Vec<&'static str> = options
        .into_iter()
        .filter(|o| o.starts_with("--"))
        .collect();
    shown.extend(["--cluster-from", "--cluster-to", "--cluster-slots"]);
    expect(0, &shown, &[&ten[..], &options[..]].concat());
    let moved = wait_until(Duration::from_secs(10), || {
        members.iter().all(|n| {
            owner_of(n, slot) == ids[0]
                && owner_of(n, 5470) == ids[0]
                && owner_of(n, 5471) == ids[1]
        })
    });
    assert!(moved, "{}", c[0].cluster_nodes());
    assert_eq!(c[0].cmd_str(&["GET", &key]), "from-c1");

    // rebalance: simulate changes nothing; empty masters take part; weights and threshold.
    let empty = &s[2];
    let everyone: Vec<&RedisNode> = members.iter().copied().chain([empty]).collect();
    join_by_meet(empty, &c[0], &everyone);
    let out = expect(
        0,
        &["--cluster-use-empty-masters", "--cluster-simulate"],
        &[
            "rebalance",
            &c0,
            "--cluster-use-empty-masters",
            "--cluster-simulate",
        ],
    );
    assert!(out.contains(&format!("to {}", empty.id())), "{out}");
    assert!(
        slot_counts(empty)
            .0
            .get(&empty.id())
            .is_none_or(|&n| n == 0)
    );
    let out = expect(
        0,
        &["--cluster-weight"],
        &[
            "rebalance",
            &c0,
            "--cluster-weight",
            &format!("{}=2", &ids[0][..8]),
            &format!("{}=0", &ids[2][..8]),
            "--cluster-simulate",
        ],
    );
    assert!(
        out.contains(&format!("from {}", ids[2])),
        "weight 0 drains c2: {out}"
    );
    expect(
        0,
        &[
            "--cluster-use-empty-primaries",
            "--cluster-timeout",
            "--cluster-pipeline",
            "--cluster-replace",
        ],
        &[
            "rebalance",
            &c0,
            "--cluster-use-empty-primaries",
            "--cluster-timeout",
            "5000",
            "--cluster-pipeline",
            "50",
            "--cluster-replace",
        ],
    );
    let balanced = wait_until(Duration::from_secs(10), || {
        everyone.iter().all(|node| {
            let (counts, open) = slot_counts(node);
            !open && counts.len() == 4 && counts.values().all(|&n| n == 4096)
        })
    });
    assert!(balanced, "{}", c[0].cluster_nodes());
    let out = expect(
        0,
        &["--cluster-threshold"],
        &[
            "rebalance",
            &c0,
            "--cluster-weight",
            &format!("{}=1.05", ids[0]),
            "--cluster-threshold",
            "10",
        ],
    );
    assert!(out.contains("within the 10.00% threshold"), "{out}");

    // check and fix --cluster-search-multiple-owners: a key in a master that does not serve
    // its slot is found, and moved to the slot's owner.
    let (stray, stray_slot) = key_where("stray:", |slot| owner_of(&c[0], slot) == ids[2]);
    stray_key(&c[1], &ids[2], &stray, "found");
    let out = expect(
        1,
        &["--cluster-search-multiple-owners"],
        &["check", &c0, "--cluster-search-multiple-owners"],
    );
    assert!(
        out.contains(&format!("Slot {stray_slot} has 2 owners")),
        "{out}"
    );
    expect(
        0,
        &[],
        &[
            "fix",
            &c0,
            "--cluster-search-multiple-owners",
            "--cluster-yes",
        ],
    );
    assert_eq!(
        c[1].cmd_str(&["CLUSTER", "COUNTKEYSINSLOT", &stray_slot.to_string()]),
        "0"
    );
    assert_eq!(c[2].cmd_str(&["GET", &stray]), "found");

    // import: copied (the source keeps its keys), with the source's own user and password.
    let out = expect(
        2,
        &["--cluster-from-askpass"],
        &[
            "import",
            &c0,
            "--cluster-from",
            &from,
            "--cluster-from-askpass",
            "--cluster-copy",
        ],
    );
    assert!(
        out.contains("--from-askpass asks for the password on a terminal"),
        "{out}"
    );
    expect(
        0,
        &[
            "--cluster-copy",
            "--cluster-from-user",
            "--cluster-from-pass",
        ],
        &[
            "import",
            &c0,
            "--cluster-from",
            &from,
            "--cluster-copy",
            "--cluster-replace",
            "--cluster-from-user",
            "default",
            "--cluster-from-pass",
            "source-secret",
            "--cluster-timeout",
            "5000",
        ],
    );
    assert_eq!(source[0].cmd_str(&["DBSIZE"]), "30");
    let cluster_keys: usize = [&c[0], &c[1], &c[2], empty]
        .iter()
        .map(|n| n.cmd_str(&["DBSIZE"]).parse::<usize>().unwrap())
        .sum();
    assert_eq!(
        cluster_keys, 32,
        "30 imported, plus the replace: and stray: keys"
    );

    // fix with unreachable masters: refused, then done with either spelling of the option
    // (exit 0: every slot served again; the dead nodes are warnings of the final check).
    let mut c = c;
    let mut s = s;
    for (master, replica, option) in [
        (2, 1, "--cluster-fix-with-unreachable-primaries"),
        (1, 0, "--cluster-fix-with-unreachable-masters"),
    ] {
        c[master].kill();
        s[replica].kill();
        let out = expect(5, &[], &["fix", &c0, "--cluster-yes"]);
        assert!(out.contains("unreachable masters is dangerous"), "{out}");
        let out = expect(0, &[option], &["fix", &c0, "--cluster-yes", option]);
        let dead = format!("[WARNING] Node {} (", c[master].addr());
        assert!(out.contains(&dead) && out.contains("unreachable"), "{out}");
        let lost = &ids[master];
        let live = [&c[0], &s[2]];
        let covered = wait_until(Duration::from_secs(10), || {
            live.iter().all(|node| {
                let (counts, _) = slot_counts(node);
                counts.get(lost).is_none_or(|&n| n == 0)
                    && counts
                        .iter()
                        .filter(|(id, _)| *id != lost)
                        .map(|(_, n)| n)
                        .sum::<usize>()
                        == 16384
            })
        });
        assert!(covered, "{option}: {out}\n{}", c[0].cluster_nodes());
    }

    let table: BTreeSet<&str> = rtrib::redis_cli::REDIS_CLI_OPTIONS
        .iter()
        .map(|(name, _)| *name)
        .collect();
    let missing: Vec<_> = table.difference(&honoured).collect();
    assert!(missing.is_empty(), "not shown honoured: {missing:?}");
}
