//! Test support: real redis-server fixtures, a fake DNS server and real Docker.

pub mod cluster;
pub mod dns;
pub mod docker;
pub mod pods;
pub mod prometheus;
pub mod servers;

/// The `rtrib` binary under test, with short timeouts so a broken test fails fast.
pub fn rtrib() -> assert_cmd::Command {
    let mut command = assert_cmd::Command::new(env!("CARGO_BIN_EXE_rtrib"));
    command
        .env_remove("REDISCLI_AUTH")
        .env_remove("RTRIB_PASS")
        .env_remove("REDISCLI_CLUSTER_YES")
        .env_remove("RTRIB_DNS_SERVER")
        .env_remove("RTRIB_RESOLV_CONF")
        .env_remove("NO_COLOR")
        .timeout(std::time::Duration::from_secs(90));
    command
}
