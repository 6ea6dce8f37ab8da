//! Running rtrib on a terminal: python3's `pty` module gives the child a pseudo-terminal as
//! stdin, stdout and stderr, waits for each expected prompt (and for the terminal's echo to go
//! off, which says the program reads) and types the answer, and hands back everything the
//! terminal showed and the exit code.

use std::process::Command;

/// The driver: `argv` and `steps` (pairs of text to wait for and text to type) as JSON
/// arguments; prints the terminal's transcript and exits with the child's exit code.
const DRIVER: &str = r#"
import json, os, pty, select, sys, termios, time
argv, steps, timeout = json.loads(sys.argv[1]), json.loads(sys.argv[2]), float(sys.argv[3])
pid, fd = pty.fork()
if pid == 0:
    os.execvp(argv[0], argv)
seen = b""
def read(deadline):
    global seen
    ready, _, _ = select.select([fd], [], [], max(0.0, deadline - time.time()))
    if not ready:
        return False
    try:
        chunk = os.read(fd, 4096)
    except OSError:
        return None
    if not chunk:
        return None
    seen += chunk
    return True
for expected, answer in steps:
    deadline = time.time() + timeout
    while expected.encode() not in seen:
        got = read(deadline)
        if got is None or time.time() > deadline:
            sys.stdout.buffer.write(seen)
            sys.stdout.write("\n[driver] never saw %r\n" % expected)
            os.kill(pid, 9)
            os.waitpid(pid, 0)
            sys.exit(99)
    seen = seen.replace(expected.encode(), b"<" + expected.encode() + b">", 1)
    # Type only once the program reads: it turns echo off for a key or a password (and a
    # password read flushes what was typed before).
    while termios.tcgetattr(fd)[3] & termios.ECHO:
        if read(time.time() + 0.01) is None or time.time() > deadline:
            sys.stdout.buffer.write(seen)
            sys.stdout.write("\n[driver] the terminal's echo never went off after %r\n" % expected)
            os.kill(pid, 9)
            os.waitpid(pid, 0)
            sys.exit(99)
    os.write(fd, answer.encode())
deadline = time.time() + timeout
while read(deadline) is not None and time.time() < deadline:
    pass
_, status = os.waitpid(pid, 0)
sys.stdout.buffer.write(seen)
sys.exit(os.waitstatus_to_exitcode(status))
"#;

/// Runs `argv` on a terminal with `env` added; for each `(prompt, answer)` waits (up to 90 s)
/// until the terminal shows `prompt`, then types `answer`. Returns the exit code (99 when a
/// prompt never came) and the transcript.
pub fn run_on_terminal(
    argv: &[&str],
    env: &[(&str, &str)],
    steps: &[(&str, &str)],
) -> (i32, String) {
    let output = Command::new("python3")
        .arg("-c")
        .arg(DRIVER)
        .arg(serde_json::to_string(argv).unwrap())
        .arg(serde_json::to_string(steps).unwrap())
        .arg("90")
        .envs(env.iter().copied())
        .env_remove("REDISCLI_CLUSTER_YES")
        .env_remove("REDISCLI_AUTH")
        .env_remove("RTRIB_PASS")
        .output()
        .expect("python3 runs (it gives rtrib a terminal)");
    (
        output.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        ),
    )
}
