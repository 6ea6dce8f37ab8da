#!/usr/bin/env bash
# Benchmark (not a test): `rtrib check` against `redis-cli --cluster check` on a cluster of
# NODES nodes (default 30, i.e. 15 masters + 15 replicas), in two settings, one after the other:
#
#  1. delayed: every node really listens on 127.0.50.i:6379 (bus 16379) but announces
#     127.0.51.i (--cluster-announce-ip), where delayproxy.py forwards both the client and the
#     bus port with DELAY_MS one-way delay (default 0.5 ms, so ~1 ms RTT). Clients and the
#     cluster bus alike only know the proxied addresses, as between pods on different hosts.
#  2. bare: a second cluster, without proxy, on 127.0.52.i:6379. The first cluster cannot be
#     reused: its topology only holds the proxied addresses, so a check started at 127.0.50.1
#     would still talk to 127.0.51.x for every other node.
#
# The clusters are set up with `redis-cli --cluster create --cluster-replicas 1` (the baseline
# tool is fine for setup). Each setting runs hyperfine (--warmup 2 --runs 20) on both tools and
# exports JSON to OUT (default target/bench-check/); the script ends with medians and ratios.
#
# Environment:
#   NODES=30 DELAY_MS=0.5 RUNS=20 WARMUP=2   sizes
#   RTRIB=path          the rtrib binary (default: cargo build --release, target/release/rtrib)
#   BASELINE_ONLY=1     benchmark redis-cli only (no build; for when rtrib has no `check` yet)
#   REAL_NET=127.0.50 PROXY_NET=127.0.51 BARE_NET=127.0.52   the /24 prefixes used
#   DELAYPROXY=path     default ../shared/tools/delayproxy.py (relative to the repository)
#   KEEP=1              keep the node directories and logs
# Every process started here is killed by pid on exit; nothing else is touched.
set -euo pipefail

NODES=${NODES:-30}
DELAY_MS=${DELAY_MS:-0.5}
RUNS=${RUNS:-20}
WARMUP=${WARMUP:-2}
REAL_NET=${REAL_NET:-127.0.50}
PROXY_NET=${PROXY_NET:-127.0.51}
BARE_NET=${BARE_NET:-127.0.52}
BASELINE_ONLY=${BASELINE_ONLY:-0}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DELAYPROXY=${DELAYPROXY:-$ROOT/../shared/tools/delayproxy.py}
OUT=${OUT:-$ROOT/target/bench-check}

FAILED=0
die() { echo "check.sh: $*" >&2; FAILED=1; exit 1; }
log() { echo "== $*" >&2; }

((NODES >= 6 && NODES <= 254)) || die "NODES must be in 6..=254 (3 masters + 3 replicas at least)"
for tool in redis-server redis-cli hyperfine python3; do
    command -v "$tool" >/dev/null || die "$tool is not installed"
done
[[ -f $DELAYPROXY ]] || die "delay proxy not found at $DELAYPROXY"

if [[ $BASELINE_ONLY != 1 ]]; then
    if [[ -z ${RTRIB:-} ]]; then
        log "building rtrib (release)"
        (cd "$ROOT" && cargo build --release)
        RTRIB=$ROOT/target/release/rtrib
    fi
    [[ -x $RTRIB ]] || die "rtrib binary $RTRIB is not executable"
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/rtrib-bench-check.XXXXXX")
PIDS=()
FOREGROUND=

# Kills (by pid) and reaps every process this script started.
stop_all() {
    [[ -z $FOREGROUND ]] || kill -TERM "$FOREGROUND" 2>/dev/null || true
    if ((${#PIDS[@]})); then
        kill -KILL "${PIDS[@]}" 2>/dev/null || true
        wait "${PIDS[@]}" 2>/dev/null || true
    fi
    PIDS=()
}
cleanup() {
    local rc=$?
    stop_all
    if [[ ${KEEP:-0} == 1 || $FAILED == 1 ]]; then
        echo "node directories and logs kept in $WORK" >&2
    else
        rm -rf "$WORK"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Fails unless every ip:6379 and ip:16379 of the given /24 prefixes can be bound.
check_free() {
    python3 - "$NODES" "$@" <<'EOF' || die "addresses in use (another benchmark running?); set *_NET"
import socket, sys
n = int(sys.argv[1])
for net in sys.argv[2:]:
    for i in range(1, n + 1):
        for port in (6379, 16379):
            s = socket.socket()
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                s.bind((f"{net}.{i}", port))
            except OSError as e:
                sys.exit(f"{net}.{i}:{port}: {e}")
            finally:
                s.close()
EOF
}

# Runs a long command in the background and waits for it, so that a signal's trap runs at once
# (bash defers traps until a foreground child ends) and cleanup can stop the command too.
run_interruptible() {
    "$@" &
    FOREGROUND=$!
    local rc=0
    wait "$FOREGROUND" || rc=$?
    FOREGROUND=
    return "$rc"
}

# Polls a command (up to $1 seconds, every 50 ms) until it succeeds.
retry() {
    local seconds=$1; shift
    local deadline=$((SECONDS + seconds))
    until "$@" >/dev/null 2>&1; do
        ((SECONDS < deadline)) || return 1
        sleep 0.05
    done
}

# start_nodes NAME LISTEN_NET ANNOUNCE_NET: NODES cluster nodes on LISTEN_NET.i:6379.
start_nodes() {
    local name=$1 listen=$2 announce=$3 i dir
    for ((i = 1; i <= NODES; i++)); do
        dir=$WORK/$name/$i
        mkdir -p "$dir"
        redis-server --port 6379 --bind "$listen.$i" --cluster-announce-ip "$announce.$i" \
            --cluster-enabled yes --cluster-config-file nodes.conf --cluster-node-timeout 5000 \
            --save "" --appendonly no --daemonize no --dir "$dir" --logfile "$dir/redis.log" \
            >"$dir/stdout.log" 2>&1 &
        PIDS+=($!)
    done
    for ((i = 1; i <= NODES; i++)); do
        retry 10 redis-cli -h "$listen.$i" -p 6379 ping || die "node $listen.$i did not start (see $WORK/$name/$i)"
    done
}

# True when every node (asked at NET.i) reports cluster_state:ok and knows all NODES nodes.
cluster_ready() {
    local net=$1 i info
    for ((i = 1; i <= NODES; i++)); do
        info=$(redis-cli -h "$net.$i" -p 6379 cluster info) || return 1
        [[ $info == *cluster_state:ok* && $info == *"cluster_known_nodes:$NODES"* ]] || return 1
    done
}

# form NAME ANNOUNCE_NET LISTEN_NET: redis-cli --cluster create, then wait until it is stable.
form() {
    local name=$1 announce=$2 listen=$3 i addrs=()
    for ((i = 1; i <= NODES; i++)); do addrs+=("$announce.$i:6379"); done
    log "$name: redis-cli --cluster create (${NODES} nodes, 1 replica each)"
    run_interruptible redis-cli --cluster create "${addrs[@]}" --cluster-replicas 1 --cluster-yes \
        >"$WORK/$name/create.log" 2>&1 || die "cluster create failed: see $WORK/$name/create.log"
    retry 60 cluster_ready "$listen" || die "$name cluster never reached cluster_state:ok"
    retry 30 redis-cli --cluster check "$announce.1:6379" \
        || die "redis-cli --cluster check never passed on $name cluster"
}

# bench NAME ADDR: hyperfine both tools against ADDR, JSON to $OUT/NAME.json.
bench() {
    local name=$1 addr=$2 commands=()
    commands+=(-n redis-cli "redis-cli --cluster check $addr")
    [[ $BASELINE_ONLY == 1 ]] || commands+=(-n rtrib "$RTRIB check $addr")
    log "$name: hyperfine on $addr"
    run_interruptible hyperfine -N --warmup "$WARMUP" --runs "$RUNS" --export-json "$OUT/$name.json" "${commands[@]}"
}

mkdir -p "$OUT"
check_free "$REAL_NET" "$PROXY_NET" "$BARE_NET"

# 1. Delayed: nodes on REAL_NET announce PROXY_NET; the proxy is up before any MEET.
log "delayed: starting $NODES nodes on $REAL_NET.x behind delayproxy ($DELAY_MS ms one-way) at $PROXY_NET.x"
start_nodes delayed "$REAL_NET" "$PROXY_NET"
mappings=()
for ((i = 1; i <= NODES; i++)); do
    mappings+=("$PROXY_NET.$i:6379=$REAL_NET.$i:6379" "$PROXY_NET.$i:16379=$REAL_NET.$i:16379")
done
python3 "$DELAYPROXY" "$DELAY_MS" "${mappings[@]}" >"$WORK/delayed/proxy.log" 2>&1 &
PIDS+=($!)
for ((i = 1; i <= NODES; i++)); do
    retry 10 redis-cli -h "$PROXY_NET.$i" -p 6379 ping || die "proxy for $PROXY_NET.$i is not up"
done
form delayed "$PROXY_NET" "$REAL_NET"
bench delayed "$PROXY_NET.1:6379"
stop_all

# 2. Bare loopback: a second cluster, no proxy, each node announcing its own address.
log "bare: starting $NODES nodes on $BARE_NET.x"
start_nodes bare "$BARE_NET" "$BARE_NET"
form bare "$BARE_NET" "$BARE_NET"
bench bare "$BARE_NET.1:6379"
stop_all

python3 - "$OUT" "$NODES" "$DELAY_MS" <<'EOF'
import json, sys
out, nodes, delay = sys.argv[1:]
print(f"\nmedians, {nodes} nodes (JSON in {out}/):")
for name, label in (("delayed", f"{delay} ms one-way delay"), ("bare", "bare loopback")):
    results = {r["command"]: r for r in json.load(open(f"{out}/{name}.json"))["results"]}
    line = ", ".join(f"{cmd} {r['median'] * 1000:.1f} ms" for cmd, r in results.items())
    if "rtrib" in results and "redis-cli" in results:
        ratio = results["redis-cli"]["median"] / results["rtrib"]["median"]
        line += f"; redis-cli / rtrib = {ratio:.2f}x"
    print(f"  {label:>22}: {line}")
EOF
