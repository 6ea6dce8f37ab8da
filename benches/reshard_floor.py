#!/usr/bin/env python3
"""Benchmark (not a test): `rtrib reshard` against the per-key engine's floor and redis-cli, in
one run, on one cluster.

The floor is shared/tools/perkey_floor.py: every slot-state change batched per phase, nothing
retried, no wait at the end. It moves SLOTS slots from master A to master B; `rtrib reshard
--from A --to B --slots SLOTS --yes` and `redis-cli --cluster reshard` move the same slots (the
first SLOTS of A: every tool takes a master's lowest slots). After each tool's move the slots are
moved back with rtrib and every node's view is waited for, so every tool starts from the
same cluster (same keys, same slots, gossip settled).

The floor stops once the last `SETSLOT NODE` is answered; rtrib goes on until every node's view
(replicas too) agrees, and reads and checks the cluster before and after. So the floor is also
shown with that same final wait: `floor+wait` is the floor followed by `rtrib wait --for
converged`-like polling done here (every node's CLUSTER NODES agrees on every slot's owner,
polled every 25 ms, nothing told), the like-for-like figure.

Shapes (SHAPE=small,large, both by default):
  small: 3 masters, no replica, 300k keys of 100 B, 2000 slots;
  large: 3 masters with 1 replica each, 1M keys of 100 B, 2000 slots.
Prints per round each tool's seconds, then per shape the medians, the ratios rtrib/floor and
rtrib/floor+wait, and the load average.

Environment: SERVER=redis-7.0 (redis-6.2, redis-8.2, ...: benches/common.py's BINARIES)
             ROUNDS=5 SHAPE=small,large SLOTS=2000 TOOLS=floor,rtrib,redis-cli
             RTRIB_ARGS="" (added to rtrib's command) RTRIB_BEFORE=path (another rtrib binary,
             measured too as `rtrib-before`) FLOOR=/work/shared/tools/perkey_floor.py
             BIND=127.0.0.1 (the loopback address the nodes listen on and announce, bare)
             DELAY_MS=0 (> 0: behind DELAYPROXY=/work/shared/tools/delayproxy.py, the nodes on
             a random 127.x.y.1 announcing 127.x.y.2, where the proxy forwards their client and
             bus ports with that one-way delay: round trips dominate, as between hosts)
Every process started here is killed on exit.
"""
import os, random, re, shutil, statistics, subprocess, sys, tempfile, time

import redis  # pip install redis: perkey_floor.py needs it too

from common import BINARIES, RTRIB, children, cleanup, cli as cli_on, free_port, key_slot, \
    kill_children_on_signal, load, run, slot_owners, start_server, wait_for

SERVER = os.environ.get("SERVER", "redis-7.0")
ROUNDS = int(os.environ.get("ROUNDS", "5"))
SHAPES = os.environ.get("SHAPE", "small,large").split(",")
SLOTS = int(os.environ.get("SLOTS", "2000"))
TOOLS = os.environ.get("TOOLS", "floor,rtrib,redis-cli").split(",")
RTRIB_ARGS = os.environ.get("RTRIB_ARGS", "").split()
DELAY_MS = float(os.environ.get("DELAY_MS", "0"))
DELAYPROXY = os.environ.get("DELAYPROXY", "/work/shared/tools/delayproxy.py")
# Bare: every node on 127.0.0.1. Delayed: the nodes listen on REAL and announce HOST, where
# delayproxy.py forwards their client and bus ports with DELAY_MS one-way delay, so that the
# tools and the cluster bus (and MIGRATE, node to node) only know the delayed addresses.
_NET = f"127.{random.randint(100, 199)}.{random.randint(0, 254)}"
BIND = os.environ.get("BIND", "127.0.0.1")
REAL, HOST = (f"{_NET}.1", f"{_NET}.2") if DELAY_MS else (BIND, BIND)
FLOOR = os.environ.get("FLOOR", "/work/shared/tools/perkey_floor.py")
# Another rtrib binary (say, main's before a change) measured side by side as `rtrib-before`.
RTRIB_BEFORE = os.environ.get("RTRIB_BEFORE")
if RTRIB_BEFORE and "rtrib-before" not in TOOLS:
    TOOLS.append("rtrib-before")
SHAPE_OF = {"small": (300_000, 0), "large": (1_000_000, 1)}  # keys, replicas per master
VALUE = 100
kill_children_on_signal()


def cli(port, *args, host=REAL):
    """redis-cli to a node (directly, not through the delay proxy, unless told)."""
    return cli_on(port, *args, host=host)


class Broken(Exception):
    """The cluster is not as a round needs it: the views disagree for good, keys were lost (the
    floor, which waits for nothing, was seen to leave a slot to the wrong owner on Redis 7.0,
    its keys deleted by the node that lost it), or moving the slots back failed."""


class Cluster:
    """3 masters with `replicas` replicas each, formed by rtrib, holding `keys` keys."""

    def __init__(self, keys, replicas):
        self.dir = tempfile.mkdtemp(prefix="rtrib-bench-")
        self.ports = [free_port(REAL) for _ in range(3 * (1 + replicas))]
        self.clients = {}
        for port in self.ports:
            start_server(BINARIES[SERVER], port, os.path.join(self.dir, str(port)), "--bind",
                         REAL, "--cluster-announce-ip", HOST)
        if DELAY_MS:
            proxy = subprocess.Popen(
                [sys.executable, DELAYPROXY, str(DELAY_MS)] + [
                    f"{HOST}:{p + bus}={REAL}:{p + bus}" for p in self.ports
                    for bus in (0, 10000)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            children.append(proxy)
        for port in self.ports:
            wait_for(f"{port} to answer", lambda: cli(port, "PING", host=HOST) == "PONG")
        run([RTRIB, "create", "--yes", "--replicas", str(replicas),
             *(f"{HOST}:{p}" for p in self.ports)])
        owners = slot_owners(cli(self.ports[0], "CLUSTER", "NODES"))
        self.a, self.b = owners[0], owners[16383]
        self.ids = {p: cli(p, "CLUSTER", "MYID") for p in (self.a, self.b)}
        self.others = sorted(set(owners.values()) - {self.a, self.b})
        value = b"x" * VALUE
        streams = {}
        for i in range(keys):
            key = b"key:%d" % i
            streams.setdefault(owners[key_slot(key)], bytearray()).extend(
                b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n%s\r\n" % (len(key), key, VALUE, value))
        for port, data in streams.items():
            subprocess.run(["redis-cli", "-h", REAL, "-p", str(port), "--pipe"], input=bytes(data),
                           check=True, stdout=subprocess.DEVNULL)
        self.keys = keys
        wait_for("the replicas to hold their masters' keys", self.replicas_synced)
        self.wait_agreement()

    def replicas_synced(self):
        for port in self.ports:
            role = cli(port, "ROLE").split()
            if role[0] == "slave" and cli(port, "DBSIZE") != cli(int(role[2]), "DBSIZE"):
                return False
        return True

    def agree(self):
        """Whether every node's own view gives every slot the same owner, none open."""
        views = []
        for port in self.ports:
            if port not in self.clients:
                self.clients[port] = redis.Redis(REAL, port, decode_responses=True)
                self.clients[port].set_response_callback("CLUSTER NODES", lambda r, **_: r)
            nodes = self.clients[port].execute_command("CLUSTER NODES")
            if "->-" in nodes or "-<-" in nodes:
                return False
            views.append(slot_owners(nodes))
        return all(view == views[0] and len(view) == 16384 for view in views)

    def wait_agreement(self):
        """Seconds until every node's view agrees (polled every 25 ms); Broken after 20 s."""
        started = time.monotonic()
        while not self.agree():
            if time.monotonic() - started > 20:
                raise Broken("the nodes' views still disagree after 20 s")
            time.sleep(0.025)
        return time.monotonic() - started

    def b_keys(self):
        return int(cli(self.b, "DBSIZE"))

    def floor(self, src, dst):
        """Runs the floor from `src` to `dst`: its own total (ms), and the keys it moved."""
        others = [f"{HOST}:{p}" for p in self.others]
        out = subprocess.run([sys.executable, FLOOR, f"{HOST}:{src}", f"{HOST}:{dst}",
                              str(SLOTS), *others], capture_output=True, text=True)
        found = re.search(r"(\d+) keys: .* total (\d+) ms", out.stdout)
        if out.returncode != 0 or not found:
            raise Broken(f"the floor failed: {out.stderr.strip()[-300:]}")
        return int(found.group(2)) / 1000, int(found.group(1))

    def restore(self, state_dir):
        """Moves the slots back from B to A with rtrib (the floor is no tool for that: it left
        a slot to the wrong owner, its keys deleted, in a trial on Redis 7.0), and checks that
        A serves its first slots again and no key was lost."""
        out = subprocess.run([RTRIB, "reshard", f"{HOST}:{self.a}", "--from", self.ids[self.b],
                              "--to", self.ids[self.a], "--slots", str(SLOTS), "--yes"],
                             capture_output=True, text=True, env=rtrib_env(state_dir))
        if out.returncode != 0:
            raise Broken(f"moving the slots back failed: {out.stderr.strip()[-300:]}")
        self.wait_agreement()
        owners = slot_owners(cli(self.a, "CLUSTER", "NODES"))
        if not all(owners[slot] == self.a for slot in range(SLOTS)):
            raise Broken("the slots did not come back")
        total = sum(int(cli(p, "DBSIZE")) for p in [self.a, self.b, *self.others])
        if total != self.keys:
            raise Broken(f"{total} keys on the masters, not {self.keys}")
        time.sleep(1)

    def stop(self):
        for port in self.ports:
            cli(port, "SHUTDOWN", "NOSAVE")
        shutil.rmtree(self.dir, ignore_errors=True)


def rtrib_env(state_dir):
    """rtrib's environment: its reshard journals in `state_dir`."""
    return {**os.environ, "XDG_STATE_HOME": state_dir}


def measure(tool, cluster, state_dir):
    """{figure: seconds} of one tool's move of SLOTS slots from A to B."""
    before = cluster.b_keys()
    seed, a, b = f"{HOST}:{cluster.a}", cluster.ids[cluster.a], cluster.ids[cluster.b]
    if tool == "floor":
        total, _ = cluster.floor(cluster.a, cluster.b)
        figures = {"floor": total, "floor+wait": total + cluster.wait_agreement()}
    else:
        if tool.startswith("rtrib"):
            binary = RTRIB if tool == "rtrib" else RTRIB_BEFORE
            command = [binary, "reshard", seed, "--from", a, "--to", b, "--slots", str(SLOTS),
                       "--yes", *RTRIB_ARGS]
        else:
            command = ["redis-cli", "--cluster", "reshard", seed, "--cluster-from", a,
                       "--cluster-to", b, "--cluster-slots", str(SLOTS), "--cluster-yes"]
        started = time.monotonic()
        out = subprocess.run(command, capture_output=True, text=True, env=rtrib_env(state_dir))
        elapsed = time.monotonic() - started
        if out.returncode != 0:
            raise Broken(f"{tool} failed ({out.returncode}): {out.stderr.strip()[-300:]}")
        figures = {tool: elapsed}
        moving = re.search(r"Moved \d+ slots and \d+ keys in ([\d.]+)s", out.stdout)
        if moving:
            figures[f"{tool} moving"] = float(moving.group(1))
        if tool == "redis-cli":  # redis-cli does not wait for the views to agree
            figures["redis-cli+wait"] = elapsed + cluster.wait_agreement()
    moved = cluster.b_keys() - before
    if moved <= 0:
        raise Broken(f"{tool} moved no key")
    return figures, moved


def main():
    if not os.path.exists(RTRIB):
        sys.exit(f"build rtrib first: cargo build --release ({RTRIB})")
    state_dir = tempfile.mkdtemp(prefix="rtrib-bench-state-")
    summary = []
    try:
        for shape in SHAPES:
            keys, replicas = SHAPE_OF[shape]
            delay = f", {DELAY_MS} ms one-way delay" if DELAY_MS else ""
            print(f"{SERVER} {shape}{delay}: 3 masters with {replicas} replica(s) each, {keys} keys of "
                  f"{VALUE} B, {SLOTS} slots from one master to another, {ROUNDS} rounds",
                  flush=True)
            cluster = Cluster(keys, replicas)
            totals = {}
            try:
                for round_ in range(ROUNDS):
                    order = TOOLS if round_ % 2 == 0 else TOOLS[::-1]
                    for tool in order:
                        try:
                            figures, moved = measure(tool, cluster, state_dir)
                            cluster.restore(state_dir)
                        except Broken as broken:
                            print(f"round {round_ + 1} {tool:9}: left out, the cluster broke "
                                  f"({broken}): a new one is made", flush=True)
                            cluster.stop()
                            cluster = Cluster(keys, replicas)
                            continue
                        for name, seconds in figures.items():
                            totals.setdefault(name, []).append(seconds)
                        shown = ", ".join(f"{n} {s * 1000:.0f} ms" for n, s in figures.items())
                        print(f"round {round_ + 1} {tool:9}: {moved} keys, {shown}  "
                              f"(load {load()})", flush=True)
            finally:
                cluster.stop()
            medians = {name: statistics.median(v) for name, v in totals.items()}
            line = ", ".join(f"{n} {s * 1000:.0f} ms" for n, s in medians.items())
            ratios = ""
            if "rtrib" in medians and "floor" in medians:
                ratios = (f"; rtrib/floor {medians['rtrib'] / medians['floor']:.2f}x, "
                          f"rtrib/floor+wait {medians['rtrib'] / medians['floor+wait']:.2f}x")
            if "rtrib-before" in medians:
                ratios += f", rtrib-before/floor {medians['rtrib-before'] / medians['floor']:.2f}x"
            if "rtrib" in medians and "redis-cli" in medians:
                ratios += f", redis-cli/rtrib {medians['redis-cli'] / medians['rtrib']:.2f}x"
            summary.append(f"{SERVER} {shape}{delay} medians of {ROUNDS}: {line}{ratios} "
                           f"(load {load()})")
            print(summary[-1], flush=True)
        print("\n".join(summary))
    finally:
        shutil.rmtree(state_dir, ignore_errors=True)
        cleanup()


if __name__ == "__main__":
    main()
