#!/usr/bin/env python3
"""Benchmark (not a test): reading per-slot weights, and rebalancing by keys, side by side.

1. Two clusters of 3 masters, Redis 7.0 and Valkey 9.1 (with cluster-slot-stats-enabled yes),
   formed by `rtrib create`, each filled with KEYS keys of VALUE bytes in the issue's shape: a
   third spread evenly (`key:i`), two thirds under 300 hash tags whose slots all belong to the
   first master (`{tN}:j`).
2. Time to read the weights, median of RUNS: rtrib's own figure (`rtrib info -v` logs how long
   reading every master's per-slot figures took) for keys and for `--by memory`, and the two raw
   methods on the same servers: one pipelined CLUSTER COUNTKEYSINSLOT per slot a master serves,
   and one CLUSTER SLOT-STATS SLOTSRANGE 0 16383 (Valkey only), timed from here and by the
   servers themselves (INFO commandstats).
3. The peer on the same skewed cluster: `redis-cli --cluster rebalance` (it moves nothing: the
   slot counts are even), then `rtrib rebalance --by keys --yes`: time, keys moved, keys per
   master after (DBSIZE).
4. The memory estimate's error: a Redis 7.0 cluster with MIXED keys (a tenth with 1-10 kB
   values, the rest 10-100 B), `rtrib info --by memory --by-slot -o json` against the exact sum
   of MEMORY USAGE over every key, per master and per slot.

The planner's own speed is `cargo bench --bench balance_plan`.

Environment: KEYS=1000000 VALUE=100 MIXED=200000 RUNS=5 RTRIB=target/release/rtrib
             VALKEY=~/.cache/rtrib/test-servers/valkey-9.1.2/valkey-server
Every process started here is killed on exit.
"""
import json, os, random, re, shutil, socket, statistics, subprocess, sys, tempfile, time

from common import BINARIES, RTRIB, cleanup, free_port, key_slot, \
    kill_children_on_signal, median_of_runs, resp, start_server, timed

KEYS = int(os.environ.get("KEYS", "1000000"))
VALUE = int(os.environ.get("VALUE", "100"))
MIXED = int(os.environ.get("MIXED", "200000"))
RUNS = int(os.environ.get("RUNS", "5"))
VALKEY = os.environ.get("VALKEY", BINARIES["valkey-9.1"])
kill_children_on_signal()


class Resp:
    """A minimal RESP2 client on one socket: enough to pipeline and time raw commands."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port))
        self.file = self.sock.makefile("rb")

    def read(self):
        line = self.file.readline()
        kind, rest = line[:1], line[1:-2]
        if kind == b"+":
            return rest.decode()
        if kind == b"-":
            return RuntimeError(rest.decode())
        if kind == b":":
            return int(rest)
        if kind == b"$":
            size = int(rest)
            if size < 0:
                return None
            data = self.file.read(size + 2)
            return data[:-2]
        if kind == b"*":
            size = int(rest)
            return None if size < 0 else [self.read() for _ in range(size)]
        raise RuntimeError(f"bad reply {line!r}")

    def pipeline(self, commands):
        self.sock.sendall(b"".join(resp(*c) for c in commands))
        return [self.read() for _ in commands]

    def call(self, *args):
        return self.pipeline([args])[0]


class Cluster:
    """3 masters of `binary`, formed by rtrib."""

    def __init__(self, binary, extra=()):
        self.dir = tempfile.mkdtemp(prefix="rtrib-bench-balance-")
        self.ports = [free_port() for _ in range(3)]
        for port in self.ports:
            start_server(binary, port, os.path.join(self.dir, str(port)), *extra)
        for port in self.ports:
            while True:
                try:
                    if Resp(port).call("PING") == "PONG":
                        break
                except OSError:
                    time.sleep(0.05)
        subprocess.run([RTRIB, "create", "--yes", *self.addrs()], check=True,
                       stdout=subprocess.DEVNULL)
        self.conns = {port: Resp(port) for port in self.ports}

    def addrs(self):
        return [f"127.0.0.1:{p}" for p in self.ports]

    def seed(self):
        return self.addrs()[0]

    def owners(self):
        owners = {}
        for entry in self.conns[self.ports[0]].call("CLUSTER", "SLOTS"):
            for slot in range(entry[0], entry[1] + 1):
                owners[slot] = entry[2][1]
        return owners

    def served(self, port):
        return [slot for slot, owner in self.owners().items() if owner == port]

    def write(self, pairs):
        owners = self.owners()
        streams = {port: bytearray() for port in self.ports}
        for key, value in pairs:
            streams[owners[key_slot(key)]] += resp(b"SET", key, value)
        for port, data in streams.items():
            subprocess.run(["redis-cli", "-p", str(port), "--pipe"], input=bytes(data),
                           check=True, stdout=subprocess.DEVNULL)

    def dbsize(self):
        return [self.conns[p].call("DBSIZE") for p in self.ports]

    def stop(self):
        for port in self.ports:
            try:
                Resp(port).call("SHUTDOWN", "NOSAVE")
            except (OSError, RuntimeError):
                pass  # the server closes the connection as it goes
        shutil.rmtree(self.dir, ignore_errors=True)


def skewed_pairs(first_last_slot):
    value = b"x" * VALUE
    pairs = [(b"key:%d" % i, value) for i in range(KEYS // 3)]
    tags, n = [], 0
    while len(tags) < 300:
        if key_slot(b"t%d" % n) <= first_last_slot:
            tags.append(b"t%d" % n)
        n += 1
    per_tag = (KEYS - len(pairs)) // 300
    for tag in tags:
        pairs.extend((b"{%s}:%d" % (tag, j), value) for j in range(per_tag))
    return pairs


def rtrib_read_ms(cluster, *args):
    """rtrib's own figure: how long reading every master's per-slot figures took."""
    out = subprocess.run([RTRIB, "-v", "info", cluster.seed(), *args, "-o", "json"],
                         capture_output=True, text=True, check=True)
    found = re.search(r"per-slot figures of \d+ masters read in (\d+) ms \(([^)]*)\)", out.stderr)
    if not found:
        sys.exit(f"no timing in rtrib's log:\n{out.stderr[-2000:]}")
    return int(found.group(1)), found.group(2)


def raw_ms(cluster, method):
    """One master after the other, as a client would: the time of the slowest master (the
    masters are read concurrently by rtrib)."""
    times = []
    for port in cluster.ports:
        conn = cluster.conns[port]
        started = time.monotonic()
        if method == "countkeysinslot":
            conn.pipeline([("CLUSTER", "COUNTKEYSINSLOT", s) for s in cluster.served(port)])
        else:
            conn.call("CLUSTER", "SLOT-STATS", "SLOTSRANGE", 0, 16383)
        times.append((time.monotonic() - started) * 1000)
    return max(times)


def reading(name, cluster):
    keys_ms, method = median_of_runs(lambda: rtrib_read_ms(cluster), RUNS)
    print(f"{name:11} rtrib reads keys per slot of 3 masters: {keys_ms:7.1f} ms "
          f"({method[1]})", flush=True)
    memory_ms, _ = median_of_runs(lambda: rtrib_read_ms(cluster, "--by", "memory"),
                                  max(1, RUNS // 2))
    print(f"{name:11} rtrib reads keys + memory samples:      {memory_ms:7.1f} ms", flush=True)
    for port in cluster.ports:
        cluster.conns[port].call("CONFIG", "RESETSTAT")
    count_ms, _ = median_of_runs(lambda: raw_ms(cluster, "countkeysinslot"), RUNS)
    methods = [("COUNTKEYSINSLOT pipeline", "countkeysinslot", count_ms)]
    if "valkey" in name:
        stats_ms, _ = median_of_runs(lambda: raw_ms(cluster, "slot-stats"), RUNS)
        methods.append(("SLOT-STATS SLOTSRANGE 0 16383", "slot-stats", stats_ms))
    # The servers' own time (INFO commandstats), without the client's parsing.
    for label, command, wall in methods:
        usec = 0
        for port in cluster.ports:
            stats = cluster.conns[port].call("INFO", "commandstats").decode()
            found = re.search(r"cmdstat_cluster\|%s:calls=\d+,usec=(\d+)" % command, stats)
            usec += int(found.group(1)) if found else 0
        server_ms = usec / 1000 / RUNS / len(cluster.ports)
        print(f"{name:11} raw {label}: {wall:6.1f} ms from here (slowest master, parsing in "
              f"Python), {server_ms:5.1f} ms of server time per master", flush=True)


def rebalancing(name, cluster):
    before = cluster.dbsize()
    seconds, out = timed(["redis-cli", "--cluster", "rebalance", cluster.seed()])
    assert cluster.dbsize() == before, "redis-cli moved keys"
    said = "No rebalancing needed" in out.stdout
    print(f"{name:11} redis-cli --cluster rebalance: {seconds:5.2f}s, keys per master "
          f"{before} -> {cluster.dbsize()} ({'No rebalancing needed' if said else out.stdout[-200:]})",
          flush=True)
    seconds, out = timed([RTRIB, "rebalance", cluster.seed(), "--by", "keys", "--yes",
                          "-o", "json"])
    if out.returncode != 0:
        sys.exit(f"rtrib rebalance failed ({out.returncode}):\n{out.stdout[-2000:]}\n{out.stderr}")
    document = json.loads(out.stdout)
    after = cluster.dbsize()
    print(f"{name:11} rtrib rebalance --by keys: {seconds:5.2f}s, {document['slots_moved']} slots "
          f"and {document['keys_moved']} keys moved ({document['seconds']:.2f}s of moving), keys "
          f"per master {before} -> {after} (max/min {max(after) / min(after):.3f})", flush=True)


def memory_accuracy():
    cluster = Cluster("redis-server")
    try:
        rng = random.Random(5)
        pairs = []
        for i in range(MIXED):
            size = rng.randint(1000, 10000) if rng.random() < 0.1 else rng.randint(10, 100)
            pairs.append((b"m:%d" % i, b"v" * size))
        cluster.write(pairs)
        owners = cluster.owners()
        exact = [0] * 16384
        by_owner = {}
        for key, _ in pairs:
            by_owner.setdefault(owners[key_slot(key)], []).append(key)
        for port, keys in by_owner.items():
            for start in range(0, len(keys), 10000):
                chunk = keys[start:start + 10000]
                sizes = cluster.conns[port].pipeline([("MEMORY", "USAGE", k) for k in chunk])
                for key, size in zip(chunk, sizes):
                    exact[key_slot(key)] += size
        out = subprocess.run([RTRIB, "info", cluster.seed(), "--by", "memory", "--by-slot",
                              "-o", "json"], capture_output=True, text=True, check=True)
        document = json.loads(out.stdout)
        estimate = [s["memory"] for s in document["slots"]]
        errors = sorted(abs(estimate[s] - exact[s]) / exact[s] for s in range(16384) if exact[s])
        per_master = []
        for master in document["masters"]:
            port = int(master["addr"].rsplit(":", 1)[1])
            truth = sum(exact[s] for s in range(16384) if owners[s] == port)
            per_master.append(abs(master["load"] - truth) / truth)
        print(f"memory estimate, {MIXED} mixed keys (~{MIXED / 16384:.0f} per slot): per master "
              f"within {max(per_master) * 100:.1f}% of the exact MEMORY USAGE sum; per slot "
              f"median {statistics.median(errors) * 100:.1f}%, 95th percentile "
              f"{errors[int(len(errors) * 0.95)] * 100:.1f}%", flush=True)
    finally:
        cluster.stop()


def main():
    if not os.path.exists(RTRIB):
        sys.exit(f"build rtrib first: cargo build --release ({RTRIB})")
    try:
        for name, binary, extra in (("redis-7.0", "redis-server", ()),
                                    ("valkey-9.1", VALKEY,
                                     ("--cluster-slot-stats-enabled", "yes"))):
            cluster = Cluster(binary, extra)
            try:
                first_last = max(cluster.served(cluster.ports[0]))
                started = time.monotonic()
                cluster.write(skewed_pairs(first_last))
                print(f"{name:11} filled {sum(cluster.dbsize())} keys in "
                      f"{time.monotonic() - started:.1f}s: {cluster.dbsize()} per master",
                      flush=True)
                reading(name, cluster)
                rebalancing(name, cluster)
            finally:
                cluster.stop()
        memory_accuracy()
    finally:
        cleanup()


if __name__ == "__main__":
    main()
