#!/usr/bin/env bash
# Whole-program cost beside ThreadSanitizer (issue 14): 8 threads × 1M `lock(); counter += 1; unlock()`.
# Runs, round-robin, ROUNDS times (medians reported):
#   plain     the plain twin (Benchmarks/PlainTwins/locked-counter.swift, swiftc -O, a pthread mutex)
#   tsan      the same source built with -sanitize=thread
#   record    the traced program (RecorderProbe scale locked 8 1000000) recording to a trace
#   analyze   `synctrace analyze` of that trace (every built-in plugin)
# and prints each median, each ratio to plain, and record + analyze against TSan.
#
#   ./Scripts/compare-tsan.sh            # ROUNDS=5 THREADS=8 ITERATIONS=1000000
#   ROUNDS=9 ./Scripts/compare-tsan.sh
#
# Exit status 0 when every run did its work (the counter is right, the trace has no findings); 1 otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
source Scripts/bootstrap.sh

rounds="${ROUNDS:-5}"
threads="${THREADS:-8}"
iterations="${ITERATIONS:-1000000}"
swift build -c release --product synctrace >/dev/null
swift build -c release --product RecorderProbe >/dev/null
bin="$(swift build -c release --show-bin-path)"
work="$(mktemp -d "${TMPDIR:-/tmp}/synctrace-tsan.XXXXXX")"
trap 'rm -rf "$work"' EXIT
swiftc -O Benchmarks/PlainTwins/locked-counter.swift -o "$work/plain"
swiftc -O -sanitize=thread Benchmarks/PlainTwins/locked-counter.swift -o "$work/tsan"
expected="counter: $((threads * iterations))"

# run NAME COMMAND...: runs it under GNU time, appends its seconds to $work/NAME.times, keeps its output.
run() {
    local name="$1"
    shift
    /usr/bin/time -f "%e" -o "$work/time" "$@" >"$work/out" 2>"$work/err" || {
        echo "compare-tsan: $name failed (exit $?):" >&2
        cat "$work/err" >&2
        exit 1
    }
    tail -n 1 "$work/time" >>"$work/$name.times"
}

for round in $(seq "$rounds"); do
    run plain "$work/plain" "$threads" "$iterations"
    grep -qx "$expected" "$work/out" || { echo "compare-tsan: the plain twin printed $(cat "$work/out")" >&2; exit 1; }
    run tsan "$work/tsan" "$threads" "$iterations"
    grep -qx "$expected" "$work/out" || { echo "compare-tsan: the TSan build printed $(cat "$work/out")" >&2; exit 1; }
    run record env SYNCTRACE_OUTPUT="$work/trace.synctrace" "$bin/RecorderProbe" scale locked "$threads" "$iterations"
    grep -qx "$expected" "$work/out" || { echo "compare-tsan: the traced program printed $(cat "$work/out")" >&2; exit 1; }
    run analyze "$bin/synctrace" analyze "$work/trace.synctrace"
    grep -q "No findings" "$work/out" || { echo "compare-tsan: the analysis found something:" >&2; cat "$work/out" >&2; exit 1; }
    echo "round $round: plain $(tail -n 1 "$work/plain.times") s, tsan $(tail -n 1 "$work/tsan.times") s," \
        "record $(tail -n 1 "$work/record.times") s, analyze $(tail -n 1 "$work/analyze.times") s"
done
paste "$work/record.times" "$work/analyze.times" | awk '{ print $1 + $2 }' >"$work/record+analyze.times"

median() { sort -n "$1" | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
plain="$(median "$work/plain.times")"
echo
echo "medians of $rounds rounds, $threads threads × $iterations locked increments:"
for name in plain tsan record analyze record+analyze; do
    value="$(median "$work/$name.times")"
    awk -v name="$name" -v value="$value" -v plain="$plain" 'BEGIN { printf "  %-15s %6.2f s  %5.1f× plain\n", name, value, value / plain }'
done
awk -v both="$(median "$work/record+analyze.times")" -v tsan="$(median "$work/tsan.times")" \
    'BEGIN { printf "  record + analyze / tsan: %.2f\n", both / tsan }' 
