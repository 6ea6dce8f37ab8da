//! Name resolution through the library API against the fake DNS server.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use hickory_resolver::TokioResolver;
use hickory_resolver::config::{ConnectionConfig, NameServerConfig, ResolverConfig};
use hickory_resolver::net::runtime::TokioRuntimeProvider;
use rtrib::net::addr::NodeAddr;
use rtrib::net::resolve::{AddressFamily, NameResolver, ResolveError, ResolverSettings};
use tempfile::TempDir;

use crate::support::dns::{FakeDns, KUBERNETES_SEARCH};

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

fn node(s: &str) -> NodeAddr {
    s.parse().unwrap()
}

/// A resolver that asks `dns`, with no search domains, both families and a 5 s deadline.
fn resolver(dns: &FakeDns) -> NameResolver {
    dns.resolver(&[], 1, AddressFamily::Any, Duration::from_secs(5))
}

/// The queried names with consecutive repeats (A then AAAA) folded.
fn distinct_queries(dns: &FakeDns) -> Vec<String> {
    let mut names = dns.queries();
    names.dedup();
    names
}

#[tokio::test]
async fn fqdn_resolves() {
    let dns = FakeDns::start();
    dns.set("redis-0.redis.example.test", &[ip("10.1.0.1")]);
    dns.set("tasks.mystack_redis", &[ip("10.1.0.9")]);
    let resolver = resolver(&dns);

    // Swarm service names may contain underscores.
    let swarm = resolver
        .resolve(&node("tasks.mystack_redis:6379"))
        .await
        .unwrap();
    assert_eq!(swarm.to_string(), "tasks.mystack_redis (10.1.0.9:6379)");

    for typed in [
        "redis-0.redis.example.test:6379",
        "redis-0.redis.example.test.:6379",
        "REDIS-0.redis.example.test:6379",
    ] {
        let endpoint = resolver.resolve(&node(typed)).await.unwrap();
        assert_eq!(
            endpoint.addr,
            "10.1.0.1:6379".parse::<SocketAddr>().unwrap()
        );
        let expected = typed.trim_end_matches(":6379").trim_end_matches('.');
        assert_eq!(endpoint.name.as_deref(), Some(expected));
    }
    assert_eq!(
        resolver
            .resolve(&node("redis-0.redis.example.test.:6379"))
            .await
            .unwrap()
            .to_string(),
        "redis-0.redis.example.test (10.1.0.1:6379)"
    );
}

#[tokio::test]
async fn short_name_goes_through_the_search_list() {
    let dns = FakeDns::start();
    dns.set(
        "redis-app-0.redis-service.svc.cluster.local",
        &[ip("10.1.0.2")],
    );
    let resolver = dns.resolver(
        KUBERNETES_SEARCH,
        5,
        AddressFamily::Any,
        Duration::from_secs(5),
    );

    let endpoint = resolver
        .resolve(&node("redis-app-0.redis-service:6379"))
        .await
        .unwrap();
    assert_eq!(
        endpoint.addr,
        "10.1.0.2:6379".parse::<SocketAddr>().unwrap()
    );
    assert_eq!(endpoint.name.as_deref(), Some("redis-app-0.redis-service"));
    assert_eq!(
        distinct_queries(&dns),
        [
            "redis-app-0.redis-service.dev.svc.cluster.local",
            "redis-app-0.redis-service.svc.cluster.local",
        ]
    );
}

#[tokio::test]
async fn name_with_more_dots_than_ndots_is_tried_as_is_first() {
    let dns = FakeDns::start();
    dns.set("redis-0.redis.dev.svc.cluster.local", &[ip("10.1.0.3")]);
    let resolver = dns.resolver(
        KUBERNETES_SEARCH,
        2,
        AddressFamily::Any,
        Duration::from_secs(5),
    );

    resolver
        .resolve(&node("redis-0.redis.dev.svc.cluster.local:6379"))
        .await
        .unwrap();
    assert_eq!(
        distinct_queries(&dns),
        ["redis-0.redis.dev.svc.cluster.local"]
    );
}

#[tokio::test]
async fn trailing_dot_skips_the_search_list() {
    let dns = FakeDns::start();
    let resolver = dns.resolver(
        KUBERNETES_SEARCH,
        5,
        AddressFamily::Any,
        Duration::from_millis(300),
    );

    let err = resolver.resolve(&node("redis-0.:6379")).await.unwrap_err();
    assert!(matches!(err, ResolveError::NeverResolved { .. }), "{err}");
    assert!(
        dns.queries().iter().all(|name| name == "redis-0"),
        "{:?}",
        dns.queries()
    );
}

#[tokio::test]
async fn name_that_appears_late_resolves_before_the_deadline() {
    let dns = Arc::new(FakeDns::start());
    let resolver = dns.resolver(&[], 1, AddressFamily::Any, Duration::from_secs(10));
    let publisher = tokio::spawn({
        let dns = Arc::clone(&dns);
        async move {
            tokio::time::sleep(Duration::from_millis(1500)).await;
            dns.set("late.example.test", &[ip("10.1.0.4")]);
        }
    });

    let start = Instant::now();
    let endpoint = resolver
        .resolve(&node("late.example.test:7000"))
        .await
        .unwrap();
    let waited = start.elapsed();
    publisher.await.unwrap();
    assert_eq!(
        endpoint.addr,
        "10.1.0.4:7000".parse::<SocketAddr>().unwrap()
    );
    assert!(waited >= Duration::from_millis(1400), "{waited:?}");
    assert!(waited < Duration::from_secs(4), "{waited:?}");
    // Negative answers were not served from the cache: the name was asked again and again.
    let asked = dns
        .queries()
        .iter()
        .filter(|name| *name == "late.example.test")
        .count();
    assert!(asked >= 6, "asked {asked} times");
}

#[tokio::test]
async fn name_that_never_resolves_fails_at_the_deadline() {
    let dns = FakeDns::start();
    let resolver = dns.resolver(&[], 1, AddressFamily::Any, Duration::from_secs(1));

    let start = Instant::now();
    let err = resolver
        .resolve(&node("redis-app-9.redis-service:6379"))
        .await
        .unwrap_err();
    let elapsed = start.elapsed();
    assert!(elapsed >= Duration::from_millis(900), "{elapsed:?}");
    assert!(elapsed < Duration::from_millis(2500), "{elapsed:?}");
    let ResolveError::NeverResolved {
        host,
        waited,
        last_error,
    } = &err
    else {
        panic!("unexpected error: {err}");
    };
    assert_eq!(host, "redis-app-9.redis-service");
    assert!(*waited >= Duration::from_millis(900), "{waited:?}");
    assert!(last_error.contains("NXDOMAIN"), "{last_error}");
    let message = err.to_string();
    assert!(
        message.starts_with("name redis-app-9.redis-service did not resolve within 1"),
        "{message}"
    );
    assert!(message.contains("--dns-server"), "{message}");
}

#[tokio::test]
async fn ip_literals_send_no_query() {
    let dns = FakeDns::start();
    let resolver = resolver(&dns);

    let v4 = resolver
        .resolve(&node("10.0.0.1:7000@17000"))
        .await
        .unwrap();
    assert_eq!(v4.name, None);
    assert_eq!(v4.addr, "10.0.0.1:7000".parse::<SocketAddr>().unwrap());
    let v6 = resolver.resolve(&node("[fd00::1]:7000")).await.unwrap();
    assert_eq!(v6.name, None);
    assert_eq!(v6.addr, "[fd00::1]:7000".parse::<SocketAddr>().unwrap());
    assert_eq!(
        resolver.lookup_all("10.0.0.2").await.unwrap(),
        [ip("10.0.0.2")]
    );
    assert!(dns.queries().is_empty(), "{:?}", dns.queries());
}

#[tokio::test]
async fn invalid_name_fails_at_once() {
    let dns = FakeDns::start();
    let resolver = resolver(&dns);

    let err = resolver
        .lookup_all("redis..example.test")
        .await
        .unwrap_err();
    assert!(matches!(err, ResolveError::BadName { .. }), "{err}");
    assert!(dns.queries().is_empty(), "{:?}", dns.queries());
}

#[tokio::test]
async fn address_family_selects_the_records() {
    let dns = FakeDns::start();
    dns.set("dual.example.test", &[ip("fd00::5"), ip("10.1.0.5")]);
    dns.set("v6only.example.test", &[ip("fd00::6")]);
    let with = |family| dns.resolver(&[], 1, family, Duration::from_millis(500));

    let any = with(AddressFamily::Any);
    let v4 = with(AddressFamily::V4);
    let v6 = with(AddressFamily::V6);
    let dual = node("dual.example.test:6379");
    assert_eq!(any.resolve(&dual).await.unwrap().addr.ip(), ip("10.1.0.5"));
    assert_eq!(v4.resolve(&dual).await.unwrap().addr.ip(), ip("10.1.0.5"));
    assert_eq!(v6.resolve(&dual).await.unwrap().addr.ip(), ip("fd00::5"));

    let v6only = node("v6only.example.test:6379");
    assert_eq!(any.resolve(&v6only).await.unwrap().addr.ip(), ip("fd00::6"));
    assert_eq!(v6.resolve(&v6only).await.unwrap().addr.ip(), ip("fd00::6"));
    let err = v4.resolve(&v6only).await.unwrap_err();
    assert!(matches!(err, ResolveError::NeverResolved { .. }), "{err}");

    assert_eq!(
        any.lookup_all("dual.example.test").await.unwrap(),
        [ip("10.1.0.5"), ip("fd00::5")]
    );
    assert_eq!(
        v6.lookup_all("dual.example.test").await.unwrap(),
        [ip("fd00::5")]
    );
}

#[tokio::test]
async fn resolve_all_resolves_names_concurrently_in_order() {
    let dns = Arc::new(FakeDns::start());
    let resolver = dns.resolver(&[], 1, AddressFamily::Any, Duration::from_secs(10));
    let names: Vec<String> = (0..4).map(|i| format!("redis-{i}.example.test")).collect();
    let nodes: Vec<NodeAddr> = names
        .iter()
        .map(|name| node(&format!("{name}:6379")))
        .chain([node("10.9.9.9:6379")])
        .collect();
    // The names appear only after a second. Had they been resolved one after the other, only
    // the first would have been asked for by then.
    let publisher = tokio::spawn({
        let dns = Arc::clone(&dns);
        let names = names.clone();
        async move {
            tokio::time::sleep(Duration::from_secs(1)).await;
            let asked = dns.queries();
            for (i, name) in names.iter().enumerate() {
                dns.set(name, &[IpAddr::from([10, 2, 0, i as u8])]);
            }
            asked
        }
    });

    let endpoints = resolver.resolve_all(&nodes).await.unwrap();
    let asked_before_publishing = publisher.await.unwrap();
    for name in &names {
        assert!(
            asked_before_publishing.contains(name),
            "{name} not asked concurrently: {asked_before_publishing:?}"
        );
    }
    let addrs: Vec<String> = endpoints.iter().map(ToString::to_string).collect();
    assert_eq!(
        addrs,
        [
            "redis-0.example.test (10.2.0.0:6379)",
            "redis-1.example.test (10.2.0.1:6379)",
            "redis-2.example.test (10.2.0.2:6379)",
            "redis-3.example.test (10.2.0.3:6379)",
            "10.9.9.9:6379",
        ]
    );
}

#[tokio::test]
async fn resolve_all_reports_the_first_failing_name() {
    let dns = FakeDns::start();
    dns.set("ok.example.test", &[ip("10.1.0.7")]);
    let resolver = dns.resolver(&[], 1, AddressFamily::Any, Duration::from_millis(500));

    let nodes = [
        node("ok.example.test:6379"),
        node("missing-1.example.test:6379"),
        node("missing-2.example.test:6379"),
    ];
    match resolver.resolve_all(&nodes).await {
        Err(ResolveError::NeverResolved { host, .. }) => {
            assert_eq!(host, "missing-1.example.test");
        }
        other => panic!("unexpected result: {other:?}"),
    }
}

#[tokio::test]
async fn removed_name_no_longer_resolves() {
    let dns = FakeDns::start();
    dns.set("gone.example.test", &[ip("10.1.0.8")]);
    let resolver = dns.resolver(&[], 1, AddressFamily::Any, Duration::from_millis(300));

    let gone = node("gone.example.test:6379");
    resolver.resolve(&gone).await.unwrap();
    dns.remove("gone.example.test");
    assert!(resolver.resolve(&gone).await.is_err());
}

#[tokio::test]
async fn lookup_all_returns_every_address_sorted() {
    let dns = FakeDns::start();
    dns.set(
        "redis-headless.example.test",
        &[
            ip("10.3.0.3"),
            ip("fd00::1"),
            ip("10.3.0.1"),
            ip("10.3.0.2"),
        ],
    );
    let resolver = resolver(&dns);

    assert_eq!(
        resolver
            .lookup_all("redis-headless.example.test")
            .await
            .unwrap(),
        [
            ip("10.3.0.1"),
            ip("10.3.0.2"),
            ip("10.3.0.3"),
            ip("fd00::1")
        ]
    );
}

#[test]
fn missing_resolv_conf_is_a_config_error() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("no-such-resolv.conf");
    let err = NameResolver::new(ResolverSettings {
        resolv_conf: Some(path.clone()),
        ..ResolverSettings::default()
    })
    .unwrap_err();
    match &err {
        ResolveError::Config { path: reported, .. } => assert_eq!(reported, &path),
        other => panic!("unexpected error: {other}"),
    }
    assert!(
        err.to_string().contains(&path.display().to_string()),
        "{err}"
    );
}

#[tokio::test]
async fn without_name_servers_only_the_hosts_file_answers() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("resolv.conf");
    std::fs::write(&path, "search example.test\noptions ndots:1\n").unwrap();
    let resolver = NameResolver::new(ResolverSettings {
        resolv_conf: Some(path),
        timeout: Duration::from_secs(10),
        ..ResolverSettings::default()
    })
    .unwrap();

    let local = resolver.resolve(&node("localhost:6379")).await.unwrap();
    assert!(local.addr.ip().is_loopback(), "{local}");
    // Nothing can change the answer, so there is no point waiting for the deadline.
    let start = Instant::now();
    assert!(
        resolver
            .resolve(&node("redis-0.example.test:6379"))
            .await
            .is_err()
    );
    assert!(start.elapsed() < Duration::from_secs(2));
}

/// The fake server's SRV answers, read with hickory directly (rtrib's discovery uses them).
#[tokio::test]
async fn fake_dns_answers_srv_queries() {
    let dns = FakeDns::start();
    dns.set_srv(
        "_redis._tcp.redis.example.test",
        &[
            ("redis-0.redis.example.test", 6379),
            ("redis-1.redis.example.test", 6380),
        ],
    );
    let mut udp = ConnectionConfig::udp();
    udp.port = dns.addr().port();
    let server = NameServerConfig::new(dns.addr().ip(), true, vec![udp]);
    let resolver = TokioResolver::builder_with_config(
        ResolverConfig::from_name_servers(vec![server]),
        TokioRuntimeProvider::default(),
    )
    .build()
    .unwrap();

    let lookup = resolver
        .srv_lookup("_redis._tcp.redis.example.test.")
        .await
        .unwrap();
    let mut targets: Vec<(String, u16)> = lookup
        .answers()
        .iter()
        .filter_map(|record| match &record.data {
            hickory_resolver::proto::rr::RData::SRV(srv) => Some((srv.target.to_ascii(), srv.port)),
            _ => None,
        })
        .collect();
    targets.sort();
    assert_eq!(
        targets,
        [
            ("redis-0.redis.example.test.".to_owned(), 6379),
            ("redis-1.redis.example.test.".to_owned(), 6380),
        ]
    );
}

#[tokio::test]
async fn silent_server_times_out_at_the_deadline() {
    // Bound but never read: every query goes unanswered.
    let silent = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let dir = TempDir::new().unwrap();
    let resolv_conf = dir.path().join("resolv.conf");
    std::fs::write(&resolv_conf, "nameserver 127.0.0.1\n").unwrap();
    let resolver = NameResolver::new(ResolverSettings {
        resolv_conf: Some(resolv_conf),
        dns_servers: vec![silent.local_addr().unwrap()],
        family: AddressFamily::Any,
        timeout: Duration::from_secs(1),
    })
    .unwrap();

    let start = Instant::now();
    let err = resolver
        .resolve(&node("redis-0.example.test:6379"))
        .await
        .unwrap_err();
    let elapsed = start.elapsed();
    assert!(elapsed < Duration::from_millis(2500), "{elapsed:?}");
    match err {
        ResolveError::NeverResolved { last_error, .. } => {
            assert!(last_error.contains("timed out"), "{last_error}")
        }
        other => panic!("unexpected error: {other}"),
    }
}
