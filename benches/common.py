"""Helpers shared by the benchmark scripts in benches/ (imported, never run).

- `children`, `cleanup`, `kill_children_on_signal`: every process a script starts is appended
  to `children` and killed on exit or on SIGTERM/SIGINT.
- `ROOT`, `RTRIB`: the repository and the rtrib binary (env RTRIB, default target/release).
- `CACHE`, `BINARIES`: the test servers of scripts/fetch-test-servers.sh by name (redis-7.0 is
  the redis-server on the PATH).
- `start_server`, `slot_owners`: a server on loopback, and who serves each slot.
- `free_port`, `cli`, `run`, `wait_for`, `settled`: ports, redis-cli, commands and polling.
- `CRC16`, `crc16`, `key_slot`, `resp`: hashing keys to slots as Redis Cluster does, and
  encoding a command as RESP (to pipe through `redis-cli --pipe`).
- `timed`, `TIME_V`, `peak_rss_kib`: wall time of a command, and its peak RSS when run under
  /usr/bin/time -v.
- `load`, `median_of_runs`: the machine's load average, and the median of repeated measures.
"""
import os, re, signal, socket, statistics, subprocess, sys, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RTRIB = os.environ.get("RTRIB", os.path.join(ROOT, "target/release/rtrib"))
CACHE = os.environ.get("RTRIB_TEST_SERVERS") or os.path.join(
    os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "rtrib/test-servers")
BINARIES = {
    "redis-7.0": "redis-server",
    "redis-6.2": os.path.join(CACHE, "redis-6.2.5/redis-server"),
    "redis-8.2": os.path.join(CACHE, "redis-8.2.3/redis-server"),
    "valkey-9.0": os.path.join(CACHE, "valkey-9.0.0/valkey-server"),
    "valkey-9.1": os.path.join(CACHE, "valkey-9.1.2/valkey-server"),
}
children = []


def cleanup(*signal_args):
    """Kills and reaps every child; called from a signal handler, exits with 1 too."""
    for child in children:
        if child.poll() is None:
            child.kill()
    for child in children:
        child.wait()
    if signal_args:
        sys.exit(1)


def kill_children_on_signal():
    signal.signal(signal.SIGTERM, cleanup)
    signal.signal(signal.SIGINT, cleanup)


def start_server(binary, port, directory, *extra, cluster=True):
    """`binary` on 127.0.0.1:`port`, cluster-enabled unless told otherwise, without persistence,
    its files and log in `directory` (created), with `extra` arguments; killed on exit."""
    os.mkdir(directory)
    args = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
            "--dir", directory, "--logfile", os.path.join(directory, "log")]
    if cluster:
        args += ["--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf"]
    proc = subprocess.Popen([*args, *extra], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    children.append(proc)
    return proc


def slot_owners(cluster_nodes):
    """{slot: port of its master}, from the text of CLUSTER NODES (migrating and importing
    markers skipped)."""
    owners = {}
    for line in cluster_nodes.splitlines():
        fields = line.split()
        port = int(fields[1].split("@")[0].rsplit(":", 1)[1])
        for token in fields[8:]:
            if token.startswith("["):
                continue
            start, _, end = token.partition("-")
            for slot in range(int(start), int(end or start) + 1):
                owners[slot] = port
    return owners


def free_port(host="127.0.0.1"):
    """A port of `host` whose bus port (+10000) is free too."""
    while True:
        with socket.socket() as s:
            s.bind((host, 0))
            port = s.getsockname()[1]
        if port < 55000:
            with socket.socket() as s:
                try:
                    s.bind((host, port + 10000))
                    return port
                except OSError:
                    pass


def cli(port, *args, host=None, binary="redis-cli", timeout=60, check=False):
    """redis-cli's stripped output for one command to `port` (on `host`, else its default);
    with `check`, raises CalledProcessError when it fails."""
    where = ["-h", host] if host else []
    out = subprocess.run([binary, *where, "-p", str(port), *map(str, args)], check=check,
                         capture_output=True, text=True, timeout=timeout)
    return out.stdout.strip()


def run(command, env=None):
    """Runs `command` (in `env`, else this environment), returns its stdout; exits the script,
    showing its output's end, when it fails."""
    out = subprocess.run(command, capture_output=True, text=True, env=env)
    if out.returncode != 0:
        sys.exit(f"{' '.join(command)} failed ({out.returncode}):\n{out.stdout[-2000:]}\n"
                 f"{out.stderr[-2000:]}")
    return out.stdout


def wait_for(what, condition, timeout=120, interval=0.2):
    """Polls `condition` every `interval` seconds; exits the script after `timeout`."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            sys.exit(f"timed out waiting for {what}")
        time.sleep(interval)


def settled(condition, seconds=30):
    """Polls `condition`: after an atomic move the source drops its copy in the background."""
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.2)
    return condition()


def crc16_table():
    table = []
    for byte in range(256):
        crc = byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
        table.append(crc & 0xFFFF)
    return table


CRC16 = crc16_table()


def crc16(data):
    """CRC16-XMODEM of `data` (bytes), as Redis Cluster hashes keys."""
    crc = 0
    for byte in data:
        crc = ((crc << 8) & 0xFFFF) ^ CRC16[(crc >> 8) ^ byte]
    return crc


def key_slot(key):
    """The slot of a key (bytes), hash tags included, as CLUSTER KEYSLOT computes it."""
    start = key.find(b"{")
    if start >= 0:
        end = key.find(b"}", start + 1)
        if end > start + 1:
            key = key[start + 1:end]
    return crc16(key) & 0x3FFF


def resp(*args):
    """One command as RESP2 bytes (arguments bytes, or anything str() makes text of)."""
    out = [b"*%d\r\n" % len(args)]
    for arg in args:
        arg = arg if isinstance(arg, bytes) else str(arg).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(arg), arg))
    return b"".join(out)


TIME_V = ["/usr/bin/time", "-v"]


def timed(command, check=False, stdout=subprocess.PIPE):
    """Wall seconds and the finished process (text output captured) of `command`; with `check`,
    exits the script as `run` does when it fails."""
    started = time.monotonic()
    out = subprocess.run(command, stdout=stdout, stderr=subprocess.PIPE, text=True)
    elapsed = time.monotonic() - started
    if check and out.returncode != 0:
        sys.exit(f"{' '.join(command)} failed ({out.returncode}):\n{out.stdout[-2000:]}\n"
                 f"{out.stderr[-2000:]}")
    return elapsed, out


def peak_rss_kib(stderr):
    """The peak RSS (KiB) /usr/bin/time -v reported in `stderr`, None if it did not."""
    found = re.search(r"Maximum resident set size \(kbytes\): (\d+)", stderr)
    return int(found.group(1)) if found else None


def load():
    """The load averages over 1, 5 and 15 minutes, as /proc/loadavg gives them."""
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def median_of_runs(measure, runs):
    """The median of `runs` calls of `measure` (of the first item when it returns a tuple),
    and the last call's result."""
    values = [measure() for _ in range(runs)]
    return statistics.median(v if not isinstance(v, tuple) else v[0] for v in values), values[-1]
