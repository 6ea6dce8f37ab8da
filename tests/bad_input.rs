//! The bad input catalogue: malformed or hostile input of every kind gets a one-line error that
//! says what is wrong (and usually what to do), a non-zero exit status, and changes nothing in
//! the cluster — checked against every node's own view afterwards. Run with
//! `RTRIB_SHOW_ERRORS=1 cargo nextest run bad_input --no-capture` to read every message.

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::net::TcpListener;

use crate::support::cluster::{Layout, Nodes, NodesConfig, parse_nodes};
use crate::support::rtrib;

/// A TCP server on loopback that answers every request with `reply(request)`.
fn fake_server(reply: fn(&[u8]) -> Vec<u8>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            std::thread::spawn(move || {
                let mut buffer = [0u8; 4096];
                while let Ok(n) = stream.read(&mut buffer) {
                    if n == 0 || stream.write_all(&reply(&buffer[..n])).is_err() {
                        return;
                    }
                }
            });
        }
    });
    addr
}

/// Not Redis: an HTTP server's answer.
fn http(_: &[u8]) -> Vec<u8> {
    b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".to_vec()
}

/// A Redis still loading its data set: `-LOADING` for every command of the request.
fn loading(request: &[u8]) -> Vec<u8> {
    let commands = request
        .split(|&b| b == b'\n')
        .filter(|line| line.starts_with(b"*"))
        .count()
        .max(1);
    b"-LOADING Redis is loading the dataset in memory\r\n".repeat(commands)
}

/// What every node says about the cluster, for before/after comparisons.
fn state(nodes: &Nodes) -> Vec<(String, String, BTreeSet<String>)> {
    nodes
        .iter()
        .map(|node| {
            let views = parse_nodes(&node.cluster_nodes())
                .into_iter()
                .map(|l| format!("{} {} {:?}", l.id, l.master, l.slots))
                .collect();
            (
                node.cluster_info_field("cluster_current_epoch"),
                node.cmd_str(&["DBSIZE"]),
                views,
            )
        })
        .collect()
}

#[test]
fn bad_input_gets_a_one_line_error_a_non_zero_status_and_changes_nothing() {
    let cluster = Nodes::start(NodesConfig {
        count: 4,
        layout: Layout::Ports,
        ..NodesConfig::default()
    });
    cluster.form(3);
    let spare = Nodes::start(NodesConfig {
        count: 2,
        layout: Layout::Ports,
        ..NodesConfig::default()
    });
    spare[1].cmd(&["DEBUG", "POPULATE", "1", "leftover"]);
    let not_redis = fake_server(http);
    let still_loading = fake_server(loading);
    let (m0, m1, replica) = (cluster[0].addr(), cluster[1].addr(), cluster[3].addr());
    let (fresh, full) = (spare[0].addr(), spare[1].addr());
    let m1_id = cluster[1].id();
    let replica_id = cluster[3].id();
    let fresh_by_name = format!("localhost:{}", spare[0].port());
    let before = (state(&cluster), state(&spare));

    let cases: Vec<(Vec<&str>, i32)> = vec![
        (vec![], 2),
        (vec!["frobnicate"], 2),
        (vec!["check"], 2),
        (vec!["check", "redis-0"], 2),
        (vec!["check", "127.0.0.1:99999"], 2),
        (vec!["check", "127.0.0.1:0"], 2),
        (vec!["check", "::1:7000"], 2),
        (vec!["check", "[::1:7000"], 2),
        (vec!["check", "bad host:7000"], 2),
        (vec!["check", "127.0.0.1:7000@bus"], 2),
        (vec!["check", &m0, "--resolve-timeout", "soon"], 2),
        (vec!["check", &m0, "--connect-timeout", "-1s"], 2),
        (vec!["check", &m0, "--dns-server", "not-an-ip"], 2),
        (vec!["check", &m0, "--output", "yaml"], 2),
        (vec!["check", &m0, "--pass-file", "/nonexistent/secret"], 2),
        (
            vec!["check", &m0, "--tls", "--cacert", "/nonexistent/ca.pem"],
            2,
        ),
        (vec!["check", &m0, "--cert", "client.pem"], 2),
        (vec!["check", &m0, "--pass", "not-the-password"], 3),
        (vec!["check", &not_redis], 3),
        (vec!["check", &still_loading], 3),
        (vec!["create", &fresh, &fresh], 2),
        (
            vec!["create", &fresh, &fresh_by_name, "--allow-few-masters"],
            2,
        ),
        (vec!["create", "--replicas", "-1", &fresh], 2),
        (
            vec!["create", "--replicas", "99999999999999999999", &fresh],
            2,
        ),
        (vec!["create", "--replicas", "1", &fresh], 2),
        (vec!["create", &fresh, &full], 2),
        (vec!["create", "--host-of", "garbage", &fresh], 2),
        (
            vec![
                "create",
                "--host-of",
                "nobody=zone-a",
                &fresh,
                &full,
                "--allow-few-masters",
            ],
            2,
        ),
        (
            vec!["create", &fresh, &full, "--allow-few-masters", "--yes"],
            5,
        ),
        (
            vec!["create", &m0, &fresh, "--allow-few-masters", "--yes"],
            6,
        ),
        (vec!["del-node", &m0, "deadbeefdead"], 2),
        (vec!["del-node", &m0, "abc"], 2),
        (vec!["del-node", &m0, &m1], 5),
        (vec!["forget", &m0, &m0], 2),
        (vec!["add-node", &fresh, &m0, "--master-id", &m1_id], 2),
        (
            vec![
                "add-node",
                &fresh,
                &m0,
                "--replica",
                "--master-id",
                &replica_id,
            ],
            2,
        ),
        (vec!["add-node", &full, &m0], 5),
        (
            vec!["replicate", "--master-addr", &m0, "--slave-addr", &m0],
            2,
        ),
        (
            vec![
                "replicate",
                "--master-addr",
                &replica,
                "--slave-addr",
                &fresh,
            ],
            5,
        ),
        (vec!["set-timeout", &m0, "99"], 2),
        (vec!["set-timeout", &m0, "-5"], 2),
        (vec!["set-timeout", &m0, "soon"], 2),
        (vec!["wait", &m0, "--for", "bogus"], 2),
        (vec!["call", &m0], 2),
        (vec!["sandbox", "--base-port", "60000"], 2),
        (
            vec![
                "reshard", &m0, "--from", "all", "--to", &m1_id, "--slots", "-5",
            ],
            2,
        ),
        (
            vec![
                "reshard", &m0, "--from", "all", "--to", &m1_id, "--slots", "0", "--yes",
            ],
            2,
        ),
        (
            vec![
                "reshard",
                &m0,
                "--from",
                "all",
                "--to",
                &m1_id,
                "--slots",
                "99999999999",
            ],
            5,
        ),
        (
            vec![
                "reshard", &m0, "--from", "all", "--to", &m1_id, "--slots", "20000", "--yes",
            ],
            5,
        ),
        (
            vec![
                "reshard",
                &m0,
                "--from",
                "all",
                "--to",
                &replica_id,
                "--slots",
                "10",
                "--yes",
            ],
            2,
        ),
        (
            vec![
                "reshard",
                &m0,
                "--from",
                "cafebabe00",
                "--to",
                &m1_id,
                "--slots",
                "10",
                "--yes",
            ],
            2,
        ),
        (vec!["rebalance", &m0, "--weight", "abc"], 2),
        (vec!["rebalance", &m0, "--weight", "cafebabe00=-1"], 2),
        (vec!["rebalance", &m0, "--threshold", "-3"], 2),
    ];
    assert!(cases.len() >= 30);
    let mut report = String::new();
    let mut wrong = Vec::new();
    for (args, expected) in &cases {
        let output = rtrib().args(args).output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        let first = stderr.lines().next().unwrap_or_default();
        report.push_str(&format!(
            "{args:?} -> {:?}\n    {first}\n",
            output.status.code()
        ));
        // With no arguments at all, the whole help is the answer.
        let explained = args.is_empty() && stderr.contains("Usage:")
            || first.starts_with("error: ") && first.len() > 25;
        // Progress steps may come before a refusal; nothing else may reach stdout.
        let stdout = String::from_utf8_lossy(&output.stdout);
        let only_steps = stdout.lines().all(|line| line.starts_with(">>> "));
        if output.status.code() != Some(*expected) || !explained || !only_steps {
            wrong.push(format!(
                "{args:?}: {:?}, expected {expected}: {stderr}",
                output.status.code()
            ));
        }
    }
    if std::env::var_os("RTRIB_SHOW_ERRORS").is_some() {
        eprintln!("{report}");
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    assert_eq!(
        before,
        (state(&cluster), state(&spare)),
        "bad input changed the cluster"
    );
}
