#!/usr/bin/env bash
# Builds the DocC catalogs (SyncTrace, SyncTraceFormat, SyncTraceReplay, SyncTraceTesting) with
# swift-docc-plugin, and fails on any warning: a symbol link that does not resolve, a parameter left
# undocumented.
# Arguments go to `swift package` before the verb (e.g. --scratch-path DIR). The archives land in
# the build folder's plugins/Swift-DocC/outputs/.
set -euo pipefail
cd "$(dirname "$0")/.."
source Scripts/bootstrap.sh

swift package "$@" generate-documentation \
    --target SyncTraceFormat \
    --target SyncTrace \
    --target SyncTraceReplay \
    --target SyncTraceTesting \
    --warnings-as-errors
