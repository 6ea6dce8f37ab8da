//! End to end in real Docker: the `FROM scratch` rtrib image administers six redis containers
//! (also `FROM scratch`) on a user-defined network by their pod-like DNS names, which Docker's
//! embedded DNS answers through the `/etc/resolv.conf` it injects. create, check, create again,
//! a master recreated on a new IP with its data then heal, and a paused master failed over;
//! the pods scaled 6 → 8 → 6 by the reconcile Job's command while a client writes.
//!
//! Skipped, with a line saying so, when `docker info` fails or `RTRIB_SKIP_DOCKER=1`.

use std::process::Output;
use std::time::Duration;

use redis::Value;

use crate::support::cluster::{NodeLine, parse_nodes, value_to_string, wait_until};
use crate::support::containers::{
    Reach, assert_keys_intact, assert_members, assert_writes_intact, cluster_nodes, line_ip, query,
    write_keys,
};
use crate::support::docker::{
    self, Container, Image, Network, build_redis_image, build_rtrib_image, docker_ok, unique,
};
use crate::support::writer::Writer;

/// Redis nodes in the cluster: 3 masters with one replica each.
const NODES: usize = 6;
/// The rtrib image must stay this small (issue 7).
const MAX_RTRIB_IMAGE_BYTES: u64 = 5_000_000;
/// How long a replica may take to replace its paused master (node timeout 2 s).
const FAILOVER_TIMEOUT: Duration = Duration::from_secs(30);

/// Pod `i`'s name, a network alias shaped like a StatefulSet pod's DNS name.
fn pod(i: usize) -> String {
    format!("redis-app-{i}.redis-service")
}

/// `pod:6379` of every pod.
fn pod_args() -> Vec<String> {
    pods_args(NODES)
}

/// `pod:6379` of pods `0..count`.
fn pods_args(count: usize) -> Vec<String> {
    (0..count).map(|i| format!("{}:6379", pod(i))).collect()
}

/// The six redis containers and everything they stand on. Fields drop in order: containers
/// first, then the network, then the data directories and images.
struct Fixture {
    pods: Vec<Container>,
    network: Network,
    data: tempfile::TempDir,
    redis: Image,
    rtrib: Image,
    /// The size of the static binary in the rtrib image.
    rtrib_binary_size: u64,
}

impl Fixture {
    /// Builds both images, creates the network and starts every pod.
    fn start() -> Self {
        Self::start_pods(NODES)
    }

    /// [`Fixture::start`] with `count` pods.
    fn start_pods(count: usize) -> Self {
        let (rtrib, rtrib_binary_size) = build_rtrib_image();
        let redis = build_redis_image();
        let network = Network::create(unique("rtrib-e2e"));
        let data = tempfile::tempdir().unwrap();
        let mut fixture = Self {
            pods: Vec::new(),
            network,
            data,
            redis,
            rtrib,
            rtrib_binary_size,
        };
        for i in 0..count {
            std::fs::create_dir(fixture.data.path().join(i.to_string())).unwrap();
            let pod = fixture.start_pod(i);
            fixture.pods.push(pod);
        }
        fixture
    }

    /// Starts pod `i` on its data directory, as the test's own user so the files stay
    /// removable.
    fn start_pod(&self, i: usize) -> Container {
        // SAFETY: getuid and getgid have no preconditions and cannot fail.
        let user = unsafe { format!("{}:{}", libc::getuid(), libc::getgid()) };
        let volume = format!("{}:/data", self.data.path().join(i.to_string()).display());
        Container::run(
            format!("{}-redis-{i}", self.network.name),
            &[
                "--network",
                &self.network.name,
                "--network-alias",
                &pod(i),
                "--user",
                &user,
                "--volume",
                &volume,
                &self.redis.tag,
                "--cluster-enabled",
                "yes",
                "--cluster-node-timeout",
                "2000",
                "--dir",
                "/data",
                "--protected-mode",
                "no",
            ],
        )
    }

    /// `docker run --rm` of the rtrib image on the network with `extra` docker options.
    fn rtrib_with(&self, extra: &[&str], args: &[&str]) -> Output {
        let mut all = vec!["run", "--rm", "--network", &self.network.name];
        all.extend_from_slice(extra);
        all.push(&self.rtrib.tag);
        all.extend_from_slice(args);
        docker::docker(&all)
    }

    /// `rtrib ARGS` in a container on the network: exit code, stdout, stderr.
    fn rtrib(&self, args: &[&str]) -> (Option<i32>, String, String) {
        let output = self.rtrib_with(&[], args);
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    }

    /// `rtrib COMMAND pods… OPTIONS`.
    fn rtrib_on_pods(&self, command: &str, options: &[&str]) -> (Option<i32>, String, String) {
        let pods = pod_args();
        let mut args = vec![command];
        args.extend(pods.iter().map(String::as_str));
        args.extend_from_slice(options);
        self.rtrib(&args)
    }

    /// Every pod's IP, in pod order.
    fn ips(&self) -> Vec<String> {
        self.pods.iter().map(|c| c.ip(&self.network)).collect()
    }

    /// The pod at `ip`.
    fn pod_at(&self, ip: &str) -> usize {
        self.ips()
            .iter()
            .position(|p| p == ip)
            .unwrap_or_else(|| panic!("no pod at {ip}"))
    }

    /// Every pod's log tail, for failure messages.
    fn logs(&self) -> String {
        self.pods
            .iter()
            .map(|c| format!("--- {}\n{}", c.name, c.log_tail()))
            .collect()
    }
}

/// Asserts a healthy check: exit 0, exactly three `[OK]` lines, no `[ERR]` nor `[WARNING]`.
fn assert_healthy(fixture: &Fixture, seed: &str) {
    let (code, stdout, stderr) = fixture.rtrib(&["check", seed]);
    assert_eq!(code, Some(0), "{stdout}{stderr}{}", fixture.logs());
    let ok_lines = stdout.lines().filter(|l| l.starts_with("[OK]")).count();
    assert_eq!(ok_lines, 3, "{stdout}");
    assert!(
        !stdout.contains("[ERR]") && !stdout.contains("[WARNING]"),
        "{stdout}"
    );
}

#[test]
fn scratch_images_form_heal_and_check_a_cluster_by_pod_names() {
    if let Some(reason) = docker::unavailable() {
        println!("SKIP docker end-to-end test: {reason}");
        return;
    }
    let mut fixture = Fixture::start();
    let rtrib_size = fixture.rtrib.size();
    println!(
        "rtrib image: {rtrib_size} bytes; redis image: {} bytes",
        fixture.redis.size()
    );
    assert!(rtrib_size <= MAX_RTRIB_IMAGE_BYTES, "{rtrib_size} bytes");
    // The binary alone: one layer, exactly its bytes, run as the unprivileged user.
    assert_eq!(rtrib_size, fixture.rtrib_binary_size);
    assert_eq!(fixture.rtrib.inspect("{{len .RootFS.Layers}}"), "1");
    assert_eq!(fixture.rtrib.inspect("{{.Config.User}}"), "65532:65532");

    // Names resolve through the resolv.conf Docker injects (its embedded DNS server).
    let (code, stdout, stderr) = fixture.rtrib_on_pods("wait", &["--timeout", "30s"]);
    assert_eq!(code, Some(0), "{stdout}{stderr}{}", fixture.logs());
    let (code, stdout, stderr) = fixture.rtrib_on_pods("create", &["--replicas", "1", "--yes"]);
    assert_eq!(code, Some(0), "{stdout}{stderr}{}", fixture.logs());
    let seed = format!("{}:6379", pod(0));
    assert_healthy(&fixture, &seed);

    // An init job that runs again changes nothing.
    let (code, stdout, stderr) = fixture.rtrib_on_pods("create", &["--replicas", "1", "--yes"]);
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert!(stdout.contains("The cluster is already formed"), "{stdout}");

    // And through the /etc/hosts Docker injects (--add-host).
    let ips = fixture.ips();
    let host_entry = format!("pinned-by-hosts-file:{}", ips[0]);
    let output = fixture.rtrib_with(
        &["--add-host", &host_entry],
        &["info", "pinned-by-hosts-file:6379"],
    );
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    let keys = write_keys(&ips[0], &Reach::direct());

    // A master is recreated: same alias, same data, new IP.
    let master = cluster_nodes(&ips[0])
        .iter()
        .find(|l| l.has_flag("master"))
        .map(|l| fixture.pod_at(line_ip(l)))
        .expect("a master");
    docker_ok(&["stop", "--time", "10", &fixture.pods[master].name]);
    drop(fixture.pods.remove(master));
    // Docker hands out the lowest free address: take the old one, as another pod would.
    let _squatter = Container::run(
        format!("{}-squatter", fixture.network.name),
        &["--network", &fixture.network.name, &fixture.redis.tag],
    );
    let restarted = fixture.start_pod(master);
    fixture.pods.insert(master, restarted);
    let new_ip = fixture.pods[master].ip(&fixture.network);
    assert_ne!(
        new_ip, ips[master],
        "docker gave the recreated pod its old IP"
    );

    let (code, stdout, stderr) = fixture.rtrib_on_pods("heal", &[]);
    assert_eq!(code, Some(0), "{stdout}{stderr}{}", fixture.logs());
    assert_healthy(&fixture, &seed);
    let ips = fixture.ips();
    assert_keys_intact(&ips[(master + 1) % NODES], &keys, &Reach::direct());

    // A master is paused until its replica takes over; check says so.
    let observer = (master + 1) % NODES;
    let view = cluster_nodes(&ips[observer]);
    let (paused, replica) = view
        .iter()
        .filter(|l| l.has_flag("slave"))
        .find_map(|r| {
            let m = view.iter().find(|m| m.id == r.master)?;
            let (m, r) = (fixture.pod_at(line_ip(m)), fixture.pod_at(line_ip(r)));
            (m != observer && r != observer).then_some((m, r))
        })
        .expect("a master and its replica, neither of them the observer");
    docker_ok(&["pause", &fixture.pods[paused].name]);
    let promoted = wait_until(FAILOVER_TIMEOUT, || {
        query(&ips[replica], &["ROLE"]).is_ok_and(|role| match role {
            Value::Array(fields) => {
                fields.first().map(value_to_string).as_deref() == Some("master")
            }
            _ => false,
        })
    });
    assert!(promoted, "{} was not promoted", pod(replica));
    // The check's seed must have heard the verdict too (it is broadcast before the election).
    let paused_bus = format!("{}:6379@16379", ips[paused]);
    let judged = wait_until(FAILOVER_TIMEOUT, || {
        cluster_nodes(&ips[observer])
            .iter()
            .any(|l| l.addr == paused_bus && l.has_flag("fail"))
    });
    assert!(
        judged,
        "{} does not flag {} fail",
        pod(observer),
        pod(paused)
    );
    let seed = format!("{}:6379", pod(observer));
    let (code, stdout, stderr) = fixture.rtrib(&["check", &seed, "--command-timeout", "1s"]);
    println!("check with {} paused:\n{stdout}{stderr}", pod(paused));
    assert_eq!(code, Some(1), "{stdout}{stderr}");
    let paused_addr = format!("{}:6379", ips[paused]);
    let unreachable = format!("[WARNING] Node {paused_addr} (");
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with(&unreachable) && l.contains("is unreachable")),
        "{stdout}"
    );
    assert!(
        stdout
            .lines()
            .any(|l| l.starts_with(&unreachable) && l.contains("is flagged fail by")),
        "{stdout}"
    );
    docker_ok(&["unpause", &fixture.pods[paused].name]);
}

/// Waits until every pod reports cluster_state:ok, sees all pods without failure flags, and
/// every replica's link is up.
fn wait_healthy(fixture: &Fixture) {
    let ips = fixture.ips();
    let healthy = wait_until(Duration::from_secs(60), || {
        ips.iter().all(|ip| {
            let text = |args: &[&str]| query(ip, args).map(|v| value_to_string(&v));
            text(&["CLUSTER", "INFO"]).is_ok_and(|i| i.contains("cluster_state:ok"))
                && text(&["CLUSTER", "NODES"]).is_ok_and(|v| {
                    let lines = parse_nodes(&v);
                    lines.len() == NODES && lines.iter().all(NodeLine::is_settled)
                })
                && text(&["INFO", "replication"])
                    .is_ok_and(|i| !i.contains("role:slave") || i.contains("master_link_status:up"))
        })
    });
    assert!(
        healthy,
        "the cluster did not become healthy\n{}",
        fixture.logs()
    );
}

/// What the Kubernetes manifest does, in containers: the rtrib image copies itself into a
/// directory (the init container), and before each pod stops — every pod, highest ordinal
/// first — `rtrib failover --from` that pod hands its slots over through the rtrib image (the
/// preStop hook). The masters end on the other pods, every key intact, the cluster healthy.
#[test]
fn the_rtrib_image_hands_each_master_over_before_it_stops() {
    if let Some(reason) = docker::unavailable() {
        println!("SKIP docker end-to-end test: {reason}");
        return;
    }
    let fixture = Fixture::start();
    let shared = tempfile::tempdir().unwrap();
    std::fs::set_permissions(
        shared.path(),
        std::os::unix::fs::PermissionsExt::from_mode(0o777),
    )
    .unwrap();
    let volume = format!("{}:/opt/rtrib", shared.path().display());
    let output = fixture.rtrib_with(&["--volume", &volume], &["copy-binary", "/opt/rtrib"]);
    assert!(output.status.success(), "{output:?}");
    let copy = shared.path().join("rtrib");
    assert_eq!(
        std::fs::metadata(&copy).unwrap().len(),
        fixture.rtrib_binary_size
    );
    let version = std::process::Command::new(&copy)
        .arg("--version")
        .output()
        .unwrap();
    assert!(version.status.success(), "{version:?}");

    let (code, stdout, stderr) = fixture.rtrib_on_pods("wait", &["--timeout", "30s"]);
    assert_eq!(code, Some(0), "{stdout}{stderr}{}", fixture.logs());
    let (code, stdout, stderr) = fixture.rtrib_on_pods("create", &["--replicas", "1", "--yes"]);
    assert_eq!(code, Some(0), "{stdout}{stderr}{}", fixture.logs());
    let keys = write_keys(&fixture.ips()[0], &Reach::direct());
    let masters_before: Vec<usize> = cluster_nodes(&fixture.ips()[0])
        .iter()
        .filter(|l| l.has_flag("master"))
        .map(|l| fixture.pod_at(line_ip(l)))
        .collect();

    for i in (0..NODES).rev() {
        let node = format!("{}:6379", pod(i));
        let (code, stdout, stderr) = fixture.rtrib(&["failover", "--from", &node]);
        assert_eq!(code, Some(0), "{stdout}{stderr}{}", fixture.logs());
        let role = query(&fixture.ips()[i], &["ROLE"]);
        assert!(
            matches!(&role, Ok(Value::Array(fields))
                if fields.first().map(value_to_string).as_deref() == Some("slave")),
            "{node} is still {role:?}"
        );
        docker_ok(&["stop", "--time", "10", &fixture.pods[i].name]);
        std::thread::sleep(Duration::from_secs(2));
        docker_ok(&["start", &fixture.pods[i].name]);
        wait_healthy(&fixture);
    }

    let ips = fixture.ips();
    let masters_after: Vec<usize> = cluster_nodes(&ips[0])
        .iter()
        .filter(|l| l.has_flag("master"))
        .map(|l| fixture.pod_at(line_ip(l)))
        .collect();
    assert!(
        masters_after.iter().all(|m| !masters_before.contains(m)),
        "{masters_before:?} {masters_after:?}"
    );
    assert_keys_intact(&ips[0], &keys, &Reach::direct());
    assert_healthy(&fixture, &format!("{}:6379", pod(0)));
}

/// The reconcile Job's command (deploy/kubernetes/rtrib-reconcile-job.yaml) on pods
/// `0..count`, in the rtrib image; asserts it succeeds and returns its stdout.
fn reconcile_job(fixture: &Fixture, count: usize) -> String {
    let pods = pods_args(count);
    let mut args = vec![
        "reconcile",
        "--replicas",
        "1",
        "--yes",
        "--wait-timeout",
        "10m",
    ];
    args.extend(pods.iter().map(String::as_str));
    let (code, stdout, stderr) = fixture.rtrib(&args);
    assert_eq!(code, Some(0), "{stdout}{stderr}{}", fixture.logs());
    stdout
}

/// The Kubernetes scale recipe in containers: 8 pods run, the reconcile Job's command makes
/// the cluster of the first 6, then of all 8 (scale up: the pods first, then the Job), then of
/// the first 6 again (scale down: the Job first, draining the last two). A client writes from
/// the first scale to the end: no acknowledged write is lost; the cluster's real state is
/// checked after each step.
#[test]
fn the_reconcile_job_scales_the_pods_6_8_6_while_a_client_writes() {
    if let Some(reason) = docker::unavailable() {
        println!("SKIP docker end-to-end test: {reason}");
        return;
    }
    const PODS: usize = 8;
    let fixture = Fixture::start_pods(PODS);
    let pods = pods_args(PODS);
    let mut wait = vec!["wait", "--timeout", "30s"];
    wait.extend(pods.iter().map(String::as_str));
    let (code, stdout, stderr) = fixture.rtrib(&wait);
    assert_eq!(code, Some(0), "{stdout}{stderr}{}", fixture.logs());
    reconcile_job(&fixture, 6);
    let ips = fixture.ips();
    assert_members(&ips[..6], &[]);

    let writer = Writer::start(ips[..6].iter().map(|ip| format!("{ip}:6379")).collect());
    let out = reconcile_job(&fixture, PODS);
    assert!(out.contains("New nodes join the cluster"), "{out}");
    assert_members(&ips, &[]);
    let out = reconcile_job(&fixture, 6);
    assert!(out.contains("Nodes leave the cluster"), "{out}");
    let written = writer.stop();
    assert_members(&ips[..6], &ips[6..]);

    println!("{}", written.summary());
    assert!(!written.acked.is_empty(), "{written:?}");
    assert_writes_intact(&ips[0], &written.acked, &Reach::direct());
}
