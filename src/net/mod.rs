//! All I/O: resolving node names, connecting to nodes, reading the cluster's state.

pub mod addr;
pub mod resolve;
