//! The pure core: Redis Cluster topology, slot sets and the judgments made on them.
//!
//! Nothing here performs I/O or prints; `net` feeds it text and numbers read from the
//! servers, and `commands` turns its results into output.

pub mod allocate;
pub mod atomic;
pub mod backup;
pub mod balance;
pub mod check;
pub mod converge;
pub mod create;
pub mod endpoint;
pub mod failover;
pub mod fasthash;
pub mod fix;
#[cfg(test)]
pub(crate) mod fixtures;
pub mod heal;
pub mod info;
pub mod job;
pub mod lease;
pub mod load;
pub mod lookup;
pub mod meet;
pub mod membership;
pub mod metrics;
pub mod migrate;
pub mod placement;
pub mod plan;
pub mod reconcile;
pub mod sandbox;
pub mod server;
pub mod slots;
pub mod source;
pub mod topology;
pub mod verdict;
pub mod view;
