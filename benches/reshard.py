#!/usr/bin/env python3
"""Benchmark (not a test): the per-key migration, `rtrib reshard` / `rebalance` against
`redis-cli --cluster` 7.0, on any server of the test matrix.

Each round starts, for each tool in turn (alternating which goes first), an identical cluster of
3 masters with REPLICAS replicas each (formed by `rtrib create --replicas`) plus one empty
master (`rtrib add-node`) with as many replicas, fills it with KEYS keys of VALUE bytes
(pipelined SETs), waits until every replica holds all of its master's keys, then:
  1. reshard SLOTS slots from all masters to the empty one (--yes / --cluster-yes);
  2. rebalance with the new master's weight 0, which moves its slots back.
Keys moved are counted on the servers (DBSIZE of the new master after step 1); after step 2
every key must be back on the three old masters, and every replica must agree. rtrib runs under
/usr/bin/time -v for its peak RSS. Prints per round and step the seconds and keys/s of each
tool, the CPU seconds the cluster's servers used meanwhile (from /proc: when they approach the
cores free for them, the servers' own work bounds both tools alike) and the load average, then
the medians over the rounds, their ratios, the method rtrib used (`--migration auto`: atomic on
Valkey 9, per key elsewhere; docs/servers.md) and rtrib's peak RSS. RTRIB_ARGS="--migration
keys" measures the per-key engine on Valkey 9 too.

Both tools run with their defaults (redis-cli: 10 keys per MIGRATE, one slot at a time; rtrib:
--pipeline 1000, --parallel 256, 32 before the per-key engine moved slots in groups) unless
RTRIB_ARGS says otherwise.

Environment: SERVER=redis-7.0 (or redis-6.2, valkey-9.0, valkey-9.1: binaries from
             scripts/fetch-test-servers.sh) ROUNDS=3 KEYS=1000000 VALUE=100 SLOTS=4096
             REPLICAS=1 RTRIB=target/release/rtrib RTRIB_ARGS="--parallel 16" (added to both
             rtrib commands) STEPS=reshard,rebalance TOOLS=rtrib,redis-cli
             CLI_SERVER=$SERVER (redis-cli's cluster's server)
Every process started here is killed on exit.
"""
import os, re, shutil, statistics, subprocess, sys, tempfile, time

from common import BINARIES, RTRIB, TIME_V, cleanup, cli, free_port, key_slot, \
    kill_children_on_signal, peak_rss_kib, run, settled, slot_owners, start_server, \
    timed as timed_process, wait_for

SERVER = os.environ.get("SERVER", "redis-7.0")
# The server of redis-cli's cluster: redis-cli 7.0 fails on Valkey 9 with replicas
# (NOREPLICAS), so CLI_SERVER=redis-7.0 gives the atomic runs a baseline (docs/benchmarks.md).
CLI_SERVER = os.environ.get("CLI_SERVER", SERVER)
ROUNDS = int(os.environ.get("ROUNDS", "3"))
KEYS = int(os.environ.get("KEYS", "1000000"))
VALUE = int(os.environ.get("VALUE", "100"))
SLOTS = int(os.environ.get("SLOTS", "4096"))
REPLICAS = int(os.environ.get("REPLICAS", "1"))
RTRIB_ARGS = os.environ.get("RTRIB_ARGS", "").split()
TOOLS = os.environ.get("TOOLS", "rtrib,redis-cli").split(",")
kill_children_on_signal()


# The keys' slots, computed once: every cluster gets the same keys.
SLOT_OF = None


class Cluster:
    """3 masters formed by rtrib plus one empty master, REPLICAS replicas each, with KEYS keys."""

    def __init__(self, server):
        self.dir = tempfile.mkdtemp(prefix="rtrib-bench-")
        count = 4 * (1 + REPLICAS)
        self.ports = [free_port() for _ in range(count)]
        self.procs = [start_server(BINARIES[server], port, os.path.join(self.dir, str(port)))
                      for port in self.ports]
        for port in self.ports:
            wait_for(f"{port} to answer", lambda: cli(port, "PING") == "PONG")
        addrs = [f"127.0.0.1:{p}" for p in self.ports]
        formed = 3 * (1 + REPLICAS)
        run([RTRIB, "create", "--yes", "--replicas", str(REPLICAS), *addrs[:formed]])
        run([RTRIB, "add-node", addrs[formed], addrs[0]])
        self.new_id = cli(self.ports[formed], "CLUSTER", "MYID")
        for addr in addrs[formed + 1:]:
            run([RTRIB, "add-node", "--replica", "--master-id", self.new_id, addr, addrs[0]])
        self.masters = [p for p in self.ports if "master" in cli(p, "ROLE").split()[0]]
        self.new = self.ports[formed]
        self.fill()
        time.sleep(5)  # the new master reports cluster_state:ok after a few seconds

    def owners(self):
        return slot_owners(cli(self.ports[0], "CLUSTER", "NODES"))

    def fill(self):
        global SLOT_OF
        if SLOT_OF is None:
            SLOT_OF = [key_slot(b"key:%d" % i) for i in range(KEYS)]
        owners = self.owners()
        value = b"x" * VALUE
        streams = {port: bytearray() for port in set(owners.values())}
        for i, slot in enumerate(SLOT_OF):
            key = b"key:%d" % i
            streams[owners[slot]] += b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n" % (
                len(key), key, len(value), value)
        for port, data in streams.items():
            subprocess.run(["redis-cli", "-p", str(port), "--pipe"], input=bytes(data),
                           check=True, stdout=subprocess.DEVNULL)
        assert self.master_keys() == KEYS
        self.wait_replicas()

    def master_keys(self):
        return sum(int(cli(p, "DBSIZE")) for p in self.ports if cli(p, "ROLE").startswith("master"))

    def wait_replicas(self):
        """Every replica holds exactly its master's keys."""
        def synced():
            for port in self.ports:
                role = cli(port, "ROLE").split()
                if role[0] == "slave" and cli(port, "DBSIZE") != cli(int(role[2]), "DBSIZE"):
                    return False
            return True
        wait_for("the replicas to hold their masters' keys", synced)

    def cpu(self):
        """CPU seconds (user + system) the cluster's servers have used so far."""
        ticks = 0
        for proc in self.procs:
            with open(f"/proc/{proc.pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            ticks += int(fields[11]) + int(fields[12])
        return ticks / os.sysconf("SC_CLK_TCK")

    def seed(self):
        return f"127.0.0.1:{self.ports[0]}"

    def stop(self):
        for port in self.ports:
            cli(port, "SHUTDOWN", "NOSAVE")
        shutil.rmtree(self.dir, ignore_errors=True)


class Failed(Exception):
    """A tool's command failed: the round's figure for that tool is left out of the medians;
    its rate until the failure (keys on the new master by then) is reported apart."""

    def __init__(self, message, elapsed):
        super().__init__(message)
        self.elapsed = elapsed
        self.moved = None
        self.results = {}  # the steps done before the failure


def timed(command):
    elapsed, out = timed_process(command)
    if out.returncode != 0:
        last = [l for l in (out.stdout + out.stderr).splitlines() if l.strip()][-3:]
        raise Failed(f"exit {out.returncode} after {elapsed:.1f}s: {' | '.join(last)[-300:]}",
                     elapsed)
    moving = re.search(r"Moved \d+ slots and \d+ keys in ([\d.]+)s \(.*?(atomic|keys)?\)",
                       out.stdout)
    if moving:  # rtrib's own figure: the moves alone, without reading and checking the cluster
        print(f"  ({command[3]}: moving took {moving.group(1)}s of {elapsed:.2f}s, method "
              f"{moving.group(2)})", flush=True)
    return elapsed, peak_rss_kib(out.stderr)


def steps(tool, cluster):
    if tool == "rtrib":
        prefix = [*TIME_V, RTRIB]
        reshard = [*prefix, "reshard", cluster.seed(), "--from", "all", "--to", cluster.new_id,
                   "--slots", str(SLOTS), "--yes", *RTRIB_ARGS]
        rebalance = [*prefix, "rebalance", cluster.seed(), "--weight", f"{cluster.new_id}=0",
                     "--yes", *RTRIB_ARGS]
    else:
        reshard = ["redis-cli", "--cluster", "reshard", cluster.seed(), "--cluster-from", "all",
                   "--cluster-to", cluster.new_id, "--cluster-slots", str(SLOTS), "--cluster-yes"]
        rebalance = ["redis-cli", "--cluster", "rebalance", cluster.seed(), "--cluster-weight",
                     f"{cluster.new_id}=0"]
    results = {}
    cpu = cluster.cpu()
    try:
        seconds, rss = timed(reshard)
    except Failed as failure:
        failure.moved = int(cli(cluster.new, "DBSIZE"))
        raise
    moved = int(cli(cluster.new, "DBSIZE"))
    results["reshard"] = (moved, seconds, rss, cluster.cpu() - cpu)
    time.sleep(3)  # let gossip settle as an operator would between commands
    cpu = cluster.cpu()
    try:
        seconds, rss2 = timed(rebalance)
    except Failed as failure:
        failure.results = results
        raise
    cpu = cluster.cpu() - cpu
    assert settled(lambda: int(cli(cluster.new, "DBSIZE")) == 0 or "slave" in cli(
        cluster.new, "ROLE")), "rebalance left keys on the drained master"
    assert settled(lambda: cluster.master_keys() == KEYS), cluster.master_keys()
    cluster.wait_replicas()
    results["rebalance"] = (moved, seconds, rss2, cpu)
    return results


def main():
    if not os.path.exists(RTRIB):
        sys.exit(f"build rtrib first: cargo build --release ({RTRIB})")
    for name in (SERVER, CLI_SERVER):
        if name not in BINARIES:
            sys.exit(f"SERVER/CLI_SERVER={name} is none of {sorted(BINARIES)}")
    cli_on = f" (redis-cli on {CLI_SERVER})" if CLI_SERVER != SERVER else ""
    print(f"{SERVER}{cli_on}, {KEYS} keys of {VALUE} B, 3+1 masters with {REPLICAS} replica(s) each, "
          f"{SLOTS} slots, {ROUNDS} round(s), rtrib args {RTRIB_ARGS}", flush=True)
    totals, failures = {}, []
    try:
        for round_ in range(ROUNDS):
            order = TOOLS if round_ % 2 == 0 else TOOLS[::-1]
            for tool in order:
                cluster = Cluster(SERVER if tool == "rtrib" else CLI_SERVER)
                try:
                    try:
                        results = steps(tool, cluster)
                    except Failed as failure:
                        results = failure.results
                        rate = ""
                        if failure.moved is not None:
                            rate = (f" (reshard: {failure.moved} keys moved until then, "
                                    f"{failure.moved / failure.elapsed:.0f} keys/s)")
                        step = "reshard" if failure.moved is not None else "rebalance"
                        print(f"round {round_ + 1} {tool:9} {step} FAILED{rate}: {failure}",
                              flush=True)
                        failures.append((tool, failure))
                    for step, result in results.items():
                        totals.setdefault((tool, step), []).append(result)
                        moved, seconds, rss, cpu = result
                        extra = f", peak RSS {rss / 1024:.1f} MB" if rss else ""
                        print(f"round {round_ + 1} {tool:9} {step:9}: {moved} keys in "
                              f"{seconds:6.2f}s = {moved / seconds:9.0f} keys/s, servers' CPU "
                              f"{cpu:5.1f}s{extra}  (load {os.getloadavg()[0]:.1f})", flush=True)
                finally:
                    cluster.stop()
        for step in ("reshard", "rebalance"):
            medians = {}
            for tool in TOOLS:
                runs = totals.get((tool, step))
                if not runs:
                    continue
                medians[tool] = (statistics.median(r[0] for r in runs),
                                 statistics.median(r[1] for r in runs))
            line = ", ".join(f"{tool} median {s:.2f}s ({m / s:.0f} keys/s)"
                             for tool, (m, s) in medians.items())
            if len(medians) == 2:
                line += f", ratio {medians['redis-cli'][1] / medians['rtrib'][1]:.1f}x"
            print(f"{SERVER} {step:9}: {line}", flush=True)
        if any(tool == "rtrib" for tool, _ in totals):
            rss = max(r[2] for (tool, _), runs in totals.items() if tool == "rtrib"
                      for r in runs)
            print(f"{SERVER} rtrib peak RSS: {rss / 1024:.1f} MB")
        for tool, failure in failures:
            line = f"{SERVER} {tool} failed once: {failure}"
            if failure.moved is not None:
                line += (f"; its reshard rate until then: {failure.moved / failure.elapsed:.0f}"
                         " keys/s")
            print(line)
    finally:
        cleanup()


if __name__ == "__main__":
    main()
