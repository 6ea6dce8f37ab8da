#!/usr/bin/env python3
"""Loop (not a test): looks for keys lost by `rtrib reshard --migration keys` moving slots there
and back on 3 masters without replicas (the loss once seen by benches/reshard_floor.py).

Loads KEYS keys, then repeatedly moves SLOTS slots from A to B and back, summing DBSIZE over the
masters after each rtrib run. At the first loss it stops and keeps everything under OUT: rtrib's
output of every run, each node's CLUSTER NODES / CLUSTER INFO, the servers' verbose logs, the
missing keys and their slots.

Environment: SERVER=redis-7.0 KEYS=300000 SLOTS=2000 RUNS=20 PARALLEL="32,default"
             NET=127.170.0 (the nodes' loopback /24) OUT=/tmp/keyloss (kept) LOAD=0 (busy loops)
             BUS_DELAY_MS=0 (gossip delay, see below) KEEP= (set: keep the run directory even without a loss)
"""
import os, shutil, subprocess, sys, time

from common import BINARIES, RTRIB, children, cli, key_slot, kill_children_on_signal, \
    slot_owners, start_server, wait_for

SERVER = os.environ.get("SERVER", "redis-7.0")
KEYS = int(os.environ.get("KEYS", "300000"))
SLOTS = int(os.environ.get("SLOTS", "2000"))
RUNS = int(os.environ.get("RUNS", "20"))
PARALLEL = os.environ.get("PARALLEL", "32,default").split(",")
NET = os.environ.get("NET", "127.170.0")
OUT = os.environ.get("OUT", "/tmp/keyloss")
LOAD = int(os.environ.get("LOAD", "0"))
# > 0: the nodes listen on NET.1x and announce NET.x, where delayproxy.py forwards their client
# ports at once and their cluster bus ports BUS_DELAY_MS late (gossip slower than commands).
BUS_DELAY_MS = float(os.environ.get("BUS_DELAY_MS", "0"))
DELAYPROXY = os.environ.get("DELAYPROXY", "/work/shared/tools/delayproxy.py")
kill_children_on_signal()


def main():
    run_dir = os.path.join(OUT, f"{SERVER}-{int(time.time())}")
    os.makedirs(run_dir)
    hosts = [f"{NET}.{i + 1}" for i in range(3)]
    port = 7000
    real = {h: f"{NET}.{11 + i}" if BUS_DELAY_MS else h for i, h in enumerate(hosts)}
    for host in hosts:
        start_server(BINARIES[SERVER], port, os.path.join(run_dir, host), "--bind", real[host],
                     "--cluster-announce-ip", host, "--loglevel", "verbose")
    if BUS_DELAY_MS:
        for delay, offset in ((0, 0), (BUS_DELAY_MS, 10000)):
            children.append(subprocess.Popen(
                [sys.executable, DELAYPROXY, str(delay)] + [
                    f"{h}:{port + offset}={real[h]}:{port + offset}" for h in hosts],
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
    nodes = [(h, port) for h in hosts]
    for h, p in nodes:
        wait_for(f"{h}:{p}", lambda: cli(p, "PING", host=h) == "PONG")
    subprocess.run([RTRIB, "create", "--yes", *(f"{h}:{p}" for h, p in nodes)], check=True,
                   stdout=subprocess.DEVNULL)
    owners = slot_owners(cli(port, "CLUSTER", "NODES", host=hosts[0]))  # {slot: port}: same port
    host_of_slot = {}
    for line in cli(port, "CLUSTER", "NODES", host=hosts[0]).splitlines():
        f = line.split()
        h = f[1].split(":")[0]
        for tok in f[8:]:
            if tok.startswith("["):
                continue
            s, _, e = tok.partition("-")
            for slot in range(int(s), int(e or s) + 1):
                host_of_slot[slot] = h
    ids = {h: cli(port, "CLUSTER", "MYID", host=h) for h in hosts}
    a, b = host_of_slot[0], host_of_slot[16383]
    streams = {}
    value = b"x" * 100
    for i in range(KEYS):
        key = b"key:%d" % i
        streams.setdefault(host_of_slot[key_slot(key)], bytearray()).extend(
            b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$100\r\n%s\r\n" % (len(key), key, value))
    for h, data in streams.items():
        subprocess.run(["redis-cli", "-h", h, "-p", str(port), "--pipe"], input=bytes(data),
                       check=True, stdout=subprocess.DEVNULL)
    loaders = [subprocess.Popen(["yes"], stdout=subprocess.DEVNULL) for _ in range(LOAD)]
    children.extend(loaders)
    total = lambda: sum(int(cli(port, "DBSIZE", host=h)) for h in hosts)
    print(f"{total()} keys; A={a} B={b}", flush=True)

    def epochs():
        """Each node's own config epoch and its view of the others' (`my/viewed...`)."""
        parts = []
        for h in hosts:
            lines = [l.split() for l in cli(port, "CLUSTER", "NODES", host=h).splitlines()]
            own = [l[6] for l in lines if "myself" in l[2]]
            parts.append(f"{h}:{own[0] if own else '?'}/" + ",".join(
                l[6] for l in sorted(lines, key=lambda l: l[1]) if "myself" not in l[2]))
        return " ".join(parts)
    env = {**os.environ, "RTRIB_LOG": "rtrib=debug", "XDG_STATE_HOME": run_dir}
    sampler = subprocess.Popen(
        ["sh", "-c", "while :; do for h in " + " ".join(hosts) + "; do "
         f"echo \"@$(date +%T.%N) $h\"; redis-cli -h $h -p {port} CLUSTER NODES; done; "
         "sleep 0.02; done"], stdout=open(os.path.join(run_dir, "samples"), "w"))
    children.append(sampler)
    for n in range(RUNS):
        parallel = PARALLEL[n % len(PARALLEL)]
        for step, (src, dst) in enumerate([(a, b), (b, a)]):
            extra = [] if parallel == "default" else ["--parallel", parallel]
            log = os.path.join(run_dir, f"run{n:03d}-{step}-{parallel}.log")
            started = time.monotonic()
            with open(log, "w") as out:
                rc = subprocess.run([RTRIB, "reshard", f"{src}:{port}", "--from", ids[src],
                                     "--to", ids[dst], "--slots", str(SLOTS), "--yes",
                                     "--migration", "keys", *extra], stdout=out, stderr=out,
                                    env=env).returncode
            seen = total()
            print(f"run {n} step {step} parallel {parallel}: rc {rc}, "
                  f"{time.monotonic() - started:.1f} s, {seen} keys, "
                  f"load {os.getloadavg()[0]:.1f}; epochs {epochs()}", flush=True)
            if seen != KEYS or rc != 0:
                keep(run_dir, hosts, port, seen)
                return 1
    print("no loss", flush=True)
    if not os.environ.get("KEEP"):
        shutil.rmtree(run_dir)
    return 0


def keep(run_dir, hosts, port, seen):
    for h in hosts:
        with open(os.path.join(run_dir, f"{h}.state"), "w") as out:
            for cmd in (["CLUSTER", "NODES"], ["CLUSTER", "INFO"], ["DBSIZE"], ["INFO", "stats"]):
                out.write(f"## {' '.join(cmd)}\n{cli(port, *cmd, host=h)}\n")
    present = set()
    for h in hosts:
        keys = subprocess.run(["redis-cli", "-h", h, "-p", str(port), "--scan"],
                              capture_output=True, text=True).stdout.split()
        present.update(keys)
    missing = [f"key:{i}" for i in range(KEYS) if f"key:{i}" not in present]
    slots = {}
    for k in missing:
        slots.setdefault(key_slot(k.encode()), []).append(k)
    with open(os.path.join(run_dir, "missing"), "w") as out:
        for slot, keys in sorted(slots.items()):
            out.write(f"slot {slot}: {len(keys)} keys: {' '.join(keys[:5])}\n")
    print(f"LOSS: {KEYS - seen} keys missing in slots {sorted(slots)[:20]}; kept {run_dir}",
          flush=True)


if __name__ == "__main__":
    try:
        sys.exit(main())
    finally:
        for proc in children:
            proc.kill()
