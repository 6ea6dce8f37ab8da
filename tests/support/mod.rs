//! Test support: real redis-server fixtures, a fake DNS server and real Docker.

pub mod cluster;
pub mod containers;
pub mod dns;
pub mod docker;
pub mod faults;
pub mod pods;
pub mod prometheus;
pub mod servers;
pub mod terminal;
pub mod writer;

/// The `rtrib` binary under test, with short timeouts so a broken test fails fast.
pub fn rtrib() -> assert_cmd::Command {
    let mut command = assert_cmd::Command::new(env!("CARGO_BIN_EXE_rtrib"));
    command
        .env_remove("REDISCLI_AUTH")
        .env_remove("RTRIB_PASS")
        .env_remove("VALKEYCLI_AUTH")
        .env_remove("REDISCLI_CLUSTER_YES")
        .env_remove("RTRIB_DNS_SERVER")
        .env_remove("RTRIB_RESOLV_CONF")
        .env_remove("NO_COLOR")
        .timeout(std::time::Duration::from_secs(90));
    command
}

/// Runs `command` with `args` (reshard journals under the tests' temporary directory) and
/// asserts it exits with `code`; returns stdout. A failure shows stdout and stderr.
pub fn expect_exit(command: assert_cmd::Command, code: i32, args: &[&str]) -> String {
    expect_exit_printed(command, code, args).0
}

/// [`expect_exit`], returning stdout and stderr: the one place a test asserts an exit code of
/// a command it runs with arguments.
pub fn expect_exit_printed(
    mut command: assert_cmd::Command,
    code: i32,
    args: &[&str],
) -> (String, String) {
    let output = command
        .env("XDG_STATE_HOME", env!("CARGO_TARGET_TMPDIR"))
        .args(args)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(
        output.status.code(),
        Some(code),
        "rtrib {args:?}\n{stdout}\n{stderr}"
    );
    (stdout, stderr)
}

/// Runs `command` and returns its exit code and everything it printed, stdout then stderr
/// (what a script reading `2>&1` sees).
pub fn combined_output(command: &mut assert_cmd::Command) -> (Option<i32>, String) {
    let output = command.output().unwrap();
    (
        output.status.code(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ),
    )
}
