#!/usr/bin/env bash
# HTML report check: records programs with findings (a race, lost updates, a confirmed lock
# inversion, a 20 ms lock wait), writes `synctrace report` of each and of a generated trace with
# thousands of findings, and loads every page in a real headless browser (Debian's chromium):
# the page's script must run to its end without an error, every finding of `analyze --format json`
# must be on the page (by fingerprint), and every timeline must draw its threads
# (Scripts/report_check.py). A screenshot of the lock inversion's page is kept as an artifact.
#
# Installs chromium from Debian when it is missing; where it cannot be installed, says so and
# skips the browser half (the page's structure is still checked by the Swift suite).
#
#   ./Scripts/report-check.sh                    # the check; the screenshot goes to .build-report/
#   ./Scripts/report-check.sh --update-picture   # also copies it to Docs/images/report.png (README)
set -euo pipefail
cd "$(dirname "$0")/.."
source Scripts/bootstrap.sh

artifacts=".build-report"
mkdir -p "$artifacts"
browser=""
for candidate in chromium chromium-browser; do
    command -v "$candidate" >/dev/null 2>&1 && { browser="$(command -v "$candidate")"; break; }
done
if [ -z "$browser" ]; then
    echo "report-check: installing chromium" >&2
    sudo=""
    [ "$(id -u)" -eq 0 ] || sudo="sudo"
    if $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null; then
        browser="$(command -v chromium || true)"
    fi
fi

swift build --product synctrace >/dev/null
swift build --product SeedPrograms >/dev/null
swift build --product RacyCounter >/dev/null
bin="$(swift build --show-bin-path)"
work="$(mktemp -d "${TMPDIR:-/tmp}/synctrace-report.XXXXXX")"
trap 'rm -rf "$work"' EXIT

SYNCTRACE_OUTPUT="$work/racy.synctrace" "$bin/RacyCounter" >/dev/null
SYNCTRACE_OUTPUT="$work/inversion.synctrace" "$bin/SeedPrograms" lock-inversion >/dev/null
SYNCTRACE_OUTPUT="$work/held-lock.synctrace" "$bin/SeedPrograms" held-lock >/dev/null
SYNCTRACE_OUTPUT="$work/lock-ordered.synctrace" "$bin/SeedPrograms" lock-ordered >/dev/null
"$bin/synctrace" generate "$work/generated.synctrace" --events 1000000 --threads 4 >/dev/null

pages=()
# page NAME [ARGS…]: the report of $work/NAME.synctrace and its analysis as JSON, for the checker.
page() {
    local name="$1"
    shift
    "$bin/synctrace" report "$work/$name.synctrace" "$@" --output "$work/$name.html"
    set +e
    "$bin/synctrace" analyze "$work/$name.synctrace" "$@" --format json --output "$work/$name.json"
    local status=$?
    set -e
    [ "$status" -le 1 ] || { echo "report-check: analyze $name exited $status" >&2; exit 1; }
    pages+=("$work/$name")
}
page racy
page inversion --predict
page held-lock
page lock-ordered --predict
page generated

if [ -z "$browser" ]; then
    echo "report-check: SKIPPED the browser check: no chromium could be installed (the pages were written, and the Swift suite checks their structure)" >&2
    exit 0
fi
python3 Scripts/report_check.py --browser "$browser" --screenshot "$artifacts/report.png" --shot inversion "${pages[@]}"
if [ "${1:-}" = "--update-picture" ]; then
    mkdir -p Docs/images
    cp "$artifacts/report.png" Docs/images/report.png
    echo "report-check: Docs/images/report.png updated"
fi
