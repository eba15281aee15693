#!/usr/bin/env bash
# Test integration check: runs the nested package Tests/Adoption — a test suite that adopts
# SyncTraceTesting as a package would, with the `.synctrace` trait and XCTest's helpers — in a child
# `swift test`, and checks every test's verdict (Scripts/testing_check.py): each racy test fails with
# an issue at its racing line (file and line), each clean one passes, parallel traced cases each get
# exactly their own verdict, an untraced racy test running meanwhile fails none of them, failing
# traces are attached and kept where SYNCTRACE_TEST_TRACES says. Some of the package's tests fail on
# purpose, so its `swift test` must exit 1.
#
# Arguments go to both `swift build` and `swift test` (e.g. --scratch-path DIR; by default the
# package's own .build).
set -euo pipefail
cd "$(dirname "$0")/.."
source Scripts/bootstrap.sh

package=Tests/Adoption
work="$(mktemp -d "${TMPDIR:-/tmp}/synctrace-testing.XXXXXX")"
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/traces"

swift build --build-tests --package-path "$package" "$@"
status=0
# --event-stream-output-path is one of `swift test`'s hidden options (`swift test --help-hidden`):
# Swift Testing's JSON event stream, one record a line, with each issue's source location.
SYNCTRACE_TEST_TRACES="$work/traces" swift test --skip-build --package-path "$package" "$@" \
    --event-stream-output-path "$work/events.jsonl" --event-stream-version 0 \
    >"$work/output.txt" 2>&1 || status=$?
if [ "$status" -ne 1 ]; then
    tail -n 40 "$work/output.txt" >&2
    echo "testing-check: swift test of $package exited $status, expected 1 (some of its tests fail on purpose)" >&2
    exit 1
fi
python3 Scripts/testing_check.py "$package/Tests/AdoptionTests" "$work/events.jsonl" "$work/output.txt" "$work/traces" || {
    echo "testing-check: the run's output is kept at $work.log" >&2
    cp "$work/output.txt" "$work.log"
    exit 1
}
