//! Real `redis-server` processes for the integration tests.
//!
//! [`Nodes::start`] launches N empty nodes, either on distinct random ports of `127.0.0.1`
//! ([`Layout::Ports`]) or each on its own loopback address at port 6379, like Kubernetes pods
//! ([`Layout::LoopbackIps`]). [`Nodes::form`] joins them into a cluster with raw `CLUSTER`
//! commands (never with `redis-cli --cluster create` nor with rtrib, which are under test), and
//! [`Nodes::fill_keys`] populates it.
//!
//! Every child is SIGKILLed and reaped when its [`RedisNode`] is dropped. As a second line of
//! defence (a test process killed by the nextest timeout runs no `Drop`), children are spawned
//! with `PR_SET_PDEATHSIG = SIGKILL`. Linux sends that signal when the *thread* that spawned the
//! child exits, so start and restart nodes on the thread that owns them, never on a helper
//! thread that ends first.
//!
//! `127.0.0.1:6379` is never used: ports are drawn from 20000..45000 and loopback addresses from
//! a random `127.x.y.0/24` block with x in 100..=250, each candidate checked by binding it (with
//! its cluster bus port, +10000) first, and a node that still loses a race for its address is
//! started again elsewhere.

use std::collections::HashMap;
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::io::Read;
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener};
use std::ops::{Index, IndexMut, RangeInclusive};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime};

use redis::{ConnectionAddr, IntoConnectionInfo, ProtocolVersion, RedisConnectionInfo, Value};
use tempfile::TempDir;

pub use super::servers::Server;

/// The cluster bus port is the client port plus this offset (redis's default).
pub const BUS_PORT_OFFSET: u16 = 10000;
/// Number of hash slots in a Redis Cluster.
pub const SLOTS: u16 = 16384;

/// How long a started node may take to answer `PING`.
const READY_TIMEOUT: Duration = Duration::from_secs(10);
/// How long [`Nodes::form`] waits for the cluster to converge.
const FORM_TIMEOUT: Duration = Duration::from_secs(30);
/// Poll interval of every wait loop.
const POLL: Duration = Duration::from_millis(20);
/// Connect timeout of fixture connections.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
/// Read and write timeout of fixture connections (a paused node answers nothing).
const IO_TIMEOUT: Duration = Duration::from_secs(5);
/// Attempts to start one node on a fresh address after it lost its address to a race.
const START_ATTEMPTS: usize = 5;
/// Lines of a node's log shown in panic messages.
const LOG_TAIL_LINES: usize = 40;

/// Where the nodes listen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// All on `127.0.0.1`, distinct random ports P (bus P+10000).
    Ports,
    /// Each on its own `127.x.y.z:6379` (bus 16379), announced with `--cluster-announce-ip`.
    LoopbackIps,
}

/// What [`Nodes::start`] launches.
#[derive(Debug, Clone)]
pub struct NodesConfig {
    /// Number of nodes.
    pub count: usize,
    /// Addressing scheme.
    pub layout: Layout,
    /// Sets `requirepass` and `masterauth`; fixture connections authenticate with it.
    pub password: Option<String>,
    /// `--cluster-enabled yes` (default) or a standalone server.
    pub cluster_enabled: bool,
    /// `--cluster-node-timeout`, in milliseconds (default 2000).
    pub node_timeout_ms: u64,
    /// Extra `--name value` arguments, appended last so they override the defaults.
    pub extra: Vec<(String, String)>,
    /// Which server runs (default: [`Server::from_env`]).
    pub server: Server,
}

impl NodesConfig {
    /// `count` cluster-enabled nodes in `layout`, with every other setting at its default.
    pub fn new(count: usize, layout: Layout) -> Self {
        Self {
            count,
            layout,
            ..Self::default()
        }
    }

    /// `count` cluster-enabled nodes of `server` in `layout`, every other setting at its
    /// default: the fixture of the tests that run on every server of the matrix.
    pub fn on(server: Server, count: usize, layout: Layout) -> Self {
        Self {
            server,
            ..Self::new(count, layout)
        }
    }
}

impl Default for NodesConfig {
    fn default() -> Self {
        Self {
            count: 3,
            layout: Layout::Ports,
            password: None,
            cluster_enabled: true,
            node_timeout_ms: 2000,
            extra: Vec::new(),
            server: Server::from_env(),
        }
    }
}

/// Polls `condition` every 20 ms until it holds (true) or `timeout` passes (false).
pub fn wait_until(timeout: Duration, mut condition: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + timeout;
    loop {
        if condition() {
            return true;
        }
        if Instant::now() >= deadline {
            return false;
        }
        std::thread::sleep(POLL);
    }
}

pub use rtrib::cluster::allocate::slot_ranges;
pub use rtrib::cluster::slots::key_slot;

/// A free 127.0.0.1 port (nothing listens on it right now), for "nothing is there" tests.
pub fn free_port() -> u16 {
    TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .expect("an ephemeral port")
}

/// A random 64-bit number, different on every call and in every process.
fn random_u64() -> u64 {
    static CALLS: AtomicU64 = AtomicU64::new(0);
    let mut hasher = RandomState::new().build_hasher();
    hasher.write_u64(CALLS.fetch_add(1, Ordering::Relaxed));
    hasher.write_u32(std::process::id());
    if let Ok(since) = SystemTime::now().duration_since(SystemTime::UNIX_EPOCH) {
        hasher.write_u128(since.as_nanos());
    }
    hasher.finish()
}

/// True when a listener can bind `addr` right now.
fn bindable(addr: SocketAddr) -> bool {
    TcpListener::bind(addr).is_ok()
}

/// Hands out client addresses whose client and bus ports are both free.
#[derive(Debug)]
struct AddressPool {
    layout: Layout,
    /// The `127.x.y` prefix of [`Layout::LoopbackIps`] and the next host number in it.
    block: Option<([u8; 3], u8)>,
    /// Addresses already handed out, so a node never gets another's address.
    given: Vec<SocketAddr>,
}

impl AddressPool {
    fn new(layout: Layout) -> Self {
        Self {
            layout,
            block: None,
            given: Vec::new(),
        }
    }

    /// The next free address; panics after many failed candidates.
    fn next_addr(&mut self) -> SocketAddr {
        for _ in 0..1000 {
            let candidate = match self.layout {
                Layout::Ports => {
                    let port = 20000 + (random_u64() % 25000) as u16;
                    SocketAddr::new(Ipv4Addr::LOCALHOST.into(), port)
                }
                Layout::LoopbackIps => SocketAddr::new(self.next_ip(), 6379),
            };
            let bus = SocketAddr::new(candidate.ip(), candidate.port() + BUS_PORT_OFFSET);
            if !self.given.contains(&candidate) && bindable(candidate) && bindable(bus) {
                self.given.push(candidate);
                return candidate;
            }
        }
        panic!("no free address found for layout {:?}", self.layout);
    }

    /// The next loopback address of the current block, opening a new random block when needed.
    fn next_ip(&mut self) -> IpAddr {
        let ([a, b, c], host) = match self.block {
            Some((prefix, host)) if host < 255 => (prefix, host),
            _ => {
                let r = random_u64();
                ([127, 100 + (r % 151) as u8, (r >> 8) as u8], 1)
            }
        };
        self.block = Some(([a, b, c], host + 1));
        IpAddr::V4(Ipv4Addr::new(a, b, c, host))
    }
}

/// Why a node did not come up; each variant carries the details and the log tail.
#[derive(Debug)]
enum StartError {
    /// The process exited (typically: its address was taken in the meantime).
    Exited(String),
    /// The process runs but did not answer `PING` in time.
    NotReady(String),
}

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Exited(why) | Self::NotReady(why) => f.write_str(why),
        }
    }
}

/// One `redis-server` child process with its own working directory.
pub struct RedisNode {
    ip: IpAddr,
    port: u16,
    password: Option<String>,
    /// Arguments that do not depend on the address.
    args: Vec<String>,
    cluster_enabled: bool,
    server: Server,
    dir: TempDir,
    child: Option<Child>,
    /// A cached connection; dropped on I/O errors, kill, pause and restart.
    conn: Mutex<Option<redis::Connection>>,
}

impl RedisNode {
    /// Prepares (does not start) a node at `addr` with a fresh directory.
    fn new(addr: SocketAddr, config: &NodesConfig) -> Self {
        let dir = tempfile::Builder::new()
            .prefix("rtrib-node-")
            .tempdir()
            .expect("create a node directory");
        let mut args: Vec<String> = Vec::new();
        let mut push = |name: &str, value: &str| {
            args.push(format!("--{name}"));
            args.push(value.to_owned());
        };
        if config.cluster_enabled {
            push("cluster-enabled", "yes");
            push("cluster-config-file", "nodes.conf");
            push("cluster-node-timeout", &config.node_timeout_ms.to_string());
        }
        push("save", "");
        push("appendonly", "no");
        push("daemonize", "no");
        if config.server.has_enable_debug_command() {
            push("enable-debug-command", "yes");
        }
        // Full syncs of empty test data should not wait the default 5 s for more replicas.
        push("repl-diskless-sync-delay", "0");
        if let Some(password) = &config.password {
            push("requirepass", password);
            push("masterauth", password);
        }
        for (name, value) in &config.extra {
            push(name, value);
        }
        Self {
            ip: addr.ip(),
            port: addr.port(),
            password: config.password.clone(),
            args,
            cluster_enabled: config.cluster_enabled,
            server: config.server,
            dir,
            child: None,
            conn: Mutex::new(None),
        }
    }

    /// The IP address the node binds (and announces).
    pub fn ip(&self) -> IpAddr {
        self.ip
    }

    /// The client port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The cluster bus port.
    pub fn bus_port(&self) -> u16 {
        self.port + BUS_PORT_OFFSET
    }

    /// `"ip:port"`.
    pub fn addr(&self) -> String {
        self.socket_addr().to_string()
    }

    /// The client address.
    pub fn socket_addr(&self) -> SocketAddr {
        SocketAddr::new(self.ip, self.port)
    }

    /// The server this node runs.
    pub fn server(&self) -> Server {
        self.server
    }

    /// The working directory (holds `nodes.conf` and `redis.log`); it outlives [`Self::kill`].
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The process id, while the process runs.
    pub fn pid(&self) -> Option<u32> {
        self.child.as_ref().map(Child::id)
    }

    fn log_path(&self) -> PathBuf {
        self.dir.path().join("redis.log")
    }

    fn stderr_path(&self) -> PathBuf {
        self.dir.path().join("stderr.log")
    }

    /// Spawns the process (does not wait for it to be ready).
    fn spawn(&mut self) {
        assert!(self.child.is_none(), "{} is already running", self.addr());
        let dir = self.dir.path();
        let stderr = std::fs::File::create(self.stderr_path()).expect("create stderr.log");
        let mut command = Command::new(self.server.binary());
        command
            .arg("--port")
            .arg(self.port.to_string())
            .arg("--bind")
            .arg(self.ip.to_string())
            .arg("--dir")
            .arg(dir)
            .arg("--logfile")
            .arg(self.log_path());
        // Without announce-ip a node on 127.x.y.z (≠ 127.0.0.1) never completes the handshake.
        if self.cluster_enabled && self.ip != IpAddr::V4(Ipv4Addr::LOCALHOST) {
            command
                .arg("--cluster-announce-ip")
                .arg(self.ip.to_string());
        }
        command
            .args(&self.args)
            .current_dir(dir)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(stderr);
        // SAFETY: prctl is async-signal-safe and touches no memory of the parent.
        unsafe {
            command.pre_exec(|| {
                if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        self.child = Some(
            command
                .spawn()
                .unwrap_or_else(|e| panic!("spawn {:?}: {e} (is it installed?)", self.server)),
        );
    }

    /// Polls `PING` until the node answers, exits, or [`READY_TIMEOUT`] passes.
    fn wait_ready(&mut self) -> Result<(), StartError> {
        let deadline = Instant::now() + READY_TIMEOUT;
        loop {
            let child = self.child.as_mut().expect("wait_ready on a stopped node");
            if let Ok(Some(status)) = child.try_wait() {
                self.child = None;
                return Err(StartError::Exited(format!(
                    "{} exited with {status}\n{}",
                    self.addr(),
                    self.log_tail()
                )));
            }
            if matches!(self.try_cmd(&["PING"]), Ok(Value::SimpleString(ref s)) if s == "PONG") {
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err(StartError::NotReady(format!(
                    "{} did not answer PING within {READY_TIMEOUT:?}\n{}",
                    self.addr(),
                    self.log_tail()
                )));
            }
            std::thread::sleep(POLL);
        }
    }

    /// Opens a connection (authenticated when a password is set).
    fn connect(&self) -> redis::RedisResult<redis::Connection> {
        let mut settings = RedisConnectionInfo::default()
            .set_protocol(ProtocolVersion::RESP2)
            .set_skip_set_lib_name();
        if let Some(password) = &self.password {
            settings = settings.set_password(password);
        }
        let info = ConnectionAddr::Tcp(self.ip.to_string(), self.port)
            .into_connection_info()?
            .set_redis_settings(settings);
        let conn = redis::Client::open(info)?.get_connection_with_timeout(CONNECT_TIMEOUT)?;
        conn.set_read_timeout(Some(IO_TIMEOUT))?;
        conn.set_write_timeout(Some(IO_TIMEOUT))?;
        Ok(conn)
    }

    /// Runs `f` on the cached connection, opening one when needed. The connection is dropped
    /// after any error that is not a reply from the server.
    pub fn with_conn<T>(
        &self,
        f: impl FnOnce(&mut redis::Connection) -> redis::RedisResult<T>,
    ) -> redis::RedisResult<T> {
        let mut cached = self.conn.lock().unwrap_or_else(|e| e.into_inner());
        if cached.is_none() {
            *cached = Some(self.connect()?);
        }
        let result = f(cached.as_mut().expect("connection just set"));
        if let Err(e) = &result {
            if !matches!(
                e.kind(),
                redis::ErrorKind::Server(_) | redis::ErrorKind::Extension
            ) {
                *cached = None;
            }
        }
        result
    }

    /// Runs one command; errors (server replies, I/O, timeouts) are returned.
    pub fn try_cmd(&self, args: &[&str]) -> redis::RedisResult<Value> {
        let (name, rest) = args.split_first().expect("a command needs a name");
        let mut command = redis::cmd(name);
        for arg in rest {
            command.arg(*arg);
        }
        self.with_conn(|conn| command.query(conn))
    }

    /// Runs one command; panics with the node's log tail on error.
    pub fn cmd(&self, args: &[&str]) -> Value {
        self.try_cmd(args).unwrap_or_else(|e| {
            panic!("{}: {args:?} failed: {e}\n{}", self.addr(), self.log_tail())
        })
    }

    /// Runs one command and renders its reply as text; panics on error.
    pub fn cmd_str(&self, args: &[&str]) -> String {
        value_to_string(&self.cmd(args))
    }

    /// `CLUSTER MYID`.
    pub fn id(&self) -> String {
        self.cmd_str(&["CLUSTER", "MYID"])
    }

    /// `CLUSTER NODES`, as the node returns it.
    pub fn cluster_nodes(&self) -> String {
        self.cmd_str(&["CLUSTER", "NODES"])
    }

    /// One `name:value` field of `CLUSTER INFO`, e.g. `cluster_state`; panics when absent.
    pub fn cluster_info_field(&self, name: &str) -> String {
        let info = self.cmd_str(&["CLUSTER", "INFO"]);
        info_field(&info, name)
            .unwrap_or_else(|| panic!("{}: no {name} in CLUSTER INFO:\n{info}", self.addr()))
    }

    /// Assigns slots `first..=last` to the node: `CLUSTER ADDSLOTSRANGE`, or `ADDSLOTS` on
    /// servers before Redis 7.0, which lack it.
    pub fn add_slots(&self, first: u16, last: u16) {
        if self.server == Server::Redis6_2 {
            let slots: Vec<String> = (first..=last).map(|s| s.to_string()).collect();
            let mut args = vec!["CLUSTER", "ADDSLOTS"];
            args.extend(slots.iter().map(String::as_str));
            self.cmd(&args);
        } else {
            self.cmd(&[
                "CLUSTER",
                "ADDSLOTSRANGE",
                &first.to_string(),
                &last.to_string(),
            ]);
        }
    }

    /// SIGKILLs and reaps the process; the directory (and `nodes.conf`) stays.
    pub fn kill(&mut self) {
        *self.conn.lock().unwrap_or_else(|e| e.into_inner()) = None;
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }

    /// SIGSTOPs the process: it keeps its sockets but answers nothing, like a hung host.
    pub fn pause(&self) {
        *self.conn.lock().unwrap_or_else(|e| e.into_inner()) = None;
        self.signal(libc::SIGSTOP);
    }

    /// SIGCONTs a paused process.
    pub fn resume(&self) {
        self.signal(libc::SIGCONT);
    }

    fn signal(&self, signal: libc::c_int) {
        let pid = self.pid().expect("signal to a node that is not running");
        let pid = libc::pid_t::try_from(pid).expect("pid fits pid_t");
        // SAFETY: kill(2) with the pid of our own unreaped child.
        let rc = unsafe { libc::kill(pid, signal) };
        assert_eq!(rc, 0, "kill({pid}, {signal}) failed");
    }

    /// Kills the node if it runs and starts it again from its directory (same `nodes.conf`, so
    /// the same node ID), on `new_ip` when given (same port), and waits until it answers.
    pub fn restart(&mut self, new_ip: Option<IpAddr>) {
        self.kill();
        if let Some(ip) = new_ip {
            self.ip = ip;
        }
        self.spawn();
        if let Err(e) = self.wait_ready() {
            panic!("restart failed: {e}");
        }
    }

    /// The last lines of `redis.log` and anything written to stderr.
    pub fn log_tail(&self) -> String {
        let mut out = format!("--- {} log ({}) ---\n", self.addr(), self.dir().display());
        for path in [self.stderr_path(), self.log_path()] {
            let mut text = String::new();
            if let Ok(mut file) = std::fs::File::open(&path) {
                let _ = file.read_to_string(&mut text);
            }
            let lines: Vec<&str> = text.lines().collect();
            for line in &lines[lines.len().saturating_sub(LOG_TAIL_LINES)..] {
                out.push_str(line);
                out.push('\n');
            }
        }
        out
    }
}

impl Drop for RedisNode {
    fn drop(&mut self) {
        self.kill();
    }
}

impl std::fmt::Debug for RedisNode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisNode")
            .field("addr", &self.addr())
            .field("pid", &self.pid())
            .field("dir", &self.dir())
            .finish()
    }
}

/// Renders a reply as text: strings as they are, integers in decimal, others with `{:?}`.
pub fn value_to_string(value: &Value) -> String {
    match value {
        Value::BulkString(bytes) => String::from_utf8_lossy(bytes).into_owned(),
        Value::SimpleString(s) => s.clone(),
        Value::VerbatimString { text, .. } => text.clone(),
        Value::Okay => "OK".to_owned(),
        Value::Int(i) => i.to_string(),
        Value::Nil => String::new(),
        other => format!("{other:?}"),
    }
}

/// The value of `name` in `INFO`-style `name:value` text.
pub fn info_field(text: &str, name: &str) -> Option<String> {
    text.lines().find_map(|line| {
        let (key, value) = line.trim_end().split_once(':')?;
        (key == name).then(|| value.to_owned())
    })
}

/// The cluster [`Nodes::form`] built, as indices into [`Nodes`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Formed {
    /// The masters, in slot order.
    pub masters: Vec<usize>,
    /// The slot range of each master, parallel to `masters`.
    pub slots: Vec<(u16, u16)>,
    /// `(replica, master)` pairs.
    pub replicas: Vec<(usize, usize)>,
}

impl Formed {
    /// The master of `replica`, if it is one.
    pub fn master_of(&self, replica: usize) -> Option<usize> {
        self.replicas
            .iter()
            .find(|&&(r, _)| r == replica)
            .map(|&(_, m)| m)
    }

    /// The replicas of `master`.
    pub fn replicas_of(&self, master: usize) -> Vec<usize> {
        self.replicas
            .iter()
            .filter(|&&(_, m)| m == master)
            .map(|&(r, _)| r)
            .collect()
    }
}

/// N `redis-server` processes, killed when dropped.
#[derive(Debug)]
pub struct Nodes {
    nodes: Vec<RedisNode>,
    pool: AddressPool,
}

impl Nodes {
    /// Starts `config.count` empty nodes and waits until each answers `PING`; panics on failure.
    pub fn start(config: NodesConfig) -> Self {
        let mut pool = AddressPool::new(config.layout);
        let mut nodes: Vec<RedisNode> = (0..config.count)
            .map(|_| RedisNode::new(pool.next_addr(), &config))
            .collect();
        for node in &mut nodes {
            node.spawn();
        }
        for node in &mut nodes {
            let mut attempt = 1;
            loop {
                match node.wait_ready() {
                    Ok(()) => break,
                    Err(StartError::Exited(why)) if attempt < START_ATTEMPTS => {
                        eprintln!("node start failed, retrying on a new address: {why}");
                        *node = RedisNode::new(pool.next_addr(), &config);
                        node.spawn();
                        attempt += 1;
                    }
                    Err(e) => panic!("node start failed: {e}"),
                }
            }
        }
        Self { nodes, pool }
    }

    /// `count` cluster-enabled nodes on distinct ports of 127.0.0.1.
    pub fn on_ports(count: usize) -> Self {
        Self::start(NodesConfig::new(count, Layout::Ports))
    }

    /// `count` cluster-enabled nodes, each on its own loopback IP at port 6379.
    pub fn on_loopback_ips(count: usize) -> Self {
        Self::start(NodesConfig::new(count, Layout::LoopbackIps))
    }

    /// A fresh, bindable loopback address for [`RedisNode::restart`] (Layout::LoopbackIps: in
    /// this set's block; Layout::Ports: 127.0.0.1, which is the same IP).
    pub fn spare_ip(&mut self) -> IpAddr {
        match self.pool.layout {
            Layout::LoopbackIps => self.pool.next_addr().ip(),
            Layout::Ports => Ipv4Addr::LOCALHOST.into(),
        }
    }

    /// The number of nodes.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// True when there are no nodes.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// The nodes, in start order.
    pub fn iter(&self) -> std::slice::Iter<'_, RedisNode> {
        self.nodes.iter()
    }

    /// `"ip:port"` of every node, in start order.
    pub fn addrs(&self) -> Vec<String> {
        self.nodes.iter().map(RedisNode::addr).collect()
    }

    /// Every node's log tail, for panic messages.
    pub fn logs(&self) -> String {
        self.nodes.iter().map(RedisNode::log_tail).collect()
    }

    /// Joins the nodes into a cluster with raw commands, as `redis-cli --cluster create` would
    /// (minus its anti-affinity shuffle): the first `masters` nodes get redis-cli's slot split
    /// ([`slot_ranges`]), every node a distinct config epoch, each pair of nodes one
    /// `CLUSTER MEET`, and the remaining nodes become replicas of the masters round-robin.
    ///
    /// Returns once every node knows all nodes (none in handshake or failing), agrees on every
    /// master's slots and every replica's master, and reports `cluster_state:ok`. Panics with
    /// every node's view and log after 30 s.
    pub fn form(&self, masters: usize) -> Formed {
        self.form_with(&slot_ranges(masters))
    }

    /// [`Self::form`] with the masters' slot ranges given: one range `(first, last)` per master,
    /// the first nodes in order (e.g. the Valkey tests' layout: slot 0 alone on the last master).
    pub fn form_with(&self, slots: &[(u16, u16)]) -> Formed {
        self.form_members(slots, self.len())
    }

    /// [`Self::form`] of the first `members` nodes only: the others stay outside the cluster
    /// (to be added by a test).
    pub fn form_first(&self, masters: usize, members: usize) -> Formed {
        self.form_members(&slot_ranges(masters), members)
    }

    fn form_members(&self, slots: &[(u16, u16)], members: usize) -> Formed {
        let masters = slots.len();
        assert!(
            (1..=members).contains(&masters) && members <= self.len(),
            "{masters} masters out of {members} nodes"
        );
        let slots = slots.to_vec();
        let formed = Formed {
            masters: (0..masters).collect(),
            replicas: (masters..members)
                .map(|r| (r, (r - masters) % masters))
                .collect(),
            slots,
        };
        for (&m, &(first, last)) in formed.masters.iter().zip(&formed.slots) {
            self.nodes[m].add_slots(first, last);
        }
        let nodes = &self.nodes[..members];
        for (i, node) in nodes.iter().enumerate() {
            node.cmd(&["CLUSTER", "SET-CONFIG-EPOCH", &(i + 1).to_string()]);
        }
        for (i, from) in nodes.iter().enumerate() {
            for to in &nodes[i + 1..] {
                from.cmd(&[
                    "CLUSTER",
                    "MEET",
                    &to.ip().to_string(),
                    &to.port().to_string(),
                    &to.bus_port().to_string(),
                ]);
            }
        }
        let ids: Vec<String> = nodes.iter().map(RedisNode::id).collect();
        let mut replicated = vec![false; formed.replicas.len()];
        let converged = wait_until(FORM_TIMEOUT, || {
            for (done, &(r, m)) in replicated.iter_mut().zip(&formed.replicas) {
                if !*done
                    && self.nodes[r].try_cmd(&["CLUSTER", "NODES"]).is_ok_and(|v| {
                        parse_nodes(&value_to_string(&v))
                            .iter()
                            .any(|line| line.id == ids[m] && line.is_settled())
                    })
                {
                    *done = self.nodes[r]
                        .try_cmd(&["CLUSTER", "REPLICATE", &ids[m]])
                        .is_ok();
                }
            }
            replicated.iter().all(|&done| done)
                && nodes
                    .iter()
                    .all(|node| self.view_converged(node, &ids, &formed))
        });
        if !converged {
            let views: String = self
                .nodes
                .iter()
                .map(|n| match n.try_cmd(&["CLUSTER", "NODES"]) {
                    Ok(v) => format!("--- {} view ---\n{}", n.addr(), value_to_string(&v)),
                    Err(e) => format!("--- {} view --- error: {e}\n", n.addr()),
                })
                .collect();
            panic!(
                "cluster did not converge within {FORM_TIMEOUT:?}\n{views}{}",
                self.logs()
            );
        }
        formed
    }

    /// True when `node` sees the whole cluster as `formed` describes it, settled and ok.
    fn view_converged(&self, node: &RedisNode, ids: &[String], formed: &Formed) -> bool {
        let Ok(text) = node.try_cmd(&["CLUSTER", "NODES"]) else {
            return false;
        };
        let lines = parse_nodes(&value_to_string(&text));
        let by_id: HashMap<&str, &NodeLine> = lines.iter().map(|l| (l.id.as_str(), l)).collect();
        let all_known = lines.len() == ids.len()
            && lines.iter().all(NodeLine::is_settled)
            && ids.iter().all(|id| by_id.contains_key(id.as_str()));
        let slots_agree = formed
            .masters
            .iter()
            .zip(&formed.slots)
            .all(|(&m, &(a, b))| {
                let range = match a == b {
                    true => a.to_string(),
                    false => format!("{a}-{b}"),
                };
                by_id
                    .get(ids[m].as_str())
                    .is_some_and(|l| l.slots == [range])
            });
        let replicas_agree = formed.replicas.iter().all(|&(r, m)| {
            by_id
                .get(ids[r].as_str())
                .is_some_and(|l| l.master == ids[m])
        });
        all_known
            && slots_agree
            && replicas_agree
            && node.try_cmd(&["CLUSTER", "INFO"]).is_ok_and(|v| {
                info_field(&value_to_string(&v), "cluster_state").as_deref() == Some("ok")
            })
    }

    /// Writes `count` keys `key:0`, `key:1`, … (value `value:<i>`) to the masters owning their
    /// slots, per `CLUSTER SLOTS` of the first node, one pipeline per master. Returns the keys.
    pub fn fill_keys(&self, count: usize) -> Vec<String> {
        let pairs: Vec<(String, String)> = (0..count)
            .map(|i| (format!("key:{i}"), format!("value:{i}")))
            .collect();
        self.set_keys(&pairs);
        pairs.into_iter().map(|(key, _)| key).collect()
    }

    /// Writes each `(key, value)` to the master owning its slot, per `CLUSTER SLOTS` of the
    /// first node, one pipeline per master.
    pub fn set_keys(&self, pairs: &[(String, String)]) {
        let owners = self.slot_owners();
        let mut batches: HashMap<usize, redis::Pipeline> = HashMap::new();
        for (key, value) in pairs {
            let owner = owners[usize::from(key_slot(key.as_bytes()))]
                .unwrap_or_else(|| panic!("no node of this set owns the slot of {key}"));
            batches
                .entry(owner)
                .or_default()
                .cmd("SET")
                .arg(key)
                .arg(value)
                .ignore();
        }
        for (owner, pipe) in batches {
            let node = &self.nodes[owner];
            node.with_conn(|conn| pipe.exec(conn)).unwrap_or_else(|e| {
                panic!(
                    "{}: SET pipeline failed: {e}\n{}",
                    node.addr(),
                    node.log_tail()
                )
            });
        }
    }

    /// Reads every `(key, value)` back through the master serving its slot (per
    /// `CLUSTER SLOTS` of the first node) and asserts the value.
    pub fn assert_values(&self, pairs: &[(String, String)]) {
        let owners = self.slot_owners();
        let mut batches: HashMap<usize, Vec<&(String, String)>> = HashMap::new();
        for pair in pairs {
            let owner = owners[usize::from(key_slot(pair.0.as_bytes()))]
                .unwrap_or_else(|| panic!("no node of this set owns the slot of {}", pair.0));
            batches.entry(owner).or_default().push(pair);
        }
        for (owner, batch) in batches {
            let node = &self.nodes[owner];
            let mut pipe = redis::pipe();
            for (key, _) in &batch {
                pipe.cmd("GET").arg(key);
            }
            let values: Vec<Option<String>> = node
                .with_conn(|conn| pipe.query(conn))
                .unwrap_or_else(|e| panic!("{}: GET pipeline failed: {e}", node.addr()));
            for ((key, expected), value) in batch.iter().zip(values) {
                assert_eq!(
                    value.as_deref(),
                    Some(expected.as_str()),
                    "{key} on {}",
                    node.addr()
                );
            }
        }
    }

    /// For each slot, the index of the node serving it, per `CLUSTER SLOTS` of the first node.
    pub fn slot_owners(&self) -> Vec<Option<usize>> {
        let mut owners = vec![None; usize::from(SLOTS)];
        for (slots, addr) in slot_masters(&self.nodes[0].cmd(&["CLUSTER", "SLOTS"])) {
            let owner = self.nodes.iter().position(|n| n.addr() == addr);
            owners[slots].fill(owner);
        }
        owners
    }

    /// The number of keys over all nodes that are masters (`ROLE`) and answer.
    pub fn key_count(&self) -> usize {
        self.nodes
            .iter()
            .filter(|n| {
                matches!(n.try_cmd(&["ROLE"]), Ok(Value::Array(ref role))
                    if role.first().map(value_to_string).as_deref() == Some("master"))
            })
            .map(|n| {
                n.cmd_str(&["DBSIZE"])
                    .parse::<usize>()
                    .expect("DBSIZE is a number")
            })
            .sum()
    }
}

impl Index<usize> for Nodes {
    type Output = RedisNode;

    fn index(&self, index: usize) -> &RedisNode {
        &self.nodes[index]
    }
}

impl IndexMut<usize> for Nodes {
    fn index_mut(&mut self, index: usize) -> &mut RedisNode {
        &mut self.nodes[index]
    }
}

impl<'a> IntoIterator for &'a Nodes {
    type Item = &'a RedisNode;
    type IntoIter = std::slice::Iter<'a, RedisNode>;

    fn into_iter(self) -> Self::IntoIter {
        self.nodes.iter()
    }
}

/// The slot ranges of a `CLUSTER SLOTS` reply, each with its master's `ip:port`; malformed
/// entries are skipped.
pub fn slot_masters(reply: &Value) -> Vec<(RangeInclusive<usize>, String)> {
    let Value::Array(ranges) = reply else {
        panic!("CLUSTER SLOTS did not return an array: {reply:?}");
    };
    ranges
        .iter()
        .filter_map(|range| {
            let Value::Array(fields) = range else {
                return None;
            };
            let (Some(Value::Int(first)), Some(Value::Int(last)), Some(Value::Array(master))) =
                (fields.first(), fields.get(1), fields.get(2))
            else {
                return None;
            };
            let (Some(ip), Some(Value::Int(port))) = (master.first(), master.get(1)) else {
                return None;
            };
            let slots = usize::try_from(*first).ok()?..=usize::try_from(*last).ok()?;
            Some((slots, format!("{}:{port}", value_to_string(ip))))
        })
        .collect()
}

/// One line of `CLUSTER NODES`, the fields the fixture needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeLine {
    /// Node ID.
    pub id: String,
    /// `ip:port@bus`.
    pub addr: String,
    /// Flags such as `myself`, `master`, `slave`, `handshake`, `fail?`.
    pub flags: Vec<String>,
    /// The master's ID, or `-`.
    pub master: String,
    /// Slot fields (ranges, single slots, migrating/importing markers).
    pub slots: Vec<String>,
}

impl NodeLine {
    /// True for a known, reachable node: not in handshake, not failing, has an address.
    pub fn is_settled(&self) -> bool {
        !self
            .flags
            .iter()
            .any(|f| matches!(f.as_str(), "handshake" | "noaddr" | "fail" | "fail?"))
    }

    /// True when the flags contain `flag`.
    pub fn has_flag(&self, flag: &str) -> bool {
        self.flags.iter().any(|f| f == flag)
    }
}

/// Parses `CLUSTER NODES` text; malformed lines are skipped.
pub fn parse_nodes(text: &str) -> Vec<NodeLine> {
    text.lines()
        .filter_map(|line| {
            let fields: Vec<&str> = line.split_whitespace().collect();
            (fields.len() >= 8).then(|| NodeLine {
                id: fields[0].to_owned(),
                addr: fields[1].to_owned(),
                flags: fields[2].split(',').map(str::to_owned).collect(),
                master: fields[3].to_owned(),
                slots: fields[8..].iter().map(|s| (*s).to_owned()).collect(),
            })
        })
        .collect()
}

/// `new` sends `CLUSTER MEET` to `seed`; returns once every node of `all` (`new` among them)
/// lists every other, settled, and sees the slots where `seed` sees them. Panics after 20 s.
pub fn join_by_meet(new: &RedisNode, seed: &RedisNode, all: &[&RedisNode]) {
    new.cmd(&[
        "CLUSTER",
        "MEET",
        &seed.ip().to_string(),
        &seed.port().to_string(),
    ]);
    let slots = |lines: &[NodeLine]| {
        let mut owned: Vec<(String, Vec<String>)> = lines
            .iter()
            .map(|line| (line.id.clone(), line.slots.clone()))
            .collect();
        owned.sort();
        owned
    };
    let joined = wait_until(Duration::from_secs(20), || {
        let expected = slots(&parse_nodes(&seed.cluster_nodes()));
        all.iter().all(|node| {
            let lines = parse_nodes(&node.cluster_nodes());
            lines.len() == all.len()
                && lines.iter().all(NodeLine::is_settled)
                && slots(&lines) == expected
        })
    });
    assert!(joined, "{} did not join {}", new.addr(), seed.addr());
}
