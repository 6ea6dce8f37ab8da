//! Ctrl-C (SIGINT) while slots or keys move.
//!
//! Until something moves slots, Ctrl-C ends rtrib as it ends any program. A slot migration
//! catches it instead ([`catch`]): the per-key executor stops starting slots and finishes the
//! ones in flight, the atomic one cancels the servers' jobs; both then report what moved and
//! the command exits 130. A restore's writing catches it too: it reads no more keys and
//! writes those queued. Catching replaces the signal's default action for the rest of the
//! process, so from then on a Ctrl-C that no migration catches (one during the final check)
//! ends the command through [`uncaught`], which the program's main future races against the
//! command: exit 130 too.

use std::sync::atomic::{AtomicBool, AtomicU32, AtomicUsize, Ordering};

use tokio::sync::Notify;

/// Ctrl-Cs received since the watcher started.
static RECEIVED: AtomicU32 = AtomicU32::new(0);
/// Ctrl-Cs received while no migration caught them.
static UNCAUGHT: AtomicU32 = AtomicU32::new(0);
/// Migrations catching Ctrl-C right now.
static CATCHING: AtomicUsize = AtomicUsize::new(0);
/// Whether the watcher runs.
static WATCHING: AtomicBool = AtomicBool::new(false);
/// Woken at each Ctrl-C.
static ARRIVED: Notify = Notify::const_new();

/// Starts the watcher that counts Ctrl-Cs, once per process.
fn watch() {
    if WATCHING.swap(true, Ordering::SeqCst) {
        return;
    }
    tokio::spawn(async {
        while tokio::signal::ctrl_c().await.is_ok() {
            // Judged as it arrives: a migration that handles it and returns at once must not
            // leave it to `uncaught` as well.
            if CATCHING.load(Ordering::SeqCst) == 0 {
                UNCAUGHT.fetch_add(1, Ordering::SeqCst);
            }
            RECEIVED.fetch_add(1, Ordering::SeqCst);
            ARRIVED.notify_waiters();
        }
    });
}

/// A migration's hold on Ctrl-C: while it lives, Ctrl-Cs are the migration's to handle
/// ([`Caught::next`]) and [`uncaught`] lets them be.
#[derive(Debug)]
pub struct Caught {
    /// The Ctrl-Cs already handed to the migration (or received before it started).
    seen: u32,
}

/// Catches Ctrl-C for a migration until the returned hold is dropped.
pub fn catch() -> Caught {
    watch();
    CATCHING.fetch_add(1, Ordering::SeqCst);
    Caught {
        seen: RECEIVED.load(Ordering::SeqCst),
    }
}

impl Caught {
    /// Waits for the next Ctrl-C.
    pub async fn next(&mut self) {
        loop {
            let arrived = ARRIVED.notified();
            if RECEIVED.load(Ordering::SeqCst) > self.seen {
                self.seen += 1;
                return;
            }
            arrived.await;
        }
    }
}

impl Drop for Caught {
    fn drop(&mut self) {
        CATCHING.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Resolves at the first Ctrl-C that no migration catches. Never before the first migration
/// started catching: until then Ctrl-C ends the process by itself.
pub async fn uncaught() {
    loop {
        let arrived = ARRIVED.notified();
        if UNCAUGHT.load(Ordering::SeqCst) > 0 {
            return;
        }
        arrived.await;
    }
}
