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
