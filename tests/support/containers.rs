//! The redis servers of the Docker and Swarm end-to-end tests, read and written from the host
//! with plain connections to port 6379: keys written before a change and read back after it,
//! and the cluster's real state as every member sees it.
//!
//! A server announces one IP (in `CLUSTER NODES`, `CLUSTER SLOTS` and redirects) and the host
//! may reach it at another: [`Reach`] maps the one to the other. On a bridge network they are
//! the same; a Swarm task announces its overlay IP, which the host cannot reach, and the host
//! reaches it at its `docker_gwbridge` IP instead.

use std::collections::{BTreeSet, HashMap};
use std::time::Duration;

use redis::Value;

use super::cluster::{NodeLine, SLOTS, key_slot, parse_nodes, slot_masters, value_to_string};

/// Keys [`write_keys`] writes.
const KEYS: usize = 300;

/// Where the host reaches each server: its announced IP → the IP the host connects to. An IP
/// it does not map is reached as it is.
#[derive(Debug, Clone, Default)]
pub struct Reach {
    host_ips: HashMap<String, String>,
}

impl Reach {
    /// Every server is reached at the IP it announces.
    pub fn direct() -> Self {
        Self::default()
    }

    /// Each server announcing `.0` is reached at `.1`.
    pub fn through(host_ips: HashMap<String, String>) -> Self {
        Self { host_ips }
    }

    /// The IP the host reaches the server announcing `ip` at.
    pub fn ip(&self, ip: &str) -> String {
        self.host_ips
            .get(ip)
            .cloned()
            .unwrap_or_else(|| ip.to_owned())
    }

    /// [`Reach::ip`] of an `ip:port` address (a redirect's target), the port kept.
    pub fn addr(&self, addr: &str) -> String {
        match addr.rsplit_once(':') {
            Some((ip, port)) => format!("{}:{port}", self.ip(ip)),
            None => addr.to_owned(),
        }
    }
}

/// Runs one command on `ip:6379` from the host.
pub fn query(ip: &str, args: &[&str]) -> redis::RedisResult<Value> {
    let client = redis::Client::open(format!("redis://{ip}:6379/"))?;
    let mut conn = client.get_connection_with_timeout(Duration::from_secs(2))?;
    conn.set_read_timeout(Some(Duration::from_secs(5)))?;
    let (name, rest) = args.split_first().expect("a command needs a name");
    let mut command = redis::cmd(name);
    for arg in rest {
        command.arg(*arg);
    }
    command.query(&mut conn)
}

/// `query` rendered as text; panics on error.
pub fn query_str(ip: &str, args: &[&str]) -> String {
    value_to_string(&query(ip, args).unwrap_or_else(|e| panic!("{ip}: {args:?}: {e}")))
}

/// The IP of a `CLUSTER NODES` line (`ip:port@bus`).
pub fn line_ip(line: &NodeLine) -> &str {
    line.addr.split(':').next().expect("an address")
}

/// The cluster as the server at `ip` sees it.
pub fn cluster_nodes(ip: &str) -> Vec<NodeLine> {
    parse_nodes(&query_str(ip, &["CLUSTER", "NODES"]))
}

/// Connects to `ip:6379` from the host; panics on error.
fn connect(ip: &str) -> redis::Connection {
    redis::Client::open(format!("redis://{ip}:6379/"))
        .and_then(|client| client.get_connection_with_timeout(Duration::from_secs(2)))
        .unwrap_or_else(|e| panic!("{ip}: {e}"))
}

/// Writes `key:i` = `value:i` to the masters owning their slots (per `CLUSTER SLOTS` of the
/// server at `ip`).
pub fn write_keys(ip: &str, reach: &Reach) -> Vec<String> {
    let owners = slot_owners(ip);
    let keys: Vec<String> = (0..KEYS).map(|i| format!("key:{i}")).collect();
    let mut batches: HashMap<&str, redis::Pipeline> = HashMap::new();
    for (i, key) in keys.iter().enumerate() {
        let owner = &owners[usize::from(key_slot(key.as_bytes()))];
        batches
            .entry(owner)
            .or_default()
            .cmd("SET")
            .arg(key)
            .arg(format!("value:{i}"))
            .ignore();
    }
    for (owner, pipe) in batches {
        let owner = reach.ip(owner);
        pipe.exec(&mut connect(&owner))
            .unwrap_or_else(|e| panic!("{owner}: {e}"));
    }
    keys
}

/// For each slot, the announced IP of the master serving it, per `CLUSTER SLOTS` of the server
/// at `ip`.
pub fn slot_owners(ip: &str) -> Vec<String> {
    let mut owners = vec![String::new(); usize::from(SLOTS)];
    let reply = query(ip, &["CLUSTER", "SLOTS"]).unwrap_or_else(|e| panic!("{ip}: {e}"));
    for (slots, addr) in slot_masters(&reply) {
        let master_ip = addr.rsplit_once(':').map_or(addr.as_str(), |(ip, _)| ip);
        owners[slots].fill(master_ip.to_owned());
    }
    owners
}

/// How many keys matching `pattern` the server at `ip` holds (`SCAN`).
fn count_keys(ip: &str, pattern: &str) -> usize {
    let mut conn = connect(ip);
    let mut cursor = 0u64;
    let mut count = 0;
    loop {
        let (next, keys): (u64, Vec<String>) = redis::cmd("SCAN")
            .arg(cursor)
            .arg("MATCH")
            .arg(pattern)
            .arg("COUNT")
            .arg(10_000)
            .query(&mut conn)
            .unwrap_or_else(|e| panic!("{ip}: SCAN: {e}"));
        count += keys.len();
        if next == 0 {
            return count;
        }
        cursor = next;
    }
}

/// Asserts every key [`write_keys`] wrote reads back its value from the master serving its
/// slot now (per the server at `ip`), and that the masters hold exactly these `key:*` keys.
pub fn assert_keys_intact(ip: &str, keys: &[String], reach: &Reach) {
    let owners = slot_owners(ip);
    for (i, key) in keys.iter().enumerate() {
        let owner = reach.ip(&owners[usize::from(key_slot(key.as_bytes()))]);
        assert_eq!(
            query_str(&owner, &["GET", key]),
            format!("value:{i}"),
            "{key}"
        );
    }
    let masters: BTreeSet<&String> = owners.iter().collect();
    let total: usize = masters
        .iter()
        .map(|m| count_keys(&reach.ip(m), "key:*"))
        .sum();
    assert_eq!(total, keys.len());
}

/// Asserts every acknowledged `(key, value)` of a writer reads back from the master serving
/// its slot now (per the server at `ip`).
pub fn assert_writes_intact(ip: &str, acked: &[(String, String)], reach: &Reach) {
    let owners = slot_owners(ip);
    let mut by_owner: HashMap<&str, Vec<&(String, String)>> = HashMap::new();
    for pair in acked {
        let owner = &owners[usize::from(key_slot(pair.0.as_bytes()))];
        by_owner.entry(owner).or_default().push(pair);
    }
    for (owner, pairs) in by_owner {
        let mut pipe = redis::pipe();
        for (key, _) in &pairs {
            pipe.cmd("GET").arg(key);
        }
        let values: Vec<Option<String>> = pipe.query(&mut connect(&reach.ip(owner))).unwrap();
        for ((key, value), read) in pairs.iter().map(|p| (&p.0, &p.1)).zip(values) {
            assert_eq!(read.as_ref(), Some(value), "{key} on {owner}");
        }
    }
}

/// One member's line as every member should see it: `myself` is the only flag that differs.
fn shared_view(line: &NodeLine) -> (String, String, Vec<String>, String, Vec<String>) {
    let flags = line
        .flags
        .iter()
        .filter(|f| *f != "myself")
        .cloned()
        .collect();
    (
        line.id.clone(),
        line.addr.clone(),
        flags,
        line.master.clone(),
        line.slots.clone(),
    )
}

/// Asserts the cluster's real state from every member's own view (`members` and `reset` are
/// IPs the host reaches): the members know exactly each other, every line settled, and all
/// list the same nodes, roles and slots; `cluster_state:ok`; every slot served by exactly one
/// master, none open (migrating or importing); `members / 2` masters each with one replica.
/// Every server in `reset` was reset: it knows only itself.
pub fn assert_members(members: &[String], reset: &[String]) {
    let ids: BTreeSet<String> = members
        .iter()
        .map(|ip| query_str(ip, &["CLUSTER", "MYID"]))
        .collect();
    assert_eq!(ids.len(), members.len(), "{members:?}");
    let view = cluster_nodes(&members[0]);
    let mut expected: Vec<_> = view.iter().map(shared_view).collect();
    expected.sort();
    for ip in members {
        assert!(
            query_str(ip, &["CLUSTER", "INFO"]).contains("cluster_state:ok"),
            "{ip}"
        );
        let lines = cluster_nodes(ip);
        let known: BTreeSet<String> = lines.iter().map(|l| l.id.clone()).collect();
        assert_eq!(known, ids, "{ip} knows exactly the members");
        assert!(lines.iter().all(NodeLine::is_settled), "{ip}: {lines:?}");
        let mut seen: Vec<_> = lines.iter().map(shared_view).collect();
        seen.sort();
        assert_eq!(seen, expected, "{ip} and {} disagree", members[0]);
    }

    let mut served = vec![0u32; usize::from(SLOTS)];
    for field in view.iter().flat_map(|l| &l.slots) {
        assert!(!field.starts_with('['), "open slot {field}: {view:?}");
        let (first, last) = field.split_once('-').unwrap_or((field, field));
        let (first, last): (usize, usize) = (first.parse().unwrap(), last.parse().unwrap());
        for count in &mut served[first..=last] {
            *count += 1;
        }
    }
    assert!(
        served.iter().all(|&count| count == 1),
        "not every slot served exactly once: {view:?}"
    );
    let masters: Vec<&NodeLine> = view.iter().filter(|l| l.has_flag("master")).collect();
    assert_eq!(masters.len(), members.len() / 2, "{view:?}");
    for master in masters {
        assert!(!master.slots.is_empty(), "{view:?}");
        let replicas = view.iter().filter(|l| l.master == master.id).count();
        assert_eq!(replicas, 1, "master {} has {replicas} replicas", master.id);
    }
    for ip in reset {
        assert_eq!(cluster_nodes(ip).len(), 1, "{ip} was not reset");
    }
}
