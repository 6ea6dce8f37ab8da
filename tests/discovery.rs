//! Finding the nodes in DNS: a headless Service's addresses (`--from-dns`, also Swarm's
//! `tasks.<service>`), SRV records (`--from-srv`), waiting for `--expect N`, and a predictable
//! order (pod ordinal, else address) so the same pods become masters every time.

use std::net::IpAddr;
use std::time::Duration;

use crate::support::cluster::parse_nodes;
use crate::support::pods::Pods;

const SERVICE: &str = "redis-service.dev.svc.cluster.local";
const SRV: &str = "_redis._tcp.redis-service.dev.svc.cluster.local";

/// The node numbers (in pod order) that own slots, with their first slot.
fn masters(pods: &Pods) -> Vec<(usize, String)> {
    let view = parse_nodes(&pods.nodes[0].cluster_nodes());
    let mut masters: Vec<(usize, String)> = pods
        .nodes
        .iter()
        .enumerate()
        .filter_map(|(i, node)| {
            let line = view.iter().find(|l| l.id == node.id())?;
            line.slots.first().map(|range| (i, range.clone()))
        })
        .collect();
    masters.sort();
    masters
}

#[test]
fn create_from_a_headless_service_waits_for_every_pod() {
    let pods = Pods::start(6);
    let ips: Vec<IpAddr> = pods.nodes.iter().map(|n| n.ip()).collect();
    pods.dns.set(SERVICE, &ips[..4]);
    let service = format!("{SERVICE}:6379");
    let output = std::thread::scope(|scope| {
        scope.spawn(|| {
            std::thread::sleep(Duration::from_millis(1500));
            pods.dns.set(SERVICE, &ips);
        });
        pods.rtrib()
            .args(["create", "--from-dns", &service, "--expect", "6"])
            .args(["--replicas", "1", "--yes"])
            .output()
            .unwrap()
    });
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    // Ordered by address: the three lowest addresses are the masters, in slot order.
    let mut by_address: Vec<usize> = (0..6).collect();
    by_address.sort_by_key(|&i| ips[i]);
    let expected: Vec<(usize, String)> = by_address[..3]
        .iter()
        .zip(["0-5460", "5461-10922", "10923-16383"])
        .map(|(&i, range)| (i, range.to_string()))
        .collect();
    let mut expected = expected;
    expected.sort();
    assert_eq!(masters(&pods), expected);
    assert_eq!(pods.nodes[0].cluster_info_field("cluster_state"), "ok");
}

#[test]
fn create_from_srv_records_puts_pods_in_ordinal_order() {
    let pods = Pods::start(6);
    let shuffled: Vec<(String, u16)> = [5, 2, 0, 4, 1, 3]
        .iter()
        .map(|&i| (Pods::fqdn(i), 6379))
        .collect();
    let targets: Vec<(&str, u16)> = shuffled.iter().map(|(t, p)| (t.as_str(), *p)).collect();
    pods.dns.set_srv(SRV, &targets);
    let output = pods
        .rtrib()
        .args([
            "create",
            "--from-srv",
            SRV,
            "--expect",
            "6",
            "--replicas",
            "1",
            "--yes",
        ])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        masters(&pods),
        [
            (0, "0-5460".to_string()),
            (1, "5461-10922".to_string()),
            (2, "10923-16383".to_string())
        ]
    );
    let first = format!(
        "M: {} {} ({}:6379)",
        pods.nodes[0].id(),
        Pods::fqdn(0),
        pods.nodes[0].ip()
    );
    assert!(stdout.contains(&first), "{stdout}");
    // The same discovery serves check and heal.
    pods.rtrib()
        .args(["check", "--from-srv", SRV])
        .assert()
        .code(0);
    pods.rtrib()
        .args(["heal", "--from-srv", SRV, "--expect", "6"])
        .assert()
        .code(0)
        .stdout(predicates::str::contains("nothing to heal"));
}

#[test]
fn more_or_fewer_nodes_than_expected_is_refused_before_any_change() {
    let pods = Pods::start(3);
    let ips: Vec<IpAddr> = pods.nodes.iter().map(|n| n.ip()).collect();
    pods.dns.set(SERVICE, &ips);
    let service = format!("{SERVICE}:6379");
    let too_few = pods
        .rtrib()
        .args(["create", "--from-dns", &service, "--expect", "4", "--yes"])
        .args(["--resolve-timeout", "1s"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&too_few.stderr);
    assert_eq!(too_few.status.code(), Some(4), "{stderr}");
    assert!(
        stderr.contains("found 3 node(s)") && stderr.contains("expected 4"),
        "{stderr}"
    );
    let too_many = pods
        .rtrib()
        .args(["create", "--from-dns", &service, "--expect", "2", "--yes"])
        .output()
        .unwrap();
    assert_eq!(too_many.status.code(), Some(5));
    for node in pods.nodes.iter() {
        assert_eq!(node.cluster_info_field("cluster_known_nodes"), "1");
    }
}

#[test]
fn check_from_dns_asks_the_first_node_that_answers() {
    let mut pods = Pods::start(3);
    let ips: Vec<IpAddr> = pods.nodes.iter().map(|n| n.ip()).collect();
    pods.dns.set(SERVICE, &ips);
    let service = format!("{SERVICE}:6379");
    pods.rtrib()
        .args(["create", "--from-dns", &service, "--yes"])
        .assert()
        .code(0);
    let lowest = (0..3).min_by_key(|&i| ips[i]).unwrap();
    pods.nodes[lowest].kill();
    let output = pods
        .rtrib()
        .args(["check", "--from-dns", &service])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    // The cluster is broken (a master is gone), but the check ran from another node.
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("is unreachable"), "{stdout}");
}
