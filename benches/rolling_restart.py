#!/usr/bin/env python3
"""Benchmark (not a test): the longest write outage a client sees during a rolling restart,
with and without `rtrib failover --from` before each stop, in the same run.

Each round starts two identical clusters of 6 redis-server nodes (3 masters, 1 replica each),
each node on its own loopback IP at one port, like pods (cluster-announce-ip, appendonly yes,
cluster-node-timeout NODE_TIMEOUT ms), formed by `rtrib create --replicas 1`. On each, a
client writes `SET w:<n> <n>` continuously, one key after the other, following MOVED and ASK
redirects by hand (raw RESP over sockets, no client library) and retrying a key until it is
acknowledged. Every node is then restarted, highest ordinal first: SIGTERM (a pod's stop), DOWN
seconds down, started again from its directory, then a wait until every node reports
cluster_state:ok, sees every other node without failure flags and every replica's link is up.
On one cluster `rtrib failover --from <node>` runs before each stop (the preStop hook); on the
other nothing does (what redis-cli --cluster offers: the cluster elects a replica after the
node timeout). The two alternate which goes first.

The outage is the longest time between two acknowledged writes. Every acknowledged write is
read back at the end (lost writes are counted). Prints per round and the medians and ratio.

Environment: ROUNDS=3 NODE_TIMEOUT=2000 DOWN=3 REDIS_SERVER=redis-server
             RTRIB=target/release/rtrib
Every process started here is killed on exit.
"""
import os, random, shutil, signal, socket, statistics, subprocess, tempfile, threading, time

from common import RTRIB, children, cleanup, key_slot, kill_children_on_signal

ROUNDS = int(os.environ.get("ROUNDS", "3"))
NODE_TIMEOUT = int(os.environ.get("NODE_TIMEOUT", "2000"))
DOWN = float(os.environ.get("DOWN", "3"))
SERVER = os.environ.get("REDIS_SERVER", "redis-server")
PORT = 6390
kill_children_on_signal()


def bindable(ip, port):
    for p in (port, port + 10000):
        with socket.socket() as s:
            try:
                s.bind((ip, p))
            except OSError:
                return False
    return True


def loopback_ips(count):
    while True:
        block = f"127.{random.randint(100, 250)}.{random.randint(0, 255)}"
        ips = [f"{block}.{i}" for i in range(1, count + 1)]
        if all(bindable(ip, PORT) for ip in ips):
            return ips


class Conn:
    """One RESP connection, with a buffered reader."""

    def __init__(self, addr, timeout=1):
        host, port = addr.rsplit(":", 1)
        self.sock = socket.create_connection((host, int(port)), timeout=timeout)
        self.reader = self.sock.makefile("rb")

    def close(self):
        self.reader.close()
        self.sock.close()


def command(conn, *args):
    """Sends one command and reads a simple, error, integer or bulk reply: (ok, text)."""
    payload = f"*{len(args)}\r\n" + "".join(f"${len(str(a))}\r\n{a}\r\n" for a in args)
    conn.sock.sendall(payload.encode())
    line = conn.reader.readline()
    if not line.endswith(b"\r\n"):
        raise ConnectionError("closed")
    text = line[1:-2].decode()
    if line[:1] == b"$":
        size = int(text)
        if size < 0:
            return True, None
        return True, conn.reader.read(size + 2)[:-2].decode()
    return line[:1] != b"-", text


class Node:
    def __init__(self, ip, base):
        self.ip, self.dir = ip, os.path.join(base, ip)
        os.makedirs(self.dir)
        self.proc = None

    @property
    def addr(self):
        return f"{self.ip}:{PORT}"

    def start(self):
        self.proc = subprocess.Popen(
            [SERVER, "--port", str(PORT), "--bind", self.ip, "--cluster-enabled", "yes",
             "--cluster-announce-ip", self.ip, "--cluster-node-timeout", str(NODE_TIMEOUT),
             "--cluster-config-file", "nodes.conf", "--appendonly", "yes", "--save", "",
             "--dir", self.dir, "--logfile", "redis.log", "--repl-diskless-sync-delay", "0"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        children.append(self.proc)
        deadline = time.time() + 20
        while time.time() < deadline:
            try:
                if self.ask("PING") == "PONG":
                    return
            except OSError:
                pass
            time.sleep(0.02)
        raise RuntimeError(f"{self.addr} did not start")

    def stop(self):
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait()

    def ask(self, *args):
        conn = Conn(self.addr, timeout=2)
        try:
            return command(conn, *args)[1]
        finally:
            conn.close()


def healthy(nodes):
    try:
        for node in nodes:
            if "cluster_state:ok" not in node.ask("CLUSTER", "INFO"):
                return False
            lines = node.ask("CLUSTER", "NODES").strip().splitlines()
            if len(lines) != len(nodes) or any("fail" in l.split()[2] for l in lines):
                return False
            info = node.ask("INFO", "replication")
            if "role:slave" in info and "master_link_status:up" not in info:
                return False
        return True
    except OSError:
        return False


def wait_healthy(nodes):
    deadline = time.time() + 60
    while not healthy(nodes):
        if time.time() > deadline:
            raise RuntimeError("the cluster did not become healthy")
        time.sleep(0.05)


class Writer(threading.Thread):
    """Writes continuously, following redirects; records acknowledged writes and gaps."""

    def __init__(self, seeds):
        super().__init__(daemon=True)
        self.seeds, self.stop = seeds, False
        self.acked, self.longest = [], 0.0

    def run(self):
        routes, conns, last, n, seed = {}, {}, time.monotonic(), 0, 0
        while not self.stop:
            key = f"w:{n}"
            slot = key_slot(key.encode())
            target, asking = routes.get(slot, self.seeds[0]), False
            while not self.stop:
                try:
                    if target not in conns:
                        conns[target] = Conn(target)
                    conn = conns[target]
                    if asking:
                        command(conn, "ASKING")
                    ok, text = command(conn, "SET", key, n)
                except (OSError, ValueError):
                    dropped = conns.pop(target, None)
                    if dropped:
                        dropped.close()
                    ok, text = False, "IOERR"
                if ok:
                    now = time.monotonic()
                    self.longest = max(self.longest, now - last)
                    last = now
                    self.acked.append(key)
                    routes[slot] = target
                    break
                word = text.split()
                if word[0] in ("MOVED", "ASK"):
                    target, asking = word[2], word[0] == "ASK"
                    if not asking:
                        routes[slot] = target
                else:
                    time.sleep(0.01)
                    seed = (seed + 1) % len(self.seeds)
                    target, asking = self.seeds[seed], False
            n += 1


def lost_writes(nodes, keys):
    """Reads every key back (following MOVED) and counts those missing or wrong."""
    conns, lost = {}, 0

    def get(target, key):
        if target not in conns:
            conns[target] = Conn(target, timeout=2)
        return command(conns[target], "GET", key)

    for key in keys:
        ok, text = get(nodes[0].addr, key)
        if not ok and text.startswith("MOVED"):
            ok, text = get(text.split()[2], key)
        lost += not ok or text != key.split(":")[1]
    for conn in conns.values():
        conn.close()
    return lost


def rolling_restart(handover):
    base = tempfile.mkdtemp(prefix="rtrib-bench-")
    nodes = [Node(ip, base) for ip in loopback_ips(6)]
    try:
        for node in nodes:
            node.start()
        subprocess.run([RTRIB, "create", "--replicas", "1", "--yes", *[n.addr for n in nodes]],
                       check=True, capture_output=True)
        wait_healthy(nodes)
        writer = Writer([n.addr for n in nodes])
        writer.start()
        time.sleep(1)
        for node in reversed(nodes):
            if handover:
                subprocess.run([RTRIB, "failover", "--from", node.addr], check=True,
                               capture_output=True)
            node.stop()
            time.sleep(DOWN)
            node.start()
            wait_healthy(nodes)
        time.sleep(1)
        writer.stop = True
        writer.join()
        return writer.longest, len(writer.acked), lost_writes(nodes, writer.acked)
    finally:
        for node in nodes:
            if node.proc and node.proc.poll() is None:
                node.proc.kill()
                node.proc.wait()
        shutil.rmtree(base, ignore_errors=True)


def main():
    results = {True: [], False: []}
    for round_ in range(ROUNDS):
        for handover in ((True, False) if round_ % 2 == 0 else (False, True)):
            longest, acked, lost = rolling_restart(handover)
            results[handover].append(longest)
            name = "with handover   " if handover else "without handover"
            print(f"round {round_ + 1} {name}: longest outage {longest * 1000:8.1f} ms, "
                  f"{acked} writes acknowledged, {lost} lost", flush=True)
    with_, without = statistics.median(results[True]), statistics.median(results[False])
    print(f"median longest outage: with handover {with_ * 1000:.1f} ms, without "
          f"{without * 1000:.1f} ms (node timeout {NODE_TIMEOUT} ms, each node down {DOWN} s): "
          f"{without / with_:.1f}x shorter with it")


if __name__ == "__main__":
    try:
        main()
    finally:
        cleanup()
