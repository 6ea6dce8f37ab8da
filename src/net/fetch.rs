//! Reads the cluster's state: the seed node's `CLUSTER NODES`, then every node it reports,
//! concurrently, each keeping its own view.
//!
//! Every node is asked for its own `CLUSTER NODES` (slots come from each node's `myself` line,
//! as redis-cli does) and its key count, in one pipelined round trip per node.

use futures_util::future::join_all;
use redis::Value;

use crate::cluster::check::{NodeReport, NodeState, Topology};
use crate::cluster::endpoint::Endpoint;
use crate::cluster::slots::{SLOT_COUNT, SlotSet};
use crate::cluster::topology::{NodeEntry, NodesView};
use crate::net::conn::{ConnectSettings, NodeClient, NodeError};

/// What to read besides each node's view and key count.
#[derive(Debug, Clone, Copy, Default)]
pub struct FetchOptions {
    /// Also ask every master which slots hold keys (`CLUSTER COUNTKEYSINSLOT` for all 16384
    /// slots, pipelined), for `--search-multiple-owners`.
    pub slots_with_keys: bool,
}

/// One node's answers.
struct NodeReadings {
    view: NodesView,
    keys: u64,
    slots_with_keys: Option<SlotSet>,
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
    let seed_readings = read_node(seed, settings, options).await?;
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
        .entries
        .iter()
        .filter(|entry| entry.id != seed_id)
        .cloned()
        .collect();
    let reports = join_all(
        others
            .into_iter()
            .map(|entry| report_for(entry, settings, options)),
    )
    .await;

    let mut nodes = Vec::with_capacity(reports.len() + 1);
    nodes.push(NodeReport {
        entry: seed_entry,
        endpoint: seed.clone(),
        state: NodeState::Reachable {
            view: seed_readings.view,
            keys: seed_readings.keys,
            slots_with_keys: seed_readings.slots_with_keys,
        },
    });
    nodes.extend(reports);
    Ok(Topology {
        seed: seed_id,
        nodes,
    })
}

/// Contacts a node the seed reported, and describes what was learnt.
async fn report_for(
    seed_entry: NodeEntry,
    settings: &ConnectSettings,
    options: FetchOptions,
) -> NodeReport {
    let not_contacted = |reason: &str, entry: NodeEntry, endpoint: Endpoint| NodeReport {
        entry,
        endpoint,
        state: NodeState::NotContacted {
            reason: reason.to_string(),
        },
    };
    let Some(addr) = seed_entry.addr() else {
        let endpoint = Endpoint {
            name: seed_entry.hostname.clone(),
            addr: (std::net::Ipv4Addr::UNSPECIFIED, seed_entry.port).into(),
        };
        return not_contacted("it has no address (noaddr)", seed_entry, endpoint);
    };
    let endpoint = Endpoint {
        name: seed_entry.hostname.clone(),
        addr,
    };
    if seed_entry.flags.handshake {
        return not_contacted("it is still in handshake", seed_entry, endpoint);
    }
    match read_node(&endpoint, settings, options).await {
        Ok(readings) => match readings.view.myself().cloned() {
            Some(own) if own.id == seed_entry.id => NodeReport {
                entry: own,
                endpoint,
                state: NodeState::Reachable {
                    view: readings.view,
                    keys: readings.keys,
                    slots_with_keys: readings.slots_with_keys,
                },
            },
            Some(own) => NodeReport {
                state: NodeState::Unreachable {
                    reason: format!(
                        "{} is now answered by node {}, not {}",
                        endpoint.addr, own.id, seed_entry.id
                    ),
                },
                entry: seed_entry,
                endpoint,
            },
            None => NodeReport {
                state: NodeState::Unreachable {
                    reason: "its CLUSTER NODES has no line flagged myself".into(),
                },
                entry: seed_entry,
                endpoint,
            },
        },
        Err(error) => NodeReport {
            state: NodeState::Unreachable {
                reason: error.reason(),
            },
            entry: seed_entry,
            endpoint,
        },
    }
}

/// Connects to one node and reads its view and key count in one round trip (plus one more
/// for the per-slot key scan when asked).
async fn read_node(
    endpoint: &Endpoint,
    settings: &ConnectSettings,
    options: FetchOptions,
) -> Result<NodeReadings, NodeError> {
    let client = NodeClient::connect(endpoint, settings).await?;
    let (view, keys) = client.read_view().await?;
    let is_master = view.myself().is_some_and(NodeEntry::is_master);
    let slots_with_keys = if options.slots_with_keys && is_master {
        Some(slots_holding_keys(&client).await?)
    } else {
        None
    };
    Ok(NodeReadings {
        view,
        keys,
        slots_with_keys,
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
