#!/usr/bin/env bash
# Writes the hostile text traces the scale and AddressSanitizer checks replay into DIR:
#   nested.std     one thread holding 2,000 nested locks, released in reverse
#   reentrant.std  one thread taking one lock 100,000 times (a self deadlock), then releasing it
#   threads.std    100,000 threads with one write each (10 variables: races)
#   forked.std     50,000 threads forked by main, one write each
#   ring.std       200 threads each taking 20 locks in its own rotation of one ring (a dense lock-order graph)
#
#   ./Scripts/hostile-traces.sh DIR
set -euo pipefail
dir="${1:?usage: hostile-traces.sh DIR}"
awk 'BEGIN { for (i = 0; i < 2000; i++) print "T0|acq(L" i ")|f.swift:1"; for (i = 1999; i >= 0; i--) print "T0|rel(L" i ")|f.swift:2" }' >"$dir/nested.std"
awk 'BEGIN { for (i = 0; i < 100000; i++) print "T0|acq(L)|f.swift:1"; for (i = 0; i < 100000; i++) print "T0|rel(L)|f.swift:2" }' >"$dir/reentrant.std"
awk 'BEGIN { for (i = 0; i < 100000; i++) print "T" i "|w(V" (i % 10) ")|f.swift:1" }' >"$dir/threads.std"
awk 'BEGIN { for (i = 1; i <= 50000; i++) print "main|fork(T" i ")|f.swift:1"; for (i = 1; i <= 50000; i++) print "T" i "|w(V" (i % 10) ")|f.swift:2" }' >"$dir/forked.std"
awk 'BEGIN { for (t = 0; t < 200; t++) for (k = 0; k < 20; k++) { l = (t + k) % 20; print "T" t "|acq(L" l ")|f:1" } for (t = 0; t < 200; t++) for (k = 19; k >= 0; k--) { l = (t + k) % 20; print "T" t "|rel(L" l ")|f:2" } }' >"$dir/ring.std"
