//! Confirmation and passwords as redis-cli handles them: `create`, `reshard` and `fix` ask and
//! read end of input as no (exit 1, nothing changed); `rebalance` asks only on a terminal and
//! otherwise proceeds; `--askpass` and `--from-askpass` read a password on a terminal without
//! echoing it, and are a usage error without one. Terminals come from python3's `pty` module.

use std::time::Duration;

use crate::migrate::{assert_keys, run, slot_counts};
use crate::support::cluster::{Nodes, NodesConfig, RedisNode, join_by_meet, wait_until};
use crate::support::terminal::run_on_terminal;
use crate::support::{combined_output, rtrib};

/// Every node's own view: slots per master ID, and whether a slot is open.
fn views(nodes: &[&RedisNode]) -> Vec<(std::collections::HashMap<String, usize>, bool)> {
    nodes.iter().map(|node| slot_counts(node)).collect()
}

#[test]
fn end_of_input_declines_create_reshard_and_fix_and_changes_nothing() {
    let fresh = Nodes::on_ports(3);
    let (code, stdout, stderr) = run(&[
        "create",
        &fresh[0].addr(),
        &fresh[1].addr(),
        &fresh[2].addr(),
    ]);
    assert_eq!(code, Some(1), "{stdout}{stderr}");
    assert!(
        stderr.contains("Can I set the above configuration?"),
        "{stderr}"
    );
    assert!(stderr.contains("nothing was changed"), "{stderr}");
    for node in fresh.iter() {
        assert_eq!(node.cluster_info_field("cluster_known_nodes"), "1");
        assert_eq!(node.cluster_info_field("cluster_slots_assigned"), "0");
    }

    let nodes = Nodes::on_ports(3);
    nodes.form(3);
    nodes.fill_keys(1000);
    let all: Vec<&RedisNode> = nodes.iter().collect();
    let before = views(&all);
    let (seed, to) = (nodes[0].addr(), nodes[1].id());
    let (code, stdout, stderr) = run(&[
        "reshard", &seed, "--from", "all", "--to", &to, "--slots", "100",
    ]);
    assert_eq!(code, Some(1), "{stdout}{stderr}");
    assert!(
        stderr.contains("Do you want to proceed with the proposed reshard plan?"),
        "{stderr}"
    );
    assert_eq!(views(&all), before);
    assert_keys(&all, 1000);

    let slot = "42";
    nodes[0].cmd(&["CLUSTER", "SETSLOT", slot, "MIGRATING", &nodes[1].id()]);
    let (code, stdout, stderr) = run(&["fix", &seed]);
    assert_eq!(code, Some(1), "{stdout}{stderr}");
    assert!(stderr.contains("Fix these slots as above?"), "{stderr}");
    assert!(nodes[0].cluster_nodes().contains("[42->-"), "still open");
    assert_keys(&all, 1000);
}

#[test]
fn rebalance_asks_on_a_terminal_and_proceeds_without_one() {
    let nodes = Nodes::on_ports(3);
    nodes.form(3);
    nodes.fill_keys(2000);
    let empty = Nodes::on_ports(1);
    let all: Vec<&RedisNode> = nodes.iter().chain(empty.iter()).collect();
    join_by_meet(&empty[0], &nodes[0], &all);
    let before = views(&all);
    let binary = env!("CARGO_BIN_EXE_rtrib");
    let seed = nodes[0].addr();

    // On a terminal it asks, and 'n' changes nothing.
    let (code, transcript) = run_on_terminal(
        &[binary, "rebalance", &seed, "--use-empty-masters"],
        &[],
        &[("Can I move the above slots?", "n")],
    );
    assert_eq!(code, 1, "{transcript}");
    assert_eq!(views(&all), before, "{transcript}");

    // Without a terminal and without --yes it proceeds, as redis-cli's rebalance does.
    let (code, stdout, stderr) = run(&["rebalance", &seed, "--use-empty-masters"]);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert!(!stderr.contains("Can I move"), "{stderr}");
    let new = empty[0].id();
    let balanced = wait_until(Duration::from_secs(10), || {
        all.iter().all(|node| {
            let (counts, open) = slot_counts(node);
            !open && counts.len() == 4 && counts.values().all(|&c| c == 4096)
        })
    });
    assert!(balanced, "{:?}", views(&all));
    assert_eq!(slot_counts(&empty[0]).0[&new], 4096);
    assert_keys(&all, 2000);
}

#[test]
fn passwords_are_asked_on_a_terminal_without_echo_and_refused_without_one() {
    let secured = |count, cluster_enabled, password: &str| {
        Nodes::start(NodesConfig {
            count,
            cluster_enabled,
            password: Some(password.to_string()),
            ..NodesConfig::default()
        })
    };
    let cluster = secured(3, true, "cluster-secret");
    cluster.form(3);
    let source = secured(1, false, "source-secret");
    source[0].cmd(&["DEBUG", "POPULATE", "50", "imported"]);
    let binary = env!("CARGO_BIN_EXE_rtrib");
    let (seed, from) = (cluster[0].addr(), source[0].addr());

    // Without a terminal: a usage error, nothing imported.
    let (code, said) = combined_output(
        rtrib()
            .args(["import", "--askpass", &seed, "--from", &from, "--copy"])
            .write_stdin("cluster-secret\n"),
    );
    assert_eq!(code, Some(2), "{said}");
    assert!(
        said.contains("--askpass asks for the password on a terminal"),
        "{said}"
    );
    let (code, said) = combined_output(
        rtrib()
            .args([
                "import",
                &seed,
                "--cluster-from",
                &from,
                "--cluster-from-askpass",
            ])
            .args(["--pass", "cluster-secret", "--cluster-copy"]),
    );
    assert_eq!(code, Some(2), "{said}");
    assert!(
        said.contains("--from-askpass asks for the password on a terminal"),
        "{said}"
    );
    assert_eq!(cluster.key_count(), 0);

    // On a terminal: both passwords are asked for, neither is shown, and the keys move.
    let (code, transcript) = run_on_terminal(
        &[
            binary,
            "import",
            "--askpass",
            &seed,
            "--from",
            &from,
            "--from-askpass",
            "--copy",
        ],
        &[],
        &[
            ("Please input password", "cluster-secret\n"),
            (
                "Please input import source node password",
                "source-secret\n",
            ),
        ],
    );
    assert_eq!(code, 0, "{transcript}");
    assert!(
        !transcript.contains("cluster-secret") && !transcript.contains("source-secret"),
        "a password was echoed: {transcript}"
    );
    assert_eq!(cluster.key_count(), 50);
    assert_eq!(source[0].cmd_str(&["DBSIZE"]), "50");
}
