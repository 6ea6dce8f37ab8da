//! What long commands say while they run, on stderr: progress lines when stderr is not a
//! terminal (a Job's log), none with `-q`; a wait for a name that does not resolve announced
//! as it begins; and Ctrl-C during a per-key reshard, which finishes the slots in flight,
//! says what moved and leaves the rest to a re-run (exit 130), on every server.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use serde_json::Value as Json;

use crate::converge::agreed_slot_counts;
use crate::migrate::{STATE, expect, reshard_line, slot_counts};
use crate::restore::{cluster, standalone};
use crate::support::cluster::{Layout, Nodes, NodesConfig, wait_until};
use crate::support::pods::Pods;
use crate::support::rtrib;
use crate::support::servers::{Server, on_every_server};

/// Progress lines every 20 ms instead of 5 s (`RTRIB_PROGRESS_EVERY`): the moves of these
/// tests last less than 5 s, which prints no line at all.
const OFTEN: (&str, &str) = ("RTRIB_PROGRESS_EVERY", "20ms");

/// Runs rtrib as `run` does, with progress lines [`OFTEN`].
fn run_reporting_often(args: &[&str]) -> (Option<i32>, String, String) {
    let output = rtrib()
        .env("XDG_STATE_HOME", STATE)
        .env(OFTEN.0, OFTEN.1)
        .args(args)
        .output()
        .unwrap();
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// `count` keys with values.
fn pairs(count: usize) -> Vec<(String, String)> {
    (0..count)
        .map(|i| (format!("progress:{i}"), format!("value-{i}")))
        .collect()
}

/// The `progress: ` lines of `stderr`, each checked for its shape: `D/D slots, D keys` (or
/// `D/D keys`), `D keys/s`, and the time left or taken.
fn progress_lines(stderr: &str, unit: &str) -> Vec<String> {
    let lines: Vec<String> = stderr
        .lines()
        .filter_map(|line| line.strip_prefix("progress: "))
        .map(str::to_string)
        .collect();
    let number = |word: &str| !word.is_empty() && word.chars().all(|c| c.is_ascii_digit());
    for line in &lines {
        let parts: Vec<&str> = line.split(", ").collect();
        let (counted, rest) = match unit {
            "slots" => (&parts[..2], &parts[2..]),
            _ => (&parts[..1], &parts[1..]),
        };
        let (done, of) = counted[0]
            .strip_suffix(&format!(" {unit}"))
            .and_then(|fraction| fraction.split_once('/'))
            .unwrap_or_else(|| panic!("{line}"));
        assert!(number(done) && number(of), "{line}");
        if unit == "slots" {
            let keys = counted[1].strip_suffix(" keys");
            assert!(keys.is_some_and(number), "{line}");
        }
        let rate = rest[0].strip_suffix(" keys/s");
        assert!(rate.is_some_and(number), "{line}");
        let when = rest[1];
        assert!(
            when.ends_with(" left")
                || when == "time left not known yet"
                || when.starts_with("finished after ")
                || when.starts_with("stopped after "),
            "{line}"
        );
    }
    lines
}

/// A reshard with stderr piped prints progress lines, the last one with every slot and the
/// keys the report counts; with `-q`, none. Every key keeps its value.
#[test]
fn a_reshard_without_a_terminal_prints_progress_lines_and_none_with_quiet() {
    const KEYS: usize = 3000;
    let nodes = Nodes::on_ports(3);
    nodes.form(3);
    let pairs = pairs(KEYS);
    nodes.set_keys(&pairs);
    let (a, c) = (&nodes[0], &nodes[2]);
    let before = agreed_slot_counts(&nodes);

    let mut args = reshard_line(a, c, "500");
    args.extend(["-o", "json"].map(str::to_string));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (code, stdout, stderr) = run_reporting_often(&args);
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    let document: Json = serde_json::from_str(&stdout).unwrap();
    let lines = progress_lines(&stderr, "slots");
    let last = lines
        .last()
        .unwrap_or_else(|| panic!("no progress line: {stderr}"));
    let keys = document["keys_moved"].as_u64().unwrap();
    assert!(keys > 0, "{document:#}");
    assert!(
        last.starts_with(&format!("500/500 slots, {keys} keys, ")),
        "{last}"
    );
    assert!(last.contains(", finished after "), "{last}");
    assert_eq!(agreed_slot_counts(&nodes)[&c.id()], before[&c.id()] + 500);
    nodes.assert_values(&pairs);

    let mut args = reshard_line(a, c, "500");
    args.push("-q".to_string());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (code, stdout, stderr) = run_reporting_often(&args);
    assert_eq!(code, Some(0), "{stdout}\n{stderr}");
    assert!(progress_lines(&stderr, "slots").is_empty(), "{stderr}");
    assert!(!stderr.contains("waiting up to"), "{stderr}");
    assert_eq!(agreed_slot_counts(&nodes)[&c.id()], before[&c.id()] + 1000);
    nodes.assert_values(&pairs);
}

/// `import` with stderr piped counts keys: its last line has every key of the source.
#[test]
fn an_import_without_a_terminal_prints_progress_lines() {
    const KEYS: usize = 2000;
    let cluster = Nodes::on_ports(3);
    cluster.form(3);
    let source = Nodes::start(NodesConfig {
        count: 1,
        cluster_enabled: false,
        ..NodesConfig::default()
    });
    let pairs = pairs(KEYS);
    let mut pipe = redis::pipe();
    for (key, value) in &pairs {
        pipe.cmd("SET").arg(key).arg(value).ignore();
    }
    source[0].with_conn(|conn| pipe.exec(conn)).unwrap();
    // A line every millisecond: the import of 2000 keys can take less than 20 ms.
    let output = rtrib()
        .env(OFTEN.0, "1ms")
        .args(["import", &cluster[0].addr(), "--from", &source[0].addr()])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    let lines = progress_lines(&stderr, "keys");
    let last = lines
        .last()
        .unwrap_or_else(|| panic!("no progress line: {stderr}"));
    assert!(last.starts_with(&format!("{KEYS}/{KEYS} keys, ")), "{last}");
    assert!(last.contains(", finished after "), "{last}");
    cluster.assert_values(&pairs);
}

/// `restore` with stderr piped says how much of its source it has read before it writes
/// anything (bytes of all files, the last line at the whole size), then counts keys.
#[test]
fn a_restore_without_a_terminal_prints_its_reading_then_its_keys() {
    const KEYS: usize = 5000;
    let source = standalone(Server::Redis7_0);
    let pairs = pairs(KEYS);
    let mut pipe = redis::pipe();
    for (key, value) in &pairs {
        pipe.cmd("SET").arg(key).arg(value).ignore();
    }
    source[0].with_conn(|conn| pipe.exec(conn)).unwrap();
    source[0].cmd(&["SAVE"]);
    let file = source[0].dir().join("dump.rdb");
    let size = std::fs::metadata(&file).unwrap().len();
    let target = cluster(Server::Redis7_0, 2);
    let output = rtrib()
        .env(OFTEN.0, "1ms")
        .args(["restore", file.to_str().unwrap(), &target[0].addr()])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    let reading: Vec<&str> = stderr
        .lines()
        .filter(|line| line.starts_with("progress: ") && line.contains(" read, "))
        .collect();
    let last = reading
        .last()
        .unwrap_or_else(|| panic!("no reading line: {stderr}"));
    let whole = format!("/{size} B read, ");
    let whole_kib = format!("/{:.1} KiB read, ", size as f64 / 1024.0);
    assert!(last.contains(&whole) || last.contains(&whole_kib), "{last}");
    assert!(last.contains(", finished after "), "{last}");
    let writing: Vec<&str> = stderr
        .lines()
        .filter(|line| !reading.contains(line))
        .collect();
    let keys = progress_lines(&writing.join("\n"), "keys");
    assert!(
        keys.last()
            .is_some_and(|line| line.starts_with(&format!("{KEYS}/{KEYS} keys, "))),
        "{stderr}"
    );
    target.assert_values(&pairs);
}

/// A node named before its pod is in DNS: the wait, its bound and the DNS answer are on stderr
/// while rtrib waits (read before the name exists), and once the pod appears rtrib says so and
/// goes on.
#[test]
fn a_name_that_does_not_resolve_yet_is_announced_at_once() {
    let pods = Pods::start(3);
    pods.nodes.form(3);
    let name = Pods::fqdn(2);
    pods.dns.remove(&name);
    let mut child = Command::new(env!("CARGO_BIN_EXE_rtrib"))
        .envs(pods.resolver_env())
        .args(["check", &format!("{name}:6379"), "--resolve-timeout", "60s"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut first = String::new();
    stderr.read_line(&mut first).unwrap();
    assert_eq!(
        first.trim_end(),
        format!("waiting up to 60s for {name} to resolve (NXDOMAIN so far)")
    );
    pods.dns.set(&name, &[pods.nodes[2].ip()]);
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut rest).unwrap();
    let output = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        rest.starts_with(&format!("done waiting for {name} to resolve after ")),
        "{rest}"
    );
    assert!(stdout.contains("[OK] All 16384 slots covered."), "{stdout}");
}

on_every_server! {
    /// Ctrl-C during a per-key reshard of many slots: no new slot starts, the slots in flight
    /// finish, the report says how many moved and that a re-run moves the rest (exit 130); no
    /// slot is left open on any node and no key is lost. The re-run resumes exactly the rest.
    fn ctrl_c_during_a_per_key_reshard_leaves_no_slot_open(server) {
        const KEYS: usize = 20000;
        const SLOTS: usize = 2000;
        let nodes = Nodes::start(NodesConfig::on(server, 3, Layout::Ports));
        nodes.form(3);
        let pairs = pairs(KEYS);
        nodes.set_keys(&pairs);
        let (a, c) = (&nodes[0], &nodes[2]);
        let before = agreed_slot_counts(&nodes)[&c.id()];
        // One slot at a time, so that thousands are still to go when Ctrl-C comes.
        let mut args = reshard_line(a, c, &SLOTS.to_string());
        args.extend(["--migration", "keys", "--parallel", "1", "--pipeline", "10"].map(str::to_string));
        let child = Command::new(env!("CARGO_BIN_EXE_rtrib"))
            .env("XDG_STATE_HOME", STATE)
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let moving = wait_until(Duration::from_secs(30), || {
            slot_counts(c).0.get(&c.id()).is_some_and(|&n| n > before)
        });
        assert!(moving, "no slot reached {}", c.addr());
        unsafe { libc::kill(child.id() as i32, libc::SIGINT) };
        let output = child.wait_with_output().unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(130), "{stdout}\n{stderr}");
        assert!(stderr.contains("interrupted: no new slot starts"), "{stderr}");
        let report = stdout
            .lines()
            .find_map(|line| line.strip_prefix("[WARNING] Interrupted (Ctrl-C): "))
            .unwrap_or_else(|| panic!("{stdout}"));
        let moved: usize = report.split(' ').next().unwrap().parse().unwrap();
        assert!(
            report.contains(&format!("{} not started; no slot is left open", SLOTS - moved)),
            "{report}"
        );
        for node in &nodes {
            assert!(!slot_counts(node).1, "{} has an open slot", node.addr());
        }
        assert_eq!(agreed_slot_counts(&nodes)[&c.id()], before + moved);
        nodes.assert_values(&pairs);
        assert_eq!(nodes.key_count(), KEYS);

        // The re-run need not go one slot at a time: the journal holds the request, not how.
        let args = reshard_line(a, c, &SLOTS.to_string());
        let mut args: Vec<&str> = args.iter().map(String::as_str).collect();
        args.extend(["--migration", "keys"]);
        let out = expect(0, &args);
        assert!(
            out.contains(&format!(
                "Resuming an interrupted reshard: {} of its {SLOTS} slots left",
                SLOTS - moved
            )),
            "{out}"
        );
        assert_eq!(agreed_slot_counts(&nodes)[&c.id()], before + SLOTS);
        nodes.assert_values(&pairs);
        assert_eq!(nodes.key_count(), KEYS);
    }
}
