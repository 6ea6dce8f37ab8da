//! Integration tests: the real `rtrib` binary against real `redis-server` processes.

mod support;

mod resolve;
