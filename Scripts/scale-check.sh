#!/usr/bin/env bash
# Replay at real scale: records the program shapes the replay once refused and analyses every
# recording, then replays hostile text traces (deep nesting, deep re-entrancy, 100,000 threads,
# 50,000 forked threads), and checks each against its time and memory ceiling (issue 13's targets).
#
#   ./Scripts/scale-check.sh              # 20 recordings of each shape (about 2 minutes on 2 cores)
#   RECORDINGS=3 ./Scripts/scale-check.sh
#   SYNCTRACE=path/to/synctrace ./Scripts/scale-check.sh   # check another build (e.g. AddressSanitizer's)
#
# Exit status 0 when every recording is analysed (exit 0, no findings: the programs are correctly
# locked) within its memory ceiling and every hostile trace is analysed within its ceilings; 1 otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
source Scripts/bootstrap.sh

recordings="${RECORDINGS:-20}"
swift build -c release --product synctrace >/dev/null
swift build -c release --product RecorderProbe >/dev/null
bin="$(swift build -c release --show-bin-path)"
synctrace="${SYNCTRACE:-$bin/synctrace}"
probe="$bin/RecorderProbe"
work="$(mktemp -d "${TMPDIR:-/tmp}/synctrace-scale.XXXXXX")"
trap 'rm -rf "$work"' EXIT
failures=0

# Runs `synctrace analyze` on $1 with the remaining arguments, under GNU time; sets `seconds`, `kb`
# and `status`.
measure() {
    local trace="$1"
    shift
    set +e
    # A run that blows up is killed after 5 minutes rather than left to hang the script.
    /usr/bin/time -f "%e %M" -o "$work/time" timeout --signal=KILL 300 "$synctrace" analyze "$@" "$trace" >"$work/out" 2>"$work/err"
    status=$?
    set -e
    # The last line: GNU time puts "Command terminated by signal N" before it for a killed run.
    read -r seconds kb < <(tail -n 1 "$work/time")
}

# check NAME STATUS-WANTED MAX-SECONDS MAX-MB: compares the last measurement with its ceilings.
check() {
    local name="$1" wanted="$2" max_seconds="$3" max_mb="$4" mb=$((kb / 1024)) verdict="ok"
    if [ "$status" != "$wanted" ]; then
        verdict="FAILED (exit $status, wanted $wanted): $(head -c 300 "$work/err")"
    elif awk -v s="$seconds" -v m="$max_seconds" 'BEGIN { exit !(s > m) }'; then
        verdict="TOO SLOW (over $max_seconds s)"
    elif [ "$mb" -gt "$max_mb" ]; then
        verdict="TOO BIG (over $max_mb MB)"
    fi
    printf '  %-44s %6s s %6s MB   %s\n' "$name" "$seconds" "$mb" "$verdict"
    [ "$verdict" = "ok" ] || failures=$((failures + 1))
}

echo "== recorded programs: $recordings recordings each, analysed with every built-in plugin (≤ 150 MB)"
for shape in "locked 1000 1000" "lockloop 4 1000000"; do
    echo "RecorderProbe scale $shape"
    for run in $(seq 1 "$recordings"); do
        # shellcheck disable=SC2086
        SYNCTRACE_OUTPUT="$work/scale.synctrace" "$probe" scale $shape >/dev/null
        measure "$work/scale.synctrace"
        # No time ceiling for recordings (the machine's load varies); memory and the verdict count.
        check "recording $run" 0 1000 150
    done
done

echo "== hostile text traces, every built-in plugin"
Scripts/hostile-traces.sh "$work"
measure "$work/nested.std"
check "one thread holding 2,000 nested locks" 0 2 500
measure "$work/reentrant.std"
# Re-entry of a plain lock is a self deadlock: found once, whatever the depth.
check "100,000 re-entrant acquisitions (a self deadlock)" 1 0.5 500
measure "$work/threads.std" --plugin race
check "100,000 threads, one write each (race)" 1 10 1024
measure "$work/forked.std"
check "50,000 forked threads, one write each" 1 10 1024

if [ "$failures" -gt 0 ]; then
    echo "scale-check: $failures check(s) failed" >&2
    exit 1
fi
echo "scale-check: all checks passed"
