//! `sandbox`'s refusals, judged without I/O: the ports a sandbox would take, a redis-server
//! missing or failing to start, and the end of its log quoted in the message.

use super::endpoint::Endpoint;

/// Why `sandbox start` stopped; what it started is undone.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SandboxRefusal {
    /// No `redis-server` on the `PATH`.
    #[error(
        "redis-server is not on the PATH: install Redis first (Debian/Ubuntu: apt-get install \
         redis-server; macOS: brew install redis)"
    )]
    NoServer,
    /// Ports (client or bus) are taken by servers this sandbox did not start.
    #[error("{}", taken_message(.0))]
    PortsTaken(Vec<u16>),
    /// `redis-server` exited with a failure; `log` is [`log_tail`] of its log.
    #[error("redis-server failed to start on port {port}{log}")]
    StartFailed {
        /// The node's port.
        port: u16,
        /// The end of its log, or nothing.
        log: String,
    },
    /// The node started but did not answer `PING` in time.
    #[error("the redis-server started on {endpoint} did not answer within {secs}s ({error}){log}")]
    Silent {
        /// The node.
        endpoint: Endpoint,
        /// How long it was waited for.
        secs: u64,
        /// The last error.
        error: String,
        /// The end of its log, or nothing.
        log: String,
    },
}

fn taken_message(taken: &[u16]) -> String {
    match taken {
        [port] => format!(
            "port {port} is already in use by a server this sandbox did not start: choose \
             another --base-port; nothing was started"
        ),
        _ => format!(
            "ports {} are already in use by servers this sandbox did not start: choose another \
             --base-port; nothing was started",
            taken
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    }
}

/// Refuses to start when `taken` (ports found in use, not by this sandbox) is not empty.
pub fn refuse_taken(taken: Vec<u16>) -> Result<(), SandboxRefusal> {
    match taken.is_empty() {
        true => Ok(()),
        false => Err(SandboxRefusal::PortsTaken(taken)),
    }
}

/// The last three non-blank lines of a node's `log`, as a message's tail (`: its log ends:
/// a | b | c`), or nothing for an empty log.
pub fn log_tail(log: &str) -> String {
    let lines: Vec<&str> = log.lines().filter(|line| !line.trim().is_empty()).collect();
    match lines.len() {
        0 => String::new(),
        n => format!(
            ": its log ends: {}",
            lines[n.saturating_sub(3)..].join(" | ")
        ),
    }
}

#[cfg(test)]
mod refusal_tests {
    use super::*;

    #[test]
    fn taken_ports_are_refused_in_the_singular_or_plural() {
        assert_eq!(refuse_taken(vec![]), Ok(()));
        assert_eq!(
            refuse_taken(vec![30000]).unwrap_err().to_string(),
            "port 30000 is already in use by a server this sandbox did not start: choose another \
             --base-port; nothing was started"
        );
        assert_eq!(
            refuse_taken(vec![30000, 40000]).unwrap_err().to_string(),
            "ports 30000, 40000 are already in use by servers this sandbox did not start: choose \
             another --base-port; nothing was started"
        );
    }

    #[test]
    fn a_failed_start_quotes_the_end_of_the_log() {
        assert_eq!(log_tail(""), "");
        let log = "one\n\ntwo\nthree\nfour\n";
        let refusal = SandboxRefusal::StartFailed {
            port: 30001,
            log: log_tail(log),
        };
        assert_eq!(
            refusal.to_string(),
            "redis-server failed to start on port 30001: its log ends: two | three | four"
        );
        let silent = SandboxRefusal::Silent {
            endpoint: Endpoint::from_addr(([127, 0, 0, 1], 30001).into()),
            secs: 10,
            error: "refused".into(),
            log: String::new(),
        };
        assert_eq!(
            silent.to_string(),
            "the redis-server started on 127.0.0.1:30001 did not answer within 10s (refused)"
        );
        assert_eq!(
            SandboxRefusal::NoServer.to_string(),
            "redis-server is not on the PATH: install Redis first (Debian/Ubuntu: apt-get install \
             redis-server; macOS: brew install redis)"
        );
    }
}
