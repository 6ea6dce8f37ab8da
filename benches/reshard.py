#!/usr/bin/env python3
"""Benchmark (not a test): `rtrib reshard` / `rebalance` against `redis-cli --cluster`.

Each round starts two identical clusters of 3 masters on 127.0.0.1 ports (formed by `rtrib
create`, with REPLICAS replicas each) plus one empty master (`rtrib add-node`, and its
replicas), fills each with KEYS keys of VALUE bytes, then on one cluster rtrib and on the other
redis-cli (they alternate which goes first):
  1. reshard 4096 slots from all masters to the empty one (--yes / --cluster-yes);
  2. rebalance with the new master's weight 0, which moves its 4096 slots back.
Keys moved are counted on the servers (DBSIZE of the new master after step 1); after step 2
every key must be back on the three old masters. rtrib runs under /usr/bin/time -v for its peak
RSS. Prints keys/s per tool and step, the medians over the rounds, their ratios, the method
rtrib used (atomic on Valkey 9, keys elsewhere: docs/servers.md) and rtrib's peak RSS.

Environment: ROUNDS=1 KEYS=1000000 VALUE=100 RTRIB=target/release/rtrib
             RTRIB_ARGS="--parallel 16" (added to both rtrib commands)
             SERVER=redis-server (the server binary: e.g. the Valkey 9.1 one of
             scripts/fetch-test-servers.sh's cache) REPLICAS=0
             CLI_SERVER=$SERVER (the server of redis-cli's cluster: redis-cli 7.0 fails on
             Valkey 9 masters with replicas, NOREPLICAS at its first SETSLOT NODE, so its
             baseline there is Debian's redis-server)
Every process started here is killed on exit.
"""
import os, re, shutil, signal, socket, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROUNDS = int(os.environ.get("ROUNDS", "1"))
KEYS = int(os.environ.get("KEYS", "1000000"))
VALUE = int(os.environ.get("VALUE", "100"))
RTRIB = os.environ.get("RTRIB", os.path.join(ROOT, "target/release/rtrib"))
RTRIB_ARGS = os.environ.get("RTRIB_ARGS", "").split()
SERVER = os.environ.get("SERVER", "redis-server")
CLI_SERVER = os.environ.get("CLI_SERVER", SERVER)
REPLICAS = int(os.environ.get("REPLICAS", "0"))
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


def crc16(data):
    """CRC16-XMODEM, as Redis Cluster hashes keys (no hash tags in these keys)."""
    crc = 0
    for byte in data:
        crc = ((crc << 8) & 0xFFFF) ^ CRC16[(crc >> 8) ^ byte]
    return crc


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
                         timeout=30)
    return out.stdout.strip()


class Cluster:
    """3 masters formed by rtrib plus one empty master (ports[:4]), each with REPLICAS replicas
    (ports[4:]), filled with KEYS keys."""

    def __init__(self, server):
        self.dir = tempfile.mkdtemp(prefix="rtrib-bench-")
        self.ports = [free_port() for _ in range(4 * (1 + REPLICAS))]
        for port in self.ports:
            d = os.path.join(self.dir, str(port))
            os.mkdir(d)
            proc = subprocess.Popen(
                [server, "--port", str(port), "--bind", "127.0.0.1", "--cluster-enabled",
                 "yes", "--cluster-config-file", "nodes.conf", "--save", "", "--appendonly", "no",
                 "--dir", d, "--logfile", os.path.join(d, "log")],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            children.append(proc)
        for port in self.ports:
            while cli(port, "PING") != "PONG":
                time.sleep(0.05)
        addrs = [f"127.0.0.1:{p}" for p in self.ports]
        # rtrib create takes the masters first, then their replicas.
        first = addrs[:3] + addrs[4:4 + 3 * REPLICAS]
        subprocess.run([RTRIB, "create", "--yes", "--replicas", str(REPLICAS), *first],
                       check=True, stdout=subprocess.DEVNULL)
        subprocess.run([RTRIB, "add-node", addrs[3], addrs[0]], check=True,
                       stdout=subprocess.DEVNULL)
        self.new_id = cli(self.ports[3], "CLUSTER", "MYID")
        for replica in addrs[4 + 3 * REPLICAS:]:
            subprocess.run([RTRIB, "add-node", replica, addrs[0], "--replica", "--master-id",
                            self.new_id], check=True, stdout=subprocess.DEVNULL)
        self.fill()
        time.sleep(5)  # the new master reports cluster_state:ok after a few seconds
        self.wait_replicas()

    def wait_replicas(self):
        """Until every replica holds as many keys as its master (the first full sync)."""
        if not REPLICAS:
            return
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            on_replicas = sum(int(cli(p, "DBSIZE") or 0) for p in self.ports[4:])
            if on_replicas == KEYS * REPLICAS:
                return
            time.sleep(0.5)
        sys.exit("the replicas did not sync in 120 s")

    def fill(self):
        owners = {}
        for line in cli(self.ports[0], "CLUSTER", "NODES").splitlines():
            fields = line.split()
            port = int(fields[1].split("@")[0].rsplit(":", 1)[1])
            for token in fields[8:]:
                start, _, end = token.partition("-")
                for slot in range(int(start), int(end or start) + 1):
                    owners[slot] = port
        value = b"x" * VALUE
        streams = {port: bytearray() for port in self.ports[:3]}
        for i in range(KEYS):
            key = b"key:%d" % i
            streams[owners[crc16(key) % 16384]] += b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n" % (
                len(key), key, len(value), value)
        for port, data in streams.items():
            subprocess.run(["redis-cli", "-p", str(port), "--pipe"], input=bytes(data),
                           check=True, stdout=subprocess.DEVNULL)
        total = sum(int(cli(p, "DBSIZE")) for p in self.ports[:4])
        assert total == KEYS, total

    def seed(self):
        return f"127.0.0.1:{self.ports[0]}"

    def stop(self):
        for port in self.ports:
            cli(port, "SHUTDOWN", "NOSAVE")
        shutil.rmtree(self.dir, ignore_errors=True)


def timed(command):
    started = time.monotonic()
    out = subprocess.run(command, capture_output=True, text=True)
    elapsed = time.monotonic() - started
    if out.returncode != 0:
        sys.exit(f"{command[0]} failed ({out.returncode}):\n{out.stdout[-2000:]}\n{out.stderr[-2000:]}")
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", out.stderr)
    moving = re.search(r"Moved \d+ slots and \d+ keys in ([\d.]+)s \(.*?(atomic|keys)?\)",
                       out.stdout)
    if moving:  # rtrib's own figure: the moves alone, without reading and checking the cluster
        print(f"  ({command[3]}: moving took {moving.group(1)}s of {elapsed:.2f}s, method "
              f"{moving.group(2)})", flush=True)
    return elapsed, int(rss.group(1)) if rss else None


def settled(condition, seconds=30):
    """Polls `condition` (an atomic move's source drops its copy in the background)."""
    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.2)
    return condition()


def steps(tool, cluster):
    if tool == "rtrib":
        prefix = ["/usr/bin/time", "-v", RTRIB]
        reshard = [*prefix, "reshard", cluster.seed(), "--from", "all", "--to", cluster.new_id,
                   "--slots", "4096", "--yes", *RTRIB_ARGS]
        rebalance = [*prefix, "rebalance", cluster.seed(), "--weight", f"{cluster.new_id}=0",
                     "--yes", *RTRIB_ARGS]
    else:
        reshard = ["redis-cli", "--cluster", "reshard", cluster.seed(), "--cluster-from", "all",
                   "--cluster-to", cluster.new_id, "--cluster-slots", "4096", "--cluster-yes"]
        rebalance = ["redis-cli", "--cluster", "rebalance", cluster.seed(), "--cluster-weight",
                     f"{cluster.new_id}=0"]
    results = {}
    seconds, rss = timed(reshard)
    moved = int(cli(cluster.ports[3], "DBSIZE"))
    results["reshard"] = (moved, seconds, rss)
    time.sleep(3)  # let gossip settle as an operator would between commands
    seconds, rss2 = timed(rebalance)
    assert settled(lambda: int(cli(cluster.ports[3], "DBSIZE")) == 0 or "slave" in cli(
        cluster.ports[3], "ROLE")), "rebalance left keys on the drained master"
    back = lambda: sum(int(cli(p, "DBSIZE")) for p in cluster.ports[:3])
    assert settled(lambda: back() == KEYS), back()
    results["rebalance"] = (moved, seconds, rss2)
    return results


def main():
    if not os.path.exists(RTRIB):
        sys.exit(f"build rtrib first: cargo build --release ({RTRIB})")
    totals = {}
    try:
        for round_ in range(ROUNDS):
            order = ["rtrib", "redis-cli"] if round_ % 2 == 0 else ["redis-cli", "rtrib"]
            for tool in order:
                cluster = Cluster(SERVER if tool == "rtrib" else CLI_SERVER)
                try:
                    for step, result in steps(tool, cluster).items():
                        totals.setdefault((tool, step), []).append(result)
                        moved, seconds, rss = result
                        extra = f", peak RSS {rss / 1024:.1f} MB" if rss else ""
                        print(f"round {round_ + 1} {tool:9} {step:9}: {moved} keys in "
                              f"{seconds:6.2f}s = {moved / seconds:9.0f} keys/s{extra}",
                              flush=True)
                finally:
                    cluster.stop()
        print(f"server {SERVER} (redis-cli on {CLI_SERVER}), {REPLICAS} replica(s) per master, {KEYS} keys of {VALUE} B, "
              f"{ROUNDS} round(s); medians:")
        for step in ("reshard", "rebalance"):
            medians = {}
            for tool in ("rtrib", "redis-cli"):
                seconds = sorted(s for _, s, _ in totals[(tool, step)])
                medians[tool] = seconds[len(seconds) // 2]
            print(f"{step:9}: rtrib {medians['rtrib']:.2f}s, redis-cli "
                  f"{medians['redis-cli']:.2f}s, ratio {medians['redis-cli'] / medians['rtrib']:.1f}x")
        rss = max(r for (tool, _), runs in totals.items() if tool == "rtrib" for _, _, r in runs)
        print(f"rtrib peak RSS: {rss / 1024:.1f} MB")
    finally:
        cleanup()


if __name__ == "__main__":
    main()
