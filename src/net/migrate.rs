//! The slot migration executor, shared by every command that moves slots.
//!
//! Moving slot S from master A to master B, in the order Redis 7 requires (redis-cli's
//! `clusterManagerMoveSlot`):
//!
//! 1. on B `CLUSTER SETSLOT S IMPORTING A`, then on A `CLUSTER SETSLOT S MIGRATING B`: from now
//!    on A answers clients with `ASK` for keys it no longer has, and B accepts them after
//!    `ASKING`;
//! 2. on A, until the slot is empty: `CLUSTER GETKEYSINSLOT S P`, then
//!    `MIGRATE B-ip B-port "" 0 timeout [REPLACE] [AUTH pass | AUTH2 user pass] KEYS k...`,
//!    which copies the batch atomically and deletes it on A;
//! 3. `CLUSTER SETSLOT S NODE B` on B first (it bumps its epoch and claims the slot), then on
//!    A and every other master at once. A that just gave its last slot away may have turned
//!    itself into a replica and answers "Please use SETSLOT only with masters": that is
//!    tolerated there.
//!
//! Several slots are in flight at once (`parallel`), in the order given: callers interleave
//! source/destination pairs so that every pair works. MIGRATE blocks the source (and RESTORE
//! the destination) for as long as the batch takes, so every command to the two ends of a
//! move goes over connections whose reply timeout is the MIGRATE timeout plus a margin; the
//! other masters' `SETSLOT NODE` use the control connections.
//!
//! When a slot fails (a key exists on the destination without `--replace`, a node error), it
//! is left open (MIGRATING/IMPORTING, no key lost: each key is on one side), the slots already
//! in flight finish, and no new slot starts. Re-running the command finishes it.

use std::cell::Cell;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use futures_util::future::{join, join_all};
use redis::{Cmd, Value};

use crate::cluster::atomic::Method;
use crate::cluster::migrate::SlotMove;
use crate::cluster::topology::NodeId;
use crate::net::conn::{ConnectSettings, NodeClient, NodeError};
use crate::net::fetch::Fetched;

/// How to move slots.
#[derive(Debug, Clone)]
pub struct MigrateSettings {
    /// Keys per `GETKEYSINSLOT` / `MIGRATE` batch.
    pub pipeline: usize,
    /// The `MIGRATE` timeout (source to destination I/O), also the base of the reply timeout
    /// of the connections to the two ends of a move.
    pub timeout: Duration,
    /// Overwrite keys that already exist on the destination (`MIGRATE ... REPLACE`).
    pub replace: bool,
    /// Slots in flight at once.
    pub parallel: usize,
}

/// Added to the MIGRATE timeout for the reply timeout of the migration connections.
const REPLY_MARGIN: Duration = Duration::from_secs(5);
/// Pause before retrying a batch answered `TRYAGAIN`, or `CLUSTERDOWN` by a destination that
/// does not see the cluster ok yet (a master just added reports `cluster_state:fail` for a
/// few seconds).
const TRYAGAIN_PAUSE: Duration = Duration::from_millis(100);
/// Batches retried after `TRYAGAIN` / `CLUSTERDOWN` before the slot is given up (10 s).
const TRYAGAIN_ATTEMPTS: u32 = 100;

/// One slot to move.
#[derive(Debug, Clone)]
pub struct Job {
    /// What to move.
    pub slot_move: SlotMove,
    /// Whether the destination already serves the slot (an interrupted move past its
    /// destination's `SETSLOT NODE`): the IMPORTING/MIGRATING step is skipped.
    pub settled: bool,
    /// Only the keys move (`fix` has set the slot states already and sets them afterwards):
    /// no IMPORTING/MIGRATING before, no `SETSLOT NODE` after.
    pub cold: bool,
}

/// Told about progress as it happens.
pub trait Observer {
    /// A batch of `count` keys arrived on its destination.
    fn keys_moved(&self, count: u64);
    /// A slot now belongs to its destination.
    fn slot_moved(&self);
}

/// A slot that could not be moved; it is left open.
#[derive(Debug, Clone)]
pub struct SlotFailure {
    /// The move.
    pub slot_move: SlotMove,
    /// Why.
    pub reason: String,
}

/// What a migration did.
#[derive(Debug, Clone, Default)]
pub struct MigrationReport {
    /// The slots moved, in completion order.
    pub moved: Vec<SlotMove>,
    /// The keys moved.
    pub keys: u64,
    /// How long it took.
    pub elapsed: Duration,
    /// The slots that failed (left open).
    pub failures: Vec<SlotFailure>,
    /// Slots not started because an earlier one failed.
    pub skipped: usize,
    /// How the slots moved (set by the command that chose the executor).
    pub method: Option<Method>,
    /// Ctrl-C stopped the run (the server-side jobs were cancelled).
    pub interrupted: bool,
}

impl MigrationReport {
    /// Adds what an earlier migration of the same run did.
    pub fn absorb(&mut self, earlier: MigrationReport) {
        self.moved.splice(0..0, earlier.moved);
        self.keys += earlier.keys;
        self.elapsed += earlier.elapsed;
        self.failures.extend(earlier.failures);
        self.skipped += earlier.skipped;
        self.method = self.method.or(earlier.method);
        self.interrupted |= earlier.interrupted;
    }
}

/// How one slot ended.
enum SlotOutcome {
    Moved(u64),
    Failed(String),
    Skipped,
}

/// Moves the slots of `jobs`; see the module docs. Fails before moving anything when a node
/// of a move cannot be connected to; every later failure is per slot, in the report.
pub async fn execute(
    fetched: &Fetched,
    connect: &ConnectSettings,
    jobs: Vec<Job>,
    settings: &MigrateSettings,
    observer: &dyn Observer,
) -> Result<MigrationReport, NodeError> {
    let started = Instant::now();
    let executor = Executor::new(fetched, connect, &jobs, settings, observer).await?;
    let outcomes: Vec<(SlotMove, SlotOutcome)> = futures_util::stream::iter(jobs)
        .map(|job| executor.move_slot(job))
        .buffer_unordered(settings.parallel.max(1))
        .collect()
        .await;
    let mut report = MigrationReport::default();
    for (slot_move, outcome) in outcomes {
        match outcome {
            SlotOutcome::Moved(keys) => {
                report.keys += keys;
                report.moved.push(slot_move);
            }
            SlotOutcome::Failed(reason) => {
                report.failures.push(SlotFailure { slot_move, reason });
            }
            SlotOutcome::Skipped => report.skipped += 1,
        }
    }
    report.failures.sort_by_key(|f| f.slot_move.slot);
    report.elapsed = started.elapsed();
    Ok(report)
}

/// The connections and settings of one migration.
struct Executor<'a> {
    /// Long-timeout connections to every source and destination.
    ends: HashMap<NodeId, NodeClient>,
    /// The address each destination is reached at by the sources (its announced address).
    addrs: HashMap<NodeId, SocketAddr>,
    /// Control connections to every reachable master.
    masters: Vec<(NodeId, NodeClient)>,
    settings: &'a MigrateSettings,
    /// `AUTH pass` or `AUTH2 user pass` for MIGRATE.
    auth: Vec<String>,
    observer: &'a dyn Observer,
    /// Set by the first failure: no new slot starts.
    stop: Cell<bool>,
}

impl<'a> Executor<'a> {
    async fn new(
        fetched: &Fetched,
        connect: &ConnectSettings,
        jobs: &[Job],
        settings: &'a MigrateSettings,
        observer: &'a dyn Observer,
    ) -> Result<Self, NodeError> {
        let long = ConnectSettings {
            command_timeout: settings.timeout + REPLY_MARGIN,
            ..connect.clone()
        };
        let mut ids: Vec<&NodeId> = jobs
            .iter()
            .flat_map(|j| [&j.slot_move.from, &j.slot_move.to])
            .collect();
        ids.sort();
        ids.dedup();
        let topology = &fetched.topology;
        let mut ends = HashMap::new();
        let mut addrs = HashMap::new();
        for id in ids {
            let node = topology.node(id).ok_or_else(|| NodeError::Protocol {
                node: fetched.topology.nodes[0].endpoint.clone(),
                command: "CLUSTER NODES".into(),
                detail: format!("node {id} is not in the cluster"),
            })?;
            ends.insert(
                id.clone(),
                NodeClient::connect(&node.endpoint, &long).await?,
            );
            addrs.insert(id.clone(), node.entry.addr().unwrap_or(node.endpoint.addr));
        }
        let masters = topology
            .masters()
            .filter_map(|m| Some((m.id().clone(), fetched.clients.get(m.id())?.clone())))
            .collect();
        let auth = match (&connect.user, &connect.pass) {
            (Some(user), Some(pass)) => vec!["AUTH2".into(), user.clone(), pass.clone()],
            (None, Some(pass)) => vec!["AUTH".into(), pass.clone()],
            _ => Vec::new(),
        };
        Ok(Self {
            ends,
            addrs,
            masters,
            settings,
            auth,
            observer,
            stop: Cell::new(false),
        })
    }

    /// Moves one slot, or reports why not.
    async fn move_slot(&self, job: Job) -> (SlotMove, SlotOutcome) {
        if self.stop.get() {
            return (job.slot_move, SlotOutcome::Skipped);
        }
        let outcome = match self.try_move(&job).await {
            Ok(keys) => {
                self.observer.slot_moved();
                SlotOutcome::Moved(keys)
            }
            Err(reason) => {
                self.stop.set(true);
                SlotOutcome::Failed(reason)
            }
        };
        (job.slot_move, outcome)
    }

    async fn try_move(&self, job: &Job) -> Result<u64, String> {
        let SlotMove { slot, from, to } = &job.slot_move;
        let (source, target) = (&self.ends[from], &self.ends[to]);
        let setslot = |state: &str, id: &NodeId| {
            let mut cmd = redis::cmd("CLUSTER");
            cmd.arg("SETSLOT").arg(*slot).arg(state).arg(id.as_str());
            cmd
        };
        let list = self.list_keys(*slot);
        // A cold job moves keys only: the slot's states were set by the caller.
        let first: Vec<Vec<u8>> = if job.cold || job.settled {
            source.query(&list).await
        } else {
            target
                .query::<()>(&setslot("IMPORTING", from))
                .await
                .map_err(|e| e.to_string())?;
            // MIGRATING and the first GETKEYSINSLOT in one round trip.
            let mut pipe = redis::pipe();
            pipe.add_command(setslot("MIGRATING", to))
                .ignore()
                .add_command(list);
            source
                .pipeline::<(Vec<Vec<u8>>,)>(&pipe)
                .await
                .map(|(keys,)| keys)
        }
        .map_err(|e| e.to_string())?;
        let keys = self
            .migrate_keys(source, self.addrs[to], *slot, first)
            .await?;
        if job.cold {
            return Ok(keys);
        }
        let assign = setslot("NODE", to);
        target
            .query::<()>(&assign)
            .await
            .map_err(|e| e.to_string())?;
        // The destination owns the slot now, with a bumped epoch: the source and the other
        // masters learn it at once, concurrently.
        let others = self
            .masters
            .iter()
            .filter(|(id, _)| id != from && id != to)
            .map(|(_, client)| client.query::<()>(&assign));
        let (on_source, on_others) = join(source.query::<()>(&assign), join_all(others)).await;
        match on_source {
            Err(error) if !lost_mastership(&error) => return Err(error.to_string()),
            _ => {}
        }
        for result in on_others {
            match result {
                Err(error) if !lost_mastership(&error) => {
                    tracing::warn!("slot {slot}: {error} (gossip will propagate the new owner)");
                }
                _ => {}
            }
        }
        Ok(keys)
    }

    /// Moves every key of `slot` from `source` to the destination at `to`, in batches starting
    /// with `first` (the first GETKEYSINSLOT's answer); returns how many.
    async fn migrate_keys(
        &self,
        source: &NodeClient,
        to: SocketAddr,
        slot: u16,
        first: Vec<Vec<u8>>,
    ) -> Result<u64, String> {
        let mut moved = 0;
        let mut keys = first;
        loop {
            if keys.is_empty() {
                return Ok(moved);
            }
            let mut replace = false;
            let mut attempts = 0;
            loop {
                match source
                    .query::<Value>(&self.migrate(to, &keys, replace))
                    .await
                {
                    Ok(_) => break,
                    Err(error) if detail_has(&error, "BUSYKEY") => {
                        if !self.settings.replace || replace {
                            return Err(format!(
                                "{error}: a key of slot {slot} already exists on the \
                                 destination; the slot is left open. Re-run with --replace to \
                                 overwrite the destination's keys"
                            ));
                        }
                        replace = true;
                    }
                    Err(error)
                        if detail_has(&error, "TRYAGAIN") || detail_has(&error, "CLUSTERDOWN") =>
                    {
                        attempts += 1;
                        if attempts > TRYAGAIN_ATTEMPTS {
                            return Err(error.to_string());
                        }
                        tokio::time::sleep(TRYAGAIN_PAUSE).await;
                    }
                    Err(error) => return Err(format!("{error}; slot {slot} is left open")),
                }
            }
            moved += keys.len() as u64;
            self.observer.keys_moved(keys.len() as u64);
            // A MIGRATING source creates no key in the slot (clients are sent to the
            // destination with ASK), so a short batch was the last one. Should a key remain
            // anyway, the source refuses `SETSLOT NODE` ("I still hold keys") and the slot stays
            // open for a re-run.
            if keys.len() < self.settings.pipeline {
                return Ok(moved);
            }
            keys = source
                .query(&self.list_keys(slot))
                .await
                .map_err(|e| e.to_string())?;
        }
    }

    /// `CLUSTER GETKEYSINSLOT slot pipeline`.
    fn list_keys(&self, slot: u16) -> Cmd {
        let mut cmd = redis::cmd("CLUSTER");
        cmd.arg("GETKEYSINSLOT")
            .arg(slot)
            .arg(self.settings.pipeline);
        cmd
    }

    /// `MIGRATE ip port "" 0 timeout [REPLACE] [AUTH ...] KEYS k...`.
    fn migrate(&self, to: SocketAddr, keys: &[Vec<u8>], replace: bool) -> Cmd {
        let mut cmd = redis::cmd("MIGRATE");
        cmd.arg(to.ip().to_string())
            .arg(to.port())
            .arg("")
            .arg(0)
            .arg(self.settings.timeout.as_millis() as u64);
        if replace {
            cmd.arg("REPLACE");
        }
        cmd.arg(&self.auth).arg("KEYS");
        for key in keys {
            cmd.arg(key.as_slice());
        }
        cmd
    }
}

/// Whether a server error's text contains `word` (MIGRATE wraps the destination's error:
/// `ERR Target instance replied with error: BUSYKEY ...`).
fn detail_has(error: &NodeError, word: &str) -> bool {
    matches!(error, NodeError::Command { detail, .. } if detail.contains(word))
}

/// The answers of a node that is no longer a master (it gave its last slot away and became a
/// replica), or whose replicas did not confirm in time (Valkey 8): the slot has moved anyway.
fn lost_mastership(error: &NodeError) -> bool {
    [
        "only with masters",
        "only with primaries",
        "UNBLOCKED",
        "NOREPLICAS",
    ]
    .iter()
    .any(|text| detail_has(error, text))
}
