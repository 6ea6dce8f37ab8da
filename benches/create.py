#!/usr/bin/env python3
"""Benchmark (not a test): `rtrib create` against `redis-cli --cluster create`.

Each round starts two identical sets of 6 fresh cluster-enabled nodes (3 masters + 3
replicas), waits until they have been up SETTLE seconds (as pods are when an init job runs),
then times `rtrib create --replicas 1 --yes` on one set and
`redis-cli --cluster create --cluster-replicas 1 --cluster-yes` on the other; the two tools
alternate which goes first. For redis-cli it also records when every node reports
cluster_state:ok and agrees about every replica's master (rtrib only returns once that holds).

Two settings, one after the other:
  bare     nodes on 127.0.6{0,1}.i:6379
  delayed  nodes on 127.0.6{2,3}.i:6379 announcing 127.0.6{4,5}.i, where delayproxy.py forwards
           client and bus ports with DELAY_MS one-way delay (~1 ms RTT by default)

Environment: ROUNDS=8 SETTLE=3 DELAY_MS=0.5 RTRIB=target/release/rtrib
             DELAYPROXY=../shared/tools/delayproxy.py  SETTINGS="bare delayed"
Prints medians and ratios; every process started here is killed on exit.
"""
import os, shutil, socket, statistics, subprocess, sys, tempfile, time

from common import ROOT, RTRIB, children, cleanup, cli, kill_children_on_signal

ROUNDS = int(os.environ.get("ROUNDS", "8"))
SETTLE = float(os.environ.get("SETTLE", "3"))
DELAY_MS = os.environ.get("DELAY_MS", "0.5")
DELAYPROXY = os.environ.get("DELAYPROXY", os.path.join(ROOT, "../shared/tools/delayproxy.py"))
SETTINGS = os.environ.get("SETTINGS", "bare delayed").split()
NODES = 6
kill_children_on_signal()


def redis(ip, port, *args):
    return cli(port, *args, host=ip, timeout=10)


def free(ip, port):
    with socket.socket() as s:
        try:
            s.bind((ip, port))
            return True
        except OSError:
            return False


class NodeSet:
    """NODES fresh redis-servers on `net`.1..6:6379, announcing `announce` (a proxied net) if set."""

    def __init__(self, net, announce=None):
        self.dir = tempfile.mkdtemp(prefix="rtrib-bench-")
        self.real = [f"{net}.{i}" for i in range(1, NODES + 1)]
        self.seen = [f"{announce}.{i}" for i in range(1, NODES + 1)] if announce else self.real
        self.procs = []
        for ip, seen in zip(self.real, self.seen):
            d = os.path.join(self.dir, ip)
            os.mkdir(d)
            args = ["redis-server", "--bind", ip, "--port", "6379", "--cluster-enabled", "yes",
                    "--cluster-config-file", "nodes.conf", "--save", "", "--appendonly", "no",
                    "--dir", d, "--logfile", os.path.join(d, "log"),
                    "--cluster-announce-ip", seen, "--repl-diskless-sync-delay", "0"]
            proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            self.procs.append(proc)
            children.append(proc)
        self.started = time.monotonic()
        for ip in self.real:
            deadline = time.monotonic() + 10
            while redis(ip, 6379, "PING") != "PONG":
                if time.monotonic() > deadline:
                    raise SystemExit(f"{ip}:6379 did not start")
                time.sleep(0.02)

    def addrs(self):
        return [f"{ip}:6379" for ip in self.seen]

    def settle(self):
        wait = SETTLE - (time.monotonic() - self.started)
        if wait > 0:
            time.sleep(wait)

    def usable(self):
        """Every node: cluster_state ok, 6 known nodes, 3 replicas with a master, same view."""
        views = set()
        for ip in self.real:
            info = redis(ip, 6379, "CLUSTER", "INFO")
            if "cluster_state:ok" not in info:
                return False
            lines = [l.split() for l in redis(ip, 6379, "CLUSTER", "NODES").splitlines()]
            if len(lines) != NODES or any("handshake" in l[2] for l in lines):
                return False
            roles = frozenset((l[0], l[3]) for l in lines)
            if sum(1 for l in lines if l[3] != "-") != NODES // 2:
                return False
            views.add(roles)
        return len(views) == 1

    def stop(self):
        for proc in self.procs:
            proc.kill()
            proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


def timed(command, nodes):
    start = time.monotonic()
    out = subprocess.run(command, capture_output=True, text=True, timeout=120)
    returned = time.monotonic() - start
    if out.returncode != 0:
        raise SystemExit(f"{command[0]} failed ({out.returncode}):\n{out.stdout}\n{out.stderr}")
    usable_now = nodes.usable()
    while not nodes.usable():
        if time.monotonic() - start > 60:
            raise SystemExit(f"{command[0]}: cluster not usable after 60 s")
        time.sleep(0.02)
    return returned, time.monotonic() - start, usable_now


def run_setting(name):
    proxies = None
    if name == "bare":
        nets = [("127.0.60", None), ("127.0.61", None)]
    else:
        nets = [("127.0.62", "127.0.64"), ("127.0.63", "127.0.65")]
        maps = []
        for real, seen in nets:
            for i in range(1, NODES + 1):
                for port in (6379, 16379):
                    maps.append(f"{seen}.{i}:{port}={real}.{i}:{port}")
        proxies = subprocess.Popen([sys.executable, DELAYPROXY, DELAY_MS, *maps],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        children.append(proxies)
        time.sleep(0.5)
    for real, seen in nets:
        for ip in [f"{n}.{i}" for n in (real, seen) if n for i in range(1, NODES + 1)]:
            if seen is None or ip.startswith(real):
                if not free(ip, 6379):
                    raise SystemExit(f"{ip}:6379 is taken")
    results = {"rtrib": [], "redis-cli": []}
    never_usable_on_return = 0
    for round_ in range(ROUNDS):
        sets = [NodeSet(*nets[0]), NodeSet(*nets[1])]
        for s in sets:
            s.settle()
        order = ["rtrib", "redis-cli"] if round_ % 2 == 0 else ["redis-cli", "rtrib"]
        for tool, nodes in zip(order, sets):
            if tool == "rtrib":
                command = [RTRIB, "create", "--replicas", "1", "--yes", *nodes.addrs()]
            else:
                command = ["redis-cli", "--cluster", "create", *nodes.addrs(),
                           "--cluster-replicas", "1", "--cluster-yes"]
            returned, usable, usable_on_return = timed(command, nodes)
            if tool == "rtrib" and not usable_on_return:
                raise SystemExit("rtrib returned before the cluster was usable")
            if tool == "redis-cli" and not usable_on_return:
                never_usable_on_return += 1
            results[tool].append((returned, usable))
        for s in sets:
            s.stop()
        print(f"  round {round_ + 1}/{ROUNDS}: " + ", ".join(
            f"{t} {results[t][-1][0] * 1000:.0f} ms" for t in ("rtrib", "redis-cli")), flush=True)
    if proxies:
        proxies.kill()
        proxies.wait()
    return results, never_usable_on_return


def main():
    for tool in ("redis-server", "redis-cli"):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is not installed")
    if not os.access(RTRIB, os.X_OK):
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    summary = []
    for setting in SETTINGS:
        print(f"== {setting}: {ROUNDS} rounds, fresh 6-node sets up {SETTLE:g} s", flush=True)
        results, late = run_setting(setting)
        rt = statistics.median(r for r, _ in results["rtrib"])
        rc = statistics.median(r for r, _ in results["redis-cli"])
        rc_usable = statistics.median(u for _, u in results["redis-cli"])
        summary.append(f"{setting:>8}: rtrib {rt * 1000:.0f} ms (usable on return), "
                       f"redis-cli {rc * 1000:.0f} ms (usable after {rc_usable * 1000:.0f} ms; "
                       f"not yet usable on return in {late}/{ROUNDS} runs); "
                       f"return time redis-cli / rtrib = {rc / rt:.2f}x, "
                       f"time to a usable cluster redis-cli / rtrib = {rc_usable / rt:.2f}x")
    print("\nmedians:")
    print("\n".join(summary))


try:
    main()
finally:
    cleanup()
