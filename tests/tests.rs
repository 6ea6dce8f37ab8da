//! Integration tests: the real `rtrib` binary against real `redis-server` processes.

mod check;
mod fixture;
mod resolve;
mod support;
