//! Passwords reach rtrib by flag, file or environment, and never leave it: no output, log line
//! (-vvv), error or JSON document contains them.

use crate::support::cluster::{Layout, Nodes, NodesConfig};
use crate::support::rtrib;

const SECRET: &str = "Sup3r-S3cret-Value";
const WRONG: &str = "Wr0ng-Guess-Value";

#[test]
fn every_password_source_works_and_no_output_shows_the_password() {
    let nodes = Nodes::start(NodesConfig {
        count: 3,
        layout: Layout::Ports,
        password: Some(SECRET.into()),
        ..NodesConfig::default()
    });
    nodes.form(3);
    let dir = tempfile::tempdir().unwrap();
    let secret_file = dir.path().join("password");
    std::fs::write(&secret_file, format!("{SECRET}\r\n")).unwrap();
    let seed = nodes[0].addr();
    let nowhere = format!("127.0.0.1:{}", crate::support::cluster::free_port());

    let mut runs: Vec<(&str, i32, assert_cmd::Command)> = Vec::new();
    let mut add = |label, code, build: &dyn Fn(&mut assert_cmd::Command)| {
        let mut command = rtrib();
        build(&mut command);
        runs.push((label, code, command));
    };
    add("--pass-file with CRLF", 0, &|c| {
        c.args(["check", &seed, "-vvv", "--pass-file"])
            .arg(&secret_file);
    });
    add("RTRIB_PASS, json", 0, &|c| {
        c.env("RTRIB_PASS", SECRET)
            .args(["check", &seed, "-o", "json", "-vvv"]);
    });
    add("REDISCLI_AUTH", 0, &|c| {
        c.env("REDISCLI_AUTH", SECRET).args(["info", &seed, "-vv"]);
    });
    add("-a, redis-cli style", 0, &|c| {
        c.args(["-a", SECRET, "check", &seed]);
    });
    add("wrong password", 3, &|c| {
        c.args(["check", &seed, "--pass", WRONG, "-vvv", "-o", "json"]);
    });
    add("nothing listening", 3, &|c| {
        c.args(["check", &nowhere, "-a", SECRET, "-vvv", "-o", "json"]);
    });
    add("create on a formed cluster", 0, &|c| {
        c.env("RTRIB_PASS", SECRET)
            .arg("create")
            .args(nodes.addrs())
            .args(["--yes", "-vvv"]);
    });
    for (label, expected, mut command) in runs {
        let output = command.output().unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(
            output.status.code(),
            Some(expected),
            "{label}: {stdout}{stderr}"
        );
        for secret in [SECRET, WRONG] {
            assert!(
                !stdout.contains(secret),
                "{label}: stdout shows a password:\n{stdout}"
            );
            assert!(
                !stderr.contains(secret),
                "{label}: stderr shows a password:\n{stderr}"
            );
        }
    }
}

#[test]
fn an_unreadable_pass_file_is_a_usage_error_naming_the_file() {
    let output = rtrib()
        .args([
            "check",
            "127.0.0.1:7000",
            "--pass-file",
            "/nonexistent/secret",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("/nonexistent/secret"), "{stderr}");
}
