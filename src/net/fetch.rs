//! Reads the cluster's state: the seed node's `CLUSTER NODES`, then every node it reports,
//! concurrently, each keeping its own view.
//!
//! Every node is asked for its own `CLUSTER NODES` (slots come from each node's `myself` line,
//! as redis-cli does), its key count and its server (`INFO server`), in one pipelined round trip
//! per node; masters with atomic slot migration (Valkey ≥ 9.0) also for their migration log
//! (`CLUSTER GETSLOTMIGRATIONS`).
//!
//! Each view is parsed as it arrives into one [`EntryPool`]: the n views of n nodes share
//! one entry per node (and one per node's own line), so what is kept grows with n, plus a
//! pointer and the link figures per line.

use std::collections::HashMap;

use futures_util::future::join_all;
use redis::Value;

use crate::cluster::endpoint::Endpoint;
use crate::cluster::job::SlotMigration;
use crate::cluster::server::Server;
use crate::cluster::slots::{SLOT_COUNT, SlotSet};
use crate::cluster::topology::{NodeReport, NodeState, Topology};
use crate::cluster::view::{EntryPool, NodeEntry, NodeId, NodesView};
use crate::net::conn::{ConnectSettings, NodeClient, NodeError};

/// What to read besides each node's view and key count.
#[derive(Debug, Clone, Copy, Default)]
pub struct FetchOptions {
    /// Also ask every master which slots hold keys (`CLUSTER COUNTKEYSINSLOT` for all 16384
    /// slots, pipelined), for `--search-multiple-owners`.
    pub slots_with_keys: bool,
}

/// One node's answers, and the connection they came over.
struct NodeReadings {
    client: NodeClient,
    view: NodesView,
    keys: u64,
    slots_with_keys: Option<SlotSet>,
    server: Option<Server>,
    migrations: Vec<SlotMigration>,
}

/// The topology, and an open connection to every node that answered.
pub struct Fetched {
    /// What every node said.
    pub topology: Topology,
    /// Connections to the reachable nodes, by ID.
    pub clients: HashMap<NodeId, NodeClient>,
}

impl Fetched {
    /// Sends `pipe` to every node `keep` selects, concurrently, in topology order. A node
    /// that could not be reached gets the reason as its error.
    pub async fn run_on<T: redis::FromRedisValue>(
        &self,
        keep: impl Fn(&NodeReport) -> bool,
        pipe: &redis::Pipeline,
    ) -> Vec<(&NodeReport, Result<T, String>)> {
        join_all(
            self.topology
                .nodes
                .iter()
                .filter(|n| keep(n))
                .map(|node| async move {
                    let outcome = match (self.clients.get(&node.entry.id), &node.state) {
                        (Some(client), _) => client.pipeline(pipe).await.map_err(|e| e.reason()),
                        (
                            None,
                            NodeState::Unreachable { reason } | NodeState::NotContacted { reason },
                        ) => Err(format!("not reached: {reason}")),
                        (None, NodeState::Reachable { .. }) => Err("not reached".to_string()),
                    };
                    (node, outcome)
                }),
        )
        .await
    }
}

/// Loads the topology from `seed`, then from every node the seed knows, concurrently.
///
/// Fails only when the seed itself cannot be read; other nodes that fail are recorded as
/// [`NodeState::Unreachable`].
pub async fn fetch_topology(
    seed: &Endpoint,
    settings: &ConnectSettings,
    options: FetchOptions,
) -> Result<Topology, NodeError> {
    Ok(fetch_with_clients(seed, settings, options).await?.topology)
}

/// [`fetch_topology`], keeping the connections open for the commands that follow.
pub async fn fetch_with_clients(
    seed: &Endpoint,
    settings: &ConnectSettings,
    options: FetchOptions,
) -> Result<Fetched, NodeError> {
    let pool = EntryPool::default();
    let seed_readings = read_node(seed, settings, options, &pool).await?;
    let Some(seed_entry) = seed_readings.view.myself().cloned() else {
        return Err(NodeError::Protocol {
            node: seed.clone(),
            command: "CLUSTER NODES".into(),
            detail: "no line is flagged myself".into(),
        });
    };
    let seed_id = seed_entry.id.clone();
    let others: Vec<NodeEntry> = seed_readings
        .view
        .entries()
        .filter(|entry| entry.id != seed_id)
        .cloned()
        .collect();
    let reports = join_all(
        others
            .into_iter()
            .map(|entry| report_for(entry, settings, options, &pool)),
    )
    .await;

    let mut clients = HashMap::with_capacity(reports.len() + 1);
    clients.insert(seed_id.clone(), seed_readings.client);
    let mut nodes = Vec::with_capacity(reports.len() + 1);
    nodes.push(NodeReport {
        entry: seed_entry,
        endpoint: seed.clone(),
        state: NodeState::Reachable {
            view: seed_readings.view,
            keys: seed_readings.keys,
            slots_with_keys: seed_readings.slots_with_keys,
            server: seed_readings.server,
            migrations: seed_readings.migrations,
        },
    });
    for (report, client) in reports {
        if let Some(client) = client {
            clients.insert(report.entry.id.clone(), client);
        }
        nodes.push(report);
    }
    Ok(Fetched {
        topology: Topology {
            seed: seed_id,
            nodes,
        },
        clients,
    })
}

/// Contacts a node the seed reported, and describes what was learnt (with the connection,
/// when the node answered as itself).
async fn report_for(
    seed_entry: NodeEntry,
    settings: &ConnectSettings,
    options: FetchOptions,
    pool: &EntryPool,
) -> (NodeReport, Option<NodeClient>) {
    let endpoint = Endpoint {
        name: seed_entry.hostname.clone(),
        addr: seed_entry
            .addr()
            .unwrap_or_else(|| (std::net::Ipv4Addr::UNSPECIFIED, seed_entry.port).into()),
    };
    let report = |state: NodeState, entry: NodeEntry, endpoint: Endpoint| NodeReport {
        entry,
        endpoint,
        state,
    };
    let not_contacted = |reason: &str| NodeState::NotContacted {
        reason: reason.to_string(),
    };
    if seed_entry.addr().is_none() {
        let state = not_contacted("it has no address (noaddr)");
        return (report(state, seed_entry, endpoint), None);
    }
    if seed_entry.flags.handshake {
        let state = not_contacted("it is still in handshake");
        return (report(state, seed_entry, endpoint), None);
    }
    let readings = match read_node(&endpoint, settings, options, pool).await {
        Ok(readings) => readings,
        Err(error) => {
            let state = NodeState::Unreachable {
                reason: error.reason(),
            };
            return (report(state, seed_entry, endpoint), None);
        }
    };
    let unreachable = |reason: String| NodeState::Unreachable { reason };
    match readings.view.myself().cloned() {
        Some(own) if own.id == seed_entry.id => {
            let state = NodeState::Reachable {
                view: readings.view,
                keys: readings.keys,
                slots_with_keys: readings.slots_with_keys,
                server: readings.server,
                migrations: readings.migrations,
            };
            (report(state, own, endpoint), Some(readings.client))
        }
        Some(own) => {
            let state = unreachable(format!(
                "{} is now answered by node {}, not {}",
                endpoint.addr, own.id, seed_entry.id
            ));
            (report(state, seed_entry, endpoint), None)
        }
        None => {
            let state = unreachable("its CLUSTER NODES has no line flagged myself".into());
            (report(state, seed_entry, endpoint), None)
        }
    }
}

/// Connects to one node and reads its view, key count and server in one round trip (plus one more
/// for the per-slot key scan when asked).
async fn read_node(
    endpoint: &Endpoint,
    settings: &ConnectSettings,
    options: FetchOptions,
    pool: &EntryPool,
) -> Result<NodeReadings, NodeError> {
    let client = NodeClient::connect(endpoint, settings).await?;
    let (view, keys, server) = client.read_view_and_server(pool).await?;
    let is_master = view.myself().is_some_and(NodeEntry::is_master);
    let slots_with_keys = if options.slots_with_keys && is_master {
        Some(slots_holding_keys(&client).await?)
    } else {
        None
    };
    // A second round trip, only to masters that have atomic slot migration.
    let migrations = match is_master && server.is_some_and(|s| s.atomic_migration()) {
        true => migrations(&client).await.unwrap_or_else(|error| {
            tracing::warn!("{endpoint}: {error}");
            Vec::new()
        }),
        false => Vec::new(),
    };
    Ok(NodeReadings {
        client,
        view,
        keys,
        slots_with_keys,
        server,
        migrations,
    })
}

/// The slots in which `client`'s node holds at least one key.
async fn slots_holding_keys(client: &NodeClient) -> Result<SlotSet, NodeError> {
    let mut pipe = redis::pipe();
    for slot in 0..SLOT_COUNT {
        pipe.cmd("CLUSTER").arg("COUNTKEYSINSLOT").arg(slot);
    }
    let counts: Vec<Value> = client.pipeline(&pipe).await?;
    Ok(counts
        .iter()
        .enumerate()
        .filter(|(_, count)| matches!(count, Value::Int(n) if *n > 0))
        .map(|(slot, _)| slot as u16)
        .collect())
}

/// `CLUSTER GETSLOTMIGRATIONS` of one node, parsed.
pub async fn migrations(client: &NodeClient) -> Result<Vec<SlotMigration>, NodeError> {
    let mut cmd = redis::cmd("CLUSTER");
    cmd.arg("GETSLOTMIGRATIONS");
    Ok(parse_migrations(&client.query::<Value>(&cmd).await?))
}

/// Parses a `GETSLOTMIGRATIONS` reply: a list of maps (flat `field, value` lists in RESP2).
/// Entries it cannot read are left out.
pub fn parse_migrations(reply: &Value) -> Vec<SlotMigration> {
    let Value::Array(entries) = reply else {
        return Vec::new();
    };
    entries
        .iter()
        .filter_map(|entry| {
            let pairs: Vec<(String, String)> = match entry {
                Value::Map(pairs) => pairs.iter().map(|(k, v)| (text(k), text(v))).collect(),
                Value::Array(flat) => flat
                    .chunks_exact(2)
                    .map(|pair| (text(&pair[0]), text(&pair[1])))
                    .collect(),
                _ => return None,
            };
            SlotMigration::from_fields(pairs.iter().map(|(k, v)| (k.as_str(), v.as_str())))
        })
        .collect()
}

/// A scalar reply as text.
fn text(value: &Value) -> String {
    match value {
        Value::BulkString(bytes) => String::from_utf8_lossy(bytes).into_owned(),
        Value::SimpleString(text) => text.clone(),
        Value::VerbatimString { text, .. } => text.clone(),
        Value::Int(n) => n.to_string(),
        _ => String::new(),
    }
}

/// A master serving slots, for commands that write keys to the cluster.
pub struct SlotMaster {
    /// The connection rtrib uses.
    pub client: NodeClient,
    /// The address it announces (which a server sending it keys, as MIGRATE does, uses).
    pub announced: std::net::SocketAddr,
    /// The server it runs, when it said.
    pub server: Option<Server>,
}

/// The masters serving slots and, for each slot, the index of its owner among them.
pub struct SlotMasters {
    /// The masters, in topology order.
    pub masters: Vec<SlotMaster>,
    /// Per slot, an index into `masters`.
    pub owner: Vec<usize>,
}

impl Fetched {
    /// Every slot's owner, from a topology that passed the check: each master's own view of
    /// its slots. Fails, saying why, when a master serving slots is unreachable or a slot has
    /// no owner.
    pub fn slot_masters(&self) -> Result<SlotMasters, String> {
        let mut masters = Vec::new();
        let mut owner = vec![usize::MAX; SLOT_COUNT];
        for node in self.topology.masters() {
            if node.entry.slots.is_empty() {
                continue;
            }
            let client = self
                .clients
                .get(node.id())
                .ok_or_else(|| format!("{} owns slots but is not reachable", node.endpoint))?;
            for slot in node.entry.slots.iter() {
                owner[usize::from(slot)] = masters.len();
            }
            masters.push(SlotMaster {
                client: client.clone(),
                announced: node.entry.addr().unwrap_or(node.endpoint.addr),
                server: node.server().copied(),
            });
        }
        if owner.contains(&usize::MAX) {
            return Err("some slots have no owner".into());
        }
        Ok(SlotMasters { masters, owner })
    }
}
