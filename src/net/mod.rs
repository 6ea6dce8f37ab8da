//! All I/O: resolving node names, connecting to nodes, reading the cluster's state.

pub mod addr;
pub mod conn;
pub mod fetch;
pub mod form;
pub mod resolve;
