//! Exit codes: one table for every rtrib command, so scripts can branch without reading prose.

/// How an rtrib run ended, as the shell sees it.
///
/// | code | meaning |
/// |---|---|
/// | 0 | success; for `check`, the cluster is healthy |
/// | 1 | problems found (`check`), or an operation failed |
/// | 2 | usage error: bad arguments or options |
/// | 3 | a node could not be reached or used: connection refused, authentication failed, not cluster-enabled, loading, not a Redis server |
/// | 4 | rtrib waited as long as allowed and gave up: a name did not resolve within --resolve-timeout, a node did not answer within --connect-timeout/--command-timeout, the cluster did not converge within --wait-timeout |
/// | 5 | refused: a precondition does not hold (e.g. a node is not empty); nothing was changed |
/// | 6 | the nodes belong to a different cluster than the one asked for; nothing was changed |
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// 0: success, or a healthy cluster.
    Ok = 0,
    /// 1: problems found, or the operation failed.
    Problems = 1,
    /// 2: the command line is wrong.
    Usage = 2,
    /// 3: a node could not be reached or used.
    Unreachable = 3,
    /// 4: a deadline passed (resolution, connection, reply, or a wait).
    Timeout = 4,
    /// 5: a precondition was not met; nothing changed.
    Refused = 5,
    /// 6: the nodes belong to another cluster; nothing changed.
    ForeignCluster = 6,
}

impl Exit {
    /// The numeric code handed to the operating system.
    pub fn code(self) -> u8 {
        self as u8
    }
}

impl From<Exit> for std::process::ExitCode {
    fn from(exit: Exit) -> Self {
        std::process::ExitCode::from(exit.code())
    }
}

/// The table above as plain text, for `--help` and the man page.
pub const EXIT_CODES_HELP: &str = "\
Exit codes:
  0  success; for check: the cluster is healthy
  1  problems found (check), or the operation failed
  2  usage error: bad arguments or options
  3  a node could not be reached or used (connection refused, authentication
     failed, not cluster-enabled, loading, not a Redis server)
  4  a deadline passed: a name did not resolve in time, a node did not answer
     in time, or the cluster did not converge in time
  5  refused: a precondition does not hold (e.g. node not empty); nothing changed
  6  the nodes belong to a different cluster; nothing changed";
