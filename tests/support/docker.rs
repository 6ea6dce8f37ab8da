//! Real Docker for the end-to-end tests: the engine's availability, the two images (rtrib from
//! the repository's `Dockerfile`, redis built `FROM scratch` from this machine's `redis-server`
//! and its shared libraries, since no registry can be reached), and guards that remove every
//! image, network and container they stand for when dropped, even when the test panics.
//!
//! Names carry the test process's pid, so parallel runs and other users of the engine never
//! collide with them. Everything is driven through the `docker` CLI.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Why the Docker tests cannot run here, or `None` when they can: `RTRIB_SKIP_DOCKER=1` is set,
/// or `docker info` fails (no client, no engine, no permission).
pub fn unavailable() -> Option<String> {
    if std::env::var_os("RTRIB_SKIP_DOCKER").is_some_and(|v| v == "1") {
        return Some("RTRIB_SKIP_DOCKER=1".to_owned());
    }
    match Command::new("docker")
        .args(["info", "--format", "{{.ServerVersion}}"])
        .output()
    {
        Ok(output) if output.status.success() => None,
        Ok(output) => Some(format!(
            "`docker info` failed: {}",
            String::from_utf8_lossy(&output.stderr).trim()
        )),
        Err(e) => Some(format!("cannot run `docker`: {e}")),
    }
}

/// Runs `docker ARGS` and returns its output, whatever its status.
pub fn docker(args: &[&str]) -> Output {
    Command::new("docker")
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run docker {args:?}: {e}"))
}

/// Runs `docker ARGS`, panics unless it succeeds, and returns its trimmed stdout.
pub fn docker_ok(args: &[&str]) -> String {
    let output = docker(args);
    assert!(
        output.status.success(),
        "docker {args:?} failed ({}): {}{}",
        output.status,
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).trim().to_owned()
}

/// A name unique to this test process: `{prefix}-{pid}`.
pub fn unique(prefix: &str) -> String {
    format!("{prefix}-{}", std::process::id())
}

/// An image tag, removed (with `--force`) when dropped.
pub struct Image {
    /// The tag, `name:latest`.
    pub tag: String,
}

impl Image {
    /// `docker image inspect --format FORMAT` of the image.
    pub fn inspect(&self, format: &str) -> String {
        docker_ok(&["image", "inspect", "--format", format, &self.tag])
    }

    /// The image's size in bytes.
    pub fn size(&self) -> u64 {
        self.inspect("{{.Size}}")
            .parse()
            .expect("the image size is a number")
    }
}

impl Drop for Image {
    fn drop(&mut self) {
        docker(&["image", "rm", "--force", &self.tag]);
    }
}

/// The repository's root (the build context of its `Dockerfile`).
fn repository() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Builds the static binary with `scripts/build-static.sh` (a no-op when it is up to date),
/// then the rtrib image from the repository's `Dockerfile` and `.dockerignore`. Returns the
/// image and the binary's size in bytes.
pub fn build_rtrib_image() -> (Image, u64) {
    let script = repository().join("scripts/build-static.sh");
    let mut command = Command::new(&script);
    // The test runner's own variables (CARGO_PKG_*, LD_LIBRARY_PATH, …) would change build
    // scripts' fingerprints and make every run rebuild from scratch; build as a shell would.
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy();
        if (name.starts_with("CARGO") && name != "CARGO_HOME")
            || name.starts_with("NEXTEST")
            || name == "LD_LIBRARY_PATH"
        {
            command.env_remove(&*name);
        }
    }
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", script.display()));
    assert!(
        output.status.success(),
        "{} failed: {}{}",
        script.display(),
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let binary = repository().join("target/x86_64-unknown-linux-gnu/release/rtrib");
    let binary_size = std::fs::metadata(&binary)
        .unwrap_or_else(|e| panic!("{}: {e}", binary.display()))
        .len();
    let image = Image {
        tag: format!("{}:latest", unique("rtrib-e2e")),
    };
    let context = repository();
    docker_ok(&[
        "build",
        "--quiet",
        "--tag",
        &image.tag,
        context.to_str().expect("a UTF-8 path"),
    ]);
    (image, binary_size)
}

/// The path of `program` on `PATH`.
fn which(program: &str) -> PathBuf {
    std::env::split_paths(&std::env::var_os("PATH").unwrap_or_default())
        .map(|dir| dir.join(program))
        .find(|path| path.is_file())
        .unwrap_or_else(|| panic!("{program} is not on PATH"))
}

/// The absolute paths `ldd` lists for `binary`: its libraries and the dynamic loader.
fn shared_libraries(binary: &Path) -> Vec<PathBuf> {
    let output = Command::new("ldd").arg(binary).output().expect("run ldd");
    assert!(output.status.success(), "ldd {}", binary.display());
    String::from_utf8_lossy(&output.stdout)
        .split_whitespace()
        .filter(|word| word.starts_with('/'))
        .map(PathBuf::from)
        .collect()
}

/// Copies `source` (following symbolic links) to the same absolute path under `root`.
fn copy_into(root: &Path, source: &Path) {
    let target = root.join(source.strip_prefix("/").expect("an absolute path"));
    std::fs::create_dir_all(target.parent().expect("a file has a parent")).unwrap();
    std::fs::copy(source, &target)
        .unwrap_or_else(|e| panic!("copy {} to {}: {e}", source.display(), target.display()));
}

/// Builds a redis image `FROM scratch` out of this machine's `redis-server`, every library
/// `ldd` lists for it and the dynamic loader. Its entry point is `/usr/bin/redis-server`.
pub fn build_redis_image() -> Image {
    let context = tempfile::tempdir().unwrap();
    let root = context.path().join("rootfs");
    let server = which("redis-server");
    let target = root.join("usr/bin/redis-server");
    std::fs::create_dir_all(target.parent().expect("a file has a parent")).unwrap();
    std::fs::copy(&server, &target).unwrap();
    for library in shared_libraries(&server) {
        copy_into(&root, &library);
    }
    std::fs::write(
        context.path().join("Dockerfile"),
        "FROM scratch\nCOPY rootfs/ /\nENTRYPOINT [\"/usr/bin/redis-server\"]\n",
    )
    .unwrap();
    let image = Image {
        tag: format!("{}:latest", unique("redis-e2e")),
    };
    docker_ok(&[
        "build",
        "--quiet",
        "--tag",
        &image.tag,
        context.path().to_str().expect("a UTF-8 path"),
    ]);
    image
}

/// A user-defined bridge network, removed when dropped (after the containers on it).
pub struct Network {
    /// Its name.
    pub name: String,
}

impl Network {
    /// Creates a network named `name`.
    pub fn create(name: String) -> Self {
        docker_ok(&["network", "create", &name]);
        Self { name }
    }
}

impl Drop for Network {
    fn drop(&mut self) {
        docker(&["network", "rm", &self.name]);
    }
}

/// A container, removed with `docker rm --force` when dropped (which removes a paused one too).
pub struct Container {
    /// Its name.
    pub name: String,
}

impl Container {
    /// `docker run --detach --name NAME ARGS`: ARGS are the options, image and command.
    pub fn run(name: String, args: &[&str]) -> Self {
        // The guard exists before the container does, so a failed start still removes it.
        let container = Self { name };
        let mut all = vec!["run", "--detach", "--name", &container.name];
        all.extend_from_slice(args);
        docker_ok(&all);
        container
    }

    /// Its IP address on `network`.
    pub fn ip(&self, network: &Network) -> String {
        let format = format!(
            "{{{{(index .NetworkSettings.Networks \"{}\").IPAddress}}}}",
            network.name
        );
        docker_ok(&["container", "inspect", "--format", &format, &self.name])
    }

    /// The last lines of its log, for failure messages.
    pub fn log_tail(&self) -> String {
        let output = docker(&["logs", "--tail", "30", &self.name]);
        format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    }
}

impl Drop for Container {
    fn drop(&mut self) {
        docker(&["rm", "--force", &self.name]);
    }
}
