#!/usr/bin/env bash
# The fault campaign's long mode (soak, not a timed test): runs tests/campaign.rs with many seeds
# and prints a table: schedules run, faults by kind, first exits, re-runs needed, writes
# acknowledged (and confirmed by a replica), lost, and every failed seed with the line that
# replays it. Per server of SERVERS, SCHEDULES/|SERVERS| seeds from FIRST_SEED (default: random,
# printed) are run one after the other (a schedule starts 6 nodes; the test binary runs them one
# at a time, no nextest timeout). Each schedule's own line is in $WORK/campaign.log.
#
# Environment:
#   RTRIB_CAMPAIGN_SCHEDULES=200   schedules in all
#   SERVERS="redis_7_0 valkey_9_1" servers (test names: redis_6_2 redis_7_0 redis_8_2
#                                  valkey_9_0 valkey_9_1)
#   FIRST_SEED=<n>                 the first seed (each server starts there)
#   JOBS=1                         servers run at once (each runs its schedules one after the
#                                  other; 2 halves the time on a machine with room for it)
# The servers come from scripts/fetch-test-servers.sh, as for the test suite.
set -euo pipefail

SCHEDULES=${RTRIB_CAMPAIGN_SCHEDULES:-200}
SERVERS=${SERVERS:-"redis_7_0 valkey_9_1"}
FIRST_SEED=${FIRST_SEED:-$((RANDOM * 32768 + RANDOM))}
ROOT=$(cd "$(dirname "$0")/.." && pwd)

log() { echo "== $*" >&2; }

log "building the integration tests"
BINARY=$(cd "$ROOT" && cargo test --test integration --no-run --message-format=json 2>/dev/null |
    python3 -c 'import json,sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "integration" and m.get("executable"):
        print(m["executable"])')
[[ -x $BINARY ]] || { echo "campaign.sh: no integration test binary" >&2; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/rtrib-bench-campaign.XXXXXX")
read -r -a servers <<<"$SERVERS"
per_server=$(((SCHEDULES + ${#servers[@]} - 1) / ${#servers[@]}))
log "$SCHEDULES schedules ($per_server per server: ${servers[*]}, ${JOBS:-1} at once) from seed $FIRST_SEED; load: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores"
JOBS=${JOBS:-1}
started=$(date +%s)
for server in "${servers[@]}"; do
    while (($(jobs -rp | wc -l) >= JOBS)); do wait -n || true; done
    (cd "$ROOT" && RTRIB_CAMPAIGN_SCHEDULES=$per_server RTRIB_CAMPAIGN_FIRST_SEED=$FIRST_SEED \
        "$BINARY" "campaign::schedules::$server" --exact --nocapture --test-threads 1) \
        >"$WORK/$server.log" 2>"$WORK/$server.stderr" || true &
done
wait
for server in "${servers[@]}"; do cat "$WORK/$server.log" >>"$WORK/campaign.log"; done
elapsed=$(($(date +%s) - started))
log "done; load: $(cut -d' ' -f1-3 /proc/loadavg)"

python3 - "$WORK/campaign.log" "$elapsed" <<'EOF'
import collections, sys
path, elapsed = sys.argv[1], int(sys.argv[2])
rows = []
for line in open(path, errors="replace"):
    # The test harness's "test ... " may precede the first line of a test.
    at = line.find("campaign: status=")
    if at < 0:
        continue
    fields, _, schedule = line[at:].partition(" | ")
    row = dict(f.split("=", 1) for f in fields.split()[1:])
    row["schedule"] = schedule.strip()
    rows.append(row)
ok = [r for r in rows if r["status"] == "ok"]
failed = [r for r in rows if r["status"] != "ok"]
print(f"schedules run: {len(rows)} ({len(ok)} passed, {len(failed)} failed) in {elapsed} s "
      f"({elapsed / max(len(rows), 1):.1f} s each)")
def table(title, key, source):
    counts = collections.Counter(key(r) for r in source)
    print(f"{title}: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
table("servers", lambda r: r["server"], rows)
table("commands", lambda r: f'{r["command"]}/{r["migration"]}', rows)
table("faults", lambda r: r["fault"], rows)
table("failed by fault", lambda r: f'{r["server"]} {r["command"]}/{r["migration"]} {r["fault"]}', failed)
table("first exit (passed)", lambda r: r["first_exit"], ok)
table("re-runs needed (passed)", lambda r: f'{r["reruns"]} ({r["rerun_with"]})', ok)
print(f"failovers (passed): {sum(r['failover'] == 'true' for r in ok)}")
print(f"writes acknowledged (passed): {sum(int(r['acked']) for r in ok)}, "
      f"confirmed by a replica: {sum(int(r['replicated']) for r in ok)}, lost: 0")
for r in failed:
    test = r["server"].replace("-", "_").replace(".", "_")
    print(f"FAILED {r['schedule']}\n  replay: RTRIB_CAMPAIGN_SEED={r['seed']} cargo nextest run "
          f"--no-capture -E 'test(=campaign::schedules::{test})'")
EOF
log "each schedule's line and failure: $WORK/campaign.log"
