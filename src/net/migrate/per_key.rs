//! The per-key slot migration executor, shared by every command that moves slots.
//!
//! Moving slot S from master A to master B, in the order Redis 7 requires (redis-cli's
//! `clusterManagerMoveSlot`):
//!
//! 1. on B `CLUSTER SETSLOT S IMPORTING A`, then on A `CLUSTER SETSLOT S MIGRATING B` (in one
//!    round trip with the first `GETKEYSINSLOT`): from now on A answers clients with `ASK` for
//!    keys it no longer has, and B accepts them after `ASKING`;
//! 2. on A, until the slot is empty: `CLUSTER GETKEYSINSLOT S P`, then
//!    `MIGRATE B-ip B-port "" 0 timeout [REPLACE] [AUTH pass | AUTH2 user pass] KEYS k...`,
//!    which copies the batch atomically and deletes it on A. A full batch's MIGRATE and the
//!    next GETKEYSINSLOT go in one round trip (the server runs them in order, so the listing
//!    sees the slot without the batch); a short batch was the last one;
//! 3. `CLUSTER SETSLOT S NODE B` on B first (it bumps its epoch and claims the slot), then on
//!    A, then on every other master. B bumps its config epoch only if it is not already the
//!    highest B knows: so before it, B is to know an epoch at least A's own (A may have claimed
//!    slots moments ago, its gossip not arrived yet); else B keeps a lower epoch than A and a
//!    ping A sent before its own `SETSLOT NODE` takes the slot back, B deleting its keys. Each
//!    group reads both sides' `CLUSTER INFO` first, and where B lags, has A send B its header
//!    (`CLUSTER MEET` on A) and waits (`Executor::outrank_source`). A that just gave its last slot away may have turned
//!    itself into a replica and answers "Please use SETSLOT only with masters": that is
//!    tolerated there, as are Valkey's `NOREPLICAS` / `UNBLOCKED` (its replicas did not
//!    confirm in time: the slot has moved anyway).
//!
//! # Groups and phases
//!
//! The slots move in groups: up to `parallel` slots in flight at once, in up to four groups
//! (`LANES`; one slot per group where `SETSLOT` waits for the replicas, below) of one source
//! and one destination each, formed in the order given (callers
//! interleave source/destination pairs so that every pair works). A group goes through the
//! steps above as phases, each for all of its slots at once: every `IMPORTING`, then every
//! `MIGRATING` with its first listing, then every slot's keys, then every `SETSLOT NODE` on the
//! destination, then on the source. Each group talks to its source and its destination over
//! one connection each, on which a phase's commands for its slots are pipelined: a group of 16
//! slots costs the round trips of one slot, and the servers save `nodes.conf` once per phase
//! rather than once per slot. A slot that fails leaves the later phases; the group's other
//! slots go on. The safety order holds per slot, since the phases run in that order.
//!
//! Since Valkey 8.0 `CLUSTER SETSLOT` replies only once the node's replicas have acknowledged
//! it, and a command waiting for its reply holds up the later commands on its connection: a
//! group's `SETSLOT`s would wait in turn. So where a source or destination runs such a server
//! (or its server is not known), every slot is a group of its own, and the `parallel` groups
//! in flight, on connections of their own, wait at the same time. Connections come from a
//! per-node pool: opened when no idle one is left, handed to the next group when one is done,
//! dropped after a failure. MIGRATE blocks the source (and RESTORE the
//! destination) for as long as the batch takes, so these connections' reply timeout is the
//! MIGRATE timeout plus a margin.
//!
//! The other masters learn the new owners in batches: each has a queue of finished slots and
//! its own control connection, over which one pipeline of `SETSLOT NODE` carries every slot
//! finished since the previous pipeline. A waiting `SETSLOT` there holds up no move, and
//! Redis saves `nodes.conf` once per event-loop turn rather than once per slot. Their errors
//! are warnings only: the destination's bumped epoch reaches them by gossip anyway. The
//! executor returns once every batch has been answered.
//!
//! # Failures
//!
//! A key already on the destination (`BUSYKEY`) is a move interrupted between the destination's
//! `RESTORE` and the source's delete, by a master SIGKILLed and restarted from its AOF: both
//! sides hold the key. Without `--replace`, the two copies of the batch's keys are compared
//! (their `DUMP` payloads): identical ones are replaced (`MIGRATE ... REPLACE`) and reported on
//! stderr, as redis-cli's `clusterManagerCompareKeysValues` does; different ones stop the slot
//! with a reason naming them (see `duplicates` for which copy clients were served).
//!
//! When a slot fails (keys on both sides that differ, without `--replace`, a node error, the
//! cluster changed under the move: another actor moved the slot or a failover changed its
//! master), the slots already in flight finish and no new slot starts. A failed slot this run
//! opened and moved no key of is closed again (`SETSLOT STABLE` on both sides: it stays with its
//! source as if never touched); one with keys on both sides is left open (MIGRATING/IMPORTING,
//! no key lost: each key is on one side), which re-running the command (or `fix`) finishes. `TRYAGAIN`
//! (a multi-key batch meeting a slot in flux) and `CLUSTERDOWN` (a destination that does not
//! see the cluster ok yet) are retried for a while.
//!
//! # Ctrl-C
//!
//! The first Ctrl-C ([`interrupt`]) stops new slots from starting, as a failure does, and the
//! slots in flight finish: no slot is left open, and the report counts the slots moved and the
//! slots not started (a re-run moves them). A second Ctrl-C stops at once: the slots in flight
//! are reported as possibly left open, which a re-run finishes.

use std::cell::{Cell, RefCell};
use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::time::{Duration, Instant};

use futures_util::future::{join, join_all, select};
use futures_util::stream::FuturesUnordered;
use futures_util::{StreamExt, pin_mut};
use redis::{Cmd, Value};
use tokio::sync::Notify;

use crate::cluster::endpoint::Endpoint;
use crate::cluster::info::info_field;
use crate::cluster::migrate::{ClaimEpochs, SlotMove};
use crate::cluster::slots::SlotSet;
use crate::cluster::view::NodeId;
use crate::net::Secs;
use crate::net::conn::{ConnectSettings, NodeClient, NodeError};
use crate::net::converge::meet_command;
use crate::net::fetch::Fetched;
use crate::net::interrupt;
use crate::net::migrate::{MigrationReport, Observer, SlotFailure};

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
/// How long a destination may take to learn its source's epoch before its `SETSLOT NODE`
/// (see `Executor::outrank_source`); past it the slots are assigned anyway, with a warning.
const EPOCH_WAIT: Duration = Duration::from_secs(5);
/// How often the destination's epochs are read meanwhile.
const EPOCH_POLL: Duration = Duration::from_millis(10);
/// How often the source is told again to send the destination its header.
const EPOCH_RETELL: Duration = Duration::from_millis(500);
/// At most this many `SETSLOT NODE` in one pipeline to another master.
const ANNOUNCE_BATCH: usize = 64;

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

/// Why a slot failed, and what it left ([`SlotFailure`]'s fields but the move).
struct Failed {
    reason: String,
    left_open: bool,
    cluster_changed: bool,
}

/// How one slot ended.
enum SlotOutcome {
    Moved(u64),
    Failed(Failed),
    Skipped,
}

/// How far one slot's move got, for what a failure leaves behind.
#[derive(Default)]
struct Progress {
    /// This run set the destination IMPORTING.
    opened: Cell<bool>,
    /// Keys of the slot that reached the destination.
    keys: Cell<u64>,
    /// The destination took the slot (`SETSLOT NODE`): there is no going back.
    assigned: Cell<bool>,
}

/// One slot of a group on its way through the phases.
struct SlotRun {
    job: Job,
    progress: Progress,
    /// The first `GETKEYSINSLOT`'s answer, until the keys move.
    keys_listed: RefCell<Vec<Vec<u8>>>,
    /// Why the slot failed; it takes no part in the later phases.
    failure: RefCell<Option<String>>,
}

impl SlotRun {
    fn new(job: Job) -> Self {
        Self {
            job,
            progress: Progress::default(),
            keys_listed: RefCell::default(),
            failure: RefCell::default(),
        }
    }

    fn slot(&self) -> u16 {
        self.job.slot_move.slot
    }

    fn alive(&self) -> bool {
        self.failure.borrow().is_none()
    }

    fn fail(&self, reason: String) {
        self.failure.borrow_mut().get_or_insert(reason);
    }
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
    let total = jobs.len();
    let executor = Executor::new(fetched, connect, &jobs, settings, observer).await?;
    let mut interrupts = interrupt::catch();
    let mut outcomes: Vec<(SlotMove, SlotOutcome)> = Vec::with_capacity(total);
    let mut abandoned = false;
    let (lanes, size) = lanes(settings.parallel, executor.setslot_waits);
    let moving = async {
        let mut moves = futures_util::stream::iter(groups(jobs, size))
            .map(|group| executor.move_group(group))
            .buffer_unordered(lanes);
        loop {
            tokio::select! {
                next = moves.next() => match next {
                    Some(group) => outcomes.extend(group),
                    None => break,
                },
                () = interrupts.next() => {
                    if executor.interrupted.replace(true) {
                        abandoned = true;
                        break;
                    }
                    executor.stop.set(true);
                    let in_flight = match executor.in_flight.borrow().len() {
                        1 => "the slot".to_string(),
                        n => format!("the {n} slots"),
                    };
                    tracing::warn!(
                        "interrupted: no new slot starts; finishing {in_flight} in flight \
                         (Ctrl-C again to stop at once and leave them open)"
                    );
                }
            }
        }
        executor.announcer.close();
    };
    join(moving, executor.announcer.run()).await;
    if abandoned {
        outcomes.extend(executor.abandon());
    }
    let mut report = MigrationReport {
        interrupted: executor.interrupted.get(),
        skipped: total - outcomes.len(),
        ..MigrationReport::default()
    };
    for (slot_move, outcome) in outcomes {
        match outcome {
            SlotOutcome::Moved(keys) => {
                report.keys += keys;
                report.moved.push(slot_move);
            }
            SlotOutcome::Failed(failure) => {
                report.failures.push(SlotFailure {
                    slot_move,
                    reason: failure.reason,
                    left_open: failure.left_open,
                    cluster_changed: failure.cluster_changed,
                });
            }
            SlotOutcome::Skipped => report.skipped += 1,
        }
    }
    report.failures.sort_by_key(|f| f.slot_move.slot);
    report.elapsed = started.elapsed();
    Ok(report)
}

/// Groups in flight at once, at most: each holds one connection to its source and one to its
/// destination.
const LANES: usize = 4;

/// How `parallel` slots in flight (at most) are moved: in how many groups at once, of how
/// many slots each (at most; the last group of a pair may be smaller). Where `SETSLOT` waits for the
/// replicas, each slot is a group of its own, so that no slot's waits hold up another's.
fn lanes(parallel: usize, setslot_waits: bool) -> (usize, usize) {
    let parallel = parallel.max(1);
    let lanes = match setslot_waits {
        true => parallel,
        false => parallel.min(LANES),
    };
    (lanes, parallel / lanes)
}

/// `jobs` in groups of up to `size` moves with the same source and destination, in the order
/// their first jobs come: the callers' interleaving of pairs is kept, so that every pair works.
fn groups(jobs: Vec<Job>, size: usize) -> Vec<Vec<Job>> {
    let mut done: Vec<Vec<Job>> = Vec::new();
    // The group being filled of each pair, by its index in `done`.
    let mut filling: HashMap<(NodeId, NodeId), usize> = HashMap::new();
    for job in jobs {
        let pair = (job.slot_move.from.clone(), job.slot_move.to.clone());
        match filling.get(&pair) {
            Some(&index) if done[index].len() < size => done[index].push(job),
            _ => {
                filling.insert(pair, done.len());
                done.push(vec![job]);
            }
        }
    }
    done
}

/// A node's connections that nothing in flight is using: each slot or batch in flight takes
/// one of its own (see the module docs).
struct Pool {
    endpoint: Endpoint,
    /// How more connections are opened (the long reply timeout).
    settings: ConnectSettings,
    idle: RefCell<Vec<NodeClient>>,
}

impl Pool {
    /// An idle connection, else a new one.
    async fn take(&self) -> Result<NodeClient, NodeError> {
        let idle = self.idle.borrow_mut().pop();
        match idle {
            Some(client) => Ok(client),
            None => NodeClient::connect(&self.endpoint, &self.settings).await,
        }
    }

    /// Hands back a connection whose every reply has arrived (after a failure a connection
    /// may still owe one: it is dropped instead).
    fn give_back(&self, client: NodeClient) {
        self.idle.borrow_mut().push(client);
    }
}

/// A source or destination of a move.
struct End {
    /// The address the sources reach it at (its announced address).
    addr: SocketAddr,
    /// `CLUSTER MEET` naming it: sent to a source, makes the source send it its header (and so
    /// its epochs) at once rather than at its next ping.
    meet: Option<Cmd>,
    pool: Pool,
}

/// The connections and settings of one migration.
struct Executor<'a> {
    /// Every source and destination.
    ends: HashMap<NodeId, End>,
    /// The other masters' `SETSLOT NODE`.
    announcer: Announcer,
    settings: &'a MigrateSettings,
    /// `AUTH pass` or `AUTH2 user pass` for MIGRATE.
    auth: Vec<String>,
    observer: &'a dyn Observer,
    /// A source or destination's `SETSLOT` waits for its replicas (Valkey ≥ 8.0), or its
    /// server is not known.
    setslot_waits: bool,
    /// Set by the first failure or Ctrl-C: no new slot starts.
    stop: Cell<bool>,
    /// Set by Ctrl-C.
    interrupted: Cell<bool>,
    /// The slots in flight, and whether each may be open (its first `SETSLOT` sent, or it was
    /// open before).
    in_flight: RefCell<BTreeMap<u16, (SlotMove, bool)>>,
}

impl<'a> Executor<'a> {
    /// Opens one migration connection to every source and destination (the first of their
    /// pools), so that a node that cannot be reached fails the migration before it starts.
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
        let mut setslot_waits = false;
        for id in ids {
            let node = topology.node(id).ok_or_else(|| NodeError::Protocol {
                node: fetched.topology.nodes[0].endpoint.clone(),
                command: "CLUSTER NODES".into(),
                detail: format!("node {id} is not in the cluster"),
            })?;
            setslot_waits |= node
                .server()
                .is_none_or(|server| server.setslot_waits_for_replicas());
            let first = NodeClient::connect(&node.endpoint, &long).await?;
            let end = End {
                addr: node.entry.addr().unwrap_or(node.endpoint.addr),
                meet: meet_command(&node.entry),
                pool: Pool {
                    endpoint: node.endpoint.clone(),
                    settings: long.clone(),
                    idle: RefCell::new(vec![first]),
                },
            };
            ends.insert(id.clone(), end);
        }
        // The other masters' pools start with their control connections.
        let announcer = Announcer {
            masters: topology
                .masters()
                .filter_map(|m| {
                    Some(Listener {
                        id: m.id().clone(),
                        pool: Pool {
                            endpoint: m.endpoint.clone(),
                            settings: long.clone(),
                            idle: RefCell::new(vec![fetched.clients.get(m.id())?.clone()]),
                        },
                        queue: RefCell::default(),
                        wake: Notify::new(),
                    })
                })
                .collect(),
            closed: Cell::new(false),
            in_flight: settings.parallel.max(1),
        };
        let auth = match (&connect.user, &connect.pass) {
            (Some(user), Some(pass)) => vec!["AUTH2".into(), user.clone(), pass.clone()],
            (None, Some(pass)) => vec!["AUTH".into(), pass.clone()],
            _ => Vec::new(),
        };
        Ok(Self {
            ends,
            announcer,
            settings,
            auth,
            observer,
            setslot_waits,
            stop: Cell::new(false),
            interrupted: Cell::new(false),
            in_flight: RefCell::default(),
        })
    }

    /// The outcomes of the slots in flight when a second Ctrl-C stopped the run: those that
    /// may be open (their first `SETSLOT` was sent; some may even have finished, their last
    /// reply unread) are reported as failed, a re-run finishes them; the others as not
    /// started.
    fn abandon(&self) -> Vec<(SlotMove, SlotOutcome)> {
        std::mem::take(&mut *self.in_flight.borrow_mut())
            .into_values()
            .map(|(slot_move, opened)| {
                let outcome = match opened {
                    true => SlotOutcome::Failed(Failed {
                        reason: "interrupted by a second Ctrl-C while its keys moved: it may be \
                                 left open (MIGRATING/IMPORTING), each key on one side or the \
                                 other; re-run the command to finish it"
                            .to_string(),
                        left_open: true,
                        cluster_changed: false,
                    }),
                    false => SlotOutcome::Skipped,
                };
                (slot_move, outcome)
            })
            .collect()
    }

    /// Moves one group of slots (one source, one destination) phase by phase over one
    /// connection to each end, so that each phase's commands for the group's slots share round
    /// trips (see the module docs); reports how each slot ended.
    async fn move_group(&self, jobs: Vec<Job>) -> Vec<(SlotMove, SlotOutcome)> {
        if self.stop.get() {
            return jobs
                .into_iter()
                .map(|job| (job.slot_move, SlotOutcome::Skipped))
                .collect();
        }
        let runs: Vec<SlotRun> = jobs.into_iter().map(SlotRun::new).collect();
        for run in &runs {
            let open_before = run.job.cold || run.job.settled;
            self.in_flight
                .borrow_mut()
                .insert(run.slot(), (run.job.slot_move.clone(), open_before));
        }
        let SlotMove { from, to, .. } = &runs[0].job.slot_move;
        let (from_pool, to_pool) = (&self.ends[from].pool, &self.ends[to].pool);
        match join(from_pool.take(), to_pool.take()).await {
            (Ok(source), Ok(target)) => {
                self.run_phases(&runs, &source, &target).await;
                // After a failure a connection may still owe a reply: it is dropped.
                if runs.iter().all(SlotRun::alive) {
                    from_pool.give_back(source);
                    to_pool.give_back(target);
                }
            }
            (Err(error), _) | (_, Err(error)) => {
                for run in &runs {
                    run.fail(error.to_string());
                }
            }
        }
        join_all(runs.into_iter().map(|run| self.outcome(run))).await
    }

    /// The phases of a group's move, each for every slot of the group still alive at once,
    /// in the order Redis requires: the destination imports before the source migrates, the
    /// destination takes the slot before the source gives it up. A slot that fails leaves the
    /// later phases; the others go on.
    async fn run_phases(&self, runs: &[SlotRun], source: &NodeClient, target: &NodeClient) {
        let SlotMove { from, to, .. } = &runs[0].job.slot_move;
        let to_addr = self.ends[to].addr;
        // A cold job moves keys only: the slot's states were set by the caller. A settled one
        // is served by its destination already.
        let fresh = |run: &&SlotRun| !(run.job.cold || run.job.settled);
        join_all(runs.iter().filter(fresh).map(|run| async move {
            if let Some((_, opened)) = self.in_flight.borrow_mut().get_mut(&run.slot()) {
                *opened = true;
            }
            match target
                .query::<()>(&setslot(run.slot(), "IMPORTING", from))
                .await
            {
                Ok(()) => run.progress.opened.set(true),
                Err(error) => run.fail(error.to_string()),
            }
        }))
        .await;
        join_all(runs.iter().filter(|run| run.alive()).map(|run| async move {
            let list = self.list_keys(run.slot());
            let first = match fresh(&run) {
                // MIGRATING and the first GETKEYSINSLOT in one round trip.
                true => {
                    let mut pipe = redis::pipe();
                    pipe.add_command(setslot(run.slot(), "MIGRATING", to))
                        .ignore()
                        .add_command(list);
                    source
                        .pipeline::<(Vec<Vec<u8>>,)>(&pipe)
                        .await
                        .map(|(keys,)| keys)
                }
                false => source.query(&list).await,
            };
            match first {
                Ok(keys) => *run.keys_listed.borrow_mut() = keys,
                Err(error) => run.fail(error.to_string()),
            }
        }))
        .await;
        join_all(runs.iter().filter(|run| run.alive()).map(|run| async move {
            let first = run.keys_listed.take();
            let moved = self
                .migrate_keys(source, target, to_addr, run.slot(), first, &run.progress)
                .await;
            if let Err(reason) = moved {
                run.fail(reason);
            }
        }))
        .await;
        let assigning = |run: &&SlotRun| run.alive() && !run.job.cold;
        if runs.iter().any(|run| assigning(&run)) {
            self.outrank_source(source, target, to).await;
        }
        join_all(runs.iter().filter(assigning).map(|run| async move {
            match target.query::<()>(&setslot(run.slot(), "NODE", to)).await {
                Ok(()) => run.progress.assigned.set(true),
                Err(error) => run.fail(error.to_string()),
            }
        }))
        .await;
        // The destination owns the slots now, with a bumped epoch: the source learns it at
        // once, the other masters with their next batch.
        join_all(runs.iter().filter(assigning).map(|run| async move {
            match source.query::<()>(&setslot(run.slot(), "NODE", to)).await {
                Err(error) if !lost_mastership(&error) => run.fail(error.to_string()),
                _ => self.announcer.announce(run.slot(), from, to),
            }
        }))
        .await;
    }

    /// Waits until the destination's `SETSLOT NODE` will give it a config epoch above the
    /// source's (see [`ClaimEpochs`]): until then a packet the source sent before giving the
    /// slots up would take them back from the destination, which deletes their keys. A
    /// destination that has not heard of the source's latest epoch (the source claimed slots
    /// moments ago, its gossip is late) is sent the source's header at once (`CLUSTER MEET`
    /// on the source, naming the destination). Gives up after [`EPOCH_WAIT`], saying so; a
    /// node error is left to the `SETSLOT` that follows.
    async fn outrank_source(&self, source: &NodeClient, target: &NodeClient, to: &NodeId) {
        let started = Instant::now();
        let mut told: Option<Instant> = None;
        loop {
            let info = redis::cmd("CLUSTER").arg("INFO").clone();
            let (Ok(source_info), Ok(target_info)) =
                join(source.query::<String>(&info), target.query::<String>(&info)).await
            else {
                return;
            };
            let epoch = |info: &str, field| info_field(info, field)?.parse::<u64>().ok();
            let Some(epochs) = (|| {
                Some(ClaimEpochs {
                    source_config: epoch(&source_info, "cluster_my_epoch")?,
                    destination_current: epoch(&target_info, "cluster_current_epoch")?,
                    destination_config: epoch(&target_info, "cluster_my_epoch")?,
                })
            })() else {
                return;
            };
            if epochs.claim_outranks_source() {
                return;
            }
            if started.elapsed() >= EPOCH_WAIT {
                tracing::warn!(
                    ?epochs,
                    "the destination {} still does not know an epoch above its source's after \
                     {}: its SETSLOT NODE may not outrank the source's claim",
                    target.endpoint(),
                    Secs(&started.elapsed())
                );
                return;
            }
            if told.is_none_or(|at| at.elapsed() >= EPOCH_RETELL)
                && let Some(meet) = &self.ends[to].meet
            {
                tracing::debug!(?epochs, "telling {} the source's epoch", target.endpoint());
                let _ = source.query::<()>(meet).await;
                told = Some(Instant::now());
            }
            tokio::time::sleep(EPOCH_POLL).await;
        }
    }

    /// How one slot of a group ended; a failed slot this run opened and moved no key of is
    /// closed again.
    async fn outcome(&self, run: SlotRun) -> (SlotMove, SlotOutcome) {
        let outcome = match run.failure.take() {
            None => {
                self.observer.slot_moved();
                SlotOutcome::Moved(run.progress.keys.get())
            }
            Some(reason) => {
                self.stop.set(true);
                let progress = &run.progress;
                let left_open = match progress.opened.get() {
                    false => run.job.cold || run.job.settled,
                    true if progress.keys.get() > 0 || progress.assigned.get() => true,
                    true => !self.close_again(&run.job.slot_move).await,
                };
                let cluster_changed = changed_under_the_move(&reason);
                let reason = match cluster_changed {
                    true => format!(
                        "the cluster changed under this move (another actor moved the slot, or \
                         a failover changed its master): {reason}"
                    ),
                    false => reason,
                };
                SlotOutcome::Failed(Failed {
                    reason,
                    left_open,
                    cluster_changed,
                })
            }
        };
        self.in_flight.borrow_mut().remove(&run.slot());
        (run.job.slot_move, outcome)
    }

    /// Moves every key of `slot` from `source` to the destination at `to`, in batches starting
    /// with `first` (the first GETKEYSINSLOT's answer); returns how many.
    async fn migrate_keys(
        &self,
        source: &NodeClient,
        target: &NodeClient,
        to: SocketAddr,
        slot: u16,
        first: Vec<Vec<u8>>,
        progress: &Progress,
    ) -> Result<u64, String> {
        let mut moved = 0;
        let mut keys = first;
        while !keys.is_empty() {
            // A MIGRATING source creates no key in the slot (clients are sent to the
            // destination with ASK), so a short batch is the last one: only after a full one
            // is the slot listed again, in the same round trip. Should a key remain anyway,
            // the source refuses `SETSLOT NODE` ("I still hold keys") and the slot stays open
            // for a re-run.
            let full = keys.len() >= self.settings.pipeline;
            let mut replace = false;
            let mut attempts = 0;
            let next = loop {
                let migrate = self.migrate(to, &keys, replace);
                let answer = if full {
                    let mut pipe = redis::pipe();
                    pipe.add_command(migrate)
                        .ignore()
                        .add_command(self.list_keys(slot));
                    source
                        .pipeline::<(Vec<Vec<u8>>,)>(&pipe)
                        .await
                        .map(|(next,)| next)
                } else {
                    source.query::<Value>(&migrate).await.map(|_| Vec::new())
                };
                match answer {
                    Ok(next) => break next,
                    Err(error) if detail_has(&error, "BUSYKEY") => {
                        if replace {
                            return Err(error.to_string());
                        }
                        if !self.settings.replace {
                            let same = duplicates(source, target, &keys).await.map_err(|why| {
                                format!(
                                    "{error}: comparing the keys of slot {slot} on both sides \
                                     failed ({why}); re-run, or re-run with --replace to keep \
                                     the source's copies"
                                )
                            })?;
                            if !same.differ.is_empty() || same.identical == 0 {
                                return Err(busy_keys(&error, slot, &same.differ));
                            }
                            tracing::warn!(
                                "slot {slot}: {} key(s) were on both the source and the \
                                 destination with the same value (a move interrupted after \
                                 the destination had them); the destination's copies are \
                                 replaced by the source's",
                                same.identical
                            );
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
                    Err(error) => return Err(error.to_string()),
                }
            };
            moved += keys.len() as u64;
            progress.keys.set(moved);
            self.observer.keys_moved(keys.len() as u64);
            keys = next;
        }
        Ok(moved)
    }

    /// Closes a slot this run opened and moved no key of (its move failed): `SETSLOT STABLE`
    /// on the destination — only if it holds no key of the slot (a client may have written
    /// one there after `ASKING`) — then on the source. Over fresh connections: the failed
    /// ones may still owe a reply. Whether both were closed.
    async fn close_again(&self, slot_move: &SlotMove) -> bool {
        let SlotMove { slot, from, to } = slot_move;
        let stable = {
            let mut cmd = redis::cmd("CLUSTER");
            cmd.arg("SETSLOT").arg(*slot).arg("STABLE");
            cmd
        };
        let mut count = redis::cmd("CLUSTER");
        count.arg("COUNTKEYSINSLOT").arg(*slot);
        let attempt = async {
            let target =
                NodeClient::connect(&self.ends[to].pool.endpoint, &self.ends[to].pool.settings)
                    .await?;
            if target.query::<u64>(&count).await? != 0 {
                return Ok(false);
            }
            target.query::<()>(&stable).await?;
            let source = NodeClient::connect(
                &self.ends[from].pool.endpoint,
                &self.ends[from].pool.settings,
            )
            .await?;
            source.query::<()>(&stable).await?;
            Ok::<_, NodeError>(true)
        };
        match attempt.await {
            Ok(closed) => closed,
            Err(error) => {
                tracing::debug!("closing slot {slot} again: {error}");
                false
            }
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

/// The keys of a batch that are on both sides of a move ([`duplicates`]).
struct Duplicates {
    /// Keys whose two copies have the same value.
    identical: usize,
    /// Keys whose two copies differ.
    differ: Vec<Vec<u8>>,
}

/// Which of `keys` both the source and the destination hold, compared by their `DUMP`
/// payloads (the value's serialization; the version and checksum trailer left out, so two
/// servers of different RDB versions compare too). `DEBUG DIGEST-VALUE`, which redis-cli's
/// `clusterManagerCompareKeysValues` uses, is disabled by default since Redis 7.
///
/// How a key comes to be on both sides: `MIGRATE` restores the batch on the destination, then
/// deletes it on the source. A source (or destination) SIGKILLed in between and restarted from
/// its AOF has its copy back, while the destination kept the one it had fsynced. Which copy is
/// the acknowledged one: the source, MIGRATING, serves every key it holds and sends clients to
/// the destination (`ASK`) only for keys it does not hold; so once restarted, the source's copy
/// is the one clients read and write. Before the crash, a client could have been sent to the
/// destination only after the source's delete; with `appendfsync always` that delete is on
/// disk before any client hears `ASK`, so the source could not have come back with the key.
/// Identical copies lose nothing either way and are replaced (`MIGRATE ... REPLACE`: the
/// source's copy wins). Different copies mean writes went to each side (with `appendfsync
/// everysec` the source may lose its delete after clients were sent to the destination): no
/// copy is known to hold every acknowledged write, so a person decides, and `--replace` keeps
/// the source's.
async fn duplicates(
    source: &NodeClient,
    target: &NodeClient,
    keys: &[Vec<u8>],
) -> Result<Duplicates, String> {
    // One query per key (concurrent, on the multiplexed connections): a key the source no
    // longer has is answered `ASK` there, an error that would fail a whole pipeline.
    let dump = |client: &NodeClient, key: &[u8], asking: bool| {
        let mut pipe = redis::pipe();
        if asking {
            // The destination serves an importing slot's keys only after ASKING.
            pipe.cmd("ASKING").ignore();
        }
        pipe.cmd("DUMP").arg(key);
        let client = client.clone();
        async move {
            match client.pipeline::<(Value,)>(&pipe).await {
                // The RDB version (2 bytes) and the CRC64 (8) end every payload.
                Ok((Value::BulkString(bytes),)) if bytes.len() >= 10 => {
                    Ok(Some(bytes[..bytes.len() - 10].to_vec()))
                }
                Ok((Value::Nil,)) => Ok(None),
                // Not served there: the source moved it already.
                Err(error) if detail_has(&error, "ASK") || detail_has(&error, "MOVED") => Ok(None),
                Ok((other,)) => Err(format!("DUMP answered {other:?}")),
                Err(error) => Err(error.to_string()),
            }
        }
    };
    let (from, to) = join(
        join_all(keys.iter().map(|key| dump(source, key, false))),
        join_all(keys.iter().map(|key| dump(target, key, true))),
    )
    .await;
    let mut same = Duplicates {
        identical: 0,
        differ: Vec::new(),
    };
    for ((key, from), to) in keys.iter().zip(from).zip(to) {
        // A copy that could not be read might differ: nothing is replaced then.
        if let (Some(from), Some(to)) = (from?, to?) {
            match from == to {
                true => same.identical += 1,
                false => same.differ.push(key.clone()),
            }
        }
    }
    Ok(same)
}

/// The reason of a slot stopped by keys on both sides with different values: which keys, and
/// what to run.
fn busy_keys(error: &NodeError, slot: u16, differ: &[Vec<u8>]) -> String {
    const SHOWN: usize = 10;
    if differ.is_empty() {
        return format!(
            "{error}: a key of slot {slot} already exists on the destination, and no copy of \
             it was found on the source to compare. Re-run, or re-run with --replace to \
             overwrite the destination's keys"
        );
    }
    let mut names: Vec<String> = differ
        .iter()
        .take(SHOWN)
        .map(|key| String::from_utf8_lossy(key).into_owned())
        .collect();
    if differ.len() > SHOWN {
        names.push(format!("and {} more", differ.len() - SHOWN));
    }
    format!(
        "{error}: {} key(s) of slot {slot} exist on both the source and the destination with \
         different values: {}. The source's copy is the one clients were served since it came \
         back; check these keys, then re-run with --replace to keep the source's copies",
        differ.len(),
        names.join(", ")
    )
}

/// `CLUSTER SETSLOT slot state id`.
fn setslot(slot: u16, state: &str, id: &NodeId) -> Cmd {
    let mut cmd = redis::cmd("CLUSTER");
    cmd.arg("SETSLOT").arg(slot).arg(state).arg(id.as_str());
    cmd
}

/// Tells the masters that are neither source nor destination of a move about its new owner,
/// in batches (see the module docs).
struct Announcer {
    masters: Vec<Listener>,
    /// Set once no slot is in flight: the listeners stop when their queues are empty.
    closed: Cell<bool>,
    /// Batches in flight per master, each on a connection of its own.
    in_flight: usize,
}

/// One master told about new owners.
struct Listener {
    id: NodeId,
    pool: Pool,
    /// Slots moved and their new owners, not sent yet.
    queue: RefCell<Vec<(u16, NodeId)>>,
    /// Woken when the queue grows or the announcer closes.
    wake: Notify,
}

impl Announcer {
    /// Queues `slot`'s new owner `to` for every master but `from` and `to`.
    fn announce(&self, slot: u16, from: &NodeId, to: &NodeId) {
        for master in self.masters.iter().filter(|m| m.id != *from && m.id != *to) {
            master.queue.borrow_mut().push((slot, to.clone()));
            master.wake.notify_one();
        }
    }

    /// No more slots will be announced.
    fn close(&self) {
        self.closed.set(true);
        for master in &self.masters {
            master.wake.notify_one();
        }
    }

    /// Sends the queued announcements until closed and every queue is empty.
    async fn run(&self) {
        join_all(self.masters.iter().map(|master| self.serve(master))).await;
    }

    /// Sends `master`'s queue in batches, up to `in_flight` at once: on Valkey >= 8 each
    /// `SETSLOT` in a pipeline waits for the replicas in turn, while the batches on other
    /// connections wait at the same time.
    async fn serve(&self, master: &Listener) {
        let mut sending = FuturesUnordered::new();
        loop {
            while sending.len() < self.in_flight {
                let batch: Vec<(u16, NodeId)> = {
                    let mut queue = master.queue.borrow_mut();
                    let count = queue.len().min(ANNOUNCE_BATCH);
                    queue.drain(..count).collect()
                };
                if batch.is_empty() {
                    break;
                }
                sending.push(Self::send(master, batch));
            }
            if !sending.is_empty() {
                // A batch answered, or more to send.
                let woken = master.wake.notified();
                pin_mut!(woken);
                select(sending.next(), woken).await;
            } else if self.closed.get() {
                return;
            } else {
                master.wake.notified().await;
            }
        }
    }

    /// One pipeline of `SETSLOT NODE` to `master`; a failure is a warning.
    async fn send(master: &Listener, batch: Vec<(u16, NodeId)>) {
        let mut pipe = redis::pipe();
        for (slot, to) in &batch {
            pipe.add_command(setslot(*slot, "NODE", to)).ignore();
        }
        let client = match master.pool.take().await {
            Ok(client) => client,
            Err(error) => return Self::warn(&batch, &error),
        };
        match client.pipeline::<()>(&pipe).await {
            Ok(()) => master.pool.give_back(client),
            Err(error) if lost_mastership(&error) => master.pool.give_back(client),
            Err(error) => Self::warn(&batch, &error),
        }
    }

    fn warn(batch: &[(u16, NodeId)], error: &NodeError) {
        let slots: SlotSet = batch.iter().map(|(slot, _)| *slot).collect();
        tracing::warn!("slots {slots}: {error} (gossip will propagate the new owners)");
    }
}

/// Whether a server error's text contains `word` (MIGRATE wraps the destination's error:
/// `ERR Target instance replied with error: BUSYKEY ...`).
fn detail_has(error: &NodeError, word: &str) -> bool {
    matches!(error, NodeError::Command { detail, .. } if detail.contains(word))
}

/// Whether a failure's reason shows that the cluster changed under the move: another actor
/// (redis-cli, an operator, a person) moved the slot, or a failover changed its master.
fn changed_under_the_move(reason: &str) -> bool {
    const CHANGED: [&str; 7] = [
        "not the owner",
        "already the owner",
        "MOVED",
        "only with masters",
        "only with primaries",
        "don't know about node",
        "Unknown node",
    ];
    CHANGED.iter().any(|text| reason.contains(text))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn job(slot: u16, from: &str, to: &str) -> Job {
        Job {
            slot_move: SlotMove {
                slot,
                from: NodeId::new(from),
                to: NodeId::new(to),
            },
            settled: false,
            cold: false,
        }
    }

    #[test]
    fn groups_hold_one_pair_each_in_the_order_given() {
        let jobs = vec![
            job(0, "a", "x"),
            job(5000, "b", "x"),
            job(1, "a", "x"),
            job(5001, "b", "x"),
            job(2, "a", "x"),
            job(5002, "b", "x"),
        ];
        let slots: Vec<Vec<u16>> = groups(jobs, 2)
            .iter()
            .map(|group| group.iter().map(|j| j.slot_move.slot).collect())
            .collect();
        assert_eq!(slots, [vec![0, 1], vec![5000, 5001], vec![2], vec![5002]]);
    }

    #[test]
    fn lanes_share_the_slots_in_flight_unless_setslot_waits() {
        assert_eq!(lanes(32, false), (4, 8));
        assert_eq!(lanes(30, false), (4, 7));
        assert_eq!(lanes(2, false), (2, 1));
        assert_eq!(lanes(0, false), (1, 1));
        assert_eq!(lanes(32, true), (32, 1));
    }
}
