//! The command line itself on real clusters: redis-cli's own options around `--cluster`
//! (honoured, or dropped with a warning, never making a line that did nothing exit 0),
//! `--cluster info` in redis-cli's shape, one rule for durations, `-o json` for argument
//! errors, and the help's headings. Where redis-cli 7.0.15 can run the same line, it does,
//! side by side.

use std::time::Duration;

use crate::migrate::slot_counts;
use crate::support::cluster::{Layout, Nodes, NodesConfig, RedisNode, free_port, value_to_string};
use crate::support::servers::on_every_server;

/// The password of the clusters that need one.
const PASSWORD: &str = "opt-s3cret";

/// Runs `program` with `args` and `stdin`; returns the exit code, stdout and stderr.
fn run_program(program: &str, args: &[&str], stdin: &[u8]) -> (Option<i32>, String, String) {
    let output = assert_cmd::Command::new(program)
        .args(args)
        .env("TERM", "dumb")
        .env_remove("REDISCLI_AUTH")
        .env_remove("VALKEYCLI_AUTH")
        .env_remove("RTRIB_PASS")
        .env_remove("REDISCLI_CLUSTER_YES")
        .env("XDG_STATE_HOME", env!("CARGO_TARGET_TMPDIR"))
        .write_stdin(stdin)
        .timeout(Duration::from_secs(90))
        .output()
        .unwrap();
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Runs rtrib with `args`.
fn rtrib_run(args: &[&str]) -> (Option<i32>, String, String) {
    run_program(env!("CARGO_BIN_EXE_rtrib"), args, b"")
}

/// The value of the configuration parameter `name` on `node`.
fn config_get(node: &RedisNode, name: &str) -> String {
    match node.cmd(&["CONFIG", "GET", name]) {
        redis::Value::Array(pair) => value_to_string(&pair[1]),
        other => panic!("CONFIG GET {name}: {other:?}"),
    }
}

/// A formed cluster of three masters, with `password` when given, holding 300 keys.
fn three_masters(password: Option<&str>) -> Nodes {
    let nodes = Nodes::start(NodesConfig {
        count: 3,
        password: password.map(String::from),
        ..NodesConfig::default()
    });
    nodes.form(3);
    nodes.fill_keys(300);
    nodes
}

#[test]
fn redis_cli_options_around_cluster_never_make_a_line_that_did_nothing_succeed() {
    let nothing = format!("127.0.0.1:{}", free_port());
    for line in [
        vec!["-h", "127.0.0.1", "--cluster", "check", &nothing],
        vec![
            "-a",
            "s3cret",
            "-h",
            "127.0.0.1",
            "--cluster",
            "check",
            &nothing,
        ],
        vec!["--cluster", "check", &nothing, "-h", "127.0.0.1", "-p", "1"],
    ] {
        let (code, _, said) = run_program("redis-cli", &line, b"");
        assert_eq!(code, Some(1), "redis-cli {line:?}: {said}");
        let (code, stdout, stderr) = rtrib_run(&line);
        assert_eq!(code, Some(3), "rtrib {line:?}: {stdout}{stderr}");
        assert!(
            stderr.contains("warning: -h does nothing for `rtrib check`")
                && stderr.contains("Could not connect to Redis at"),
            "{stderr}"
        );
        assert!(!stdout.contains("Usage:"), "{stdout}");
    }
    // `-h HOST -p PORT` name no node for redis-cli either: the node is missing.
    let (code, _, stderr) = rtrib_run(&["-h", "127.0.0.1", "-p", "7000", "--cluster", "check"]);
    assert_eq!(code, Some(2), "{stderr}");
    // `-h` alone still asks for the help.
    let (code, stdout, _) = rtrib_run(&["--cluster", "check", &nothing, "-h"]);
    assert_eq!(code, Some(0));
    assert!(stdout.contains("Usage: rtrib check"), "{stdout}");
}

#[test]
fn redis_cli_connection_options_are_honoured_and_the_others_dropped_with_a_warning() {
    let nodes = three_masters(Some(PASSWORD));
    let seed = nodes[0].addr();
    let uri = format!("redis://default:{PASSWORD}@10.255.255.1:1/3");
    let lines: Vec<Vec<&str>> = vec![
        vec!["-a", PASSWORD, "--cluster", "check", &seed],
        vec![
            "--user",
            "default",
            "--pass",
            PASSWORD,
            "--cluster",
            "check",
            &seed,
        ],
        vec!["-u", &uri, "--cluster", "check", &seed],
        vec![
            "-h",
            "10.255.255.1",
            "-p",
            "1",
            "-r",
            "3",
            "-i",
            "1",
            "-n",
            "2",
            "-c",
            "-e",
            "-2",
            "--raw",
            "--no-auth-warning",
            "-a",
            PASSWORD,
            "--cluster",
            "check",
            &seed,
            "-d",
            ",",
            "--csv",
            "--show-pushes",
            "no",
        ],
        // redis-cli refuses -s only with -c.
        vec![
            "-s",
            "/nonexistent.sock",
            "-a",
            PASSWORD,
            "--cluster",
            "check",
            &seed,
        ],
    ];
    for line in &lines {
        let (code, stdout, stderr) = run_program("redis-cli", line, b"");
        assert_eq!(code, Some(0), "redis-cli {line:?}: {stdout}{stderr}");
        assert!(stdout.contains("[OK] All 16384 slots covered."), "{stdout}");
        let (code, stdout, stderr) = rtrib_run(line);
        assert_eq!(code, Some(0), "rtrib {line:?}: {stdout}{stderr}");
        assert!(stdout.contains("[OK] All 16384 slots covered."), "{stdout}");
        // Only the options that mean nothing here are named, each on one line.
        for option in [
            "-h", "-p", "-s", "-r", "-i", "-n", "-c", "-2", "--raw", "-d", "--csv",
        ] {
            let warned = stderr.contains(&format!(
                "warning: {option} does nothing for `rtrib check` and is ignored"
            ));
            assert_eq!(warned, line.contains(&option), "{option}: {stderr}");
        }
        for silent in ["-a", "--user", "--pass", "-u", "-e", "--no-auth-warning"] {
            assert!(!stderr.contains(&format!("warning: {silent} ")), "{stderr}");
        }
    }
    // redis-cli sends `AUTH "" PASSWORD` for an empty user, which fails; rtrib uses the
    // default user.
    let empty_user = format!("redis://:{PASSWORD}@10.255.255.1:1");
    let (code, _, stderr) = rtrib_run(&["-u", &empty_user, "--cluster", "check", &seed]);
    assert_eq!(code, Some(0), "{stderr}");
    // The credentials really are used: a wrong password in -u is refused by the servers.
    let wrong = "redis://:wrong@127.0.0.1:1";
    let (code, _, stderr) = rtrib_run(&["-u", wrong, "--cluster", "check", &seed]);
    assert_eq!(code, Some(3), "{stderr}");
    assert!(
        !stderr.contains("wrong@"),
        "the password is not shown: {stderr}"
    );
    // valkey-cli's -t (seconds) is the connect timeout; nonsense is refused.
    for (timeout, code) in [("1.5", 0), ("750ms", 0), ("soon", 2)] {
        let line = ["-t", timeout, "-a", PASSWORD, "--cluster", "check", &seed];
        let (actual, stdout, stderr) = rtrib_run(&line);
        assert_eq!(actual, Some(code), "{line:?}: {stdout}{stderr}");
    }
}

#[test]
fn call_reads_an_argument_from_stdin_as_redis_cli_does() {
    let nodes = three_masters(None);
    let seed = nodes[0].addr();
    let policy = |node: &RedisNode| config_get(node, "maxmemory-policy");
    let set_policy = [
        "--cluster",
        "call",
        &seed,
        "CONFIG",
        "SET",
        "maxmemory-policy",
    ];
    let x_line = [&["-x"], &set_policy[..]].concat();
    let tagged = ["POLICY", "-X", "POLICY", "--cluster-only-masters"];
    let tag_line = [&set_policy[..], &tagged[..]].concat();
    let rtrib = env!("CARGO_BIN_EXE_rtrib");
    for (program, policy_wanted, args) in [
        ("redis-cli", "allkeys-lru", &x_line[..]),
        (rtrib, "allkeys-lfu", &x_line[..]),
        (rtrib, "volatile-lru", &tag_line[..]),
    ] {
        let (code, stdout, stderr) = run_program(program, args, policy_wanted.as_bytes());
        assert_eq!(code, Some(0), "{program} {args:?}: {stdout}{stderr}");
        for node in nodes.iter() {
            assert_eq!(policy(node), policy_wanted, "{program} {args:?}");
        }
    }
    // Elsewhere -x means nothing: dropped with a warning, and stdin is not read.
    let (code, _, stderr) = rtrib_run(&["-x", "--cluster", "check", &seed]);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains("warning: -x does nothing for `rtrib check`"),
        "{stderr}"
    );
    // A tag that is none of the arguments is refused before anything is sent.
    let (code, _, stderr) = run_program(
        env!("CARGO_BIN_EXE_rtrib"),
        &[
            "call",
            &seed,
            "CONFIG",
            "SET",
            "maxmemory-policy",
            "x",
            "-X",
            "TAG",
        ],
        b"noeviction",
    );
    assert_eq!(code, Some(2), "{stderr}");
    assert!(nodes.iter().all(|n| policy(n) == "volatile-lru"));
}

on_every_server! {
    /// `rtrib --cluster info` prints exactly what `redis-cli --cluster info` prints about the
    /// same cluster (also given as `HOST PORT`); `rtrib info` keeps its richer view.
    fn cluster_info_prints_redis_clis_lines(server) {
        let nodes = Nodes::start(NodesConfig::on(server, 5, Layout::Ports));
        nodes.form(3);
        nodes.fill_keys(1000);
        let seed = nodes[0].addr();
        let (host, port) = seed.rsplit_once(':').unwrap();
        let (code, expected, stderr) = run_program("redis-cli", &["--cluster", "info", &seed], b"");
        assert_eq!(code, Some(0), "{stderr}");
        let lines: Vec<&str> = expected.lines().collect();
        assert_eq!(lines.len(), 5, "{expected}");
        assert!(lines[3] == "[OK] 1000 keys in 3 masters.", "{expected}");
        assert!(lines[4] == "0.06 keys per slot on average.", "{expected}");
        for line in [vec!["--cluster", "info", &seed], vec!["--cluster", "info", host, port]] {
            let (code, stdout, stderr) = rtrib_run(&line);
            assert_eq!(code, Some(0), "{line:?}: {stderr}");
            assert_eq!(stdout, expected, "{line:?}");
        }
        // Each master's line carries its own key count, read from the server.
        for node in nodes.iter().take(3) {
            let keys = node.cmd_str(&["DBSIZE"]);
            let id = &node.id()[..8];
            let line = format!("{} ({id}...) -> {keys} keys |", node.addr());
            assert!(expected.contains(&line), "{line} in {expected}");
        }
        let (code, rich, _) = rtrib_run(&["info", &seed]);
        assert_eq!(code, Some(0));
        let totals = format!("{}\n{}\n", lines[3], lines[4]);
        assert!(rich.contains("| master") && rich.ends_with(&totals), "{rich}");
    }

    /// One rule for durations: `500ms`, `5s`, `2m` everywhere; a bare number keeps redis-cli's
    /// meaning where redis-cli has the option (milliseconds for set-timeout and
    /// `--cluster-timeout`) and is refused with a hint elsewhere, changing nothing.
    fn every_duration_takes_units_and_a_bare_number_means_what_redis_cli_means(server) {
        let nodes = Nodes::start(NodesConfig::on(server, 3, Layout::Ports));
        nodes.form(3);
        let pairs: Vec<(String, String)> =
            (0..200).map(|i| (format!("d:{i}"), format!("v{i}"))).collect();
        nodes.set_keys(&pairs);
        let seed = nodes[0].addr();
        let timeout = |node: &RedisNode| config_get(node, "cluster-node-timeout");
        for (given, milliseconds) in [("5s", "5000"), ("4321", "4321"), ("1.5s", "1500")] {
            let (code, stdout, stderr) = rtrib_run(&["set-timeout", &seed, given]);
            assert_eq!(code, Some(0), "set-timeout {given}: {stdout}{stderr}");
            assert!(nodes.iter().all(|n| timeout(n) == milliseconds), "{given}");
        }
        let (code, _, stderr) = rtrib_run(&["set-timeout", &seed, "50ms"]);
        assert_eq!(code, Some(2), "{stderr}");
        assert!(stderr.contains("at least 100 ms"), "{stderr}");
        assert!(nodes.iter().all(|n| timeout(n) == "1500"));

        let (code, _, stderr) = rtrib_run(&["wait", &seed, "--timeout", "3000"]);
        assert_eq!(code, Some(2), "{stderr}");
        assert!(
            stderr.contains("`3000` has no unit: write 3000s for seconds or 3000ms"),
            "{stderr}"
        );
        let (code, _, stderr) = rtrib_run(&["wait", &seed, "--timeout", "3s"]);
        assert_eq!(code, Some(0), "{stderr}");

        let target = nodes[2].id();
        let before = slot_counts(&nodes[0]).0[&target];
        let reshard = |slots: &str, extra: &[&str]| {
            let mut line = vec![
                "reshard", &seed, "--from", "all", "--to", &target, "--slots", slots, "--yes",
            ];
            line.extend_from_slice(extra);
            rtrib_run(&line)
        };
        let (code, _, stderr) = reshard("10", &["--wait-timeout", "60"]);
        assert_eq!(code, Some(2), "{stderr}");
        assert!(stderr.contains("`60` has no unit"), "{stderr}");
        assert_eq!(slot_counts(&nodes[0]).0[&target], before, "nothing moved");
        let (code, stdout, stderr) = reshard("10", &["--timeout", "5s"]);
        assert_eq!(code, Some(0), "{stdout}{stderr}");
        let (code, stdout, stderr) = reshard("10", &["--cluster-timeout", "5000"]);
        assert_eq!(code, Some(0), "{stdout}{stderr}");
        let (code, stdout, stderr) = reshard("10", &["--timeout", "2m", "--wait-timeout", "1m"]);
        assert_eq!(code, Some(0), "{stdout}{stderr}");
        for node in nodes.iter() {
            let (counts, open) = slot_counts(node);
            assert_eq!(counts[&target], before + 30, "{}", node.addr());
            assert!(!open);
        }
        nodes.assert_values(&pairs);
        // The connect timeout: a bare number is seconds, as valkey-cli's -t.
        let (code, _, stderr) = rtrib_run(&["check", &seed, "--connect-timeout", "2"]);
        assert_eq!(code, Some(0), "{stderr}");
    }
}

#[test]
fn argument_errors_say_what_is_wrong_and_are_json_documents_with_o_json() {
    let nodes = three_masters(None);
    let seed = nodes[0].addr();
    let target = nodes[1].id();
    let before = slot_counts(&nodes[0]).0;
    let reshard = |slots: &str, to: &str, extra: &[&str]| {
        let mut line = vec![
            "reshard", &seed, "--from", "all", "--to", to, "--slots", slots, "--yes",
        ];
        line.extend_from_slice(extra);
        rtrib_run(&line)
    };
    // --slots -5 and --slots 0: one message, the truth.
    for slots in ["-5", "0"] {
        let (code, _, stderr) = reshard(slots, &target, &[]);
        assert_eq!(code, Some(2), "{stderr}");
        assert!(
            stderr.contains(&format!(
                "`{slots}` is not a number of slots to move: write a whole number, 1 or more"
            )),
            "{stderr}"
        );
    }
    // An ID prefix too short to name a node says so, not "has no port".
    let (code, _, stderr) = reshard("10", &target[..4], &[]);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("is too short for a node ID prefix") && !stderr.contains("has no port"),
        "{stderr}"
    );
    // With -o json, the refusal is the error document on stdout, clap's errors too.
    for (slots, to, extra, says) in [
        (
            "10",
            target.as_str(),
            vec!["--timeout", "soon"],
            "not a duration",
        ),
        (
            "10",
            target.as_str(),
            vec!["--no-such-option"],
            "--no-such-option",
        ),
        ("0", target.as_str(), vec![], "1 or more"),
        ("10", &target[..4], vec![], "too short"),
    ] {
        let mut extra = extra.clone();
        extra.extend(["-o", "json"]);
        let (code, stdout, stderr) = reshard(slots, to, &extra);
        assert_eq!(code, Some(2), "{extra:?}: {stderr}");
        let document: serde_json::Value = serde_json::from_str(&stdout)
            .unwrap_or_else(|e| panic!("{extra:?}: {e}: {stdout:?} {stderr}"));
        assert_eq!(document["error"]["exit_code"], 2, "{document}");
        let message = document["error"]["message"].as_str().unwrap();
        assert!(message.contains(says), "{message}");
    }
    assert_eq!(slot_counts(&nodes[0]).0, before, "nothing moved");
    let (code, stdout, _) = rtrib_run(&["check", "-o", "json"]);
    assert_eq!(code, Some(2));
    let document: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(
        document["error"]["message"],
        "the following required arguments were not provided: <NODE>"
    );
    // Help is not an error: no document.
    let (code, stdout, _) = rtrib_run(&["reshard", "--help", "-o", "json"]);
    assert_eq!(code, Some(0));
    assert!(stdout.starts_with("Move exactly N slots"), "{stdout}");
}

#[test]
fn a_commands_help_lists_its_own_options_first_and_the_global_ones_under_headings() {
    let (code, help, _) = rtrib_run(&["reshard", "--help"]);
    assert_eq!(code, Some(0));
    let at = |text: &str| {
        help.find(text)
            .unwrap_or_else(|| panic!("{text:?} not in {help}"))
    };
    let own = [
        "--from <",
        "--to <",
        "--slots <",
        "--timeout <",
        "--migration <",
    ];
    let headings = [
        "Output options:",
        "Connection options:",
        "TLS options:",
        "DNS options:",
    ];
    let last_own = own.iter().map(|o| at(o)).max().unwrap();
    assert!(last_own < at(headings[0]), "{help}");
    for pair in headings.windows(2) {
        assert!(at(pair[0]) < at(pair[1]), "{help}");
    }
    for (option, heading) in [
        ("--pass <", "Connection options:"),
        ("--cacert <", "TLS options:"),
        ("--resolve-timeout <", "DNS options:"),
        ("--output <", "Output options:"),
    ] {
        let next = headings
            .iter()
            .map(|h| at(h))
            .filter(|&h| h > at(heading))
            .min()
            .unwrap_or(help.len());
        assert!(
            at(heading) < at(option) && at(option) < next,
            "{option} under {heading}: {help}"
        );
    }
}
