#!/usr/bin/env python3
"""Checks SARIF logs written by `synctrace analyze --format sarif`.

Usage: sarif_check.py SCHEMA LOG [LOG...]

For each log: valid against the SARIF 2.1.0 JSON schema (draft 4), and within GitHub code
scanning's documented limits (runs per file, results per run, locations and thread-flow locations
per result, rules per run). Exit status 1 naming the log and the problem when one is not.
"""
import json
import sys

import jsonschema

LIMITS = {"runs": 20, "results": 25_000, "rules": 25_000, "locations": 1_000, "threadFlowLocations": 10_000}


def check(schema, path):
    with open(path, encoding="utf-8") as handle:
        log = json.load(handle)
    errors = sorted(jsonschema.Draft4Validator(schema).iter_errors(log), key=lambda error: list(error.path))
    if errors:
        for error in errors[:10]:
            print(f"{path}: schema: {'/'.join(map(str, error.path))}: {error.message}", file=sys.stderr)
        return False
    problems = []
    runs = log.get("runs", [])
    if len(runs) > LIMITS["runs"]:
        problems.append(f"{len(runs)} runs")
    for run in runs:
        results = run.get("results", [])
        rules = run.get("tool", {}).get("driver", {}).get("rules", [])
        if len(results) > LIMITS["results"]:
            problems.append(f"{len(results)} results")
        if len(rules) > LIMITS["rules"]:
            problems.append(f"{len(rules)} rules")
        for index, result in enumerate(results):
            locations = len(result.get("locations", [])) + len(result.get("relatedLocations", []))
            if locations > LIMITS["locations"]:
                problems.append(f"result {index}: {locations} locations")
            flow = sum(len(thread.get("locations", [])) for code in result.get("codeFlows", []) for thread in code.get("threadFlows", []))
            if flow > LIMITS["threadFlowLocations"]:
                problems.append(f"result {index}: {flow} thread-flow locations")
            if "syncTraceFinding/v1" not in result.get("partialFingerprints", {}):
                problems.append(f"result {index}: no fingerprint")
    for problem in problems:
        print(f"{path}: over GitHub's limits: {problem}", file=sys.stderr)
    return not problems


def main():
    if len(sys.argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    with open(sys.argv[1], encoding="utf-8") as handle:
        schema = json.load(handle)
    ok = all([check(schema, path) for path in sys.argv[2:]])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
