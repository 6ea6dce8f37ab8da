//! Notices on stderr: what a long operation is waiting for, and until when, for the person at
//! the terminal and for a log collector reading stderr (`kubectl logs` of a Job), which sees
//! nothing of a progress bar. `-q` / `--quiet` silences them ([`set_quiet`]); errors and
//! warnings are not notices and are never silenced by it.
//!
//! A wait is announced once, when it has lasted [`Awaited`]'s grace without its condition
//! holding (at once for a name that does not resolve: resolution normally takes
//! milliseconds), as `waiting up to 30s for NAME to resolve (NXDOMAIN so far)`; when it ends
//! well after being announced, one more line says after how long.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use crate::net::Secs;

/// Set once from `--quiet`, before anything runs.
static QUIET: AtomicBool = AtomicBool::new(false);

/// Silences notices and progress lines for the rest of the run (`-q`).
pub fn set_quiet(quiet: bool) {
    QUIET.store(quiet, Ordering::Relaxed);
}

/// Whether notices and progress lines are silenced (`-q`).
pub fn is_quiet() -> bool {
    QUIET.load(Ordering::Relaxed)
}

/// Prints `text` as one line on stderr, unless silenced. A stderr that cannot be written is
/// not worth failing a command for.
pub fn say(text: &str) {
    if !is_quiet() {
        let mut stderr = std::io::stderr().lock();
        let _ = writeln!(stderr, "{text}");
        let _ = stderr.flush();
    }
}

/// How long most waits go unannounced: the usual gossip round trip is well under it, so a
/// command that changes the cluster does not report every wait, only the ones that last. The
/// same 5 s as the progress lines' rhythm: whatever lasts longer says so, and a quick change
/// writes nothing on stderr, as redis-cli's does not (scripts and the peers' tcl suites
/// `exec` rtrib and treat any stderr output as a failure).
pub const GRACE: Duration = Duration::from_secs(5);

/// A bounded wait that says what it waits for once it has lasted its grace.
#[derive(Debug)]
pub struct Awaited {
    /// What is waited for, after `waiting up to 10s for`: `every node's view to agree`.
    what: String,
    /// The bound of the wait.
    bound: Duration,
    started: Instant,
    grace: Duration,
    announced: bool,
}

impl Awaited {
    /// A wait for `what`, of at most `bound`, announced after [`GRACE`].
    pub fn new(what: impl Into<String>, bound: Duration) -> Self {
        Self {
            what: what.into(),
            bound,
            started: Instant::now(),
            grace: GRACE,
            announced: false,
        }
    }

    /// The same wait, announced after `grace` instead (zero: at the first miss).
    pub fn after(self, grace: Duration) -> Self {
        Self { grace, ..self }
    }

    /// The condition does not hold yet, as `state` says (`NXDOMAIN so far`): announces the
    /// wait once its grace has passed. `state` is only built then.
    pub fn not_yet(&mut self, state: impl FnOnce() -> String) {
        if self.announced || self.started.elapsed() < self.grace {
            return;
        }
        self.announced = true;
        say(&format!(
            "waiting up to {} for {} ({})",
            Secs(&self.bound),
            self.what,
            state()
        ));
    }

    /// The condition holds: says after how long, when the wait was announced.
    pub fn done(&self) {
        if self.announced {
            say(&format!(
                "done waiting for {} after {}",
                self.what,
                Secs(&self.started.elapsed())
            ));
        }
    }
}

/// The state of a wait from what still keeps it going: `so far: the first; and 3 more`.
pub fn so_far(pending: &[String]) -> String {
    match pending {
        [] => "so far nothing answered".to_string(),
        [one] => format!("so far: {one}"),
        [first, rest @ ..] => format!("so far: {first}; and {} more", rest.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wait_is_announced_once_after_its_grace() {
        let mut built = 0;
        let mut wait = Awaited::new("x", Duration::from_secs(5)).after(Duration::from_secs(60));
        wait.not_yet(|| {
            built += 1;
            String::new()
        });
        assert!(!wait.announced);
        let mut wait = wait.after(Duration::ZERO);
        wait.not_yet(|| {
            built += 1;
            String::new()
        });
        wait.not_yet(|| {
            built += 1;
            String::new()
        });
        assert!(wait.announced);
        assert_eq!(built, 1, "the reason is built once, when announced");
    }
}
