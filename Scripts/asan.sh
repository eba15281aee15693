#!/usr/bin/env bash
# The test suite and a corpus of malformed and hostile traces under AddressSanitizer: every heap
# access of the recorder, the reader, the replay and the plugins checked (a growing buffer written
# past its end, a use after free). Run by CI (.ci/run) after the plain suite; about 10 minutes on 2
# cores, most of it the instrumented build (kept in .build-asan).
#
#   ./Scripts/asan.sh                      # build, the whole suite, then the corpus
#   ./Scripts/asan.sh --filter Ordering    # arguments go to `swift test`; the corpus runs as well
#   ./Scripts/asan.sh --corpus-only        # the instrumented build and the corpus, not the suite
set -euo pipefail
cd "$(dirname "$0")/.."
source Scripts/bootstrap.sh

scratch=.build-asan
# The predictors' agreement suites run an exhaustive schedule search (test code, not product code)
# over dozens of traces, and the scale tests replay millions of events or thousands of threads
# through the same code the small tests reach (the corpus below replays large traces too): they
# run in the plain suite, and are skipped here to keep CI in its time.
skip='AgreementTests|ExportCommandTests/(cutTrace|manyThreads)|ReportCommandTests/cutTrace|DeadlockConfirmationTests/(longRun|manyThreads)|twoThousandThreads|ExampleTests/example'
# Leak checking is off: Foundation's String(contentsOf:) keeps buffers the checker reports as leaks.
export ASAN_OPTIONS="detect_leaks=0:abort_on_error=0"
swift build --build-tests --sanitize=address --scratch-path "$scratch"
ran="the suite and"
if [ "${1:-}" = "--corpus-only" ]; then
    shift
    ran=""
else
    swift test --skip-build --sanitize=address --scratch-path "$scratch" --skip "$skip" "$@"
fi

bin="$(swift build --sanitize=address --scratch-path "$scratch" --show-bin-path)"
synctrace="$bin/synctrace"
probe="$bin/RecorderProbe"
work="$(mktemp -d "${TMPDIR:-/tmp}/synctrace-asan.XXXXXX")"
trap 'rm -rf "$work"' EXIT
failures=0
count=0

# replay FILE [ARGS…]: analyses FILE with the instrumented tool; any exit status the tool documents
# (0 clean, 1 findings, 2 unusable input, 3 cut short) passes, unless AddressSanitizer reported.
replay() {
    local trace="$1"
    shift
    count=$((count + 1))
    set +e
    timeout --signal=KILL 600 "$synctrace" analyze "$@" "$trace" >/dev/null 2>"$work/err"
    local status=$?
    set -e
    if grep -q "AddressSanitizer" "$work/err" || [ "$status" -gt 3 ]; then
        echo "asan: $(basename "$trace") $*: exit $status" >&2
        head -n 30 "$work/err" >&2
        failures=$((failures + 1))
    fi
}

echo "== hostile shapes"
Scripts/hostile-traces.sh "$work"
for trace in nested reentrant threads forked ring; do
    replay "$work/$trace.std"
    # The predictors' records and searches (the race predictor, the deadlock detector's schedules);
    # not the 1,000-thread recorded trace, whose race prediction under AddressSanitizer outlasts the
    # 10-minute limit (its dense clocks are 1,000 wide).
    replay "$work/$trace.std" --predict
done
SYNCTRACE_OUTPUT="$work/locked.synctrace" "$probe" scale locked 1000 100 >/dev/null
SYNCTRACE_OUTPUT="$work/lockloop.synctrace" "$probe" scale lockloop 4 100000 >/dev/null
replay "$work/locked.synctrace"
replay "$work/lockloop.synctrace"

echo "== malformed: cut anywhere, bytes flipped, garbage"
size=$(stat -c %s "$work/locked.synctrace")
for cut in 0 1 4 7 15 16 17 64 100 1000 $((size / 3)) $((size / 2)) $((size - 9)) $((size - 1)); do
    [ "$cut" -lt "$size" ] || continue
    head -c "$cut" "$work/locked.synctrace" >"$work/cut-$cut.synctrace"
    replay "$work/cut-$cut.synctrace"
done
for offset in 4 11 30 200 $((size / 2)) $((size - 20)); do
    cp "$work/locked.synctrace" "$work/flip-$offset.synctrace"
    printf '\xff' | dd of="$work/flip-$offset.synctrace" bs=1 seek="$offset" conv=notrunc status=none
    replay "$work/flip-$offset.synctrace"
done
head -c 100000 /dev/urandom >"$work/random.bin"
replay "$work/random.bin"
printf '\x04\x22\x4d\x18' >"$work/magic-only.synctrace"
head -c 5000 /dev/urandom >>"$work/magic-only.synctrace"
replay "$work/magic-only.synctrace"
{ echo "T0|acq(L)|a"; head -c 3000 /dev/urandom; echo; echo "T1|rel(L)|b"; } >"$work/garbage.std"
replay "$work/garbage.std"
{ printf 'T0|w('; head -c 100000 /dev/zero | tr '\0' v; printf ')|x\n'; } >"$work/long-line.std"
replay "$work/long-line.std"

if [ "$failures" -gt 0 ]; then
    echo "asan: $failures of $count replays failed" >&2
    exit 1
fi
echo "asan: $ran $count replays of hostile and malformed traces ran clean under AddressSanitizer"
