//! Integration tests: the real `rtrib` binary against real `redis-server` processes.

mod calls;
mod check;
mod create;
mod fix;
mod fixture;
mod generated;
mod heal;
mod membership;
mod migrate;
mod resolve;
mod secrets;
mod support;
mod tls;
