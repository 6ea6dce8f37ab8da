//! Integration tests: the real `rtrib` binary against real `redis-server` processes.

mod calls;
mod check;
mod create;
mod fixture;
mod resolve;
mod support;
