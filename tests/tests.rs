//! Integration tests: the real `rtrib` binary against real `redis-server` processes.

mod check;
mod create;
mod fixture;
mod heal;
mod resolve;
mod support;
