//! All I/O: resolving node names, connecting to nodes, reading the cluster's state.

pub mod addr;
pub mod admin;
pub mod conn;
pub mod converge;
pub mod copy;
pub mod discover;
pub mod failover;
pub mod fetch;
pub mod form;
pub mod import;
pub mod interrupt;
pub mod lease;
pub mod load;
pub mod migrate;
pub mod notice;
pub mod rdb_files;
pub mod replication;
pub mod resolve;
pub mod restore;
pub mod scale;
pub mod stats;
pub mod tls;
pub mod uri;

use std::fmt;
use std::time::Duration;

/// A duration for messages, in seconds rounded to a tenth: `2s`, `1.5s`.
pub(crate) struct Secs<'a>(pub &'a Duration);

impl fmt::Display for Secs<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let tenths = (self.0.as_millis() + 50) / 100;
        match tenths % 10 {
            0 => write!(f, "{}s", tenths / 10),
            frac => write!(f, "{}.{frac}s", tenths / 10),
        }
    }
}
