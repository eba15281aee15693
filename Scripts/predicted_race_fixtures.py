#!/usr/bin/env python3
"""Writes the predicted-race agreement fixtures (Tests/RaceDetectorTests/Predicted/*.std).

Each fixture is a random lock-heavy program run by a random scheduler: worker threads forked and
joined by T0 take critical sections on a few locks (some nested, always in increasing lock order, so
no run deadlocks), access a few variables inside and outside them, and keep running for a while
before another thread gets a turn, so that a thread's unlocked accesses are often ordered before
another's only by a lock both take later. The trace is in RAPID's STD form (numeric locations).

RAPID's WCP and HBEpoch engines are run on each trace once (this script needs a RAPID build:
--rapid CLASSPATH), and the variables of their racy events, and WCP's racy events, are stored in
the fixture as comment lines, with the generator's parameters, so that the tests need neither Java
nor RAPID:

    # generator: Scripts/predicted_race_fixtures.py seed=3 threads=3 locks=2 variables=5 steps=40
    # rapid WCP racy variables: V0 V3
    # rapid HBEpoch racy variables: V3
    # rapid WCP racy events: 17 40 52

(events numbered from 0, as the replay numbers them).

The tests (RacePredictorAgreementTests) check that the race detector's racing variables are
HBEpoch's, that those together with the predictor's are WCP's (but where RAPID's racy events race in
no schedule), and that each predicted pair has a schedule that shows it.

Usage: predicted_race_fixtures.py --rapid CLASSPATH [--out DIR] [--count N]
"""
import argparse
import os
import random
import re
import subprocess
import sys
import tempfile


def program(rng, threads, locks, variables, steps):
    """Each worker's operations: ('acq', l), ('rel', l), ('r', v), ('w', v)."""
    programs = []
    for _ in range(threads):
        ops = []
        for _ in range(steps):
            choice = rng.random()
            if choice < 0.45:
                outer = rng.randrange(locks)
                ops.append(('acq', outer))
                for _ in range(rng.randrange(3)):
                    ops.append((rng.choice('rw'), rng.randrange(variables)))
                if outer + 1 < locks and rng.random() < 0.25:
                    inner = rng.randrange(outer + 1, locks)
                    ops.append(('acq', inner))
                    for _ in range(rng.randrange(1, 3)):
                        ops.append((rng.choice('rw'), rng.randrange(variables)))
                    ops.append(('rel', inner))
                ops.append(('rel', outer))
            else:
                ops.append((rng.choice('rrw'), rng.randrange(variables)))
        programs.append(ops)
    return programs


def schedule(rng, programs):
    """Runs the workers one step at a time; a thread keeps its turn with probability 0.8."""
    lines = []
    location = {}

    def loc(thread, index):
        return location.setdefault((thread, index), len(location) + 1)

    for worker in range(len(programs)):
        lines.append(f"T0|fork(T{worker + 1})|{loc(0, worker)}")
    position = [0] * len(programs)
    holder = {}
    current = 0
    while True:
        runnable = []
        for worker, ops in enumerate(programs):
            if position[worker] == len(ops):
                continue
            op, arg = ops[position[worker]]
            if op == 'acq' and holder.get(arg) not in (None, worker):
                continue
            runnable.append(worker)
        if not runnable:
            break
        if current not in runnable or rng.random() > 0.8:
            current = rng.choice(runnable)
        op, arg = programs[current][position[current]]
        name = f"L{arg}" if op in ('acq', 'rel') else f"V{arg}"
        if op == 'acq':
            holder[arg] = current
        elif op == 'rel':
            del holder[arg]
        lines.append(f"T{current + 1}|{op}({name})|{loc(current + 1, position[current])}")
        position[current] += 1
    assert all(position[w] == len(programs[w]) for w in range(len(programs))), "the schedule deadlocked"
    for worker in range(len(programs)):
        lines.append(f"T0|join(T{worker + 1})|{loc(0, 1000 + worker)}")
    return lines


def racy_events(classpath, engine, path):
    """The racy variables RAPID's engine reports, and its racy events (0-based event positions)."""
    out = subprocess.run(["java", "-cp", classpath, engine, "-f", "std", "-p", path, "-v", "1"],
                         check=True, capture_output=True, text=True).stdout
    found = set()
    events = []
    for match in re.finditer(r"Race detected at event (\d+) : T\d+\|[rw]\((V\d+)\)", out):
        events.append(int(match.group(1)) - 1)
        found.add(match.group(2))
    return sorted(found, key=lambda name: int(name[1:])), events


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rapid", required=True, help="RAPID's class path (its classes directory and lib jars)")
    parser.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "Tests", "RaceDetectorTests", "Predicted"))
    parser.add_argument("--count", type=int, default=40)
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    summary = []
    for seed in range(1, args.count + 1):
        rng = random.Random(seed)
        threads = rng.choice([2, 3, 3, 4])
        locks = rng.choice([1, 2, 2, 3])
        variables = rng.choice([3, 4, 6, 8])
        steps = rng.choice([10, 20, 40])
        lines = schedule(rng, program(rng, threads, locks, variables, steps))
        with tempfile.NamedTemporaryFile("w", suffix=".std", delete=False) as trace:
            trace.write("\n".join(lines) + "\n")
        try:
            wcp, wcp_events = racy_events(args.rapid, "WCP", trace.name)
            hb, _ = racy_events(args.rapid, "HBEpoch", trace.name)
        finally:
            os.unlink(trace.name)
        assert set(hb) <= set(wcp), f"seed {seed}: HB races outside WCP's"
        name = os.path.join(args.out, f"wcp-{seed:02d}.std")
        with open(name, "w") as fixture:
            fixture.write(f"# generator: Scripts/predicted_race_fixtures.py seed={seed} threads={threads} locks={locks} variables={variables} steps={steps}\n")
            fixture.write("# rapid WCP racy variables: " + " ".join(wcp) + "\n")
            fixture.write("# rapid HBEpoch racy variables: " + " ".join(hb) + "\n")
            fixture.write("# rapid WCP racy events: " + " ".join(map(str, wcp_events)) + "\n")
            fixture.write("\n".join(lines) + "\n")
        summary.append((seed, len(hb), len(wcp)))
    predicted = sum(1 for _, hb, wcp in summary if wcp > hb)
    print(f"wrote {len(summary)} fixtures to {args.out}; {predicted} have WCP races that HB misses; "
          f"{sum(w - h for _, h, w in summary)} such variables in all")


if __name__ == "__main__":
    sys.exit(main())
