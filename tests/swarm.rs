//! End to end on Docker Swarm: this single engine becomes a one-node swarm, the stack recipe
//! `deploy/swarm/redis-cluster-stack.yml` is deployed with the test's `FROM scratch` images, and
//! its `rtrib-init` service forms the cluster from `tasks.redis`. Then `check` and a second
//! `create` run in containers on the stack's (attachable) overlay network, by `tasks.` name;
//! and the service is scaled 6 → 8 → 6 as docs/swarm.md says, the cluster's real state read
//! from every task after each step.
//!
//! The host cannot reach the overlay network: it reaches each task at its address on
//! `docker_gwbridge`, the bridge every task of an overlay network also stands on.
//!
//! Skipped, with a line saying so, when `docker info` fails, `RTRIB_SKIP_DOCKER=1`, or the
//! engine already belongs to a swarm this test did not create (which it leaves alone).

use std::collections::HashMap;
use std::time::{Duration, Instant};

use crate::support::cluster::wait_until;
use crate::support::containers::{
    Reach, assert_keys_intact, assert_members, assert_writes_intact, cluster_nodes, line_ip, query,
    write_keys,
};
use crate::support::docker::{
    self, Image, build_redis_image, build_rtrib_image, docker_ok, unique,
};
use crate::support::writer::Writer;

/// The stack recipe the test deploys.
const RECIPE: &str = include_str!("../deploy/swarm/redis-cluster-stack.yml");
/// How long the `rtrib-init` service may take to form the cluster.
const INIT_TIMEOUT: Duration = Duration::from_secs(120);
/// How long the stack's containers and network may take to go once it is removed.
const REMOVAL_TIMEOUT: Duration = Duration::from_secs(60);
/// How long the gateway bridge may refuse removal once the swarm is left.
const BRIDGE_REMOVAL_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a scaled service's tasks may take to start or stop.
const SCALE_TIMEOUT: Duration = Duration::from_secs(60);

/// The bridge a swarm's tasks reach the outside through; leaving the swarm keeps it.
const GATEWAY_BRIDGE: &str = "docker_gwbridge";

/// The swarm this test initialised: the engine leaves it when dropped, and removes the
/// gateway bridge unless it existed before.
struct Swarm {
    gateway_bridge_existed: bool,
}

impl Swarm {
    /// `docker swarm init` on loopback, or why the test must be skipped: the engine is already
    /// part of a swarm (perhaps initialised by another run a moment ago).
    fn init() -> Result<Self, String> {
        let state = docker_ok(&["info", "--format", "{{.Swarm.LocalNodeState}}"]);
        if state != "inactive" {
            return Err(format!(
                "the engine is already part of a swarm (state {state}), not ours to disturb"
            ));
        }
        let gateway_bridge_existed = docker::docker(&["network", "inspect", GATEWAY_BRIDGE])
            .status
            .success();
        let output = docker::docker(&["swarm", "init", "--advertise-addr", "127.0.0.1"]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        if !output.status.success() && stderr.contains("already part of a swarm") {
            return Err(format!(
                "the engine joined a swarm meanwhile: {}",
                stderr.trim()
            ));
        }
        // The guard exists before the assertion, so a half-made swarm is left too.
        let swarm = Self {
            gateway_bridge_existed,
        };
        assert!(output.status.success(), "docker swarm init: {stderr}");
        Ok(swarm)
    }
}

impl Drop for Swarm {
    fn drop(&mut self) {
        // Leaving while a task's endpoint is still being taken off the bridge can leave the
        // engine counting it there for good (the bridge then cannot be removed).
        wait_until(REMOVAL_TIMEOUT, || {
            let containers = docker::docker(&[
                "network",
                "inspect",
                GATEWAY_BRIDGE,
                "--format",
                "{{range $id, $c := .Containers}}{{println $id}}{{end}}",
            ]);
            String::from_utf8_lossy(&containers.stdout)
                .split_whitespace()
                .all(|id| id == "ingress-sbox")
        });
        docker::docker(&["swarm", "leave", "--force"]);
        if !self.gateway_bridge_existed {
            // Refused while the engine still takes the swarm's own endpoints off it.
            let removed = wait_until(BRIDGE_REMOVAL_TIMEOUT, || {
                docker::docker(&["network", "rm", GATEWAY_BRIDGE])
                    .status
                    .success()
            });
            if !removed {
                eprintln!("{GATEWAY_BRIDGE} could not be removed: it has endpoints left");
            }
        }
    }
}

/// A running task of a service.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Task {
    /// `<service>.<slot>.<task id>`: its container's name, which resolves on the overlay
    /// network.
    name: String,
    /// Its slot (1, 2, …).
    slot: usize,
    /// Its IP on the stack's network: the one it announces.
    ip: String,
    /// Its IP on the gateway bridge: the one the host reaches it at.
    host_ip: String,
}

/// Each task's `host_ip`.
fn host_ips(tasks: &[Task]) -> Vec<String> {
    tasks.iter().map(|task| task.host_ip.clone()).collect()
}

/// How the host reaches the servers `tasks` run.
fn reach(tasks: &[Task]) -> Reach {
    Reach::through(
        tasks
            .iter()
            .map(|task| (task.ip.clone(), task.host_ip.clone()))
            .collect(),
    )
}

/// A deployed stack: removed when dropped, then its containers, network and volumes are
/// waited for and removed too.
struct Stack {
    name: String,
    network: String,
}

impl Stack {
    /// `docker stack deploy` of `recipe` (a compose file) as `name`, with local images only.
    fn deploy(name: String, network: String, recipe: &str) -> Self {
        // The guard exists before the stack does, so a half-deployed stack is removed too.
        let stack = Self { name, network };
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("stack.yml");
        std::fs::write(&file, recipe).unwrap();
        docker_ok(&[
            "stack",
            "deploy",
            "--resolve-image",
            "never",
            "--compose-file",
            file.to_str().expect("a UTF-8 path"),
            &stack.name,
        ]);
        stack
    }

    /// A service's full name.
    fn service(&self, short: &str) -> String {
        format!("{}_{short}", self.name)
    }

    /// `docker service ps` of a service, for failure messages.
    fn tasks(&self, short: &str) -> String {
        let output = docker::docker(&[
            "service",
            "ps",
            "--no-trunc",
            "--format",
            "{{.Name}} {{.CurrentState}} {{.Error}}",
            &self.service(short),
        ]);
        String::from_utf8_lossy(&output.stdout).into_owned()
    }

    /// The service's tasks meant to run, by slot, listed as docs/swarm.md lists them.
    fn running_tasks(&self, short: &str) -> Vec<Task> {
        let names = docker_ok(&[
            "service",
            "ps",
            &self.service(short),
            "--no-trunc",
            "--filter",
            "desired-state=running",
            "--format",
            "{{.Name}}.{{.ID}}",
        ]);
        let on_bridge = docker_ok(&[
            "network",
            "inspect",
            GATEWAY_BRIDGE,
            "--format",
            "{{range $id, $c := .Containers}}{{println $id $c.IPv4Address}}{{end}}",
        ]);
        let host_ips: HashMap<&str, &str> = on_bridge
            .lines()
            .filter_map(|line| line.split_once(' '))
            .map(|(id, cidr)| (id, cidr.split('/').next().expect("an address")))
            .collect();
        let format = format!(
            "{{{{.Id}}}} {{{{(index .NetworkSettings.Networks \"{}\").IPAddress}}}}",
            self.network
        );
        let mut tasks: Vec<Task> = names
            .lines()
            .map(|name| {
                let container = docker_ok(&["container", "inspect", "--format", &format, name]);
                let (id, ip) = container.split_once(' ').expect("an id and an IP");
                let slot = name.split('.').nth(1).expect("a task's slot");
                Task {
                    name: name.to_owned(),
                    slot: slot.parse().expect("a slot number"),
                    ip: ip.to_owned(),
                    host_ip: host_ips
                        .get(id)
                        .unwrap_or_else(|| panic!("{name} is not on {GATEWAY_BRIDGE}"))
                        .to_string(),
                }
            })
            .collect();
        tasks.sort_by_key(|task| task.slot);
        tasks
    }

    /// `docker service scale` of a service to `tasks` tasks, as docs/swarm.md runs it; returns
    /// them once exactly their containers run and every one answers. (The command's own wait,
    /// without `--detach`, watches them stay up 5 s more.)
    fn scale(&self, short: &str, tasks: usize) -> Vec<Task> {
        docker_ok(&[
            "service",
            "scale",
            "--detach",
            &format!("{}={tasks}", self.service(short)),
        ]);
        let filter = format!(
            "label=com.docker.swarm.service.name={}",
            self.service(short)
        );
        let started = wait_until(SCALE_TIMEOUT, || {
            let containers = docker::docker(&["ps", "--quiet", "--filter", &filter]);
            String::from_utf8_lossy(&containers.stdout).lines().count() == tasks
        });
        assert!(started, "not {tasks} containers\n{}", self.tasks(short));
        let running = self.running_tasks(short);
        assert_eq!(running.len(), tasks, "{running:?}\n{}", self.tasks(short));
        let answering = wait_until(SCALE_TIMEOUT, || {
            running
                .iter()
                .all(|task| query(&task.host_ip, &["PING"]).is_ok())
        });
        assert!(answering, "{running:?}\n{}", self.logs(short));
        running
    }

    /// The last lines of a service's logs, for failure messages.
    fn logs(&self, short: &str) -> String {
        let output = docker::docker(&["service", "logs", "--tail", "30", &self.service(short)]);
        format!(
            "--- {short} tasks\n{}--- {short} logs\n{}{}",
            self.tasks(short),
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    }

    /// Whether some task of the service has completed with exit code 0.
    fn completed(&self, short: &str) -> bool {
        let output = docker::docker(&["service", "ps", "--quiet", &self.service(short)]);
        String::from_utf8_lossy(&output.stdout)
            .split_whitespace()
            .any(|task| {
                let state = docker::docker(&[
                    "inspect",
                    "--format",
                    "{{.Status.State}} {{.Status.ContainerStatus.ExitCode}}",
                    task,
                ]);
                String::from_utf8_lossy(&state.stdout).trim() == "complete 0"
            })
    }

    /// The ids of whatever `docker KIND ls` lists with this stack's label.
    fn labelled(&self, kind: &[&str]) -> Vec<String> {
        let filter = format!("label=com.docker.stack.namespace={}", self.name);
        let mut args = kind.to_vec();
        args.extend_from_slice(&["--quiet", "--filter", &filter]);
        let output = docker::docker(&args);
        String::from_utf8_lossy(&output.stdout)
            .split_whitespace()
            .map(str::to_owned)
            .collect()
    }
}

impl Drop for Stack {
    fn drop(&mut self) {
        docker::docker(&["stack", "rm", &self.name]);
        wait_until(REMOVAL_TIMEOUT, || {
            self.labelled(&["ps", "--all"]).is_empty()
                && !docker::docker(&["network", "inspect", &self.network])
                    .status
                    .success()
        });
        let volumes = self.labelled(&["volume", "ls"]);
        if !volumes.is_empty() {
            let mut args = vec!["volume", "rm", "--force"];
            args.extend(volumes.iter().map(String::as_str));
            docker::docker(&args);
        }
    }
}

/// Replaces the single occurrence of `from` in `text` with `to`; panics if the recipe changed.
fn replace_once(text: &str, from: &str, to: &str) -> String {
    assert_eq!(
        text.matches(from).count(),
        1,
        "the recipe no longer has {from:?}"
    );
    text.replacen(from, to, 1)
}

/// The recipe with the test's images and network name. The redis image's entry point is
/// already `redis-server`, and unlike the official image's it adds neither `--protected-mode
/// no` nor the `/data` working directory.
fn derive_recipe(redis: &Image, rtrib: &Image, network: &str) -> String {
    let recipe = replace_once(
        RECIPE,
        "image: redis:7.0\n",
        &format!("image: {}\n", redis.tag),
    );
    let recipe = replace_once(
        &recipe,
        "image: rtrib:latest\n",
        &format!("image: {}\n", rtrib.tag),
    );
    let recipe = replace_once(&recipe, "      - redis-server\n", "");
    let recipe = replace_once(
        &recipe,
        "      - --appendonly\n      - \"yes\"\n",
        "      - --appendonly\n      - \"yes\"\n      - --protected-mode\n      - \"no\"\n      \
         - --dir\n      - /data\n",
    );
    replace_once(
        &recipe,
        "    driver: overlay\n",
        &format!("    driver: overlay\n    name: {network}\n"),
    )
}

/// The recipe deployed on a swarm of the test's own, with the test's images, its cluster formed
/// by the `rtrib-init` service. Fields drop in order: the stack, the images, then the swarm.
struct Deployed {
    stack: Stack,
    _redis: Image,
    rtrib: Image,
    _swarm: Swarm,
}

impl Deployed {
    /// Initialises the swarm, builds the images, deploys the recipe as stack `name` and waits
    /// until `rtrib-init` completes; or why the test must be skipped.
    fn form(name: &str) -> Result<Self, String> {
        if let Some(reason) = docker::unavailable() {
            return Err(reason);
        }
        let start = Instant::now();
        // Locals drop in reverse order: the stack, then the images, then the swarm.
        let swarm = Swarm::init()?;
        let (rtrib, _) = build_rtrib_image();
        let redis = build_redis_image();
        let network = unique(&format!("{name}-net"));
        let stack = Stack::deploy(
            unique(name),
            network.clone(),
            &derive_recipe(&redis, &rtrib, &network),
        );
        // The init service resolves tasks.redis until 6 tasks exist, creates, and stops.
        let formed = wait_until(INIT_TIMEOUT, || stack.completed("rtrib-init"));
        assert!(
            formed,
            "rtrib-init did not complete with exit 0 within {INIT_TIMEOUT:?}\n{}{}",
            stack.logs("rtrib-init"),
            stack.logs("redis")
        );
        println!("cluster formed by the stack after {:?}", start.elapsed());
        Ok(Self {
            stack,
            _redis: redis,
            rtrib,
            _swarm: swarm,
        })
    }

    /// `docker run --rm --network <the stack's> RTRIB_IMAGE ARGS`: exit code, stdout, stderr.
    fn rtrib(&self, args: &[&str]) -> (Option<i32>, String, String) {
        let mut all = vec![
            "run",
            "--rm",
            "--network",
            &self.stack.network,
            &self.rtrib.tag,
        ];
        all.extend_from_slice(args);
        let output = docker::docker(&all);
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    }

    /// `rtrib reconcile --replicas 1 --yes` and `nodes` (NODE arguments or `--from-dns`), as
    /// docs/swarm.md runs it; asserts it succeeds and returns its stdout.
    fn reconcile(&self, nodes: &[&str]) -> String {
        let mut args = vec!["reconcile", "--replicas", "1", "--yes"];
        args.extend_from_slice(nodes);
        let (code, stdout, stderr) = self.rtrib(&args);
        assert_eq!(
            code,
            Some(0),
            "{args:?}\n{stdout}{stderr}{}",
            self.stack.logs("redis")
        );
        stdout
    }
}

/// Runs `test` on the formed stack `name`, or prints why it is skipped; prints how long it took
/// with the clean-up.
fn on_formed_stack(name: &str, test: impl FnOnce(&Deployed)) {
    let start = Instant::now();
    match Deployed::form(name) {
        Ok(deployed) => {
            test(&deployed);
            println!("{name} passed after {:?}", start.elapsed());
            drop(deployed);
            println!("{name} took {:?} including cleanup", start.elapsed());
        }
        Err(reason) => println!("SKIP swarm end-to-end test: {reason}"),
    }
}

#[test]
fn a_swarm_stack_forms_its_cluster_from_tasks_names() {
    on_formed_stack("rtrib-swarm", |deployed| {
        let stack = &deployed.stack;
        // Each task slot has its own volume, named after the service.
        for slot in 1..=6 {
            let volume = format!("{}-data-{slot}", stack.service("redis"));
            docker_ok(&["volume", "inspect", "--format", "{{.Name}}", &volume]);
        }

        // From outside the stack, on its network, by the service's full name.
        let seed = format!("tasks.{}:6379", stack.service("redis"));
        let (code, stdout, stderr) = deployed.rtrib(&["check", "--from-dns", &seed]);
        assert_eq!(code, Some(0), "{stdout}{stderr}{}", stack.logs("redis"));
        let ok_lines = stdout.lines().filter(|l| l.starts_with("[OK]")).count();
        assert_eq!(ok_lines, 3, "{stdout}");
        assert!(
            !stdout.contains("[ERR]") && !stdout.contains("[WARNING]"),
            "{stdout}"
        );

        // The init job run again changes nothing.
        let (code, stdout, stderr) = deployed.rtrib(&[
            "create",
            "--from-dns",
            &seed,
            "--expect",
            "6",
            "--replicas",
            "1",
            "--yes",
        ]);
        assert_eq!(code, Some(0), "{stdout}{stderr}");
        assert!(stdout.contains("already formed"), "{stdout}");
    });
}

/// docs/swarm.md's scaling on a one-node swarm: scale out (the service to 8 tasks, then
/// reconcile from `tasks.redis`), scale in (reconcile naming the tasks that stay, slots 1–6,
/// then the service to 6: Swarm stops the highest slots, the drained ones; then reconcile from
/// `tasks.redis` again, which finds nothing to do). After each step every member's own view
/// agrees, every slot is served, none open, the leaving tasks are reset and forgotten; the keys
/// written before and every write a client acknowledged meanwhile read back.
#[test]
fn a_swarm_service_scales_6_8_6_by_the_recipe() {
    on_formed_stack("rtrib-swarm-scale", |deployed| {
        let stack = &deployed.stack;
        let start = Instant::now();
        let first = stack.running_tasks("redis");
        assert_members(&host_ips(&first), &[]);
        let keys = write_keys(&first[0].host_ip, &reach(&first));

        // Scale out: the service first, then reconcile with the new count.
        let grown = stack.scale("redis", 8);
        let writer = Writer::start_through(
            first
                .iter()
                .map(|task| format!("{}:6379", task.host_ip))
                .collect(),
            reach(&grown),
        );
        let out = deployed.reconcile(&["--from-dns", "tasks.redis:6379", "--expect", "8"]);
        assert!(out.contains("New nodes join the cluster"), "{out}");
        assert_members(&host_ips(&grown), &[]);
        // The new tasks are the new master and its replica: what a deploy of the unchanged
        // file would stop (docs/swarm.md).
        let view = cluster_nodes(&grown[0].host_ip);
        let line = |task: &Task| {
            view.iter()
                .find(|line| line_ip(line) == task.ip)
                .unwrap_or_else(|| panic!("{} is not in {view:?}", task.name))
        };
        let (seventh, eighth) = (line(&grown[6]), line(&grown[7]));
        assert!(
            seventh.master == eighth.id || eighth.master == seventh.id,
            "{view:?}"
        );
        println!("scaled out after {:?}", start.elapsed());

        // Scale in: reconcile with the tasks that stay, then the service, then reconcile again.
        let (staying, leaving): (Vec<Task>, Vec<Task>) =
            grown.iter().cloned().partition(|task| task.slot <= 6);
        let nodes: Vec<String> = staying
            .iter()
            .map(|task| format!("{}:6379", task.name))
            .collect();
        let out = deployed.reconcile(&nodes.iter().map(String::as_str).collect::<Vec<_>>());
        assert!(out.contains("Nodes leave the cluster"), "{out}");
        assert_members(&host_ips(&staying), &host_ips(&leaving));
        let last = stack.scale("redis", 6);
        assert_eq!(
            last, staying,
            "Swarm stopped other tasks than the drained ones"
        );
        let out = deployed.reconcile(&["--from-dns", "tasks.redis:6379", "--expect", "6"]);
        assert!(
            out.contains("The cluster matches the 6 nodes given"),
            "{out}"
        );
        let written = writer.stop();
        assert_members(&host_ips(&last), &[]);
        println!("scaled in after {:?}", start.elapsed());

        assert_keys_intact(&last[0].host_ip, &keys, &reach(&last));
        println!("{}", written.summary());
        assert!(!written.acked.is_empty(), "{written:?}");
        assert_writes_intact(&last[0].host_ip, &written.acked, &reach(&last));
    });
}
