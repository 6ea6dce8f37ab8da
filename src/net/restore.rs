//! Restoring RDB files into a cluster: reading the files (each in a thread of its own, a few
//! at a time) and sending their keys to the masters serving their slots, as pipelined
//! `RESTORE key ttl payload ABSTTL`, every master at once.
//!
//! - [`take_census`] reads every file whole (its CRC64 verified) and counts what it holds,
//!   each key judged for its master ([`Census`]); nothing is sent.
//! - [`restore_keys`] reads the files again: readers turn each key into a `RESTORE` with the
//!   payload its master loads ([`carry`]: re-stamped, or converted) and queue them per master
//!   in batches (bounded queues: a slow master holds the readers back, memory stays bounded);
//!   one writer per master keeps up to [`IN_FLIGHT`] pipelines on the wire and tallies the
//!   replies ([`Written`]). The first error other than an existing key stops every reader and
//!   writer.
//! - [`restore_functions`] loads the function libraries on a master (`FUNCTION RESTORE`).
//! - [`restore_cmd`] is the `RESTORE` command, shared with `import`'s cross-server copy.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::ops::ControlFlow;
use std::pin::pin;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use futures_util::StreamExt;
use futures_util::future::join_all;
use redis::{Cmd, Pipeline, Value};
use serde::Serialize;
use tokio::sync::mpsc;

use crate::cluster::slots::{SLOT_COUNT, Slot, key_slot};
use crate::net::conn::{NodeClient, NodeError};
use crate::net::interrupt;
use crate::net::migrate::Observer;
use crate::net::rdb_files::{SourceError, SourceFile, read_file, read_file_counting};
use crate::rdb::restore::{Census, Existing, is_expired};
use crate::rdb::{Entry, FunctionLibrary, Item, Magic, RdbTarget, carry, functions_dump_payload};

/// Keys per batch (one pipeline).
const BATCH_KEYS: usize = 500;
/// Payload bytes per batch, whichever of the two comes first.
const BATCH_BYTES: usize = 1 << 20;
/// Batches queued per master, beyond those on the wire.
const QUEUED: usize = 4;
/// How often the bytes read are handed on while the source is read before a restore.
const COUNT_READ_EVERY: std::time::Duration = std::time::Duration::from_millis(100);
/// Pipelines on the wire per master.
pub const IN_FLIGHT: usize = 4;
/// How many key names a failure shows.
const KEYS_SHOWN: usize = 5;

/// Milliseconds since the Unix epoch, as expire times are.
pub fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_millis() as i64)
}

/// Where each slot's keys go: the master's index, and what each master loads.
#[derive(Debug, Clone)]
pub struct Placement {
    /// Per slot, the index of its master.
    pub owner: Vec<usize>,
    /// Per master, what its `RESTORE` loads.
    pub targets: Vec<RdbTarget>,
}

impl Placement {
    fn master_of(&self, key: &[u8]) -> (Slot, usize) {
        let slot = key_slot(key);
        (slot, self.owner[usize::from(slot)])
    }
}

/// What one file holds, as read.
#[derive(Debug, Clone, Serialize)]
pub struct FileSummary {
    /// The file.
    pub path: String,
    /// Its size.
    pub bytes: u64,
    /// `REDIS` or `VALKEY`.
    pub magic: &'static str,
    /// Its RDB version.
    pub rdb_version: u16,
    /// Keys in it (every database).
    pub keys: u64,
}

/// Runs `work` on every file (its index, the file), a few files at a time (as many as there
/// are cores), each in a thread of its own; the results in the files' order.
fn in_parallel<T: Send>(
    files: &[SourceFile],
    work: impl Fn(usize, &SourceFile) -> T + Sync,
) -> Vec<T> {
    let workers = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .clamp(1, files.len().max(1));
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<T>>> = Mutex::new((0..files.len()).map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(file) = files.get(index) else { break };
                    let result = work(index, file);
                    if let Ok(mut results) = results.lock() {
                        results[index] = Some(result);
                    }
                }
            });
        }
    });
    results
        .into_inner()
        .unwrap_or_default()
        .into_iter()
        .flatten()
        .collect()
}

/// Reads every file whole and counts what it holds, keys of database `db` judged for the
/// master of their slot, telling `bytes_read_so_far` of the bytes read (of all files) as it
/// goes; the first bad file is the error.
pub async fn take_census(
    files: Vec<SourceFile>,
    placement: Arc<Placement>,
    db: u64,
    bytes_read_so_far: &dyn Fn(u64),
) -> Result<(Census, Vec<FileSummary>), SourceError> {
    let bytes_read: Arc<Vec<AtomicU64>> =
        Arc::new(files.iter().map(|_| AtomicU64::new(0)).collect());
    let counters = Arc::clone(&bytes_read);
    let reading = tokio::task::spawn_blocking(move || {
        in_parallel(&files, |index, file| {
            census_of(file, &counters[index], &placement, db)
        })
    });
    let mut reading = pin!(reading);
    let tell = || bytes_read_so_far(bytes_read.iter().map(|b| b.load(Ordering::Relaxed)).sum());
    let read = loop {
        tokio::select! {
            read = &mut reading => break read.unwrap_or_default(),
            () = tokio::time::sleep(COUNT_READ_EVERY) => tell(),
        }
    };
    tell();
    let mut census = Census::new(db);
    let mut summaries = Vec::new();
    for result in read {
        let (part, summary) = result?;
        census.merge(part);
        summaries.push(summary);
    }
    Ok((census, summaries))
}

fn census_of(
    file: &SourceFile,
    bytes_read: &AtomicU64,
    placement: &Placement,
    db: u64,
) -> Result<(Census, FileSummary), SourceError> {
    let mut census = Census::new(db);
    let now = now_ms();
    let mut modules: BTreeMap<String, u64> = BTreeMap::new();
    let header = read_file_counting(file, bytes_read, |item| {
        match item {
            Item::Entry(entry) => {
                let (_, master) = placement.master_of(&entry.key);
                census.add(&entry, &placement.targets[master], now);
            }
            Item::Function(library) => census.add_library(&library),
            Item::ModuleAux { module, .. } => *modules.entry(module.name()).or_default() += 1,
            _ => {}
        }
        ControlFlow::Continue(())
    })?;
    census.module_aux = modules;
    let summary = FileSummary {
        path: file.path.display().to_string(),
        bytes: file.bytes,
        magic: match header.magic {
            Magic::Redis => "REDIS",
            Magic::Valkey => "VALKEY",
        },
        rdb_version: header.version,
        keys: census.keys_read,
    };
    Ok((census, summary))
}

/// `RESTORE key ttl payload [ABSTTL] [REPLACE] [IDLETIME s | FREQ f]`: `expire_at_ms`
/// absolute (`ABSTTL`), or a relative `ttl_ms`, or neither (no expire).
pub fn restore_cmd(
    key: &[u8],
    expire: Expire,
    payload: &[u8],
    replace: bool,
    entry_hints: (Option<u64>, Option<u8>),
) -> Cmd {
    let mut cmd = redis::cmd("RESTORE");
    cmd.arg(key);
    match expire {
        Expire::Never => cmd.arg(0),
        Expire::At(at) => cmd.arg(at),
        Expire::In(ttl) => cmd.arg(ttl.max(1)),
    };
    cmd.arg(payload);
    if matches!(expire, Expire::At(_)) {
        cmd.arg("ABSTTL");
    }
    if replace {
        cmd.arg("REPLACE");
    }
    match entry_hints {
        (Some(idle), _) => {
            cmd.arg("IDLETIME").arg(idle);
        }
        (None, Some(freq)) => {
            cmd.arg("FREQ").arg(freq);
        }
        (None, None) => {}
    }
    cmd
}

/// A key's expire time, as `RESTORE` takes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expire {
    /// No expire.
    Never,
    /// At this Unix time in milliseconds (`ABSTTL`).
    At(i64),
    /// In this many milliseconds.
    In(i64),
}

/// One key in a batch: what the writer needs to account for its reply.
struct Sent {
    key: Vec<u8>,
    slot: Slot,
    expire_at_ms: Option<i64>,
}

/// Keys for one master, in one pipeline (with `--replace`, an `EXISTS` before each
/// `RESTORE`, to count the keys that were there).
struct Batch {
    pipe: Pipeline,
    keys: Vec<Sent>,
    bytes: usize,
}

impl Batch {
    fn new() -> Self {
        let mut pipe = redis::pipe();
        pipe.ignore_errors();
        Self {
            pipe,
            keys: Vec::new(),
            bytes: 0,
        }
    }

    fn is_full(&self) -> bool {
        self.keys.len() >= BATCH_KEYS || self.bytes >= BATCH_BYTES
    }
}

/// What the restore wrote, tallied from the replies.
#[derive(Debug)]
pub struct Written {
    /// Keys restored (new or replacing).
    pub restored: u64,
    /// Per slot, keys the cluster had already that were skipped (`--skip-existing`) or
    /// replaced (`--replace`).
    pub existing: Vec<u64>,
    /// Keys skipped because they expired between the two reads.
    pub expired: Vec<u64>,
    /// Restored keys with an expire time: their slot and when they expire.
    pub expiring: Vec<(Slot, i64)>,
    /// Keys the cluster had already, without `--replace` or `--skip-existing` (a key twice in
    /// the source, or written meanwhile): how many, and the first names.
    pub busy: (u64, Vec<String>),
    /// Keys converted to another encoding.
    pub converted: u64,
    /// Why the restore stopped, when it did.
    pub error: Option<String>,
    /// Whether Ctrl-C stopped it: no key was read after it, and the batches already queued
    /// were written (unless a second Ctrl-C came).
    pub interrupted: bool,
}

impl Written {
    fn new() -> Self {
        Self {
            restored: 0,
            existing: vec![0; SLOT_COUNT],
            expired: vec![0; SLOT_COUNT],
            expiring: Vec::new(),
            busy: (0, Vec::new()),
            converted: 0,
            error: None,
            interrupted: false,
        }
    }

    fn fail(&mut self, error: String) {
        self.error.get_or_insert(error);
    }
}

/// What a reader thread did besides sending batches.
#[derive(Default)]
struct ReaderTally {
    converted: u64,
    expired: Vec<(Slot, u64)>,
}

/// Restores the keys of database `db` of every file into the masters (`clients`, indexed
/// as in `placement`), telling `observer` of every batch answered; returns the tally, its
/// `error` set when something stopped it.
pub async fn restore_keys(
    files: Vec<SourceFile>,
    placement: Arc<Placement>,
    clients: &[NodeClient],
    db: u64,
    existing: Existing,
    observer: &dyn Observer,
) -> Written {
    let (senders, receivers): (Vec<_>, Vec<_>) =
        clients.iter().map(|_| mpsc::channel(QUEUED)).unzip();
    let stop_reading = Arc::new(AtomicBool::new(false));
    let stop = Arc::clone(&stop_reading);
    let readers = tokio::task::spawn_blocking(move || {
        in_parallel(&files, |_, file| {
            read_and_queue(file, &placement, &senders, db, existing, &stop)
        })
    });
    let written = RefCell::new(Written::new());
    let writers =
        join_all(clients.iter().zip(receivers).map(|(client, receiver)| {
            write_master(client, receiver, existing, &written, observer)
        }));
    let mut interrupts = interrupt::catch();
    let mut interrupted = false;
    let read = {
        let mut work = pin!(async { tokio::join!(readers, writers).0 });
        loop {
            tokio::select! {
                read = &mut work => break read.unwrap_or_default(),
                () = interrupts.next() => {
                    if interrupted {
                        // The writers are dropped with their batches in flight: each RESTORE
                        // answered or not is whole, and the count afterwards says what is there.
                        break Vec::new();
                    }
                    interrupted = true;
                    stop_reading.store(true, Ordering::SeqCst);
                    tracing::warn!(
                        "interrupted: no more keys are read; writing those already queued \
                         (Ctrl-C again to stop at once)"
                    );
                }
            }
        }
    };
    let mut written = written.into_inner();
    written.interrupted = interrupted;
    for result in read {
        match result {
            Ok(tally) => {
                written.converted += tally.converted;
                for (slot, count) in tally.expired {
                    written.expired[usize::from(slot)] += count;
                }
            }
            // A reader stopped by a writer's failure or by Ctrl-C has nothing to add.
            Err(ReadStop::WritersGone | ReadStop::Interrupted) => {}
            Err(ReadStop::Failed(error)) => written.fail(error),
        }
    }
    written
}

/// Why a reader stopped early.
enum ReadStop {
    /// The writers stopped (one failed): nothing more is taken.
    WritersGone,
    /// Ctrl-C: nothing more is read.
    Interrupted,
    /// The file could not be read, or a value not carried.
    Failed(String),
}

/// Reads one file and queues its keys of database `db`, batch by batch, to their masters.
fn read_and_queue(
    file: &SourceFile,
    placement: &Placement,
    senders: &[mpsc::Sender<Batch>],
    db: u64,
    existing: Existing,
    stop_reading: &AtomicBool,
) -> Result<ReaderTally, ReadStop> {
    let mut batches: Vec<Batch> = senders.iter().map(|_| Batch::new()).collect();
    let mut tally = ReaderTally::default();
    let mut expired: BTreeMap<Slot, u64> = BTreeMap::new();
    let mut stop = None;
    let send = |master: usize, batch: Batch| {
        senders[master]
            .blocking_send(batch)
            .map_err(|_| ReadStop::WritersGone)
    };
    let read = read_file(file, |item| {
        let Item::Entry(entry) = item else {
            return ControlFlow::Continue(());
        };
        if entry.db != db {
            return ControlFlow::Continue(());
        }
        if stop_reading.load(Ordering::Relaxed) {
            stop = Some(ReadStop::Interrupted);
            return ControlFlow::Break(());
        }
        let (slot, master) = placement.master_of(&entry.key);
        if is_expired(&entry, now_ms()) {
            *expired.entry(slot).or_default() += 1;
            return ControlFlow::Continue(());
        }
        let batch = &mut batches[master];
        match queue(batch, &entry, slot, &placement.targets[master], existing) {
            Ok(converted) => tally.converted += u64::from(converted),
            Err(error) => {
                stop = Some(ReadStop::Failed(format!(
                    "{}: {error}",
                    file.path.display()
                )));
                return ControlFlow::Break(());
            }
        }
        if batch.is_full() {
            let full = std::mem::replace(batch, Batch::new());
            if let Err(gone) = send(master, full) {
                stop = Some(gone);
                return ControlFlow::Break(());
            }
        }
        ControlFlow::Continue(())
    });
    if let Err(error) = read {
        return Err(ReadStop::Failed(error.to_string()));
    }
    if let Some(stop) = stop {
        return Err(stop);
    }
    for (master, batch) in batches.into_iter().enumerate() {
        if !batch.keys.is_empty() {
            send(master, batch)?;
        }
    }
    tally.expired = expired.into_iter().collect();
    Ok(tally)
}

/// Adds `entry`'s `RESTORE` to `batch`, its payload carried for `target`; whether it was
/// converted.
fn queue(
    batch: &mut Batch,
    entry: &Entry,
    slot: Slot,
    target: &RdbTarget,
    existing: Existing,
) -> Result<bool, crate::rdb::CarryError> {
    let carried = carry(&entry.value, target)?;
    if existing == Existing::Replace {
        batch.pipe.cmd("EXISTS").arg(&entry.key);
    }
    let expire = entry.expire_at_ms.map_or(Expire::Never, Expire::At);
    batch.pipe.add_command(restore_cmd(
        &entry.key,
        expire,
        &carried.payload,
        existing == Existing::Replace,
        (entry.idle_seconds, entry.lfu_freq),
    ));
    batch.bytes += carried.payload.len() + entry.key.len();
    batch.keys.push(Sent {
        key: entry.key.clone(),
        slot,
        expire_at_ms: entry.expire_at_ms,
    });
    Ok(carried.converted)
}

/// Sends one master's batches, [`IN_FLIGHT`] at a time, and tallies their replies; stops at
/// the first failure (dropping its queue stops the readers).
async fn write_master(
    client: &NodeClient,
    receiver: mpsc::Receiver<Batch>,
    existing: Existing,
    written: &RefCell<Written>,
    observer: &dyn Observer,
) {
    let batches = futures_util::stream::unfold(receiver, |mut receiver| async move {
        receiver.recv().await.map(|batch| (batch, receiver))
    });
    let mut replies = pin!(
        batches
            .map(|batch| async move {
                let replies = client.pipeline::<Vec<Value>>(&batch.pipe).await;
                (batch.keys, replies)
            })
            .buffer_unordered(IN_FLIGHT)
    );
    while let Some((keys, replies)) = replies.next().await {
        let mut written = written.borrow_mut();
        if written.error.is_some() {
            return;
        }
        let replies = match replies {
            Ok(replies) => replies,
            Err(error) => {
                written.fail(error.to_string());
                return;
            }
        };
        let per_key = if existing == Existing::Replace { 2 } else { 1 };
        let mut answered = 0;
        for (sent, reply) in keys.iter().zip(replies.chunks(per_key)) {
            let (was_there, restored) = match reply {
                [Value::Int(exists), restored] => (*exists == 1, restored),
                [restored] => (false, restored),
                _ => continue,
            };
            answered += 1;
            match restored {
                Value::ServerError(error) if error.code() == "BUSYKEY" => {
                    if existing == Existing::Skip {
                        written.existing[usize::from(sent.slot)] += 1;
                    } else {
                        written.busy.0 += 1;
                        if written.busy.1.len() < KEYS_SHOWN {
                            written
                                .busy
                                .1
                                .push(String::from_utf8_lossy(&sent.key).into_owned());
                        }
                    }
                }
                Value::ServerError(error) => {
                    written.fail(format!(
                        "{}: RESTORE {} failed: {} {}",
                        client.endpoint(),
                        String::from_utf8_lossy(&sent.key),
                        error.code(),
                        error.details().unwrap_or_default()
                    ));
                    return;
                }
                _ => {
                    written.restored += 1;
                    if was_there {
                        written.existing[usize::from(sent.slot)] += 1;
                    }
                    if let Some(at) = sent.expire_at_ms {
                        written.expiring.push((sent.slot, at));
                    }
                }
            }
        }
        observer.keys_moved(answered);
    }
}

/// Loads `libraries` on a master with `FUNCTION RESTORE` (`REPLACE` replaces libraries of the
/// same name); nothing to do without libraries.
pub async fn restore_functions(
    client: &NodeClient,
    libraries: &[FunctionLibrary],
    target: &RdbTarget,
    replace: bool,
) -> Result<(), NodeError> {
    let Some(stamp) = target.functions_stamp().filter(|_| !libraries.is_empty()) else {
        return Ok(());
    };
    let mut cmd = redis::cmd("FUNCTION");
    cmd.arg("RESTORE")
        .arg(functions_dump_payload(libraries, stamp))
        .arg(if replace { "REPLACE" } else { "APPEND" });
    client.query::<()>(&cmd).await
}

/// The names of the function libraries a master has loaded (`FUNCTION LIST`).
pub async fn library_names(client: &NodeClient) -> Result<Vec<String>, NodeError> {
    let reply: Value = client.query(redis::cmd("FUNCTION").arg("LIST")).await?;
    let Value::Array(libraries) = reply else {
        return Ok(Vec::new());
    };
    Ok(libraries
        .iter()
        .filter_map(|library| {
            let Value::Array(fields) = library else {
                return None;
            };
            fields.chunks(2).find_map(|pair| match pair {
                [Value::BulkString(name), Value::BulkString(value)] if name == b"library_name" => {
                    Some(String::from_utf8_lossy(value).into_owned())
                }
                _ => None,
            })
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(cmd: &Cmd) -> Vec<String> {
        cmd.args_iter()
            .map(|arg| match arg {
                redis::Arg::Simple(bytes) => String::from_utf8_lossy(bytes).into_owned(),
                _ => "<not simple>".into(),
            })
            .collect()
    }

    #[test]
    fn restore_commands_carry_the_expire_time_and_the_hints() {
        let payload = b"\x00\x01v\x0a\x00crc-here";
        assert_eq!(
            words(&restore_cmd(
                b"k",
                Expire::Never,
                payload,
                false,
                (None, None)
            ))[..3],
            ["RESTORE", "k", "0"]
        );
        let absolute = words(&restore_cmd(
            b"k",
            Expire::At(1_900_000_000_000),
            payload,
            true,
            (Some(30), None),
        ));
        assert_eq!(absolute[2], "1900000000000");
        assert_eq!(absolute[4..], ["ABSTTL", "REPLACE", "IDLETIME", "30"]);
        let relative = words(&restore_cmd(
            b"k",
            Expire::In(0),
            payload,
            false,
            (None, Some(5)),
        ));
        assert_eq!(relative[2], "1", "a TTL of 0 would mean none");
        assert_eq!(relative[4..], ["FREQ", "5"]);
    }
}
