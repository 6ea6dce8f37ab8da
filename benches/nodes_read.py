#!/usr/bin/env python3
"""Benchmark (not a test): what reading a large cluster costs, `rtrib check` and `rtrib info`
against `redis-cli --cluster check` and `redis-cli --cluster info`, side by side in one run.

Starts NODES redis-servers (default 150) on distinct loopback IPs NET.x.y:PORT (default
127.60.0.1 ... :6390; each announces its own IP with cluster-announce-ip), with
cluster-node-timeout TIMEOUT_MS (default 15000: gossip stays calm enough for 150 nodes on two
cores), makes a cluster of them with `redis-cli --cluster create --cluster-replicas 1`, waits
until every node has met every other, then runs each command ROUNDS times (default 5), the
tools alternating, under /usr/bin/time -v: wall time (median) and peak RSS (largest) per
tool and command, and the load average before and after.

Environment:
  NODES=150 ROUNDS=5 NET=127.60 PORT=6390 TIMEOUT_MS=15000
  RTRIB=target/release/rtrib      the rtrib binary measured
  RTRIB_BEFORE=path               another rtrib binary measured in the same run (e.g. the
                                  build before a change), reported as `rtrib-before`
  KEEP_UP=1                       leave the cluster running (prints the seed) and wait for
                                  Ctrl-C before cleaning up
Every process started here is killed on exit; the node directories are removed.
"""
import os, shutil, statistics, subprocess, sys, tempfile, time

from common import RTRIB, TIME_V, children, cleanup, cli, kill_children_on_signal, load, \
    peak_rss_kib, timed, wait_for

NODES = int(os.environ.get("NODES", "150"))
ROUNDS = int(os.environ.get("ROUNDS", "5"))
NET = os.environ.get("NET", "127.60")
PORT = int(os.environ.get("PORT", "6390"))
TIMEOUT_MS = os.environ.get("TIMEOUT_MS", "15000")
RTRIB_BEFORE = os.environ.get("RTRIB_BEFORE")
kill_children_on_signal()


def ips():
    return [f"{NET}.{i // 250}.{i % 250 + 1}" for i in range(NODES)]


def start(directory):
    for ip in ips():
        d = os.path.join(directory, ip)
        os.mkdir(d)
        args = ["redis-server", "--bind", ip, "--port", str(PORT), "--cluster-enabled", "yes",
                "--cluster-config-file", "nodes.conf", "--cluster-node-timeout", TIMEOUT_MS,
                "--cluster-announce-ip", ip, "--save", "", "--appendonly", "no",
                "--dir", d, "--logfile", os.path.join(d, "log")]
        children.append(subprocess.Popen(args, stdout=subprocess.DEVNULL,
                                         stderr=subprocess.DEVNULL))
    for ip in ips():
        wait_for(f"{ip}:{PORT}", lambda: cli(PORT, "PING", host=ip, timeout=5) == "PONG", 30, 0.05)


def everyone_met():
    """Every node lists every node, none in handshake, and says cluster_state:ok."""
    for ip in ips():
        if "cluster_state:ok" not in cli(PORT, "CLUSTER", "INFO", host=ip, timeout=10):
            return False
        lines = cli(PORT, "CLUSTER", "NODES", host=ip, timeout=10).splitlines()
        if len(lines) != NODES or any("handshake" in line for line in lines):
            return False
    return True


def measure(command):
    """(wall seconds, peak RSS KiB, exit code) of one run under /usr/bin/time -v."""
    elapsed, out = timed([*TIME_V, *command], stdout=subprocess.DEVNULL)
    return elapsed, peak_rss_kib(out.stderr), out.returncode


def main():
    for tool in ("redis-server", "redis-cli"):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is not installed")
    if not os.access(RTRIB, os.X_OK):
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=os.path.dirname(RTRIB),
                       check=True)
    directory = tempfile.mkdtemp(prefix="rtrib-nodes-read-")
    try:
        print(f"== {NODES} nodes on {NET}.x.y:{PORT}, node timeout {TIMEOUT_MS} ms; "
              f"load {load()}", flush=True)
        started = time.monotonic()
        start(directory)
        seed = f"{ips()[0]}:{PORT}"
        subprocess.run(["redis-cli", "--cluster", "create", *[f"{ip}:{PORT}" for ip in ips()],
                        "--cluster-replicas", "1", "--cluster-yes"], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for("every node to meet every other", everyone_met, 600, 1)
        print(f"   cluster up after {time.monotonic() - started:.0f} s; load {load()}",
              flush=True)
        if os.environ.get("KEEP_UP") == "1":
            print(f"   seed {seed}; Ctrl-C to stop", flush=True)
            while True:
                time.sleep(3600)
        tools = {"redis-cli": ["redis-cli", "--cluster"], "rtrib": [RTRIB]}
        if RTRIB_BEFORE:
            tools["rtrib-before"] = [RTRIB_BEFORE]
        results = {}
        for round_ in range(ROUNDS):
            names = list(tools)
            names = names[round_ % len(names):] + names[:round_ % len(names)]
            for command in ("check", "info"):
                for name in names:
                    wall, rss, code = measure([*tools[name], command, seed])
                    results.setdefault((command, name), []).append((wall, rss, code))
        print(f"   measured {ROUNDS} rounds; load {load()}\n")
        print(f"{'command':<8} {'tool':<13} {'median s':>9} {'min s':>7} {'peak RSS MB':>12} "
              f"{'exit':>5}")
        for (command, name), runs in sorted(results.items()):
            walls = [w for w, _, _ in runs]
            rss = max(r or 0 for _, r, _ in runs) / 1024
            codes = sorted({c for _, _, c in runs})
            print(f"{command:<8} {name:<13} {statistics.median(walls):>9.3f} {min(walls):>7.3f} "
                  f"{rss:>12.1f} {','.join(map(str, codes)):>5}")
    finally:
        cleanup()
        shutil.rmtree(directory, ignore_errors=True)


main()
