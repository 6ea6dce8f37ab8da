#!/usr/bin/env python3
"""Benchmark (not a test): scaling a cluster out and in with `rtrib reconcile`, against the
`redis-cli --cluster` 7.0 sequence a user runs for the same change today.

Each round starts, for each tool in turn (alternating which goes first), an identical cluster of
8 nodes: 6 formed by `rtrib create --replicas 1` (3 masters, 3 replicas), filled with KEYS keys
of VALUE bytes (pipelined SETs), every replica in sync, and 2 empty nodes. Then:
  1. scale-out 3 -> 4 masters (6 -> 8 nodes):
     rtrib:     reconcile --replicas 1 --yes NODE0..NODE7 (it joins both, attaches the replica
                and waits for its first sync, then moves the slots);
     redis-cli: add-node NODE6, add-node NODE7 --cluster-slave --cluster-master-id <NODE6>,
                then rebalance --cluster-use-empty-masters;
  2. scale-in 4 -> 3 masters (8 -> 6 nodes):
     rtrib:     reconcile --replicas 1 --yes NODE0..NODE5 (drains NODE6, then resets and forgets
                NODE7 and NODE6);
     redis-cli: rebalance --cluster-weight <NODE6>=0, then del-node NODE7 and del-node NODE6.
Between two redis-cli commands the script waits until every node's view agrees (the next
command refuses a cluster whose nodes disagree); that wait is counted, as the user waits too.
After each step every key must be on the masters (DBSIZE), the new master must hold its share
after step 1 and NODE6 none after step 2. Prints per round and step the seconds of each tool
and the load average, then the medians over the rounds and their ratio, and the method rtrib
used (`--migration auto`: atomic on Valkey 9, per key elsewhere).

Environment: SERVER=redis-7.0 (or redis-6.2, valkey-9.0, valkey-9.1: binaries from
             scripts/fetch-test-servers.sh) CLI_SERVER=$SERVER (redis-cli 7.0 fails on Valkey 9
             with replicas, NOREPLICAS: give CLI_SERVER=redis-7.0 for the atomic runs' baseline)
             ROUNDS=3 KEYS=1000000 VALUE=100 RTRIB=target/release/rtrib TOOLS=rtrib,redis-cli
Every process started here is killed on exit.
"""
import functools, os, re, shutil, statistics, subprocess, sys, tempfile, time

import common
from common import BINARIES, RTRIB, cleanup, cli, free_port, key_slot, \
    kill_children_on_signal, run, settled, slot_owners, start_server

SERVER = os.environ.get("SERVER", "redis-7.0")
CLI_SERVER = os.environ.get("CLI_SERVER", SERVER)
ROUNDS = int(os.environ.get("ROUNDS", "3"))
KEYS = int(os.environ.get("KEYS", "1000000"))
VALUE = int(os.environ.get("VALUE", "100"))
TOOLS = os.environ.get("TOOLS", "rtrib,redis-cli").split(",")
STEPS = ("scale-out", "scale-in")
kill_children_on_signal()


# Polled every 0.1 s: the redis-cli steps' waits are counted in their time.
wait_for = functools.partial(common.wait_for, interval=0.1)


class Cluster:
    """8 nodes: 6 formed with 1 replica per master and holding KEYS keys, 2 empty."""

    def __init__(self, server):
        self.dir = tempfile.mkdtemp(prefix="rtrib-bench-")
        self.ports = [free_port() for _ in range(8)]
        self.procs = [start_server(BINARIES[server], port, os.path.join(self.dir, str(port)))
                      for port in self.ports]
        for port in self.ports:
            wait_for(f"{port} to answer", lambda: cli(port, "PING") == "PONG")
        run([RTRIB, "create", "--yes", "--replicas", "1", *self.addrs(6)])
        self.fill()

    def addrs(self, count):
        return [f"127.0.0.1:{p}" for p in self.ports[:count]]

    def seed(self):
        return f"127.0.0.1:{self.ports[0]}"

    def id(self, index):
        return cli(self.ports[index], "CLUSTER", "MYID")

    def fill(self):
        """KEYS SETs, pipelined to the master serving each key's slot; replicas then in sync."""
        owners = self.owners()
        value = b"x" * VALUE
        streams = {port: bytearray() for port in set(owners.values())}
        for i in range(KEYS):
            key = b"key:%d" % i
            streams[owners[key_slot(key)]] += (
                b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n"
                % (len(key), key, len(value), value))
        for port, data in streams.items():
            subprocess.run(["redis-cli", "-p", str(port), "--pipe"], input=bytes(data),
                           check=True, stdout=subprocess.DEVNULL)
        assert self.master_keys() == KEYS, self.master_keys()
        wait_for("the replicas to hold their masters' keys", self.replicas_synced, 300)

    def owners(self):
        return slot_owners(cli(self.ports[0], "CLUSTER", "NODES"))

    def master_keys(self):
        return sum(int(cli(p, "DBSIZE")) for p in self.ports if cli(p, "ROLE").startswith("master"))

    def replicas_synced(self):
        for port in self.ports:
            role = cli(port, "ROLE").split()
            if role and role[0] == "slave" and cli(port, "DBSIZE") != cli(int(role[2]), "DBSIZE"):
                return False
        return True

    def views_agree(self, members):
        signatures = set()
        for port in members:
            lines = sorted(" ".join([f[0], f[2].replace("myself,", ""), f[3], *f[8:]])
                           for f in (l.split() for l in cli(port, "CLUSTER", "NODES").splitlines()))
            if any("handshake" in l or "fail" in l for l in lines):
                return False
            signatures.add("\n".join(lines))
        return len(signatures) == 1

    def check_out(self):
        """After the scale-out: every key on a master, and the new master holds its share."""
        assert settled(lambda: self.master_keys() == KEYS), self.master_keys()
        assert int(cli(self.ports[6], "DBSIZE")) > KEYS // 5, cli(self.ports[6], "DBSIZE")

    def check_in(self):
        """After the scale-in: every key on the 3 masters left, none on the drained one."""
        assert settled(lambda: self.master_keys() == KEYS), self.master_keys()
        assert settled(lambda: int(cli(self.ports[6], "DBSIZE")) == 0)

    def stop(self):
        for port in self.ports:
            cli(port, "SHUTDOWN", "NOSAVE")
        shutil.rmtree(self.dir, ignore_errors=True)


def timed(command):
    """Wall seconds and stdout of `command`; exits the script when it fails."""
    seconds, out = common.timed(command, check=True)
    return seconds, out.stdout


def rtrib_steps(cluster):
    seconds_out, out = timed([RTRIB, "reconcile", "--replicas", "1", "--yes", *cluster.addrs(8)])
    method = re.search(r"Moved \d+ slots and \d+ keys in [\d.]+s \(.*?(atomic|keys)?\)", out)
    cluster.check_out()
    seconds_in, _ = timed([RTRIB, "reconcile", "--replicas", "1", "--yes", *cluster.addrs(6)])
    cluster.check_in()
    return {"scale-out": seconds_out, "scale-in": seconds_in}, method and method.group(1)


def redis_cli_steps(cluster):
    seed = cluster.seed()
    new, replica = cluster.addrs(8)[6:]
    started = time.monotonic()
    run(["redis-cli", "--cluster", "add-node", new, seed])
    new_id = cluster.id(6)
    wait_for("the views to agree", lambda: cluster.views_agree(cluster.ports[:7]))
    run(["redis-cli", "--cluster", "add-node", replica, seed, "--cluster-slave",
         "--cluster-master-id", new_id])
    wait_for("the views to agree", lambda: cluster.views_agree(cluster.ports))
    run(["redis-cli", "--cluster", "rebalance", seed, "--cluster-use-empty-masters"])
    seconds_out = time.monotonic() - started
    cluster.check_out()
    wait_for("the views to agree", lambda: cluster.views_agree(cluster.ports))
    started = time.monotonic()
    run(["redis-cli", "--cluster", "rebalance", seed, "--cluster-weight", f"{new_id}=0"])
    wait_for("the views to agree", lambda: cluster.views_agree(cluster.ports))
    run(["redis-cli", "--cluster", "del-node", seed, cluster.id(7)])
    run(["redis-cli", "--cluster", "del-node", seed, new_id])
    seconds_in = time.monotonic() - started
    cluster.check_in()
    return {"scale-out": seconds_out, "scale-in": seconds_in}, None


def main():
    if not os.path.exists(RTRIB):
        sys.exit(f"build rtrib first: scripts/build-static.sh, or RTRIB=... ({RTRIB})")
    for name in (SERVER, CLI_SERVER):
        if name not in BINARIES:
            sys.exit(f"SERVER/CLI_SERVER={name} is none of {sorted(BINARIES)}")
    cli_on = f" (redis-cli on {CLI_SERVER})" if CLI_SERVER != SERVER else ""
    print(f"{SERVER}{cli_on}, {KEYS} keys of {VALUE} B, 6 -> 8 -> 6 nodes (3 -> 4 -> 3 masters, "
          f"1 replica each), {ROUNDS} round(s)", flush=True)
    totals, methods = {}, set()
    try:
        for round_ in range(ROUNDS):
            order = TOOLS if round_ % 2 == 0 else TOOLS[::-1]
            for tool in order:
                cluster = Cluster(SERVER if tool == "rtrib" else CLI_SERVER)
                try:
                    steps = rtrib_steps if tool == "rtrib" else redis_cli_steps
                    results, method = steps(cluster)
                    methods.add(method)
                    for step, seconds in results.items():
                        totals.setdefault((tool, step), []).append(seconds)
                        print(f"round {round_ + 1} {tool:9} {step:9}: {seconds:6.2f}s  "
                              f"(load {os.getloadavg()[0]:.1f})", flush=True)
                finally:
                    cluster.stop()
        for step in STEPS:
            medians = {tool: statistics.median(totals[(tool, step)]) for tool in TOOLS
                       if (tool, step) in totals}
            line = ", ".join(f"{tool} median {s:.2f}s" for tool, s in medians.items())
            if len(medians) == 2:
                line += f", ratio {medians['redis-cli'] / medians['rtrib']:.1f}x"
            print(f"{SERVER} {step:9}: {line}", flush=True)
        rtrib_methods = sorted(m for m in methods if m)
        if rtrib_methods:
            print(f"{SERVER} rtrib moved slots with: {', '.join(rtrib_methods)}")
    finally:
        cleanup()


if __name__ == "__main__":
    main()
