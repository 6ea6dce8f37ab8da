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
import json, os, shutil, socket, statistics, subprocess, sys, tempfile, time

from common import BINARIES, RTRIB, TIME_V, cleanup, cli as redis_cli, free_port, \
    key_slot, kill_children_on_signal, peak_rss_kib, resp, run, slot_owners, start_server, \
    timed, wait_for

SERVER = os.environ.get("SERVER", "redis-7.0")
ROUNDS = int(os.environ.get("ROUNDS", "3"))
KEYS = int(os.environ.get("KEYS", "1000000"))
VALUE = int(os.environ.get("VALUE", "100"))
IMPORT_FROM = os.environ.get("IMPORT_FROM", "redis-7.0")
IMPORT_TO = os.environ.get("IMPORT_TO", "valkey-9.1")
IMPORT_KEYS = int(os.environ.get("IMPORT_KEYS", "100000"))
PARTS = os.environ.get("PARTS", "restore,import").split(",")
kill_children_on_signal()


def cli(port, *args):
    return redis_cli(port, *args, timeout=120)


class Servers:
    """COUNT servers of `server`, cluster-enabled and formed into COUNT masters, or one
    standalone."""

    def __init__(self, server, count, cluster=True):
        self.dir = tempfile.mkdtemp(prefix="rtrib-bench-")
        self.ports = [free_port() for _ in range(count)]
        self.procs = [start_server(BINARIES[server], port, os.path.join(self.dir, str(port)),
                                   cluster=cluster) for port in self.ports]
        for port in self.ports:
            wait_for(f"{port} to answer", lambda: cli(port, "PING") == "PONG")
        if cluster:
            run([RTRIB, "create", "--yes", *self.addrs()])

    def addrs(self):
        return [f"127.0.0.1:{p}" for p in self.ports]

    def seed(self):
        return self.addrs()[0]

    def owners(self):
        return slot_owners(cli(self.ports[0], "CLUSTER", "NODES"))

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


def restore_rounds(totals):
    slots = [key_slot(b"key:%d" % i) for i in range(KEYS)]
    source = Servers(SERVER, 3)
    source.fill(KEYS, slots)
    backup = tempfile.mkdtemp(prefix="rtrib-bench-backup-")
    run(["redis-cli", "--cluster", "backup", source.seed(), backup])
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
                    elapsed, out = timed([*TIME_V, RTRIB, "restore", backup, target.seed(),
                                          "-o", "json"])
                    if out.returncode != 0:
                        sys.exit(f"rtrib restore failed: {out.stdout[-2000:]}{out.stderr[-2000:]}")
                    document = json.loads(out.stdout)
                    rss = peak_rss_kib(out.stderr)
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
                elapsed, out = timed(command)
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
