//! Reads what the slots hold from every master, concurrently, into a
//! [`SlotFigures`](crate::cluster::load::SlotFigures).
//!
//! Per master, for the slots it serves by its own account:
//! - **keys**: `CLUSTER SLOT-STATS SLOTSRANGE 0 16383` in one call where the server has it
//!   (Valkey ≥ 8.0, Redis ≥ 8.2; its reply also carries `cpu-usec`, `network-bytes-in` and
//!   `network-bytes-out` when `cluster-slot-stats-enabled` is `yes`), else one pipelined
//!   `CLUSTER COUNTKEYSINSLOT` per slot, none at all for `info` when the master's `DBSIZE`
//!   (read with its view a moment before) was 0;
//! - **memory** (only when asked, it costs more): for every slot holding keys,
//!   `CLUSTER GETKEYSINSLOT slot N` lists up to [`MEMORY_SAMPLES`] keys and `MEMORY USAGE` of
//!   each is read; the slot is estimated at their mean times its key count (see
//!   `docs/commands.md` for the error of that estimate). At most `16384 * (1 + N)` commands
//!   over the whole cluster, whatever its size, pipelined [`MEMORY_CHUNK`] slots at a time;
//! - `used_memory` of `INFO memory`, the memory the master's allocator holds.

use std::time::{Duration, Instant};

use futures_util::future::{join, join_all};
use redis::Value;

use crate::cluster::endpoint::Endpoint;
use crate::cluster::info::info_field;
use crate::cluster::load::{
    Measure, SlotFigures, SlotWeights, estimate_slot_memory, representative_key,
};
use crate::cluster::server::Server;
use crate::cluster::slots::{SLOT_COUNT, Slot};
use crate::cluster::topology::{NodeReport, Topology};
use crate::cluster::view::NodeId;
use crate::net::conn::{NodeClient, NodeError};
use crate::net::fetch::Fetched;

/// Keys sampled per slot for the memory estimate.
pub const MEMORY_SAMPLES: usize = 8;
/// Slots whose samples go in one pipeline.
const MEMORY_CHUNK: usize = 1024;

/// What to read besides the keys per slot.
#[derive(Debug, Clone, Copy, Default)]
pub struct LoadRequest {
    /// Estimate the memory of every slot by sampling `MEMORY USAGE`.
    pub memory: bool,
    /// Count 0 keys in every slot of a master whose `DBSIZE`, read with the topology, was 0,
    /// without asking it: only for a read made right after the topology's (`info`), never
    /// after writes (a restore's count of what it wrote).
    pub trust_empty_masters: bool,
}

/// How a master's per-slot figures were read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// `CLUSTER SLOT-STATS`; `usage` when it reported CPU and network figures too.
    SlotStats { usage: bool },
    /// `CLUSTER COUNTKEYSINSLOT`, pipelined: keys only.
    CountKeys,
}

/// What one master said.
#[derive(Debug)]
pub struct MasterLoad {
    /// The master.
    pub node: NodeId,
    /// Where it is.
    pub endpoint: Endpoint,
    /// `used_memory` of `INFO memory`.
    pub used_memory: Option<u64>,
    /// How its figures were read; `None` when reading failed.
    pub method: Option<Method>,
    /// Why reading failed.
    pub error: Option<NodeError>,
}

/// Every master's figures, merged per slot.
#[derive(Debug)]
pub struct ClusterLoad {
    /// The per-slot figures.
    pub figures: SlotFigures,
    /// Every master, in topology order.
    pub masters: Vec<MasterLoad>,
    /// How long reading took.
    pub elapsed: Duration,
}

impl ClusterLoad {
    /// The weights of `measure`, or why the masters cannot give them.
    pub fn weights(&self, measure: Measure) -> Result<SlotWeights, String> {
        if let Some(weights) = self.figures.weights(measure) {
            return Ok(weights);
        }
        let lacking: Vec<String> = self
            .masters
            .iter()
            .filter_map(|m| match m.method {
                Some(Method::SlotStats { usage: true }) => None,
                Some(Method::SlotStats { usage: false }) => {
                    Some(format!("{} has cluster-slot-stats-enabled no", m.endpoint))
                }
                Some(Method::CountKeys) => {
                    Some(format!("{} has no CLUSTER SLOT-STATS", m.endpoint))
                }
                None => Some(format!("{} could not be read", m.endpoint)),
            })
            .collect();
        Err(match measure {
            Measure::Cpu | Measure::Network => format!(
                "the masters cannot measure {measure} per slot: that needs CLUSTER SLOT-STATS \
                 (Valkey 8.0, Redis 8.2 or later) with cluster-slot-stats-enabled yes on every \
                 master, and {}. Enable it (CONFIG SET cluster-slot-stats-enabled yes on every master), \
                 let the figures build up under real traffic, or balance --by keys or memory",
                lacking.join(", ")
            ),
            _ => format!("{measure} per slot was not read"),
        })
    }

    /// Takes the error of the first master that could not be read.
    pub fn take_error(&mut self) -> Option<NodeError> {
        self.masters.iter_mut().find_map(|m| m.error.take())
    }
}

/// Reads the figures of every reachable master of `fetched`, concurrently.
pub async fn read_load(fetched: &Fetched, request: LoadRequest) -> ClusterLoad {
    let started = Instant::now();
    let topology = &fetched.topology;
    let reachable = topology.masters().filter(|master| master.is_reachable());
    let readings = join_all(reachable.map(|master| async move {
        let reading = match fetched.clients.get(master.id()) {
            Some(client) => read_master(client, master, request).await,
            None => Err(NodeError::Protocol {
                node: master.endpoint.clone(),
                command: "CLUSTER NODES".into(),
                detail: "the master was not reached".into(),
            }),
        };
        (master, reading)
    }))
    .await;
    let mut figures = SlotFigures {
        memory: request.memory.then(|| vec![0; SLOT_COUNT]),
        cpu: Some(vec![0; SLOT_COUNT]),
        network: Some(vec![0; SLOT_COUNT]),
        ..SlotFigures::default()
    };
    let mut masters = Vec::new();
    for (master, reading) in readings {
        let mut load = MasterLoad {
            node: master.id().clone(),
            endpoint: master.endpoint.clone(),
            used_memory: None,
            method: None,
            error: None,
        };
        match reading {
            Ok(reading) => {
                load.used_memory = reading.used_memory;
                load.method = Some(reading.method);
                merge(&mut figures, master, reading);
            }
            Err(error) => {
                figures.cpu = None;
                figures.network = None;
                figures.memory = None;
                load.error = Some(error);
            }
        }
        masters.push(load);
    }
    let elapsed = started.elapsed();
    tracing::info!(
        "per-slot figures of {} masters read in {} ms ({})",
        masters.len(),
        elapsed.as_millis(),
        methods_summary(&masters)
    );
    ClusterLoad {
        figures,
        masters,
        elapsed,
    }
}

/// `CLUSTER SLOT-STATS on 3` style summary of how the masters were read, for logs.
fn methods_summary(masters: &[MasterLoad]) -> String {
    let count =
        |wanted: fn(&Option<Method>) -> bool| masters.iter().filter(|m| wanted(&m.method)).count();
    format!(
        "CLUSTER SLOT-STATS on {}, CLUSTER COUNTKEYSINSLOT on {}, failed on {}",
        count(|m| matches!(m, Some(Method::SlotStats { .. }))),
        count(|m| matches!(m, Some(Method::CountKeys))),
        count(Option::is_none)
    )
}

/// One master's figures for the slots it serves.
struct MasterReading {
    method: Method,
    used_memory: Option<u64>,
    /// `(slot, keys, cpu-usec, network bytes)`; the last two with slot stats only.
    slots: Vec<(Slot, u64, Option<u64>, Option<u64>)>,
    /// `(slot, estimated bytes)`, when memory was asked for.
    memory: Option<Vec<(Slot, u64)>>,
}

/// Adds `reading`, of `master`, to `figures`: only the slots the master serves count.
fn merge(figures: &mut SlotFigures, master: &NodeReport, reading: MasterReading) {
    let serves = |slot: Slot| master.entry.slots.contains(slot);
    for &(slot, keys, cpu, network) in reading.slots.iter().filter(|s| serves(s.0)) {
        let index = usize::from(slot);
        figures.keys[index] = keys;
        match (&mut figures.cpu, cpu) {
            (Some(all), Some(cpu)) => all[index] = cpu,
            (all, _) => *all = None,
        }
        match (&mut figures.network, network) {
            (Some(all), Some(bytes)) => all[index] = bytes,
            (all, _) => *all = None,
        }
    }
    if !matches!(reading.method, Method::SlotStats { usage: true }) {
        figures.cpu = None;
        figures.network = None;
    }
    match (&mut figures.memory, reading.memory) {
        (Some(all), Some(estimates)) => {
            for (slot, bytes) in estimates.into_iter().filter(|(s, _)| serves(*s)) {
                all[usize::from(slot)] = bytes;
            }
        }
        (all, _) => *all = None,
    }
}

/// Reads one master: its figures per slot and `used_memory`, concurrently.
async fn read_master(
    client: &NodeClient,
    master: &NodeReport,
    request: LoadRequest,
) -> Result<MasterReading, NodeError> {
    let (slots, used_memory) =
        join(slot_figures(client, master, request), used_memory(client)).await;
    let (method, slots) = slots?;
    let memory = if request.memory {
        Some(sample_memory(client, &slots).await?)
    } else {
        None
    };
    Ok(MasterReading {
        method,
        used_memory: used_memory?,
        slots,
        memory,
    })
}

type SlotFigureRows = Vec<(Slot, u64, Option<u64>, Option<u64>)>;

/// The keys (and, with slot stats, CPU and network use) of every slot `master` serves.
async fn slot_figures(
    client: &NodeClient,
    master: &NodeReport,
    request: LoadRequest,
) -> Result<(Method, SlotFigureRows), NodeError> {
    if master.server().is_some_and(Server::slot_stats) {
        let rows = slot_stats(client).await?;
        let usage = rows
            .iter()
            .all(|(_, _, cpu, net)| cpu.is_some() && net.is_some());
        return Ok((Method::SlotStats { usage }, rows));
    }
    let slots: Vec<Slot> = master.entry.slots.iter().collect();
    if slots.is_empty() {
        return Ok((Method::CountKeys, Vec::new()));
    }
    if request.trust_empty_masters && master.keys() == Some(0) {
        // DBSIZE (read with the view) said no key: every slot counts 0, no need to ask.
        let empty = slots.into_iter().map(|slot| (slot, 0, None, None));
        return Ok((Method::CountKeys, empty.collect()));
    }
    let mut pipe = redis::pipe();
    for &slot in &slots {
        pipe.cmd("CLUSTER").arg("COUNTKEYSINSLOT").arg(slot);
    }
    let counts: Vec<u64> = client.pipeline(&pipe).await?;
    Ok((
        Method::CountKeys,
        slots
            .into_iter()
            .zip(counts)
            .map(|(slot, keys)| (slot, keys, None, None))
            .collect(),
    ))
}

/// `CLUSTER SLOT-STATS SLOTSRANGE 0 16383` (the slots the node serves), parsed; asked only of
/// servers that have it ([`Server::slot_stats`]).
async fn slot_stats(client: &NodeClient) -> Result<SlotFigureRows, NodeError> {
    let mut cmd = redis::cmd("CLUSTER");
    cmd.arg("SLOT-STATS")
        .arg("SLOTSRANGE")
        .arg(0)
        .arg(SLOT_COUNT - 1);
    let reply: Value = client.query(&cmd).await?;
    parse_slot_stats(&reply).ok_or_else(|| NodeError::Protocol {
        node: client.endpoint().clone(),
        command: "CLUSTER SLOT-STATS".into(),
        detail: "not a list of (slot, statistics) pairs".into(),
    })
}

/// Parses a `CLUSTER SLOT-STATS` reply: per slot, the slot number then a map (a flat list in
/// RESP2) of metric → value.
fn parse_slot_stats(reply: &Value) -> Option<SlotFigureRows> {
    let Value::Array(entries) = reply else {
        return None;
    };
    entries
        .iter()
        .map(|entry| {
            let Value::Array(pair) = entry else {
                return None;
            };
            let (Some(Value::Int(slot)), Some(stats)) = (pair.first(), pair.get(1)) else {
                return None;
            };
            let slot = Slot::try_from(*slot)
                .ok()
                .filter(|s| usize::from(*s) < SLOT_COUNT)?;
            let metrics: Vec<(String, u64)> = match stats {
                Value::Array(flat) => flat
                    .chunks(2)
                    .map(|kv| Some((text(kv.first()?)?, number(kv.get(1)?)?)))
                    .collect::<Option<_>>()?,
                Value::Map(map) => map
                    .iter()
                    .map(|(k, v)| Some((text(k)?, number(v)?)))
                    .collect::<Option<_>>()?,
                _ => return None,
            };
            let metric = |name: &str| metrics.iter().find(|(k, _)| k == name).map(|(_, v)| *v);
            let network = metric("network-bytes-in")
                .zip(metric("network-bytes-out"))
                .map(|(bytes_in, bytes_out)| bytes_in + bytes_out);
            Some((slot, metric("key-count")?, metric("cpu-usec"), network))
        })
        .collect()
}

fn text(value: &Value) -> Option<String> {
    match value {
        Value::BulkString(bytes) => Some(String::from_utf8_lossy(bytes).into_owned()),
        Value::SimpleString(s) => Some(s.clone()),
        _ => None,
    }
}

fn number(value: &Value) -> Option<u64> {
    match value {
        Value::Int(n) => u64::try_from(*n).ok(),
        other => text(other)?.parse().ok(),
    }
}

/// `used_memory` of the node's `INFO memory`.
async fn used_memory(client: &NodeClient) -> Result<Option<u64>, NodeError> {
    let info: String = client.query(redis::cmd("INFO").arg("memory")).await?;
    Ok(info_field(&info, "used_memory").and_then(|v| v.parse().ok()))
}

/// Estimates the bytes of every slot in `rows` that holds keys (see the module docs).
async fn sample_memory(
    client: &NodeClient,
    rows: &SlotFigureRows,
) -> Result<Vec<(Slot, u64)>, NodeError> {
    let holding: Vec<(Slot, u64)> = rows
        .iter()
        .filter(|(_, keys, _, _)| *keys > 0)
        .map(|&(slot, keys, _, _)| (slot, keys))
        .collect();
    let mut estimates = Vec::with_capacity(holding.len());
    for chunk in holding.chunks(MEMORY_CHUNK) {
        let mut listing = redis::pipe();
        for &(slot, _) in chunk {
            listing
                .cmd("CLUSTER")
                .arg("GETKEYSINSLOT")
                .arg(slot)
                .arg(MEMORY_SAMPLES);
        }
        let samples: Vec<Vec<Vec<u8>>> = client.pipeline(&listing).await?;
        let mut usage = redis::pipe();
        for key in samples.iter().flatten() {
            usage.cmd("MEMORY").arg("USAGE").arg(key);
        }
        let sizes: Vec<Option<u64>> = if samples.iter().all(Vec::is_empty) {
            Vec::new()
        } else {
            client.pipeline(&usage).await?
        };
        let mut sizes = sizes.into_iter();
        for (&(slot, keys), sampled) in chunk.iter().zip(&samples) {
            let answered: Vec<u64> = sizes.by_ref().take(sampled.len()).flatten().collect();
            if let Some(bytes) = estimate_slot_memory(keys, &answered) {
                estimates.push((slot, bytes));
            }
        }
    }
    Ok(estimates)
}

/// Keys listed per slot to pick the one [`sample_keys`] shows.
const KEYS_LISTED: usize = 10;

/// A key of each of `slots`, read at the master serving it (of `CLUSTER GETKEYSINSLOT slot
/// 10`, one of the most common hash tag): its name shows what fills a hot slot. Slots whose
/// owner cannot say get `None`.
pub async fn sample_keys(fetched: &Fetched, slots: &[Slot]) -> Vec<Option<Vec<u8>>> {
    let topology: &Topology = &fetched.topology;
    join_all(slots.iter().map(|&slot| async move {
        let owner = topology.masters().find(|m| m.entry.slots.contains(slot))?;
        let client = fetched.clients.get(owner.id())?;
        let keys: Vec<Vec<u8>> = client
            .query(
                redis::cmd("CLUSTER")
                    .arg("GETKEYSINSLOT")
                    .arg(slot)
                    .arg(KEYS_LISTED),
            )
            .await
            .ok()?;
        representative_key(&keys).map(<[u8]>::to_vec)
    }))
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bulk(text: &str) -> Value {
        Value::BulkString(text.as_bytes().to_vec())
    }

    #[test]
    fn slot_stats_replies_parse_with_and_without_usage_figures() {
        let with = Value::Array(vec![Value::Array(vec![
            Value::Int(12182),
            Value::Array(vec![
                bulk("key-count"),
                Value::Int(1),
                bulk("cpu-usec"),
                Value::Int(40),
                bulk("network-bytes-in"),
                Value::Int(118),
                bulk("network-bytes-out"),
                Value::Int(14),
            ]),
        ])]);
        assert_eq!(
            parse_slot_stats(&with),
            Some(vec![(12182, 1, Some(40), Some(132))])
        );
        let without = Value::Array(vec![Value::Array(vec![
            Value::Int(99),
            Value::Map(vec![(bulk("key-count"), Value::Int(7))]),
        ])]);
        assert_eq!(parse_slot_stats(&without), Some(vec![(99, 7, None, None)]));
        assert_eq!(parse_slot_stats(&Value::Int(3)), None);
        let bad_slot = Value::Array(vec![Value::Array(vec![
            Value::Int(16384),
            Value::Array(vec![bulk("key-count"), Value::Int(7)]),
        ])]);
        assert_eq!(parse_slot_stats(&bad_slot), None);
    }
}
