# Sourced by scripts/sandbox.sh and scripts/test.sh: installs what is missing on a Debian or
# Ubuntu machine (as root, or with sudo), or stops with one line naming the command to run.

# Runs a command as root: directly when root, else with sudo when it is there.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        return 1
    fi
}

# apt_install PACKAGE... : installs Debian packages, or says which command would.
apt_install() {
    if ! command -v apt-get >/dev/null 2>&1; then
        echo "rtrib: missing $*: install them with your system's package manager" >&2
        exit 1
    fi
    echo "rtrib: installing $* (Debian packages)" >&2
    if ! { as_root apt-get update -qq &&
        DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null; }; then
        echo "rtrib: could not install $*: run  sudo apt-get install -y $*" >&2
        exit 1
    fi
}

# need_commands "COMMAND:PACKAGE"... : installs the package of every command that is missing.
need_commands() {
    local missing=()
    local pair
    for pair in "$@"; do
        command -v "${pair%%:*}" >/dev/null 2>&1 || missing+=("${pair#*:}")
    done
    if [ "${#missing[@]}" -gt 0 ]; then
        apt_install "${missing[@]}"
    fi
}

# need_cargo: the Rust toolchain must be there already (rustup is the way to get it).
need_cargo() {
    if ! command -v cargo >/dev/null 2>&1; then
        echo "rtrib: cargo is missing: install Rust first (https://rustup.rs), then run this again" >&2
        exit 1
    fi
}

# need_prometheus_client: the metrics tests parse rtrib's output with Python's
# prometheus_client, installed into a virtual environment in the cache (the tests look for
# ${XDG_CACHE_HOME:-~/.cache}/rtrib/python/bin/python3).
need_prometheus_client() {
    local venv="${XDG_CACHE_HOME:-$HOME/.cache}/rtrib/python"
    if "$venv/bin/python3" -c 'import prometheus_client' >/dev/null 2>&1; then
        return
    fi
    if ! python3 -m venv --help >/dev/null 2>&1 || ! python3 -c 'import ensurepip' >/dev/null 2>&1; then
        apt_install python3-venv
    fi
    echo "rtrib: installing prometheus_client into $venv (python3 -m venv, pip install)" >&2
    rm -rf "$venv"
    if ! { python3 -m venv "$venv" && "$venv/bin/pip" install --quiet prometheus_client; }; then
        echo "rtrib: could not install prometheus_client: run  python3 -m venv $venv && $venv/bin/pip install prometheus_client" >&2
        exit 1
    fi
}
