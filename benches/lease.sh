#!/usr/bin/env bash
# Benchmark (not a test): how long rtrib takes to take the cluster's lease, on clusters of 3 and
# 30 masters (SIZES), bare on loopback and behind delayproxy.py. `rtrib -v fix --yes` on a
# healthy cluster takes the lease and changes nothing; its log line `took the lease on N nodes in
# X ms` (the seed's CLUSTER NODES, a connection to every node, one CLIENT SETNAME + CLIENT LIST
# round trip on each) is collected RUNS times per setting; the script prints min, median, max.
# redis-cli has no lease: nothing to run side by side.
#
# Layout: every node listens on 127.0.0.1, on ports from PORT up that can be bound (other
# programs' outgoing connections use ports of this range too), its bus on another such port.
# Delayed: after `rtrib create`, every node announces a third port (CONFIG SET
# cluster-announce-port), where delayproxy.py forwards to it with DELAY_MS one-way delay: rtrib
# only learns the proxied addresses (the cluster bus is not delayed).
#
# Environment:
#   SIZES="3 30" DELAY_MS=0.5 RUNS=10 PORT=34000 (the first port tried)
#   RTRIB=path          the rtrib binary (default: cargo build --release, target/release/rtrib)
#   DELAYPROXY=path     default ../shared/tools/delayproxy.py (relative to the repository)
# Every process started here is killed by pid on exit; nothing else is touched.
set -euo pipefail

SIZES=${SIZES:-"3 30"}
DELAY_MS=${DELAY_MS:-0.5}
RUNS=${RUNS:-10}
PORT=${PORT:-34000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
DELAYPROXY=${DELAYPROXY:-$ROOT/../shared/tools/delayproxy.py}

die() { echo "lease.sh: $*" >&2; exit 1; }
log() { echo "== $*" >&2; }

for tool in redis-server redis-cli python3; do
    command -v "$tool" >/dev/null || die "$tool is not installed"
done
[[ -f $DELAYPROXY ]] || die "delay proxy not found at $DELAYPROXY"
if [[ -z ${RTRIB:-} ]]; then
    log "building rtrib (release)"
    (cd "$ROOT" && cargo build --release)
    RTRIB=$ROOT/target/release/rtrib
fi
[[ -x $RTRIB ]] || die "rtrib binary $RTRIB is not executable"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/rtrib-bench-lease.XXXXXX")
PIDS=()

# Kills (by pid) and reaps every process this script started.
stop_all() {
    if ((${#PIDS[@]})); then
        kill -KILL "${PIDS[@]}" 2>/dev/null || true
        wait "${PIDS[@]}" 2>/dev/null || true
    fi
    PIDS=()
}
trap 'stop_all; rm -rf "$WORK"' EXIT

# Prints COUNT ports from PORT up that can be bound right now, one per line.
free_ports() {
    python3 - "$1" "$PORT" <<'PY'
import socket, sys
count, port = int(sys.argv[1]), int(sys.argv[2])
while count:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            port += 1
            continue
    print(port)
    port += 1
    count -= 1
PY
}

# Starts SIZE nodes and forms them into a cluster of SIZE masters; sets NODE and BUS to the
# ports of each.
start_cluster() {
    local size=$1 i ports addrs=()
    mapfile -t ports < <(free_ports $((2 * size)))
    NODE=("${ports[@]:0:size}")
    BUS=("${ports[@]:size:size}")
    for ((i = 0; i < size; i++)); do
        mkdir -p "$WORK/${NODE[i]}"
        (cd "$WORK/${NODE[i]}" && exec redis-server --port "${NODE[i]}" --bind 127.0.0.1 \
            --cluster-enabled yes --cluster-port "${BUS[i]}" --save '' --appendonly no \
            >"$WORK/${NODE[i]}/log" 2>&1) &
        PIDS+=($!)
        addrs+=("127.0.0.1:${NODE[i]}")
    done
    "$RTRIB" wait "${addrs[@]}" --timeout 30s >/dev/null || die "the nodes did not start"
    "$RTRIB" create --yes "${addrs[@]}" >/dev/null 2>&1 || die "create failed"
}

# Puts every node behind the delay proxy (on ports PROXY, chosen and bound again until the
# proxy gets them all) and waits until the seed's view shows only proxies.
delay_cluster() {
    local size=$1 i maps proxied proxy attempt
    for ((attempt = 0; attempt < 5; attempt++)); do
        mapfile -t PROXY < <(free_ports "$size")
        maps=()
        for ((i = 0; i < size; i++)); do
            maps+=("127.0.0.1:${PROXY[i]}=127.0.0.1:${NODE[i]}")
        done
        python3 "$DELAYPROXY" "$DELAY_MS" "${maps[@]}" >"$WORK/proxy.log" 2>&1 &
        proxy=$!
        sleep 1
        kill -0 "$proxy" 2>/dev/null && break
        wait "$proxy" || true
    done
    kill -0 "$proxy" 2>/dev/null || die "the delay proxy did not start: $(tail -1 "$WORK/proxy.log")"
    PIDS+=("$proxy")
    for ((i = 0; i < size; i++)); do
        redis-cli -p "${NODE[i]}" config set cluster-announce-bus-port "${BUS[i]}" >/dev/null
        redis-cli -p "${NODE[i]}" config set cluster-announce-port "${PROXY[i]}" >/dev/null
    done
    for ((i = 0; i < 300; i++)); do
        proxied=$(redis-cli -p "${NODE[0]}" cluster nodes | awk '{split($2, a, /[:@]/); print a[2]}' |
            grep -cxF -f <(printf '%s\n' "${PROXY[@]}") || true)
        [[ $proxied == "$size" ]] && return
        sleep 0.1
    done
    die "the announced ports did not reach the seed"
}

# RUNS lease times (ms) of `rtrib -v fix --yes` from SEED, one per line.
lease_times() {
    local seed=$1 run
    for ((run = 0; run < RUNS; run++)); do
        "$RTRIB" -v fix "$seed" --yes >"$WORK/run.log" 2>&1 || true
        sed -n 's/.*took the lease on [0-9]* nodes in \([0-9]*\) ms.*/\1/p' "$WORK/run.log" |
            grep . || { tail -5 "$WORK/run.log" >&2; die "no lease time in the log above"; }
    done
}

summary() {
    sort -n | awk '{v[NR] = $1} END {printf "min %s  median %s  max %s ms (%d runs)\n", v[1], v[int((NR + 1) / 2)], v[NR], NR}'
}

for size in $SIZES; do
    log "$size masters, bare loopback"
    start_cluster "$size"
    echo "$size masters, loopback: $(lease_times "127.0.0.1:${NODE[0]}" | summary)"
    log "$size masters, behind delayproxy.py ($DELAY_MS ms one way)"
    delay_cluster "$size"
    echo "$size masters, $DELAY_MS ms one way: $(lease_times "127.0.0.1:${PROXY[0]}" | summary)"
    stop_all
    rm -rf "${WORK:?}"/*
done
