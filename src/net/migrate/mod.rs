//! Moving slots between masters: the two executors side by side, and what they share.
//!
//! - [`per_key`]: `SETSLOT MIGRATING/IMPORTING`, `MIGRATE` of the keys in batches, `SETSLOT
//!   NODE` (every server);
//! - [`atomic`]: `CLUSTER MIGRATESLOTS`, the servers move whole slots (Valkey ≥ 9.0).
//!
//! Both tell an [`Observer`] about progress and end with a [`MigrationReport`]; which one runs
//! is `cluster::atomic::choose`'s decision.

pub mod atomic;
pub mod per_key;

use std::time::Duration;

use crate::cluster::atomic::Method;
use crate::cluster::migrate::SlotMove;

/// Told about progress as it happens.
pub trait Observer {
    /// A batch of `count` keys arrived on its destination.
    fn keys_moved(&self, count: u64);
    /// A slot now belongs to its destination.
    fn slot_moved(&self);
}

/// A slot that could not be moved.
#[derive(Debug, Clone)]
pub struct SlotFailure {
    /// The move.
    pub slot_move: SlotMove,
    /// Why.
    pub reason: String,
    /// The slot may be left open (MIGRATING/IMPORTING), each key on one side or the other: a
    /// re-run (or `fix`) finishes it. Otherwise it is stable with its source: never opened, or
    /// opened by this run, none of its keys moved, and closed again.
    pub left_open: bool,
    /// The cluster changed under the move (another actor moved the slot, or a failover changed
    /// its master); `reason` says so.
    pub cluster_changed: bool,
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
    /// The slots that failed (some may be left open: see [`SlotFailure::left_open`]).
    pub failures: Vec<SlotFailure>,
    /// Slots not started because an earlier one failed.
    pub skipped: usize,
    /// How the slots moved (set by the command that chose the executor).
    pub method: Option<Method>,
    /// Ctrl-C stopped the run (the server-side jobs were cancelled).
    pub interrupted: bool,
}

impl MigrationReport {
    /// Whether every slot asked for moved: no failure, none left unstarted, no Ctrl-C.
    pub fn is_complete(&self) -> bool {
        self.failures.is_empty() && self.skipped == 0 && !self.interrupted
    }

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
