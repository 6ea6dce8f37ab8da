//! The arguments of the commands that carry keys rather than slots: `import` (keys from
//! another server), `backup` (every shard's RDB into a directory) and `restore` (RDB files
//! into a cluster of any shape).

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, ValueEnum};

use crate::cluster::backup::BackupFrom;

use super::Secret;
use super::parse::{parse_duration, parse_migrate_timeout};

/// Arguments of `rtrib import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// Any node of the cluster.
    #[arg(value_name = "NODE")]
    pub node: String,
    /// The standalone Redis to read the keys from, by name or address; or any node of another
    /// cluster, whose masters are all read.
    #[arg(long, visible_alias = "cluster-from", value_name = "HOST:PORT")]
    pub from: String,
    /// Copy the keys: the source keeps them (by default MIGRATE deletes them from the source).
    #[arg(long, visible_alias = "cluster-copy")]
    pub copy: bool,
    /// Overwrite keys that already exist in the cluster (by default they are left alone and
    /// reported).
    #[arg(long, visible_alias = "cluster-replace")]
    pub replace: bool,
    /// ACL user name for the source (the cluster's --user is not used for it).
    #[arg(long, visible_alias = "cluster-from-user", value_name = "USER")]
    pub from_user: Option<String>,
    /// Password for the source. Prefer --from-pass-file or RTRIB_FROM_PASS: arguments are
    /// visible to other users of the machine.
    #[arg(long, visible_alias = "cluster-from-pass", value_name = "PASSWORD")]
    pub from_pass: Option<Secret>,
    /// Read the source's password from this file; trailing CR/LF are removed.
    #[arg(long, value_name = "PATH", conflicts_with = "from_pass")]
    pub from_pass_file: Option<PathBuf>,
    /// Ask for the source's password on the terminal, without echo; an error without a
    /// terminal.
    #[arg(
        long,
        visible_alias = "cluster-from-askpass",
        conflicts_with_all = ["from_pass", "from_pass_file"]
    )]
    pub from_askpass: bool,
    /// Connect to the source with the cluster's TLS settings (by default the source is
    /// plaintext, whatever the cluster speaks).
    #[arg(long)]
    pub from_tls: bool,
    /// The source's database to import.
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub from_db: u32,
    /// MIGRATE's I/O timeout: 5s, 500ms, or a bare number of milliseconds as redis-cli's
    /// --cluster-timeout.
    #[arg(
        long,
        visible_alias = "cluster-timeout",
        value_name = "DURATION",
        default_value = "60s",
        value_parser = parse_migrate_timeout
    )]
    pub timeout: u64,
    /// How long to wait, at the end, until every node's view of the cluster agrees; longer
    /// exits 4 naming the nodes that lag.
    #[arg(long, value_name = "DURATION", default_value = "60s", value_parser = parse_duration, allow_hyphen_values = true)]
    pub wait_timeout: Duration,
}

/// Arguments of `rtrib backup`.
#[derive(Debug, Args)]
pub struct BackupArgs {
    /// Any node of the cluster.
    #[arg(value_name = "NODE")]
    pub node: String,
    /// The directory to save into (created when missing; it must not hold a backup yet).
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// Read each shard from its master, or from one of its replicas (keeps the fork and the
    /// transfer off the masters; a master without a healthy, reachable replica is refused).
    #[arg(long, value_name = "NODES", value_enum, default_value_t = BackupFrom::Masters)]
    pub from: BackupFrom,
    /// With --from replicas: read a master that has no usable replica from the master itself
    /// instead of refusing.
    #[arg(long)]
    pub master_if_no_replica: bool,
}

impl ValueEnum for BackupFrom {
    fn value_variants<'a>() -> &'a [Self] {
        &BackupFrom::ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        let help = match self {
            BackupFrom::Masters => "each master, as redis-cli does",
            BackupFrom::Replicas => "one replica of each master",
        };
        Some(clap::builder::PossibleValue::new(self.name()).help(help))
    }
}

/// Arguments of `rtrib restore`.
#[derive(Debug, Args)]
pub struct RestoreArgs {
    /// A backup directory (every *.rdb file in it) or one RDB file.
    #[arg(value_name = "SOURCE")]
    pub source: PathBuf,
    /// Any node of the cluster to restore into.
    #[arg(value_name = "NODE")]
    pub node: String,
    /// Overwrite keys the cluster already has (RESTORE ... REPLACE), and function libraries
    /// of the same name.
    #[arg(long, conflicts_with = "skip_existing")]
    pub replace: bool,
    /// Keep the keys (and function libraries) the cluster already has; restore the others.
    #[arg(long)]
    pub skip_existing: bool,
    /// The database of the source to restore (a cluster serves database 0); keys of other
    /// databases are refused unless this picks one.
    #[arg(long, value_name = "N")]
    pub db: Option<u64>,
    /// Read the source and report what would be restored, converted or refused; write
    /// nothing.
    #[arg(long)]
    pub dry_run: bool,
}
