#!/usr/bin/env python3
"""Benchmark (not a test): `rtrib restore` of a 3-master backup into 4 masters against the
servers' own ingest limit, and `rtrib import` against `redis-cli --cluster import`.

Restore. A 3-master cluster of SERVER is filled with KEYS keys of VALUE bytes (pipelined SETs)
and backed up once with `redis-cli --cluster backup`. Each round, alternating which goes first:
  - rtrib: `rtrib restore DIR NODE` into an empty 4-master cluster of SERVER (under
    /usr/bin/time -v for its peak RSS);
  - ingest limit: the same RESTOREs (each key's DUMP payload, read from the source once),
    written per target master as RESP and replayed with one `redis-cli --pipe` per master, all
    four at once, into the same cluster flushed: what the servers accept with the fastest
    client there is and no reading, routing or checking at all.
Import. A standalone of IMPORT_FROM (default Redis 7.0) holding IMPORT_KEYS keys of VALUE bytes
into an empty 3-master cluster of IMPORT_TO (default Valkey 9.1): `rtrib import` against
`redis-cli --cluster import` (fresh source and cluster for each). When the cluster refuses the
source's MIGRATE payloads (IMPORT_FROM=redis-8.2), redis-cli fails (reported) and rtrib copies
by DUMP and RESTORE.

Prints per round the seconds and keys/s of each, the load average, then the medians.

Environment: SERVER=redis-7.0 (or redis-6.2, redis-8.2, valkey-9.0, valkey-9.1) ROUNDS=3
             KEYS=1000000 VALUE=100 IMPORT_FROM=redis-7.0 IMPORT_TO=valkey-9.1
             IMPORT_KEYS=100000 RTRIB=target/release/rtrib PARTS=restore,import
Every process started here is killed on exit.
"""
import json, os, re, shutil, signal, socket, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SERVER = os.environ.get("SERVER", "redis-7.0")
ROUNDS = int(os.environ.get("ROUNDS", "3"))
KEYS = int(os.environ.get("KEYS", "1000000"))
VALUE = int(os.environ.get("VALUE", "100"))
IMPORT_FROM = os.environ.get("IMPORT_FROM", "redis-7.0")
IMPORT_TO = os.environ.get("IMPORT_TO", "valkey-9.1")
IMPORT_KEYS = int(os.environ.get("IMPORT_KEYS", "100000"))
PARTS = os.environ.get("PARTS", "restore,import").split(",")
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


def cleanup(*_):
    for child in children:
        if child.poll() is None:
            child.kill()
    for child in children:
        child.wait()
    if _:
        sys.exit(1)


signal.signal(signal.SIGTERM, cleanup)
signal.signal(signal.SIGINT, cleanup)


def crc16_table():
    table = []
    for byte in range(256):
        crc = byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) if crc & 0x8000 else crc << 1
        table.append(crc & 0xFFFF)
    return table


CRC16 = crc16_table()


def slot_of(key):
    """CRC16-XMODEM mod 16384, as Redis Cluster hashes keys (no hash tags in these keys)."""
    crc = 0
    for byte in key:
        crc = ((crc << 8) & 0xFFFF) ^ CRC16[(crc >> 8) ^ byte]
    return crc % 16384


def free_port():
    while True:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if port < 55000:
            with socket.socket() as s:
                try:
                    s.bind(("127.0.0.1", port + 10000))
                    return port
                except OSError:
                    pass


def cli(port, *args):
    out = subprocess.run(["redis-cli", "-p", str(port), *args], capture_output=True, text=True,
                         timeout=120)
    return out.stdout.strip()


def run_quiet(command):
    out = subprocess.run(command, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"{' '.join(command)} failed ({out.returncode}):\n{out.stdout[-2000:]}\n"
                 f"{out.stderr[-2000:]}")


def wait_for(what, condition, timeout=120):
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            sys.exit(f"timed out waiting for {what}")
        time.sleep(0.2)


def resp(*args):
    out = b"*%d\r\n" % len(args)
    for arg in args:
        out += b"$%d\r\n%s\r\n" % (len(arg), arg)
    return out


class Servers:
    """COUNT servers of `server`, cluster-enabled and formed into COUNT masters, or one
    standalone."""

    def __init__(self, server, count, cluster=True):
        self.dir = tempfile.mkdtemp(prefix="rtrib-bench-")
        self.ports = [free_port() for _ in range(count)]
        self.procs = []
        for port in self.ports:
            d = os.path.join(self.dir, str(port))
            os.mkdir(d)
            args = [BINARIES[server], "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                    "--appendonly", "no", "--dir", d, "--logfile", os.path.join(d, "log")]
            if cluster:
                args += ["--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf"]
            proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            children.append(proc)
            self.procs.append(proc)
        for port in self.ports:
            wait_for(f"{port} to answer", lambda: cli(port, "PING") == "PONG")
        if cluster:
            run_quiet([RTRIB, "create", "--yes", *self.addrs()])

    def addrs(self):
        return [f"127.0.0.1:{p}" for p in self.ports]

    def seed(self):
        return self.addrs()[0]

    def owners(self):
        owners = {}
        for line in cli(self.ports[0], "CLUSTER", "NODES").splitlines():
            fields = line.split()
            port = int(fields[1].split("@")[0].rsplit(":", 1)[1])
            for token in fields[8:]:
                start, _, end = token.partition("-")
                for slot in range(int(start), int(end or start) + 1):
                    owners[slot] = port
        return owners

    def fill(self, keys, slots=None):
        """KEYS `key:i` of VALUE bytes, each to its slot's master (or the one server)."""
        owners = self.owners() if slots else None
        value = b"x" * VALUE
        streams = {port: bytearray() for port in self.ports}
        for i in range(keys):
            key = b"key:%d" % i
            port = owners[slots[i]] if owners else self.ports[0]
            streams[port] += resp(b"SET", key, value)
        for port, data in streams.items():
            subprocess.run(["redis-cli", "-p", str(port), "--pipe"], input=bytes(data),
                           check=True, stdout=subprocess.DEVNULL)
        assert self.keys() == keys, self.keys()

    def keys(self):
        return sum(int(cli(p, "DBSIZE")) for p in self.ports)

    def flush(self):
        for port in self.ports:
            cli(port, "FLUSHALL")

    def stop(self):
        for port in self.ports:
            cli(port, "SHUTDOWN", "NOSAVE")
        shutil.rmtree(self.dir, ignore_errors=True)


def dumps(port, keys):
    """Each key's DUMP payload, read from `port` over one pipelined connection."""
    payloads = []
    with socket.create_connection(("127.0.0.1", port)) as conn:
        reader = conn.makefile("rb")
        for start in range(0, len(keys), 10000):
            chunk = keys[start:start + 10000]
            conn.sendall(b"".join(resp(b"DUMP", key) for key in chunk))
            for _ in chunk:
                header = reader.readline()
                assert header.startswith(b"$"), header
                payloads.append(reader.read(int(header[1:]) + 2)[:-2])
    return payloads


def timed(command):
    started = time.monotonic()
    out = subprocess.run(command, capture_output=True, text=True)
    elapsed = time.monotonic() - started
    return out, elapsed


def restore_rounds(totals):
    slots = [slot_of(b"key:%d" % i) for i in range(KEYS)]
    source = Servers(SERVER, 3)
    source.fill(KEYS, slots)
    backup = tempfile.mkdtemp(prefix="rtrib-bench-backup-")
    run_quiet(["redis-cli", "--cluster", "backup", source.seed(), backup])
    size = sum(os.path.getsize(os.path.join(backup, f)) for f in os.listdir(backup))
    print(f"backup: {len(os.listdir(backup))} files, {size / 1e6:.1f} MB", flush=True)
    owners = source.owners()
    payload = {}
    for port in source.ports:
        mine = [b"key:%d" % i for i in range(KEYS) if owners[slots[i]] == port]
        payload.update(zip(mine, dumps(port, mine)))
    source.stop()
    target = Servers(SERVER, 4)
    target_owners = target.owners()
    streams = {port: bytearray() for port in target.ports}
    for i in range(KEYS):
        key = b"key:%d" % i
        streams[target_owners[slots[i]]] += resp(b"RESTORE", key, b"0", payload[key])
    pipe_files = []
    for port, data in streams.items():
        path = os.path.join(backup, f".pipe-{port}.resp")
        with open(path, "wb") as f:
            f.write(data)
        pipe_files.append((port, path))
    del streams, payload
    try:
        for round_ in range(ROUNDS):
            order = ["rtrib", "pipe"] if round_ % 2 == 0 else ["pipe", "rtrib"]
            for tool in order:
                target.flush()
                if tool == "rtrib":
                    out, elapsed = timed(["/usr/bin/time", "-v", RTRIB, "restore", backup,
                                          target.seed(), "-o", "json"])
                    if out.returncode != 0:
                        sys.exit(f"rtrib restore failed: {out.stdout[-2000:]}{out.stderr[-2000:]}")
                    document = json.loads(out.stdout)
                    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)",
                                        out.stderr).group(1))
                    writing = document["seconds"]
                    extra = (f" (writing {writing:.2f}s = {KEYS / writing:.0f} keys/s), peak RSS "
                             f"{rss / 1024:.1f} MB")
                else:
                    started = time.monotonic()
                    procs = [subprocess.Popen(["redis-cli", "-p", str(port), "--pipe"],
                                              stdin=open(path, "rb"),
                                              stdout=subprocess.DEVNULL)
                             for port, path in pipe_files]
                    for proc in procs:
                        assert proc.wait() == 0
                    elapsed = time.monotonic() - started
                    extra, rss = "", None
                assert target.keys() == KEYS, target.keys()
                totals.setdefault(("restore", tool), []).append((elapsed, rss))
                print(f"round {round_ + 1} restore {tool:5}: {KEYS} keys in {elapsed:6.2f}s = "
                      f"{KEYS / elapsed:8.0f} keys/s{extra}  (load {os.getloadavg()[0]:.1f})",
                      flush=True)
    finally:
        target.stop()
        shutil.rmtree(backup, ignore_errors=True)


def import_rounds(totals):
    for round_ in range(ROUNDS):
        order = ["rtrib", "redis-cli"] if round_ % 2 == 0 else ["redis-cli", "rtrib"]
        for tool in order:
            source = Servers(IMPORT_FROM, 1, cluster=False)
            source.fill(IMPORT_KEYS)
            target = Servers(IMPORT_TO, 3)
            try:
                if tool == "rtrib":
                    command = [RTRIB, "import", target.seed(), "--from", source.seed()]
                else:
                    command = ["redis-cli", "--cluster", "import", target.seed(),
                               "--cluster-from", source.seed()]
                out, elapsed = timed(command)
                moved = target.keys()
                if out.returncode != 0 or moved != IMPORT_KEYS:
                    last = [l for l in (out.stdout + out.stderr).splitlines() if l.strip()][-2:]
                    print(f"round {round_ + 1} import {tool:9}: FAILED (exit {out.returncode}, "
                          f"{moved} keys moved in {elapsed:.1f}s): {' | '.join(last)[-200:]}",
                          flush=True)
                    continue
                totals.setdefault(("import", tool), []).append((elapsed, None))
                print(f"round {round_ + 1} import {tool:9}: {IMPORT_KEYS} keys in {elapsed:6.2f}s"
                      f" = {IMPORT_KEYS / elapsed:8.0f} keys/s  (load {os.getloadavg()[0]:.1f})",
                      flush=True)
            finally:
                source.stop()
                target.stop()


def main():
    if not os.path.exists(RTRIB):
        sys.exit(f"build rtrib first: cargo build --release ({RTRIB})")
    print(f"restore: {SERVER}, {KEYS} keys of {VALUE} B, 3 masters → 4; import: {IMPORT_FROM} "
          f"standalone → {IMPORT_TO} 3 masters, {IMPORT_KEYS} keys; {ROUNDS} round(s); "
          f"{os.cpu_count()} cores, load {os.getloadavg()}", flush=True)
    totals = {}
    try:
        if "restore" in PARTS:
            restore_rounds(totals)
        if "import" in PARTS:
            import_rounds(totals)
        for (part, tool), runs in totals.items():
            count = KEYS if part == "restore" else IMPORT_KEYS
            seconds = statistics.median(r[0] for r in runs)
            print(f"{part} {tool:9}: median {seconds:.2f}s ({count / seconds:.0f} keys/s) over "
                  f"{len(runs)} run(s)", flush=True)
    finally:
        cleanup()


if __name__ == "__main__":
    main()
