//! Messages scripts grep: for every refusal or error that `redis-cli --cluster` prints, rtrib
//! prints redis-cli's key phrase too. Each condition is built on real Redis 7.0 servers; the
//! same command line runs with `redis-cli` 7.0.15, whose output must contain the phrase (so the
//! phrase is redis-cli's own, not remembered), then with rtrib, whose output must contain it and
//! whose exit code must be the documented one. The table in docs/commands.md lists every pair.

use std::time::Duration;

use crate::support::cluster::{Layout, Nodes, NodesConfig, Server, free_port};
use crate::support::combined_output;

/// One condition: the command line (redis-cli's, after `--cluster`), the phrase both print,
/// and rtrib's exit code.
struct Case {
    line: Vec<String>,
    phrase: &'static str,
    exit: i32,
}

fn case<S: AsRef<str>>(line: &[S], phrase: &'static str, exit: i32) -> Case {
    Case {
        line: line.iter().map(|s| s.as_ref().to_string()).collect(),
        phrase,
        exit,
    }
}

/// redis-cli's line for moving 10 slots from `from` to `to`, without asking.
fn reshard(seed: &str, from: &str, to: &str) -> [String; 9] {
    ["reshard", seed, "--cluster-from", from, "--cluster-to", to]
        .into_iter()
        .chain(["--cluster-slots", "10", "--cluster-yes"])
        .map(str::to_string)
        .collect::<Vec<_>>()
        .try_into()
        .unwrap()
}

/// Output of `program` with `args` (stdout then stderr) and its exit code.
fn run(program: &str, args: &[String]) -> (Option<i32>, String) {
    combined_output(
        assert_cmd::Command::new(program)
            .args(args)
            .env("TERM", "dumb")
            .env_remove("REDISCLI_CLUSTER_YES")
            .env_remove("REDISCLI_AUTH")
            .env("XDG_STATE_HOME", env!("CARGO_TARGET_TMPDIR"))
            .timeout(Duration::from_secs(90)),
    )
}

/// Runs each case with redis-cli, then with rtrib, and collects what does not hold.
fn check_cases(cases: &[Case], wrong: &mut Vec<String>) {
    let docs =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/commands.md")).unwrap();
    for case in cases {
        let mut cli_args = vec!["--cluster".to_string()];
        cli_args.extend(case.line.iter().cloned());
        let (_, said) = run("redis-cli", &cli_args);
        if !said.contains(case.phrase) {
            wrong.push(format!(
                "redis-cli {:?} does not say {:?}:\n{said}",
                case.line, case.phrase
            ));
        }
        let (code, said) = run(env!("CARGO_BIN_EXE_rtrib"), &cli_args);
        if !said.contains(case.phrase) || code != Some(case.exit) {
            wrong.push(format!(
                "rtrib {:?}: exit {code:?} (documented: {}), phrase {:?}:\n{said}",
                case.line, case.exit, case.phrase
            ));
        }
        let command = format!("| `{}` |", case.line[0]);
        let documented = docs.lines().any(|row| {
            row.starts_with(&command)
                && row.contains(&format!("`{}`", case.phrase))
                && row.ends_with(&format!("| {} |", case.exit))
        });
        if !documented {
            wrong.push(format!(
                "docs/commands.md has no row {command} ... `{}` ... | {} |",
                case.phrase, case.exit
            ));
        }
    }
}

#[test]
fn rtrib_says_what_redis_cli_says_for_the_same_condition() {
    let redis = |count, cluster_enabled| {
        Nodes::start(NodesConfig {
            cluster_enabled,
            ..NodesConfig::on(Server::Redis7_0, count, Layout::Ports)
        })
    };
    let c = redis(4, true);
    c.form(3);
    let spare = redis(5, true);
    let standalone = redis(1, false);
    let [e0, e1, e2, full, functions] = [0, 1, 2, 3, 4].map(|i| spare[i].addr());
    spare[3].cmd(&["DEBUG", "POPULATE", "1", "leftover"]);
    let library = "#!lua name=own\nredis.register_function('own', function() return 1 end)";
    spare[4].cmd(&["FUNCTION", "LOAD", library]);
    let (c0, c1, plain) = (c[0].addr(), c[1].addr(), standalone[0].addr());
    let ids: Vec<String> = c.iter().map(|n| n.id()).collect();
    let unknown = "f".repeat(40);
    let nobody = format!("127.0.0.1:{}", free_port());
    let backups = tempfile::tempdir().unwrap();
    let backup_dir = backups.path().display().to_string();
    let mut wrong = Vec::new();
    let mut verify = |cases: &[Case]| check_cases(cases, &mut wrong);

    verify(&[
        case(
            &["create", &e0, &e1, &full, "--cluster-yes"],
            "is not empty",
            5,
        ),
        case(
            &["create", &e0, &e1, &c1, "--cluster-yes"],
            "is not empty",
            6,
        ),
        case(
            &["create", &e0, &e1, &plain, "--cluster-yes"],
            "is not configured as a cluster node",
            3,
        ),
        case(
            &[
                "create",
                &e0,
                &e1,
                &e2,
                "--cluster-replicas",
                "1",
                "--cluster-yes",
            ],
            "requires at least 3 master nodes",
            2,
        ),
        case(&["add-node", &full, &c0], "is not empty", 5),
        case(
            &["add-node", &plain, &c0],
            "is not configured as a cluster node",
            3,
        ),
        case(
            &["add-node", &functions, &c0],
            "New node already contains functions and can not be added to the cluster.",
            5,
        ),
        case(
            &[
                "add-node",
                &e0,
                &c0,
                "--cluster-slave",
                "--cluster-master-id",
                &unknown,
            ],
            "No such master ID",
            2,
        ),
        case(
            &["del-node", &c0, &ids[1]],
            "is not empty! Reshard data away and try again",
            5,
        ),
        case(&["del-node", &c0, &unknown], "No such node ID", 2),
        case(
            &reshard(&c0, "all", &ids[3]),
            "is not known or not a master",
            2,
        ),
        case(
            &reshard(&c0, &unknown, &ids[1]),
            "is not known or not a master",
            2,
        ),
        case(
            &reshard(&c0, &ids[1], &ids[1]),
            "not possible to use the target node as source node",
            2,
        ),
        case(
            &["rebalance", &c0, "--cluster-weight", "ffffff=2"],
            "No such master node",
            2,
        ),
        case(
            &["check", &c0],
            "[OK] All nodes agree about slots configuration.",
            0,
        ),
        case(&["check", &c0], "[OK] All 16384 slots covered.", 0),
        case(&["check", &nobody], "Could not connect to Redis at", 3),
        case(&["check", &plain], "is not configured as a cluster node", 3),
        case(
            &["backup", &nobody, &backup_dir],
            "Could not connect to Redis at",
            3,
        ),
        case(
            &["backup", &plain, &backup_dir],
            "is not configured as a cluster node",
            3,
        ),
    ]);

    // A single master serving every slot: nothing to take slots from.
    spare[2].cmd(&["CLUSTER", "ADDSLOTSRANGE", "0", "16383"]);
    let single = spare[2].id();
    verify(&[case(
        &reshard(&e2, "all", &single),
        "No source nodes given",
        2,
    )]);

    // An open slot.
    c[1].cmd(&["CLUSTER", "SETSLOT", "6000", "MIGRATING", &ids[2]]);
    verify(&[case(
        &["check", &c0],
        "[WARNING] The following slots are open",
        1,
    )]);
    c[1].cmd(&["CLUSTER", "SETSLOT", "6000", "STABLE"]);

    // Slot 0 served by nobody: the cluster has problems.
    for node in c.iter() {
        node.cmd(&["CLUSTER", "DELSLOTS", "0"]);
    }
    verify(&[
        case(
            &["check", &c0],
            "[ERR] Not all 16384 slots are covered by nodes.",
            1,
        ),
        case(
            &reshard(&c0, "all", &ids[1]),
            "Please fix your cluster problems before resharding",
            5,
        ),
        case(
            &["rebalance", &c0],
            "Please fix your cluster problems before rebalancing",
            5,
        ),
    ]);

    // c2 alone believes c1 serves slot 0: the nodes disagree.
    c[2].cmd(&["CLUSTER", "SETSLOT", "0", "NODE", &ids[1]]);
    verify(&[case(
        &["check", &c0],
        "[ERR] Nodes don't agree about configuration!",
        1,
    )]);

    // A master that serves slots is down.
    let mut c = c;
    c[2].kill();
    verify(&[case(&["fix", &c0], "unreachable masters is dangerous", 5)]);

    assert!(wrong.is_empty(), "{}", wrong.join("\n\n"));
}
