#!/usr/bin/env bash
# Runs the whole test suite on a fresh machine: installs the Debian packages it needs, builds once,
# then runs every test target (Swift Testing).
set -euo pipefail
cd "$(dirname "$0")/.."
source Scripts/bootstrap.sh

# The import check fails the build when a target imports a module it does not declare as a
# dependency: the module arrows of Package.swift (and of the architecture article) hold.
swift build --build-tests --explicit-target-dependency-import-check error
swift test --skip-build "$@"
