#!/usr/bin/env bash
# The main job on a fresh machine: builds the tool and the example programs, records the seed's racy
# counter (1000 threads doing counter += 1 without a lock) and its mutex fix by switching recording
# on with SYNCTRACE_OUTPUT, analyses both (a data race in the first, nothing in the fix), then an
# actor whose balance is read before an await and written after it (a lost update, no data race)
# and its fix; shows what the traces hold; then converts and analyses the shipped text trace.
set -euo pipefail
cd "$(dirname "$0")/.."
source Scripts/bootstrap.sh

swift build --product synctrace
swift build --product RacyCounter
swift build --product SwiftConcurrency
swift build --product SeedPrograms
bin="$(swift build --show-bin-path)"
out="${TMPDIR:-/tmp}/synctrace-demo"
mkdir -p "$out"

echo "== SYNCTRACE_OUTPUT=$out/racy.synctrace RacyCounter"
SYNCTRACE_OUTPUT="$out/racy.synctrace" "$bin/RacyCounter"
echo
echo "== SYNCTRACE_OUTPUT=$out/fixed.synctrace RacyCounter --fixed"
SYNCTRACE_OUTPUT="$out/fixed.synctrace" "$bin/RacyCounter" --fixed
echo
echo "== synctrace analyze $out/racy.synctrace   (exit status 1: findings)"
status=0
"$bin/synctrace" analyze "$out/racy.synctrace" || status=$?
[ "$status" -eq 1 ] || { echo "demo: expected the racy counter to report a race (exit 1), got $status" >&2; exit 1; }
echo
echo "== synctrace analyze $out/fixed.synctrace   (exit status 0: no findings)"
"$bin/synctrace" analyze "$out/fixed.synctrace"
echo
echo "== SYNCTRACE_OUTPUT=$out/actor.synctrace SwiftConcurrency actor-reentrancy   (an actor's balance read before an await, written after it)"
SYNCTRACE_OUTPUT="$out/actor.synctrace" "$bin/SwiftConcurrency" actor-reentrancy
echo
echo "== synctrace analyze $out/actor.synctrace   (exit status 1: a lost update, and no data race)"
status=0
"$bin/synctrace" analyze "$out/actor.synctrace" || status=$?
[ "$status" -eq 1 ] || { echo "demo: expected the actor example to report a lost update (exit 1), got $status" >&2; exit 1; }
echo
echo "== SYNCTRACE_OUTPUT=$out/actor-fixed.synctrace SwiftConcurrency actor-fixed && synctrace analyze it   (exit status 0)"
SYNCTRACE_OUTPUT="$out/actor-fixed.synctrace" "$bin/SwiftConcurrency" actor-fixed
"$bin/synctrace" analyze "$out/actor-fixed.synctrace"
echo
echo "== SYNCTRACE_OUTPUT=$out/lock-ordered.synctrace SeedPrograms lock-ordered   (a write ordered before a read only by the order a lock was taken)"
SYNCTRACE_OUTPUT="$out/lock-ordered.synctrace" "$bin/SeedPrograms" lock-ordered
echo
echo "== synctrace analyze $out/lock-ordered.synctrace   (exit status 0: happens-before sees no race)"
"$bin/synctrace" analyze "$out/lock-ordered.synctrace"
echo
echo "== synctrace analyze $out/lock-ordered.synctrace --predict   (exit status 1: the race another schedule shows)"
status=0
"$bin/synctrace" analyze "$out/lock-ordered.synctrace" --predict || status=$?
[ "$status" -eq 1 ] || { echo "demo: expected the lock-ordered example to have a predicted race (exit 1), got $status" >&2; exit 1; }
echo
echo "== SYNCTRACE_OUTPUT=$out/lock-ordered-fixed.synctrace SeedPrograms lock-ordered-fixed && synctrace analyze it --predict   (exit status 0)"
SYNCTRACE_OUTPUT="$out/lock-ordered-fixed.synctrace" "$bin/SeedPrograms" lock-ordered-fixed
"$bin/synctrace" analyze "$out/lock-ordered-fixed.synctrace" --predict
echo
echo "== SYNCTRACE_OUTPUT=$out/lock-inversion.synctrace SeedPrograms lock-inversion && synctrace analyze it --predict"
echo "   (exit status 1: the AB/BA cycle, confirmed by a schedule that deadlocks)"
SYNCTRACE_OUTPUT="$out/lock-inversion.synctrace" "$bin/SeedPrograms" lock-inversion
status=0
"$bin/synctrace" analyze "$out/lock-inversion.synctrace" --predict | tee "$out/lock-inversion.txt" || status=$?
[ "$status" -eq 1 ] && grep -q "POTENTIAL DEADLOCK (CONFIRMED)" "$out/lock-inversion.txt" \
    || { echo "demo: expected the lock inversion to be a confirmed potential deadlock (exit 1), got $status" >&2; exit 1; }
echo
echo "== SYNCTRACE_OUTPUT=$out/held-lock.synctrace SeedPrograms held-lock && synctrace stats --waits it"
echo "   (where threads waited: one wait of about 20 ms on cache, at the reader's call site)"
SYNCTRACE_OUTPUT="$out/held-lock.synctrace" "$bin/SeedPrograms" held-lock
"$bin/synctrace" stats --waits "$out/held-lock.synctrace" | tee "$out/held-lock-stats.txt" | tail -n 2
grep -q "lock cache: 2 completed, 1 waited" "$out/held-lock-stats.txt" || { echo "demo: expected stats --waits to show the wait on cache" >&2; exit 1; }
echo
echo "== synctrace export $out/lock-inversion.synctrace --format perfetto --output $out/lock-inversion.json"
echo "   (a timeline for https://ui.perfetto.dev or chrome://tracing: tracks, holds, arrows, the finding marked)"
"$bin/synctrace" export "$out/lock-inversion.synctrace" --format perfetto --output "$out/lock-inversion.json"
echo "$(grep -c '"ph":"s"' "$out/lock-inversion.json") arrows, $(grep -c '"cat":"finding"' "$out/lock-inversion.json") finding marks, $(wc -c < "$out/lock-inversion.json") bytes"
grep -q '"cat":"finding"' "$out/lock-inversion.json" || { echo "demo: expected the export to mark the potential deadlock" >&2; exit 1; }

echo "== synctrace report $out/lock-inversion.synctrace --predict --output $out/lock-inversion.html   (one self-contained HTML page)"
"$bin/synctrace" report "$out/lock-inversion.synctrace" --predict --output "$out/lock-inversion.html"
echo "wrote $out/lock-inversion.html ($(wc -c <"$out/lock-inversion.html") bytes): open it in a browser"
grep -q 'POTENTIAL DEADLOCK (CONFIRMED)' "$out/lock-inversion.html" || { echo "demo: expected the report to show the confirmed deadlock" >&2; exit 1; }
grep -q '<svg class="timeline"' "$out/lock-inversion.html" || { echo "demo: expected the report to draw its timeline" >&2; exit 1; }
echo
echo "== SYNCTRACE_OUTPUT=$out/crashed.synctrace RacyCounter --fixed --crash   (dies of a failed precondition)"
status=0
SYNCTRACE_OUTPUT="$out/crashed.synctrace" SWIFT_BACKTRACE=enable=no "$bin/RacyCounter" --fixed --crash 2>&1 || status=$?
echo "(the program's exit status: $status, as without SyncTrace)"
echo
echo "== synctrace analyze $out/crashed.synctrace   (exit status 0: every event was written, no findings; the report names the signal)"
"$bin/synctrace" analyze "$out/crashed.synctrace"
echo
echo "== SYNCTRACE_FLUSH_INTERVAL_MS=1 SYNCTRACE_OUTPUT=$out/whole.synctrace RacyCounter --fixed, the file cut in half, synctrace analyze it"
echo "   (as SIGKILL or a full disk leaves a trace: exit status 3, never a clean verdict)"
SYNCTRACE_FLUSH_INTERVAL_MS=1 SYNCTRACE_OUTPUT="$out/whole.synctrace" "$bin/RacyCounter" --fixed
head -c $(( $(wc -c < "$out/whole.synctrace") / 2 )) "$out/whole.synctrace" > "$out/cut.synctrace"
status=0
"$bin/synctrace" analyze "$out/cut.synctrace" || status=$?
[ "$status" -eq 3 ] || { echo "demo: expected a cut trace to exit 3, got $status" >&2; exit 1; }
echo
echo "== synctrace analyze /dev/null   (no trace at all: exit status 2)"
status=0
"$bin/synctrace" analyze /dev/null || status=$?
[ "$status" -eq 2 ] || { echo "demo: expected /dev/null to exit 2, got $status" >&2; exit 1; }
echo
echo "== synctrace stats $out/racy.synctrace"
"$bin/synctrace" stats "$out/racy.synctrace"
echo
echo "== synctrace dump $out/racy.synctrace  (first 8 events)"
"$bin/synctrace" dump "$out/racy.synctrace" > "$out/racy.trace"
grep -v '^#' "$out/racy.trace" | sed -n 1,8p
echo
echo "== synctrace convert Examples/traces/racy-counter.std $out/racy-counter.synctrace && synctrace dump it"
"$bin/synctrace" convert Examples/traces/racy-counter.std "$out/racy-counter.synctrace"
"$bin/synctrace" dump "$out/racy-counter.synctrace"
echo
echo "== synctrace analyze Examples/traces/racy-counter.std --format json   (the first finding)"
"$bin/synctrace" analyze Examples/traces/racy-counter.std --format json > "$out/racy-counter.json" || true
sed -n 1,20p "$out/racy-counter.json"
echo
echo "== lz4 -dc $out/racy.synctrace | head -c 48 | od -c   (standard LZ4 frames: the lz4 tool reads them)"
lz4 -dc "$out/racy.synctrace" > "$out/racy.raw"
od -A d -c -N 48 "$out/racy.raw"
