#!/usr/bin/env bash
# The main job on a fresh machine: builds the `synctrace` tool, converts the shipped example trace
# (the seed's racy counter, in the text form) to a binary trace, and shows what the tool reports.
set -euo pipefail
cd "$(dirname "$0")/.."
source Scripts/bootstrap.sh

swift build --product synctrace
bin="$(swift build --show-bin-path)/synctrace"
out="${TMPDIR:-/tmp}/synctrace-demo"
mkdir -p "$out"

echo "== synctrace convert Examples/traces/racy-counter.std $out/racy-counter.synctrace"
"$bin" convert Examples/traces/racy-counter.std "$out/racy-counter.synctrace"
echo
echo "== synctrace stats $out/racy-counter.synctrace"
"$bin" stats "$out/racy-counter.synctrace"
echo
echo "== synctrace dump $out/racy-counter.synctrace"
"$bin" dump "$out/racy-counter.synctrace"
echo
echo "== lz4 -dc $out/racy-counter.synctrace | head -c 64 | od -c   (standard LZ4 frames: the lz4 tool reads them)"
lz4 -dc "$out/racy-counter.synctrace" | head -c 64 | od -A d -c | head -4
