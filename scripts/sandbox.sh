#!/usr/bin/env bash
# Quickstart, part 1: on a Debian/Ubuntu machine with only a Rust toolchain, installs what is
# missing (redis-server), installs rtrib (cargo install --path .) and starts a local 6-node
# cluster with it on 127.0.0.1:7000-7005 (3 masters with a replica each).
#
#   scripts/sandbox.sh            # then: rtrib check 127.0.0.1:7000 ... rtrib sandbox stop
#   scripts/sandbox.sh --nodes 9 --replicas 2 --base-port 7100   (options of rtrib sandbox)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/prerequisites.sh

need_cargo
need_commands redis-server:redis-server
echo "rtrib: building and installing rtrib (cargo install --path .)" >&2
cargo install --locked --quiet --path .
rtrib="${CARGO_HOME:-$HOME/.cargo}/bin/rtrib"
"$rtrib" sandbox "$@"
case ":$PATH:" in
    *":${CARGO_HOME:-$HOME/.cargo}/bin:"*) ;;
    *) echo "rtrib: add ${CARGO_HOME:-$HOME/.cargo}/bin to your PATH to type 'rtrib'" >&2 ;;
esac
