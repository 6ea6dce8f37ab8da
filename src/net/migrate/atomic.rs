//! The atomic slot migration executor (Valkey ≥ 9.0): the servers move whole slots.
//!
//! 1. Per source primary, in one round trip: `CLUSTER GETSLOTMIGRATIONS` (the jobs it already
//!    knows, so that the new ones can be told apart: finished jobs stay in the log, newest
//!    first, and `create_time` only has seconds) and `CLUSTER COUNTKEYSINSLOT` of every slot it
//!    sends (the keys moved, for the report).
//! 2. Per source, concurrently: one `CLUSTER MIGRATESLOTS SLOTSRANGE a b [c d ...] NODE target
//!    [SLOTSRANGE ... NODE ...]` with every slot it sends (see [`batches`]); the server runs
//!    one job per target. A refused request fails its slots with the server's error; nothing
//!    of them moved.
//! 3. Every [`POLL`], `CLUSTER GETSLOTMIGRATIONS` on the sources whose jobs still run; a job is
//!    matched by its target and slot ranges among the names not known before. A job that
//!    ends `success` has handed its slots over (the target owns them, the source drops its
//!    copy in the background); `failed` or `cancelled` leaves them where they were, and is
//!    reported with the server's message.
//!
//! Ctrl-C while jobs run sends `CLUSTER CANCELSLOTMIGRATIONS` to their sources and keeps
//! following the jobs until each has ended, so that the report says exactly what moved.
//! A run killed outright leaves the jobs to the servers, which finish them; the next run
//! finds them with [`running`](crate::cluster::atomic::running) and waits for them with
//! [`follow_running`].

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use futures_util::future::join_all;
use redis::Value;

use crate::cluster::atomic::{Batch, Group, batches, find_job};
use crate::cluster::job::{JobState, SlotMigration};
use crate::cluster::migrate::SlotMove;
use crate::cluster::view::NodeId;
use crate::net::conn::{NodeClient, NodeError};
use crate::net::fetch::{Fetched, migrations, parse_migrations};
use crate::net::interrupt;
use crate::net::migrate::{MigrationReport, Observer, SlotFailure};

/// How often the sources are asked how their jobs stand (valkey-cli's interval).
const POLL: Duration = Duration::from_millis(100);
/// How long a job the source accepted may stay absent from its log before its slots are
/// reported as failed (the log is trimmed to `cluster-slot-migration-log-max-len` entries).
const UNLISTED_GRACE: Duration = Duration::from_secs(10);
/// How long a source may fail to answer `GETSLOTMIGRATIONS` before its jobs are reported as
/// failed (where they stand is then for `rtrib check` to say).
const UNREADABLE_GRACE: Duration = Duration::from_secs(30);

/// One job followed: a group of slots from a source to a target.
struct Followed {
    source: NodeId,
    group: Group,
    /// The keys in its slots before the move.
    keys: u64,
    /// The server's job name, once matched.
    name: Option<String>,
    /// How it ended; `None` while it runs.
    ended: Option<Result<(), String>>,
}

/// Moves `moves` with `CLUSTER MIGRATESLOTS`; see the module docs. Fails before moving
/// anything when a source cannot be read; every later failure is per job, in the report.
pub async fn execute(
    fetched: &Fetched,
    moves: &[SlotMove],
    observer: &dyn Observer,
) -> Result<MigrationReport, NodeError> {
    let started = Instant::now();
    let batches = batches(moves);
    let before = join_all(batches.iter().map(|batch| survey(fetched, batch))).await;
    let mut known = HashMap::new();
    let mut followed = Vec::new();
    for (batch, surveyed) in batches.iter().zip(before) {
        let (names, keys) = surveyed?;
        known.insert(batch.source.clone(), names);
        for (group, keys) in batch.groups.iter().zip(keys) {
            followed.push(Followed {
                source: batch.source.clone(),
                group: group.clone(),
                keys,
                name: None,
                ended: None,
            });
        }
    }
    let sent = join_all(batches.iter().map(|batch| async move {
        let mut cmd = redis::cmd("CLUSTER");
        cmd.arg("MIGRATESLOTS").arg(batch.arguments());
        let outcome = match client(fetched, &batch.source) {
            Ok(client) => client.query::<()>(&cmd).await,
            Err(error) => Err(error),
        };
        (&batch.source, outcome)
    }))
    .await;
    for (source, outcome) in sent {
        if let Err(error) = outcome {
            for job in followed.iter_mut().filter(|f| &f.source == source) {
                job.ended = Some(Err(format!("{error}; nothing of these slots moved")));
            }
        }
    }
    let mut report = follow(fetched, followed, &known, observer).await;
    report.elapsed = started.elapsed();
    Ok(report)
}

/// Waits until the jobs `jobs` (from [`running`](crate::cluster::atomic::running)) have ended; reports their slots as moved
/// or failed. Ctrl-C cancels them as in [`execute`].
pub async fn follow_running(
    fetched: &Fetched,
    jobs: &[SlotMigration],
    observer: &dyn Observer,
) -> MigrationReport {
    let started = Instant::now();
    let followed = jobs
        .iter()
        .map(|job| Followed {
            source: job.source.clone(),
            group: Group {
                target: job.target.clone(),
                slots: job.slots.clone(),
            },
            keys: 0,
            name: Some(job.name.clone()),
            ended: None,
        })
        .collect();
    let mut report = follow(fetched, followed, &HashMap::new(), observer).await;
    report.elapsed = started.elapsed();
    report
}

/// The connection to `id`, or why there is none.
fn client<'a>(fetched: &'a Fetched, id: &NodeId) -> Result<&'a NodeClient, NodeError> {
    fetched.clients.get(id).ok_or_else(|| NodeError::Protocol {
        node: fetched.topology.nodes[0].endpoint.clone(),
        command: "CLUSTER NODES".into(),
        detail: format!("node {id} was not reached"),
    })
}

/// The job names `batch`'s source knows, and the keys of each of its groups, in one round
/// trip.
async fn survey(
    fetched: &Fetched,
    batch: &Batch,
) -> Result<(HashSet<String>, Vec<u64>), NodeError> {
    let client = client(fetched, &batch.source)?;
    let mut pipe = redis::pipe();
    pipe.cmd("CLUSTER").arg("GETSLOTMIGRATIONS");
    for slot in batch.groups.iter().flat_map(|g| g.slots.iter()) {
        pipe.cmd("CLUSTER").arg("COUNTKEYSINSLOT").arg(slot);
    }
    let mut replies: Vec<Value> = client.pipeline(&pipe).await?;
    let counts: Vec<u64> = replies
        .drain(1..)
        .map(|v| redis::from_redis_value(v).unwrap_or(0))
        .collect();
    let names = parse_migrations(&replies[0])
        .into_iter()
        .map(|m| m.name)
        .collect();
    let mut keys = Vec::with_capacity(batch.groups.len());
    let mut offset = 0;
    for group in &batch.groups {
        keys.push(counts[offset..offset + group.slots.len()].iter().sum());
        offset += group.slots.len();
    }
    Ok((names, keys))
}

/// Follows `followed` until every job has ended; see the module docs.
async fn follow(
    fetched: &Fetched,
    mut followed: Vec<Followed>,
    known: &HashMap<NodeId, HashSet<String>>,
    observer: &dyn Observer,
) -> MigrationReport {
    let started = Instant::now();
    let mut interrupts = interrupt::catch();
    let mut interrupted = false;
    let mut unreadable: HashMap<NodeId, Instant> = HashMap::new();
    loop {
        let sources = running_sources(&followed);
        if sources.is_empty() {
            break;
        }
        let logs = join_all(sources.iter().map(|&source| async move {
            let log = match client(fetched, source) {
                Ok(client) => migrations(client).await,
                Err(error) => Err(error),
            };
            (source.clone(), log)
        }))
        .await;
        for (source, log) in logs {
            let log = match log {
                Ok(log) => {
                    unreadable.remove(&source);
                    log
                }
                Err(error) => {
                    tracing::warn!("cannot follow the migrations of {source}: {error}");
                    let since = *unreadable
                        .entry(source.clone())
                        .or_insert_with(Instant::now);
                    if since.elapsed() > UNREADABLE_GRACE {
                        for job in followed
                            .iter_mut()
                            .filter(|f| f.source == source && f.ended.is_none())
                        {
                            job.ended = Some(Err(format!(
                                "the source stopped answering CLUSTER GETSLOTMIGRATIONS \
                                 ({error}); see rtrib check for where slots {} are",
                                job.group.slots
                            )));
                        }
                    }
                    continue;
                }
            };
            let none = HashSet::new();
            let known = known.get(&source).unwrap_or(&none);
            update(
                &mut followed,
                &source,
                &log,
                known,
                started.elapsed(),
                observer,
            );
        }
        tokio::select! {
            () = tokio::time::sleep(POLL) => {}
            () = interrupts.next(), if !interrupted => {
                interrupted = true;
                cancel(fetched, &followed).await;
            }
        }
    }
    let mut report = MigrationReport {
        interrupted,
        ..MigrationReport::default()
    };
    for job in followed {
        let moves = job.group.slots.iter().map(|slot| SlotMove {
            slot,
            from: job.source.clone(),
            to: job.group.target.clone(),
        });
        match job.ended {
            Some(Ok(())) => {
                report.keys += job.keys;
                report.moved.extend(moves);
            }
            Some(Err(reason)) => report.failures.extend(moves.map(|slot_move| SlotFailure {
                slot_move,
                reason: reason.clone(),
                left_open: false,
                cluster_changed: false,
            })),
            None => {}
        }
    }
    report.failures.sort_by_key(|f| f.slot_move.slot);
    report
}

/// Takes what `source`'s `log` says about the jobs of `followed` it sends.
fn update(
    followed: &mut [Followed],
    source: &NodeId,
    log: &[SlotMigration],
    known: &HashSet<String>,
    waited: Duration,
    observer: &dyn Observer,
) {
    let claimed: HashSet<String> = followed.iter().filter_map(|f| f.name.clone()).collect();
    let mut claimed_now = HashSet::new();
    for job in followed
        .iter_mut()
        .filter(|f| &f.source == source && f.ended.is_none())
    {
        let taken = |name: &str| {
            known.contains(name) || claimed.contains(name) || claimed_now.contains(name)
        };
        let entry = find_job(log, job.name.as_deref(), &job.group, &taken);
        let Some(entry) = entry else {
            if waited > UNLISTED_GRACE {
                job.ended = Some(Err(format!(
                    "the source accepted CLUSTER MIGRATESLOTS but does not list the job (after \
                     {}s); see rtrib check for where slots {} are",
                    UNLISTED_GRACE.as_secs(),
                    job.group.slots
                )));
            }
            continue;
        };
        if job.name.is_none() {
            claimed_now.insert(entry.name.clone());
            job.name = Some(entry.name.clone());
        }
        match entry.job_state() {
            JobState::Running => {}
            JobState::Success => {
                observer.keys_moved(job.keys);
                for _ in job.group.slots.iter() {
                    observer.slot_moved();
                }
                job.ended = Some(Ok(()));
            }
            JobState::Failed => job.ended = Some(Err(entry.reason())),
        }
    }
}

/// The sources with a job still running, each once.
fn running_sources(followed: &[Followed]) -> Vec<&NodeId> {
    let mut sources: Vec<&NodeId> = followed
        .iter()
        .filter(|f| f.ended.is_none())
        .map(|f| &f.source)
        .collect();
    sources.sort();
    sources.dedup();
    sources
}

/// `CLUSTER CANCELSLOTMIGRATIONS` on every source with a job still running.
async fn cancel(fetched: &Fetched, followed: &[Followed]) {
    let sources = running_sources(followed);
    tracing::warn!(
        "interrupted: asking {} sources to cancel their slot migrations",
        sources.len()
    );
    join_all(sources.into_iter().map(|source| async move {
        let mut cmd = redis::cmd("CLUSTER");
        cmd.arg("CANCELSLOTMIGRATIONS");
        if let Ok(client) = client(fetched, source)
            && let Err(error) = client.query::<()>(&cmd).await
        {
            tracing::warn!("{source}: {error}");
        }
    }))
    .await;
}
