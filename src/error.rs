//! The error every command can end with, and the exit code each kind maps to.

use crate::cluster::allocate::AllocationError;
use crate::cluster::backup::BackupRefusal;
use crate::cluster::create::CreateRefusal;
use crate::cluster::endpoint::Endpoint;
use crate::cluster::failover::FailoverRefusal;
use crate::cluster::fix::FixRefusal;
use crate::cluster::heal::HealRefusal;
use crate::cluster::lease::Holder;
use crate::cluster::load::Unmeasured;
use crate::cluster::lookup::Absent;
use crate::cluster::lookup::LookupError;
use crate::cluster::membership::JoinRefusal;
use crate::cluster::membership::{AddRefusal, RemovalRefusal};
use crate::cluster::migrate::PlanError;
use crate::cluster::placement::NotWhole;
use crate::cluster::plan::StaleRefusal;
use crate::cluster::reconcile::ReconcileRefusal;
use crate::cluster::sandbox::SandboxRefusal;
use crate::cluster::source::SourceRefusal;
use crate::cluster::verdict::ChangeRefusal;
use crate::exit::Exit;
use crate::net::addr::AddrError;
use crate::net::conn::NodeError;
use crate::net::discover::DiscoverError;
use crate::net::failover::PromoteError;
use crate::net::form::WaitError;
use crate::net::resolve::ResolveError;
use crate::output::{FileError, OutputError, PlanOutError};
use crate::prompt::ConfirmError;
use crate::rdb::restore::{RestoreRefused, Unidentified};

/// Why a command stopped before finishing its job.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A NODE argument is malformed.
    #[error(transparent)]
    Addr(#[from] AddrError),
    /// A name did not resolve, or the resolver could not be configured.
    #[error(transparent)]
    Resolve(#[from] ResolveError),
    /// Discovery in DNS found no usable list of nodes.
    #[error(transparent)]
    Discover(#[from] DiscoverError),
    /// A node could not be reached, or refused a command.
    #[error(transparent)]
    Node(#[from] NodeError),
    /// The source of `import` rejected its credentials (which are not the cluster's).
    #[error(
        "the source {node}: authentication failed ({detail}); check --from-user and \
         --from-pass, --from-pass-file or RTRIB_FROM_PASS"
    )]
    SourceAuthFailed { node: Endpoint, detail: String },
    /// The command line asks for something that cannot be done.
    #[error("{0}")]
    Usage(String),
    /// `--plan-out`'s file could not be written.
    #[error(transparent)]
    PlanOut(#[from] PlanOutError),
    /// No cluster layout fits the nodes and options given.
    #[error(transparent)]
    Allocation(#[from] AllocationError),
    /// `create` will not touch these nodes; nothing was changed.
    #[error(transparent)]
    CreateRefused(#[from] CreateRefusal),
    /// The node may not join the cluster; nothing was changed.
    #[error(transparent)]
    JoinRefused(#[from] JoinRefusal),
    /// `heal` will not touch these nodes; nothing was changed.
    #[error(transparent)]
    HealRefused(#[from] HealRefusal),
    /// `reconcile` will not change the cluster; nothing was changed.
    #[error(transparent)]
    ReconcileRefused(#[from] ReconcileRefusal),
    /// A node reference names no single node of the cluster.
    #[error(transparent)]
    Lookup(#[from] LookupError),
    /// No slot moves fit the request; nothing was changed.
    #[error(transparent)]
    Plan(#[from] PlanError),
    /// A precondition does not hold; nothing was changed.
    #[error("{0}")]
    Refused(String),
    /// `backup` will not start; nothing was transferred.
    #[error(transparent)]
    BackupRefused(#[from] BackupRefusal),
    /// A file could not be written, or did not verify.
    #[error(transparent)]
    File(#[from] FileError),
    /// Another rtrib holds the cluster's lease (it is changing the cluster); nothing was
    /// changed.
    #[error("{}", crate::output::lease_refusal(.0))]
    LeaseHeld(Box<Holder>),
    /// The lease's own thread could not run.
    #[error("cannot take the lease: {0}")]
    LeaseFailed(String),
    /// The nodes belong to another cluster than the one asked for; nothing was changed.
    #[error("{0}")]
    Foreign(String),
    /// A wait ran out of time.
    #[error(transparent)]
    Wait(#[from] WaitError),
    /// The question before a change could not be asked; nothing was changed.
    #[error(transparent)]
    Confirm(#[from] ConfirmError),
    /// The user answered no; nothing was changed.
    #[error("aborted: nothing was changed")]
    Declined,
    /// Ctrl-C ended the command outside a slot migration (which reports what it did itself).
    #[error(
        "interrupted (Ctrl-C); what was done so far stays done: see rtrib check for where the \
         cluster stands"
    )]
    Interrupted,
    /// Writing to stdout failed (a closed pipe is not reported).
    #[error(transparent)]
    Output(#[from] OutputError),
    /// A file or a program could not be used: `what` names it (the path, the program).
    #[error("{what}: {source}")]
    Io {
        /// What failed, with its path or program: `cannot create directory /tmp/x`.
        what: String,
        /// Why.
        source: std::io::Error,
    },
}

impl Error {
    /// The exit code for this error (see [`Exit`]).
    pub fn exit(&self) -> Exit {
        match self {
            Error::Addr(_)
            | Error::Usage(_)
            | Error::PlanOut(_)
            | Error::Allocation(_)
            | Error::Lookup(_) => Exit::Usage,
            Error::Plan(PlanError::TooFewSlots { .. }) => Exit::Refused,
            Error::Plan(_) => Exit::Usage,
            Error::ReconcileRefused(
                ReconcileRefusal::TooFewNodes { .. } | ReconcileRefusal::TooFewMasters { .. },
            ) => Exit::Usage,
            Error::ReconcileRefused(_) => Exit::Refused,
            Error::CreateRefused(refusal) if refusal.is_foreign() => Exit::ForeignCluster,
            Error::JoinRefused(refusal) if refusal.is_foreign() => Exit::ForeignCluster,
            Error::HealRefused(refusal) if refusal.is_foreign() => Exit::ForeignCluster,
            Error::CreateRefused(_)
            | Error::JoinRefused(_)
            | Error::HealRefused(_)
            | Error::Refused(_)
            | Error::BackupRefused(_)
            | Error::LeaseHeld(_) => Exit::Refused,
            Error::Foreign(_) => Exit::ForeignCluster,
            Error::Wait(_) => Exit::Timeout,
            Error::Declined | Error::LeaseFailed(_) | Error::File(_) => Exit::Problems,
            Error::Interrupted => Exit::Interrupted,
            Error::Resolve(ResolveError::Config { .. })
            | Error::Discover(DiscoverError::Resolve(ResolveError::Config { .. })) => Exit::Usage,
            Error::Resolve(ResolveError::NeverResolved { .. })
            | Error::Discover(DiscoverError::Resolve(ResolveError::NeverResolved { .. })) => {
                Exit::Timeout
            }
            Error::Discover(DiscoverError::TooFew { .. }) => Exit::Timeout,
            Error::Discover(DiscoverError::TooMany { .. }) => Exit::Refused,
            Error::Node(NodeError::Timeout { .. }) => Exit::Timeout,
            Error::Resolve(_)
            | Error::Discover(DiscoverError::Resolve(_))
            | Error::Node(_)
            | Error::SourceAuthFailed { .. } => Exit::Unreachable,
            Error::Output(e) if e.is_broken_pipe() => Exit::Ok,
            Error::Output(_) | Error::Io { .. } | Error::Confirm(_) => Exit::Problems,
        }
    }

    /// A closed stdout (`rtrib info | head -1`) ends the run quietly.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Error::Output(e) if e.is_broken_pipe())
    }
}

/// The refusals decided in `cluster/` (and `rdb/`) that end a command as [`Error::Refused`]:
/// their `Display` is the message, the exit code is [`Exit::Refused`].
macro_rules! refused_from {
    ($($refusal:ty),+ $(,)?) => {$(
        impl From<$refusal> for Error {
            fn from(refusal: $refusal) -> Self {
                Error::Refused(refusal.to_string())
            }
        }
    )+};
}

refused_from!(
    AddRefusal,
    RemovalRefusal,
    Absent,
    FailoverRefusal,
    NotWhole,
    StaleRefusal,
    ChangeRefusal,
    FixRefusal,
    Unmeasured,
    SandboxRefusal,
    SourceRefusal,
    RestoreRefused,
    Unidentified,
);

impl From<PromoteError> for Error {
    fn from(error: PromoteError) -> Self {
        match error {
            PromoteError::Node(error) => Error::Node(error),
            PromoteError::Wait(error) => Error::Wait(error),
        }
    }
}

impl Error {
    /// An io failure with what failed named: `Error::io("cannot create directory /x", e)`.
    pub fn io(what: impl Into<String>, source: std::io::Error) -> Self {
        Error::Io {
            what: what.into(),
            source,
        }
    }
}

/// The result type of commands.
pub type Result<T, E = Error> = std::result::Result<T, E>;
