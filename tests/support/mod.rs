//! Test support: real redis-server fixtures and a fake DNS server.

pub mod cluster;
pub mod dns;
