#!/usr/bin/env python3
"""Benchmark (not a test): rtrib against redis-cli --cluster on clusters of hundreds of nodes.

For each size N (default 30, 90 and 150 nodes, --replicas 1), in the same run:

- create: N fresh servers per tool and run (redis-cli's on NET.2.i:6379, rtrib's on
  NET.1.i:6379, RTRIB_BEFORE's on NET.3.i:6379; one tool's servers at a time, each set stopped
  before the next starts; every server announcing its own IP with cluster-announce-ip, as
  pods do); times `redis-cli --cluster create --cluster-replicas 1 --cluster-yes` and
  `rtrib create --replicas 1 --yes`, and how long until every node reports cluster_state:ok
  and knows all N nodes (rtrib returns only once that holds). With --create-runs R, R runs
  per tool, the order of the tools rotating from run to run; the median is reported.
- check, info, reshard --slots 100: both tools on the cluster rtrib created, alternately,
  median of RUNS runs (reshard moves 100 slots between two masters, back and forth).

Wall time and peak RSS (/usr/bin/time -v) of every command; a table at the end with the load
average. Every server started here is killed on exit.

Usage: benches/nodes.py [--sizes 30,90,150] [--runs 3] [--create-runs 1]
                        [--node-timeout 15000] [--net 127.70]
                        [--commands create,check,info,reshard]
Environment: RTRIB=target/release/rtrib; RTRIB_BEFORE=path, another rtrib binary (e.g. the
build before a change) whose create is measured in the same run, as `rtrib-before`.
"""
import argparse, os, shutil, socket, statistics, subprocess, sys, tempfile, time

from common import (ROOT, RTRIB, TIME_V, children, cleanup, cli, kill_children_on_signal, load,
                    peak_rss_kib, timed)

kill_children_on_signal()
RTRIB_BEFORE = os.environ.get("RTRIB_BEFORE")


class NodeSet:
    """`size` fresh cluster-enabled servers on `net`.1..size:6379."""

    def __init__(self, net, size, node_timeout):
        self.dir = tempfile.mkdtemp(prefix="rtrib-bench-nodes-")
        self.ips = [f"{net}.{i}" for i in range(1, size + 1)]
        self.procs = []
        for ip in self.ips:
            d = os.path.join(self.dir, ip)
            os.mkdir(d)
            args = ["redis-server", "--bind", ip, "--port", "6379", "--cluster-enabled", "yes",
                    "--cluster-config-file", "nodes.conf", "--save", "", "--appendonly", "no",
                    "--dir", d, "--logfile", os.path.join(d, "log"), "--cluster-announce-ip", ip,
                    "--cluster-node-timeout", str(node_timeout), "--repl-diskless-sync-delay", "0"]
            proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            self.procs.append(proc)
            children.append(proc)
        for ip in self.ips:
            deadline = time.monotonic() + 60
            while cli(6379, "PING", host=ip, timeout=10) != "PONG":
                if time.monotonic() > deadline:
                    sys.exit(f"{ip}:6379 did not start")
                time.sleep(0.05)

    def addrs(self):
        return [f"{ip}:6379" for ip in self.ips]

    def usable(self):
        """Every node reports cluster_state:ok and knows every node (over a socket of our own:
        a redis-cli process per node would take seconds among 150)."""
        for ip in self.ips:
            info = cluster_info(ip)
            if "cluster_state:ok" not in info or \
                    f"cluster_known_nodes:{len(self.ips)}" not in info:
                return False
        return True

    def stop(self):
        for proc in self.procs:
            proc.kill()
        for proc in self.procs:
            proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


def cluster_info(ip):
    """The text of `CLUSTER INFO` at ip:6379 ("" when it does not answer within 10 s)."""
    try:
        with socket.create_connection((ip, 6379), timeout=10) as conn:
            conn.sendall(b"CLUSTER INFO\r\n")
            reply = b""
            while not reply.startswith(b"$") or reply.count(b"\r\n") < 2 or \
                    len(reply) < reply.index(b"\r\n") + 4 + int(reply[1:reply.index(b"\r\n")]):
                chunk = conn.recv(65536)
                if not chunk:
                    break
                reply += chunk
            return reply.decode(errors="replace")
    except OSError:
        return ""


def measure(command, check=True):
    """Wall seconds and peak RSS (MiB) of `command`, run under /usr/bin/time -v."""
    elapsed, out = timed([*TIME_V, *command])
    if check and out.returncode != 0:
        own = out.stderr.split("\tCommand being timed")[0]
        sys.exit(f"{' '.join(command[:4])}... failed ({out.returncode}) after {elapsed:.2f} s:\n"
                 f"{out.stdout[-1500:]}\n{own[:3000]}")
    rss = peak_rss_kib(out.stderr)
    return elapsed, (rss or 0) / 1024, out


def create_command(tool, nodes):
    if tool in ("rtrib", "rtrib-before"):
        binary = RTRIB if tool == "rtrib" else RTRIB_BEFORE
        return [binary, "create", "--replicas", "1", "--yes", "--wait-timeout", "300s",
                *nodes.addrs()]
    return ["redis-cli", "--cluster", "create", *nodes.addrs(), "--cluster-replicas", "1",
            "--cluster-yes"]


def bench_create(size, args):
    """Creates a cluster with each tool on its own fresh servers, one tool at a time, each
    set stopped before the next starts, args.create_runs times per tool (the order rotating);
    returns {tool: [(seconds, MiB, usable after)]} and the servers rtrib formed last (kept for
    the other commands)."""
    tools = [("redis-cli", f"{args.net}.2"), ("rtrib", f"{args.net}.1")]
    if RTRIB_BEFORE:
        tools.append(("rtrib-before", f"{args.net}.3"))
    results = {tool: [] for tool, _ in tools}
    kept = None
    for run in range(args.create_runs):
        shift = run % len(tools)
        order = tools[shift:] + tools[:shift]
        if run == args.create_runs - 1:  # rtrib's last cluster is kept: it goes last
            order = [t for t in order if t[0] != "rtrib"] + [t for t in order if t[0] == "rtrib"]
        for tool, net in order:
            nodes = NodeSet(net, size, args.node_timeout)
            time.sleep(2)  # as pods are when an init job runs: up for a moment
            started = time.monotonic()
            elapsed, rss, _ = measure(create_command(tool, nodes))
            usable = None
            while usable is None:
                if nodes.usable():
                    usable = time.monotonic() - started
                elif time.monotonic() - started > 600:
                    sys.exit(f"{tool}: the cluster is not usable after 600 s")
                else:
                    time.sleep(0.2)
            results[tool].append((elapsed, rss, usable))
            print(f"  {size} nodes, create, {tool}: {elapsed:.2f} s, {rss:.1f} MiB, usable "
                  f"after {usable:.2f} s (load {load()})", flush=True)
            if tool == "rtrib" and run == args.create_runs - 1:
                kept = nodes
            else:
                nodes.stop()
    return results, kept


def masters(nodes):
    """The IDs of two masters of the cluster."""
    lines = cli(6379, "CLUSTER", "NODES", host=nodes.ips[0], timeout=30).splitlines()
    ids = [line.split()[0] for line in lines if "master" in line.split()[2]]
    return ids[0], ids[1]


def bench_reads(size, nodes, args):
    """check, info and reshard with each tool, alternating, median of args.runs."""
    seed = nodes.addrs()[0]
    a, b = masters(nodes)
    commands = {
        "check": {"rtrib": [RTRIB, "check", seed],
                  "redis-cli": ["redis-cli", "--cluster", "check", seed]},
        "info": {"rtrib": [RTRIB, "info", seed],
                 "redis-cli": ["redis-cli", "--cluster", "info", seed]},
    }
    results = {}
    for name in [c for c in ("check", "info", "reshard") if c in args.commands]:
        for tool in ("rtrib", "redis-cli"):
            results[(name, tool)] = []
        for run in range(args.runs):
            for tool in (["rtrib", "redis-cli"] if run % 2 == 0 else ["redis-cli", "rtrib"]):
                if name == "reshard":
                    # Each tool moves 100 slots one way, then the other tool moves them back.
                    src, dst = (a, b) if tool == "rtrib" else (b, a)
                    command = ([RTRIB, "reshard", seed, "--from", src, "--to", dst, "--slots",
                                "100", "--yes"] if tool == "rtrib" else
                               ["redis-cli", "--cluster", "reshard", seed, "--cluster-from", src,
                                "--cluster-to", dst, "--cluster-slots", "100", "--cluster-yes"])
                else:
                    command = commands[name][tool]
                elapsed, rss, _ = measure(command, check=(name == "reshard" or tool == "rtrib"))
                results[(name, tool)].append((elapsed, rss))
        for tool in ("rtrib", "redis-cli"):
            t = statistics.median(e for e, _ in results[(name, tool)])
            r = max(m for _, m in results[(name, tool)])
            print(f"  {size} nodes, {name}, {tool}: {t:.2f} s, {r:.1f} MiB (load {load()})",
                  flush=True)
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="30,90,150")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--create-runs", type=int, default=1)
    parser.add_argument("--node-timeout", type=int, default=15000)
    parser.add_argument("--net", default="127.70")
    parser.add_argument("--commands", default="create,check,info,reshard")
    args = parser.parse_args()
    args.commands = args.commands.split(",")
    for tool in ("redis-server", "redis-cli", "/usr/bin/time"):
        if not shutil.which(tool):
            sys.exit(f"{tool} is not installed")
    if not os.access(RTRIB, os.X_OK):
        subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    rows = []
    for size in (int(s) for s in args.sizes.split(",")):
        if not 6 <= size <= 254:
            sys.exit("sizes must be in 6..=254")
        print(f"== {size} nodes (load {load()})", flush=True)
        created, nodes = bench_create(size, args)
        median = {tool: [statistics.median(r[k] for r in runs) for k in range(2)] +
                  [max(r[1] for r in runs), statistics.median(r[2] for r in runs)]
                  for tool, runs in created.items()}
        rt, rc = median["rtrib"], median["redis-cli"]
        note = (f"median of {args.create_runs}; usable after: rtrib {rt[3]:.2f} s, "
                f"redis-cli {rc[3]:.2f} s")
        if "rtrib-before" in median:
            rb = median["rtrib-before"]
            note += f"; rtrib-before {rb[0]:.2f} s, {rb[2]:.1f} MiB"
        rows.append((size, "create", rt[0], rt[2], rc[0], rc[2], note))
        reads = bench_reads(size, nodes, args)
        for name in ("check", "info", "reshard"):
            if (name, "rtrib") not in reads:
                continue
            rt, rc = reads[(name, "rtrib")], reads[(name, "redis-cli")]
            rows.append((size, name, statistics.median(e for e, _ in rt), max(m for _, m in rt),
                         statistics.median(e for e, _ in rc), max(m for _, m in rc),
                         f"median of {len(rt)}"))
        nodes.stop()
        rows[-1] = (*rows[-1][:6], rows[-1][6] + f"; load {load()}")
    print(f"\n| nodes | command | rtrib s | rtrib MiB | redis-cli s | redis-cli MiB | "
          f"redis-cli/rtrib time | note |")
    print("|---|---|---|---|---|---|---|---|")
    for size, name, rt, rm, ct, cm, note in rows:
        print(f"| {size} | {name} | {rt:.2f} | {rm:.1f} | {ct:.2f} | {cm:.1f} | {ct / rt:.2f}x | "
              f"{note} |")
    print(f"\nload average at the end: {load()}")


if __name__ == "__main__":
    try:
        main()
    finally:
        cleanup()
