#!/usr/bin/env bash
# Builds rtrib as one static x86_64 binary (glibc + crt-static, static-pie) with the size-tuned
# release profile, checks that it really is static, and prints its path and size.
#
#   scripts/build-static.sh        → target/x86_64-unknown-linux-gnu/release/rtrib
#
# `--target` is required: without it RUSTFLAGS also reach proc-macros, which cannot be built
# with crt-static. The flags live here, never in a committed .cargo/config, so that `cargo test`
# is unaffected. `getrandom_backend="linux_getrandom"` makes getrandom use the syscall only (a
# static binary cannot find it through dlsym and would fall back to opening /dev/urandom).
set -euo pipefail
cd "$(dirname "$0")/.."

target=x86_64-unknown-linux-gnu
binary="target/$target/release/rtrib"

RUSTFLAGS='-C target-feature=+crt-static --cfg getrandom_backend="linux_getrandom"' \
    cargo build --release --locked --target "$target" --bin rtrib

description=$(file -b "$binary")
if [[ "$description" != *"static"* ]]; then
    echo "build-static: $binary is not static: $description" >&2
    exit 1
fi
# ldd exits non-zero for a static binary; its message is what matters.
if ! ldd "$binary" 2>&1 | grep -qE 'statically linked|not a dynamic executable'; then
    echo "build-static: ldd lists shared libraries for $binary:" >&2
    ldd "$binary" >&2 || true
    exit 1
fi
echo "build-static: $description"
echo "build-static: $binary $(stat -c %s "$binary") bytes"
