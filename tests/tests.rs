//! Integration tests: the real `rtrib` binary against real `redis-server` processes.

mod bad_input;
mod balance;
mod calls;
mod check;
mod compat;
mod confirmation;
mod converge;
mod create;
mod discovery;
mod docker;
mod fix;
mod fixture;
mod generated;
mod heal;
mod import;
mod matrix;
mod membership;
mod messages;
mod metrics;
mod migrate;
mod plans;
mod resolve;
mod secrets;
mod support;
mod swarm;
mod tls;
