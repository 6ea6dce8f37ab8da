#!/usr/bin/env bash
# Builds rtrib as one static x86_64 binary (glibc + crt-static) with the size-tuned release
# profile, checks that it really is static, and prints its path and size.
#
#   scripts/build-static.sh        → target/x86_64-unknown-linux-gnu/release/rtrib
#
# `--target` is required: without it RUSTFLAGS also reach proc-macros, which cannot be built
# with crt-static. The flags live here, never in a committed .cargo/config, so that `cargo test`
# is unaffected. `getrandom_backend="linux_getrandom"` makes getrandom use the syscall only (a
# static binary cannot find it through dlsym and would fall back to opening /dev/urandom).
#
# These flags keep the image under 5 MB (measured on the same tree, stripped):
# - `-C relocation-model=static`: a plain static executable instead of a static-pie one; a
#   binary that always runs alone in its own container gains nothing from being movable, and
#   drops its table of run-time relocations (~180 kB).
# - `--cfg rtrib_static`: src/no_nss.rs replaces glibc's getaddrinfo, which drags in the NSS
#   machinery that a FROM scratch image cannot use anyway (~130 kB); src/no_stack_probe.rs
#   replaces glibc's pthread_getattr_np, whose sscanf of /proc/self/maps (for std's stack
#   overflow message) drags in scanf and character-set conversion (~106 kB).
# - scripts/lib/no-eh-frame.ld: drops the unwind tables that panic = "abort" never reads
#   (~610 kB).
# - `-Wl,--icf=all`: the linker (rustc's own lld) folds functions whose code is identical
#   (~40 kB).
# - `--features image`: no debug or trace logs (`-vv` logs as `-v`), no `sandbox` and no
#   `completions`, which need a redis-server or a shell the image lacks (~190 kB).
set -euo pipefail
cd "$(dirname "$0")/.."

target=x86_64-unknown-linux-gnu
binary="target/$target/release/rtrib"

rustflags=(
    -C target-feature=+crt-static
    -C relocation-model=static
    --cfg rtrib_static
    --cfg 'getrandom_backend="linux_getrandom"'
    -C "link-arg=-Wl,-T,$PWD/scripts/lib/no-eh-frame.ld"
    -C link-arg=-Wl,--icf=all
)
# CARGO_ENCODED_RUSTFLAGS separates flags with 0x1f, so a path with spaces survives.
CARGO_ENCODED_RUSTFLAGS=$(IFS=$'\x1f'; echo "${rustflags[*]}") \
    cargo build --release --locked --features image --target "$target" --bin rtrib

description=$(file -b "$binary")
if [[ "$description" != *"static"* ]]; then
    echo "build-static: $binary is not static: $description" >&2
    exit 1
fi
# ldd exits non-zero for a static binary; its message is what matters.
libraries=$(ldd "$binary" 2>&1 || true)
if ! grep -qE 'statically linked|not a dynamic executable' <<<"$libraries"; then
    echo "build-static: ldd lists shared libraries for $binary:" >&2
    ldd "$binary" >&2 || true
    exit 1
fi
echo "build-static: $description"
echo "build-static: $binary $(stat -c %s "$binary") bytes"
