#!/usr/bin/env bash
# SARIF check: records programs with findings of every built-in plugin, analyses them with
# `--format sarif`, and checks each log with standard tooling: valid against the SARIF 2.1.0 JSON
# schema (Tests/Fixtures/SARIF), within GitHub code scanning's limits (Scripts/sarif_check.py), and
# loaded by the `sarif-tools` package's `sarif summary`, whose counts must be the report's. A text
# trace with 6,000 racing place pairs checks the cap on results.
#
# Installs python3-venv from Debian when missing, and jsonschema and sarif-tools from PyPI into
# .build-sarif/venv.
set -euo pipefail
cd "$(dirname "$0")/.."
source Scripts/bootstrap.sh

if ! python3 -c "import ensurepip, venv" >/dev/null 2>&1; then
    echo "sarif-check: installing python3-venv" >&2
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq python3-venv >/dev/null
fi
venv=".build-sarif/venv"
if [ ! -x "$venv/bin/sarif" ] || ! "$venv/bin/python" -c "import jsonschema" >/dev/null 2>&1; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check jsonschema sarif-tools
fi

swift build --product synctrace >/dev/null
swift build --product RecorderProbe >/dev/null
bin="$(swift build --show-bin-path)"
work="$(mktemp -d "${TMPDIR:-/tmp}/synctrace-sarif.XXXXXX")"
trap 'rm -rf "$work"' EXIT

# record NAME ARGS...: RecorderProbe ARGS recording to $work/NAME.synctrace.
record() {
    local name="$1"
    shift
    SYNCTRACE_OUTPUT="$work/$name.synctrace" "$bin/RecorderProbe" "$@" >/dev/null
}
record grouped grouped 50
record bank bank 4
record wallets wallets 0
python3 - "$work/places.std" <<'PY'
import sys
lines = ["T0|fork(T1)"]
for index in range(6000):
    lines += [f"T1|w(v{index})|App/A.swift:{index + 1}", f"T0|w(v{index})|App/B.swift:{index + 1}"]
open(sys.argv[1], "w").write("\n".join(lines) + "\n")
PY

logs=()
for trace in grouped bank wallets; do
    status=0
    "$bin/synctrace" analyze "$work/$trace.synctrace" --format sarif --output "$work/$trace.sarif" || status=$?
    [ "$status" -eq 1 ] || { echo "sarif-check: analyze of $trace exited $status, expected 1 (findings)" >&2; exit 1; }
    logs+=("$work/$trace.sarif")
done
status=0
"$bin/synctrace" analyze "$work/places.std" --plugin race --format sarif --output "$work/places.sarif" || status=$?
[ "$status" -eq 1 ] || { echo "sarif-check: analyze of places exited $status, expected 1" >&2; exit 1; }
logs+=("$work/places.sarif")

"$venv/bin/python" Scripts/sarif_check.py Tests/Fixtures/SARIF/sarif-schema-2.1.0.json "${logs[@]}"

# sarif summary: "error: N" / "warning: N" lines, which must match the results each log holds.
expect_summary() {
    local log="$1" level="$2" count="$3"
    "$venv/bin/sarif" summary "$log" >"$work/summary" 2>&1 || { cat "$work/summary" >&2; exit 1; }
    grep -q "^$level: $count\$" "$work/summary" || {
        echo "sarif-check: sarif summary of $(basename "$log") does not say '$level: $count':" >&2
        cat "$work/summary" >&2
        exit 1
    }
}
expect_summary "$work/grouped.sarif" error 1
expect_summary "$work/bank.sarif" warning 1
expect_summary "$work/wallets.sarif" error 2
expect_summary "$work/places.sarif" error 5000
echo "sarif-check: ${#logs[@]} SARIF logs valid against the 2.1.0 schema, within GitHub's limits, and read by sarif-tools"
