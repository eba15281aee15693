#!/usr/bin/env bash
# Runs the whole test suite on a fresh machine: installs the Debian packages it needs, builds once,
# then runs every test target (Swift Testing).
set -euo pipefail
cd "$(dirname "$0")/.."
source Scripts/bootstrap.sh

swift build --build-tests
swift test --skip-build "$@"
