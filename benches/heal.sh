#!/usr/bin/env bash
# Times `rtrib heal` on a 6-node cluster (3 masters, 1 replica each) after a full restart on new
# loopback IPs, each node keeping its dir and nodes.conf. Loopback only; kills what it starts.
#
#   benches/heal.sh [RUNS] [NODE_TIMEOUT_MS]     (default 3 runs, cluster-node-timeout 2000)
#   RTRIB=target/release/rtrib benches/heal.sh
#
# Not behind delayproxy.py: heal MEETs the addresses the names resolve to, so a proxy in front
# of the client port would be MEETed instead of the node.
set -euo pipefail
RUNS=${1:-3}
NODE_TIMEOUT=${2:-2000}
RTRIB=${RTRIB:-target/release/rtrib}
WORK=$(mktemp -d /tmp/rtrib-heal-bench.XXXXXX)
BLOCK=127.$((100 + RANDOM % 150)).$((RANDOM % 250))
trap 'for p in "$WORK"/*/redis.pid; do [ -f "$p" ] && kill "$(cat "$p")" 2>/dev/null || true; done; rm -rf "$WORK"' EXIT

start() { # DIR IP
  redis-server --port 6379 --bind "$2" --cluster-announce-ip "$2" --dir "$1" --logfile "$1/redis.log" \
    --pidfile "$1/redis.pid" --daemonize yes --cluster-enabled yes --cluster-config-file nodes.conf \
    --cluster-node-timeout "$NODE_TIMEOUT" --save '' --appendonly no --repl-diskless-sync-delay 0
  until redis-cli -h "$2" ping >/dev/null 2>&1; do sleep 0.02; done
}
stop() { # IP
  redis-cli -h "$1" shutdown nosave >/dev/null 2>&1 || true
  while redis-cli -h "$1" ping >/dev/null 2>&1; do sleep 0.02; done
}

host=1
ips=()
for i in 0 1 2 3 4 5; do
  mkdir -p "$WORK/n$i"; ips[i]=$BLOCK.$host; host=$((host + 1)); start "$WORK/n$i" "${ips[i]}"
done
"$RTRIB" create --replicas 1 --yes $(for ip in "${ips[@]}"; do echo "$ip:6379"; done) >/dev/null
for k in $(seq 1 1000); do echo "SET key:$k value:$k"; done | redis-cli -c -h "${ips[0]}" >/dev/null
echo "6 nodes, cluster-node-timeout ${NODE_TIMEOUT} ms, $RTRIB"
for run in $(seq 1 "$RUNS"); do
  for ip in "${ips[@]}"; do redis-cli -h "$ip" save >/dev/null; done
  for ip in "${ips[@]}"; do stop "$ip"; done
  for i in 0 1 2 3 4 5; do ips[i]=$BLOCK.$host; host=$((host + 1)); start "$WORK/n$i" "${ips[i]}"; done
  sleep "$(awk "BEGIN { print $NODE_TIMEOUT / 1000 + 1 }")"   # as late as an operator would come
  t0=$(date +%s%N)
  "$RTRIB" heal $(for ip in "${ips[@]}"; do echo "$ip:6379"; done) >/dev/null
  t1=$(date +%s%N)
  keys=0; for ip in "${ips[@]}"; do
    [ "$(redis-cli -h "$ip" role | head -1)" = master ] && keys=$((keys + $(redis-cli -h "$ip" dbsize)))
  done
  echo "run $run: heal $(( (t1 - t0) / 1000000 )) ms, $keys keys on the masters afterwards"
done
