//! Promoting a replica: `CLUSTER FAILOVER` on it, then a bounded wait until it reports itself
//! master.
//!
//! The server runs the failover on its own after replying `OK`. A coordinated one (no option)
//! asks the master to pause writes, waits until the replica's offset reaches the master's, then
//! wins an election among the masters; the server abandons it after 5 s (its
//! `CLUSTER_MF_TIMEOUT`) when that does not happen, so the command is sent again then, until
//! the caller's deadline.
//!
//! A coordinated failover is refused with `Master is down or failed` while the replica has no
//! cluster bus link to its master, which is the case for a moment after it became that
//! master's replica (a master demoted by an earlier failover, a replica just moved). The
//! callers have seen the master reachable and not failing, so the request is repeated until
//! the link is there, up to [`LINK_GRACE`] and never past the deadline.

use std::time::{Duration, Instant};

use crate::net::conn::{NodeClient, NodeError};
use crate::net::form::WaitError;
use crate::net::notice::Awaited;

/// Why a promotion did not happen.
#[derive(Debug, thiserror::Error)]
pub enum PromoteError {
    /// The replica could not be reached, or refused `CLUSTER FAILOVER`.
    #[error(transparent)]
    Node(#[from] NodeError),
    /// The replica was still not master at the deadline.
    #[error(transparent)]
    Wait(#[from] WaitError),
}

/// How a replica takes over (`CLUSTER FAILOVER`'s option).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// No option: the master agrees and no acknowledged write is lost.
    Coordinated,
    /// `FORCE`: without the master (it is unreachable), by election; writes the replica had
    /// not received are lost.
    Force,
    /// `TAKEOVER`: without the master nor an election (no majority of masters is reachable);
    /// the replica bumps the config epoch on its own, which can conflict with a partition.
    Takeover,
}

impl Mode {
    /// The option of `CLUSTER FAILOVER`, if any.
    fn option(self) -> Option<&'static str> {
        match self {
            Mode::Coordinated => None,
            Mode::Force => Some("FORCE"),
            Mode::Takeover => Some("TAKEOVER"),
        }
    }
}

/// How often the replica is asked whether it is master yet.
const POLL_INTERVAL: Duration = Duration::from_millis(20);
/// After this long, a failover still not done was abandoned by the server (5 s) and is asked for
/// again.
const RETRY_AFTER: Duration = Duration::from_secs(6);
/// How long a coordinated failover refused for want of a link to the master is asked again.
const LINK_GRACE: Duration = Duration::from_secs(10);
/// The server's refusal of a coordinated failover while it has no link to its master.
const MASTER_DOWN: &str = "Master is down or failed";

/// Sends `CLUSTER FAILOVER` (with `mode`'s option) to `replica` and waits until it reports
/// itself master, re-sending it every [`RETRY_AFTER`]; returns how long that took. Past
/// `deadline`, [`WaitError::NotPromoted`].
pub async fn promote(
    replica: &NodeClient,
    mode: Mode,
    deadline: Instant,
) -> Result<Duration, PromoteError> {
    let started = Instant::now();
    let mut command = redis::cmd("CLUSTER");
    command.arg("FAILOVER");
    if let Some(option) = mode.option() {
        command.arg(option);
    }
    let link_deadline = deadline.min(started + LINK_GRACE);
    let mut awaited = Awaited::new(
        format!("{} to take over", replica.endpoint()),
        deadline.saturating_duration_since(started),
    );
    loop {
        match replica.query::<()>(&command).await {
            Ok(()) => {}
            Err(NodeError::Command { detail, .. })
                if detail.contains(MASTER_DOWN) && Instant::now() < link_deadline =>
            {
                tokio::time::sleep(POLL_INTERVAL).await;
                continue;
            }
            Err(error) => return Err(error.into()),
        }
        let retry_at = Instant::now() + RETRY_AFTER;
        loop {
            tokio::time::sleep(POLL_INTERVAL).await;
            if replica.read_myself().await?.0.is_master() {
                awaited.done();
                return Ok(started.elapsed());
            }
            awaited.not_yet(|| "so far it is still a replica".to_string());
            if Instant::now() >= deadline {
                return Err(WaitError::NotPromoted {
                    replica: replica.endpoint().clone(),
                    waited: started.elapsed(),
                }
                .into());
            }
            if Instant::now() >= retry_at {
                tracing::info!(
                    "{}: failover not done yet, asking again",
                    replica.endpoint()
                );
                break;
            }
        }
    }
}
