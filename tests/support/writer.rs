//! A cluster client written for the tests: one thread writing `SET w:<n> <n>` continuously,
//! one key after the other, following `MOVED` and `ASK` redirects by hand (plain connections,
//! no cluster library; to the address a [`Reach`] maps the redirect's to), retrying a key on
//! any other error until it is acknowledged.
//!
//! It records every acknowledged write, to be read back at the end (none may be lost), and the
//! longest time between two acknowledged writes: the outage a client saw.
//!
//! [`Writer::overwriting`] is the fault campaign's client: write `n` goes to key
//! `c:<n mod keys>` (so keys are written again and again, and a stale copy shows), and each
//! acknowledged `SET` is followed by `WAIT 1`: whether a replica had it too, which is what
//! survives a failover (Redis replicates asynchronously: a write only its master had can be
//! lost when a replica takes over, by the servers' design).

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use super::cluster::key_slot;
use super::containers::Reach;

/// Connect timeout of the writer's connections: a stopped node must not hold it up long.
const CONNECT_TIMEOUT: Duration = Duration::from_millis(300);
/// Read and write timeout of the writer's connections.
const IO_TIMEOUT: Duration = Duration::from_secs(1);
/// Pause after a failed write before the next attempt.
const BACKOFF: Duration = Duration::from_millis(10);

/// How long [`Writer::overwriting`] waits for a replica to confirm a write.
const REPLICA_WAIT_MS: &str = "100";

/// Which keys the writer writes.
#[derive(Debug, Clone, Copy)]
enum Keys {
    /// `w:<n>`, each once.
    Unique,
    /// `c:<n mod keys>`, each confirmed by `WAIT 1`.
    Overwritten { keys: u64 },
}

impl Keys {
    fn key(self, n: u64) -> String {
        match self {
            Keys::Unique => format!("w:{n}"),
            Keys::Overwritten { keys } => format!("c:{}", n % keys),
        }
    }
}

/// What the writer did.
#[derive(Debug, Default)]
pub struct Written {
    /// Every acknowledged `(key, value)`, in order; the value is the write's number `n`.
    pub acked: Vec<(String, String)>,
    /// Parallel to `acked` ([`Writer::overwriting`] only): whether a replica confirmed it.
    pub replicated: Vec<bool>,
    /// Writes sent (acknowledged or not): the numbers `0..sent`.
    pub sent: u64,
    /// The longest time between two acknowledged writes.
    pub longest_outage: Duration,
    /// Failed attempts (refused connections, timeouts, CLUSTERDOWN, ...), redirects excluded.
    pub failures: usize,
    /// MOVED and ASK replies followed.
    pub redirects: usize,
}

impl Written {
    /// One line on what the client saw: writes acknowledged, the longest outage, failed
    /// attempts and redirects.
    pub fn summary(&self) -> String {
        format!(
            "{} writes acknowledged, longest outage {:?}, {} failed attempts, {} redirects",
            self.acked.len(),
            self.longest_outage,
            self.failures,
            self.redirects
        )
    }
}

/// The writing thread; [`Writer::stop`] ends it and returns what it wrote.
pub struct Writer {
    stop: Arc<AtomicBool>,
    thread: JoinHandle<Written>,
}

impl Writer {
    /// Starts writing, first to `seeds` (`ip:port` of any nodes of the cluster).
    pub fn start(seeds: Vec<String>) -> Self {
        Self::spawn(seeds, Keys::Unique, Reach::direct())
    }

    /// [`Writer::start`] on servers the host reaches at other IPs than they announce: each
    /// redirect is followed to the address `reach` maps its target to.
    pub fn start_through(seeds: Vec<String>, reach: Reach) -> Self {
        Self::spawn(seeds, Keys::Unique, reach)
    }

    /// Starts writing `c:<n mod keys> = n` to `seeds`, asking after each acknowledged write
    /// whether a replica has it (`WAIT 1`, 100 ms).
    pub fn overwriting(seeds: Vec<String>, keys: u64) -> Self {
        Self::spawn(seeds, Keys::Overwritten { keys }, Reach::direct())
    }

    fn spawn(seeds: Vec<String>, keys: Keys, reach: Reach) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        let thread = std::thread::spawn(move || write_until(&seeds, keys, &reach, &flag));
        Self { stop, thread }
    }

    /// Stops after the write in flight and returns what was written.
    pub fn stop(self) -> Written {
        self.stop.store(true, Ordering::Relaxed);
        self.thread.join().expect("the writer thread panicked")
    }
}

fn write_until(seeds: &[String], keys: Keys, reach: &Reach, stop: &AtomicBool) -> Written {
    let mut written = Written::default();
    let mut routes: HashMap<u16, String> = HashMap::new();
    let mut conns: HashMap<String, redis::Connection> = HashMap::new();
    let mut last_ack = Instant::now();
    let mut next_seed = 0;
    let mut n = 0u64;
    'keys: while !stop.load(Ordering::Relaxed) {
        let (key, value) = (keys.key(n), n.to_string());
        written.sent = n + 1;
        let slot = key_slot(key.as_bytes());
        let mut target = routes
            .get(&slot)
            .cloned()
            .unwrap_or_else(|| seeds[0].clone());
        let mut asking = false;
        loop {
            if stop.load(Ordering::Relaxed) {
                break 'keys;
            }
            match set(&mut conns, &target, &key, &value, asking) {
                Ok(()) => {
                    written.longest_outage = written.longest_outage.max(last_ack.elapsed());
                    last_ack = Instant::now();
                    if let Keys::Overwritten { .. } = keys {
                        written.replicated.push(replicated(&mut conns, &target));
                    }
                    written.acked.push((key, value));
                    routes.insert(slot, target);
                    break;
                }
                Err(error) => match error.redirect_node() {
                    Some((addr, _)) => {
                        written.redirects += 1;
                        asking = error.code() == Some("ASK");
                        target = reach.addr(addr);
                        if !asking {
                            routes.insert(slot, target.clone());
                        }
                    }
                    None => {
                        written.failures += 1;
                        conns.remove(&target);
                        std::thread::sleep(BACKOFF);
                        // Any node redirects to the slot's owner: try the next one.
                        next_seed = (next_seed + 1) % seeds.len();
                        target = seeds[next_seed].clone();
                        asking = false;
                    }
                },
            }
        }
        n += 1;
    }
    written
}

/// `WAIT 1` on the connection to `addr` that just wrote: true when a replica has the write.
fn replicated(conns: &mut HashMap<String, redis::Connection>, addr: &str) -> bool {
    let Some(conn) = conns.get_mut(addr) else {
        return false;
    };
    let replicas: redis::RedisResult<i64> =
        redis::cmd("WAIT").arg(1).arg(REPLICA_WAIT_MS).query(conn);
    if replicas.is_err() {
        conns.remove(addr);
    }
    replicas.is_ok_and(|count| count >= 1)
}

/// `SET key value` on `addr` (after `ASKING` when redirected by ASK).
fn set(
    conns: &mut HashMap<String, redis::Connection>,
    addr: &str,
    key: &str,
    value: &str,
    asking: bool,
) -> redis::RedisResult<()> {
    if !conns.contains_key(addr) {
        let url = format!("redis://{addr}/");
        let conn = redis::Client::open(url)?.get_connection_with_timeout(CONNECT_TIMEOUT)?;
        conn.set_read_timeout(Some(IO_TIMEOUT))?;
        conn.set_write_timeout(Some(IO_TIMEOUT))?;
        conns.insert(addr.to_string(), conn);
    }
    let conn = conns.get_mut(addr).expect("connection just made");
    if asking {
        redis::cmd("ASKING").exec(conn)?;
    }
    redis::cmd("SET").arg(key).arg(value).exec(conn)
}
