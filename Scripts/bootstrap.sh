#!/usr/bin/env bash
# Installs what SyncTrace needs from Debian's packages when it is missing: liblz4-dev and pkg-config
# to build, lz4 (the command-line tool) for the tests that check the container with it.
# Sourced by demo.sh and test.sh; safe to run again (it installs nothing that is already there).
set -euo pipefail

missing=()
dpkg -s liblz4-dev >/dev/null 2>&1 || missing+=(liblz4-dev)
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
command -v lz4 >/dev/null 2>&1 || missing+=(lz4)
[ -x /usr/bin/time ] || missing+=(time)

if ((${#missing[@]})); then
    echo "bootstrap: installing ${missing[*]}" >&2
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
fi

export PATH="/opt/swift/usr/bin:$PATH"
command -v swift >/dev/null 2>&1 || { echo "bootstrap: swift is not on PATH (expected /opt/swift/usr/bin)" >&2; exit 1; }
