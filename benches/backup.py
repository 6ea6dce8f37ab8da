#!/usr/bin/env python3
"""Benchmark (not a test): `rtrib backup` against `redis-cli --cluster backup`, same run.

1. A cluster of 3 masters (Redis 7.0, the redis-server on the PATH, whose redis-cli is the
   peer), formed by `rtrib create`, filled with KEYS keys of VALUE bytes (DEBUG POPULATE on each
   master: neither tool looks at which slot a key is in).
2. RUNS rounds, the two tools alternating (which one goes first alternates too), each into a
   fresh directory, under /usr/bin/time -v: wall time, peak RSS, the files' total size. rtrib
   saves all shards at once and reads every file back whole before naming it; redis-cli
   saves one master after the other and checks nothing.
3. Medians; the machine's load average and core count before and after.

Environment: KEYS=1000000 VALUE=100 RUNS=3 RTRIB=target/release/rtrib
             REDIS_SERVER=redis-server REDIS_CLI=redis-cli DISKLESS=no (yes: repl-diskless-sync)
Every process started here is killed on exit.
"""
import os, shutil, statistics, subprocess, sys, tempfile, time

from common import RTRIB, TIME_V, cleanup, cli as redis_cli, free_port, \
    kill_children_on_signal, load, peak_rss_kib, start_server, timed as timed_process

KEYS = int(os.environ.get("KEYS", "1000000"))
VALUE = int(os.environ.get("VALUE", "100"))
RUNS = int(os.environ.get("RUNS", "3"))
REDIS_SERVER = os.environ.get("REDIS_SERVER", "redis-server")
REDIS_CLI = os.environ.get("REDIS_CLI", "redis-cli")
DISKLESS = os.environ.get("DISKLESS", "no")
kill_children_on_signal()


def cli(port, *args):
    return redis_cli(port, *args, binary=REDIS_CLI, timeout=None, check=True)


def start_cluster(root):
    ports = [free_port() for _ in range(3)]
    for port in ports:
        start_server(REDIS_SERVER, port, os.path.join(root, str(port)), "--enable-debug-command",
                     "yes", "--repl-diskless-sync", DISKLESS, "--repl-diskless-sync-delay", "0")
    for port in ports:
        while True:
            try:
                if cli(port, "PING") == "PONG":
                    break
            except subprocess.CalledProcessError:
                pass
            time.sleep(0.05)
    addrs = [f"127.0.0.1:{p}" for p in ports]
    subprocess.run([RTRIB, "create", "--yes", *addrs], check=True, stdout=subprocess.DEVNULL)
    for index, port in enumerate(ports):
        share = KEYS // 3 + (1 if index < KEYS % 3 else 0)
        cli(port, "DEBUG", "POPULATE", share, f"key{index}", VALUE)
    return ports


def timed(command):
    """Wall seconds and peak RSS (KiB) of `command`, run under /usr/bin/time -v."""
    wall, run = timed_process([*TIME_V, *command], stdout=subprocess.DEVNULL)
    if run.returncode != 0:
        sys.exit(f"{command} failed:\n{run.stderr}")
    return wall, peak_rss_kib(run.stderr)


def size_of(directory):
    return sum(os.path.getsize(os.path.join(directory, n)) for n in os.listdir(directory)
               if n.endswith(".rdb"))


def main():
    root = tempfile.mkdtemp(prefix="rtrib-bench-backup-")
    try:
        print(f"machine: {os.cpu_count()} cores, load average {load()} (1, 5, 15 min)")
        servers = os.path.join(root, "servers")
        os.mkdir(servers)
        ports = start_cluster(servers)
        seed = f"127.0.0.1:{ports[0]}"
        keys = sum(int(cli(p, "DBSIZE")) for p in ports)
        version = cli(ports[0], "INFO", "server").split("redis_version:")[1].split()[0]
        print(f"cluster: 3 masters, Redis {version}, {keys} keys of {VALUE} bytes, "
              f"repl-diskless-sync {DISKLESS}")
        tools = {
            "rtrib backup": lambda d: [RTRIB, "-q", "backup", seed, d],
            "redis-cli --cluster backup": lambda d: [REDIS_CLI, "--cluster", "backup", seed, d],
        }
        results = {name: [] for name in tools}
        for run in range(RUNS):
            order = list(tools) if run % 2 == 0 else list(reversed(tools))
            for name in order:
                directory = os.path.join(root, f"{name.split()[0]}-{run}")
                os.mkdir(directory)
                wall, rss = timed(tools[name](directory))
                results[name].append((wall, rss, size_of(directory)))
                print(f"  run {run + 1} {name}: {wall:.2f} s, peak RSS {rss / 1024:.1f} MiB, "
                      f"{size_of(directory) / 2**20:.1f} MiB of RDB")
                shutil.rmtree(directory)
        print(f"medians of {RUNS} runs:")
        for name, rows in results.items():
            wall = statistics.median(r[0] for r in rows)
            rss = statistics.median(r[1] for r in rows)
            size = statistics.median(r[2] for r in rows)
            print(f"  {name}: {wall:.2f} s, peak RSS {rss / 1024:.1f} MiB, "
                  f"{size / 2**20 / wall:.0f} MiB/s")
        print(f"machine after: load average {load()}")
    finally:
        cleanup()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
