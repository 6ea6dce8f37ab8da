//! End to end on Docker Swarm: this single engine becomes a one-node swarm, the stack recipe
//! `deploy/swarm/redis-cluster-stack.yml` is deployed with the test's `FROM scratch` images, and
//! its `rtrib-init` service forms the cluster from `tasks.redis`. Then `check` and a second
//! `create` run in containers on the stack's (attachable) overlay network, by `tasks.` name.
//!
//! Skipped, with a line saying so, when `docker info` fails, `RTRIB_SKIP_DOCKER=1`, or the
//! engine already belongs to a swarm this test did not create (which it leaves alone).

use std::time::{Duration, Instant};

use crate::support::cluster::wait_until;
use crate::support::docker::{
    self, Image, build_redis_image, build_rtrib_image, docker_ok, unique,
};

/// The stack recipe the test deploys.
const RECIPE: &str = include_str!("../deploy/swarm/redis-cluster-stack.yml");
/// How long the `rtrib-init` service may take to form the cluster.
const INIT_TIMEOUT: Duration = Duration::from_secs(120);
/// How long the stack's containers and network may take to go once it is removed.
const REMOVAL_TIMEOUT: Duration = Duration::from_secs(60);

/// The swarm this test initialised: the engine leaves it when dropped.
struct Swarm;

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
        let output = docker::docker(&["swarm", "init", "--advertise-addr", "127.0.0.1"]);
        let stderr = String::from_utf8_lossy(&output.stderr);
        if !output.status.success() && stderr.contains("already part of a swarm") {
            return Err(format!(
                "the engine joined a swarm meanwhile: {}",
                stderr.trim()
            ));
        }
        assert!(output.status.success(), "docker swarm init: {stderr}");
        Ok(Self)
    }
}

impl Drop for Swarm {
    fn drop(&mut self) {
        docker::docker(&["swarm", "leave", "--force"]);
    }
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

/// `docker run --rm --network NETWORK IMAGE ARGS`: exit code, stdout, stderr.
fn rtrib_on(network: &str, image: &Image, args: &[&str]) -> (Option<i32>, String, String) {
    let mut all = vec!["run", "--rm", "--network", network, &image.tag];
    all.extend_from_slice(args);
    let output = docker::docker(&all);
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn a_swarm_stack_forms_its_cluster_from_tasks_names() {
    if let Some(reason) = docker::unavailable() {
        println!("SKIP swarm end-to-end test: {reason}");
        return;
    }
    let start = Instant::now();
    // Fields drop in reverse order of creation: the stack, then the images, then the swarm.
    let swarm = match Swarm::init() {
        Ok(swarm) => swarm,
        Err(reason) => {
            println!("SKIP swarm end-to-end test: {reason}");
            return;
        }
    };
    let (rtrib, _) = build_rtrib_image();
    let redis = build_redis_image();
    let network = unique("rtrib-swarm-net");
    let stack = Stack::deploy(
        unique("rtrib-swarm"),
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

    // Each task slot has its own volume, named after the service.
    for slot in 1..=6 {
        let volume = format!("{}-data-{slot}", stack.service("redis"));
        docker_ok(&["volume", "inspect", "--format", "{{.Name}}", &volume]);
    }

    // From outside the stack, on its network, by the service's full name.
    let seed = format!("tasks.{}:6379", stack.service("redis"));
    let (code, stdout, stderr) = rtrib_on(&network, &rtrib, &["check", "--from-dns", &seed]);
    assert_eq!(code, Some(0), "{stdout}{stderr}{}", stack.logs("redis"));
    let ok_lines = stdout.lines().filter(|l| l.starts_with("[OK]")).count();
    assert_eq!(ok_lines, 3, "{stdout}");
    assert!(
        !stdout.contains("[ERR]") && !stdout.contains("[WARNING]"),
        "{stdout}"
    );

    // The init job run again changes nothing.
    let (code, stdout, stderr) = rtrib_on(
        &network,
        &rtrib,
        &[
            "create",
            "--from-dns",
            &seed,
            "--expect",
            "6",
            "--replicas",
            "1",
            "--yes",
        ],
    );
    assert_eq!(code, Some(0), "{stdout}{stderr}");
    assert!(stdout.contains("already formed"), "{stdout}");

    drop(stack);
    drop(redis);
    drop(rtrib);
    drop(swarm);
    println!("swarm test took {:?} including cleanup", start.elapsed());
}
