"""Checks the verdicts of a `swift test` run of the nested package Tests/Adoption (testing-check.sh).

Usage: testing_check.py SOURCES EVENTS OUTPUT TRACES

SOURCES  the package's test sources (Tests/Adoption/Tests/AdoptionTests)
EVENTS   Swift Testing's JSON event stream of the run (version 0, one record a line)
OUTPUT   the run's standard output and error (XCTest's lines, the tests' prints)
TRACES   the directory SYNCTRACE_TEST_TRACES named for the run

A test's expected issues are tags: a source line that ends with `// expect-issue: TAG` is where a
finding's issue must point (file and line, from the event stream or XCTest's failure line); a tag
starting `lost-` must be a lost-update finding and `race-` a data race (checked in the event stream). Two
other tags name issues that are not findings: "thrown" (the body's own error) and "problem: TEXT"
(an issue at the test itself whose comment contains TEXT). Every test the run knows must have an
entry below: a test added to the package without one fails the check, so its verdict is stated.
Standard library only.
"""

import base64
import json
import os
import re
import sys

# Swift Testing: test function name -> the issues it must have, in any order ([] passes).
SWIFT_TESTING = {
    "racyWrite()": ["racy-write"],
    "lostCheckThenActWithdrawal()": ["lost-withdrawal"],
    "cleanMutexUpdatesBesideReads()": [],
    "racyRelaxedPublish()": ["race-relaxed-payload"],
    "cleanAcquireReleasePublish()": [],
    "cleanLockedWrite()": [],
    "racyHelper()": ["two-writers"],
    "racyThenThrows()": ["racy-then-throws", "thrown"],
    "cleanBecauseSuppressed()": [],
    "racyRaceOnly()": ["racy-race-only"],
    "failsOnUnknownSuppressionPlugin()": ["problem: names the plugin 'deadlock', which this test does not run"],
    "racyInSuite()": ["racy-in-suite"],
    "cleanInSuite()": [],
    "cleanTracedTwice()": [],
    "racyTasks()": ["racy-tasks"],
    "cleanSequentialTasks()": [],
    "racyTaskGroup()": ["racy-task-group"],
    "racyDispatch()": ["racy-dispatch"],
    "cleanSerialDispatch()": [],
    "racyThreadInTask()": ["racy-thread-in-task"],
    "untracedRacyNeighbour()": [],
    # Parameterized: checked case by case below.
    "parallelMixed(index:)": None,
    "parallelClean(index:)": [],
    # The measurement (SYNCTRACE_COST=1): skipped in the check.
    "costTraced(index:)": "skipped",
    "costUntraced(index:)": "skipped",
}

# The suite that holds tests: no issue of its own.
SUITES = {"TracedSuite"}

# XCTest: CLASS.METHOD -> the failures it must have ([] passes).
XCTEST = {
    "SynctraceHelperTests.testRacyWrite": ["xctest-racy-write"],
    "SynctraceHelperTests.testLostCheckThenActWithdrawal": ["lost-withdrawal"],
    "SynctraceHelperTests.testCleanMutexUpdatesBesideReads": [],
    "SynctraceHelperTests.testCleanAcquireReleasePublish": [],
    "SynctraceHelperTests.testCleanLockedWrite": [],
    "SynctraceHelperTests.testRacyTasks": ["xctest-racy-tasks"],
    "SynctraceHelperTests.testRacyDispatch": ["xctest-racy-dispatch"],
    "SynctraceHelperTests.testRacyThenThrows": ["xctest-racy-then-throws", "thrown"],
    "SyncTraceTestCaseTests.testRacyWrite": ["testcase-racy-write"],
    "SyncTraceTestCaseTests.testCleanLockedWrite": [],
    "SyncTraceTestCaseTests.testRacyTasks": ["testcase-racy-tasks"],
}

PARALLEL_CASES = 24

failures = []


def fail(message):
    failures.append(message)


def marked_lines(sources):
    """TAG -> (fileID, absolute path, line) for every `// expect-issue: TAG` line."""
    marks = {}
    for name in sorted(os.listdir(sources)):
        if not name.endswith(".swift"):
            continue
        path = os.path.abspath(os.path.join(sources, name))
        with open(path, encoding="utf-8") as file:
            for number, text in enumerate(file, start=1):
                found = re.search(r"//\s*expect-issue:\s*(\S+)\s*$", text)
                if found:
                    tag = found.group(1)
                    if tag in marks:
                        fail(f"tag {tag} marks two lines ({marks[tag][1]}:{marks[tag][2]} and {path}:{number})")
                    marks[tag] = (f"AdoptionTests/{name}", path, number)
    return marks


def read_events(path):
    tests = {}  # id -> payload of the test record
    issues = {}  # id -> [(case display name or None, payload)]
    cases = {}  # id -> set of case display names started
    skipped = set()
    attachments = {}  # id -> [(case, name, bytes)]
    with open(path, encoding="utf-8") as file:
        for line in file:
            record = json.loads(line)
            payload = record.get("payload", {})
            if record.get("kind") == "test":
                tests[payload["id"]] = payload
                continue
            kind = payload.get("kind")
            test = payload.get("testID")
            case = (payload.get("_testCase") or {}).get("displayName")
            if kind == "issueRecorded":
                issues.setdefault(test, []).append((case, payload))
            elif kind == "testCaseStarted":
                cases.setdefault(test, set()).add(case)
            elif kind == "testSkipped":
                skipped.add(test)
            elif kind == "valueAttached":
                attachment = payload["attachment"]
                data = base64.b64decode(attachment.get("_bytes", ""))
                attachments.setdefault(test, []).append((case, attachment.get("_preferredName", ""), data))
    return tests, issues, cases, skipped, attachments


def issue_text(payload):
    return "\n".join(message.get("text", "") for message in payload.get("messages", []))


def issue_matches(tag, payload, test, marks):
    """Whether Swift Testing's issue `payload` is the one `tag` expects of `test`."""
    text = issue_text(payload)
    location = payload.get("issue", {}).get("sourceLocation") or {}
    if tag == "thrown":
        return "Caught error" in text
    if tag.startswith("problem: "):
        own = test["sourceLocation"]
        return tag[len("problem: "):] in text and location.get("line") == own["line"] and location.get("fileID") == own["fileID"]
    file_id, path, line = marks[tag]
    return location.get("fileID") == file_id and location.get("_filePath") == path and location.get("line") == line and expected_warning(tag) in text


def expected_warning(tag):
    """The report line an issue for `tag` must hold: a tag starting `lost-` is a lost update, `race-` a data race."""
    if tag.startswith("lost-"):
        return "WARNING: LOST UPDATES"
    if tag.startswith("race-"):
        return "WARNING: DATA RACE"
    return "WARNING: "


def check_swift_testing(events, output, traces, marks):
    tests, issues, cases, skipped, attachments = read_events(events)
    by_name = {}
    for test_id, test in tests.items():
        if test["kind"] == "suite":
            if test["name"] not in SUITES:
                fail(f"Swift Testing: suite {test['name']} has no entry in testing_check.py")
            if issues.get(test_id):
                fail(f"Swift Testing: suite {test['name']} recorded issues of its own")
            continue
        by_name[test["name"]] = (test_id, test)
        if test["name"] not in SWIFT_TESTING:
            fail(f"Swift Testing: {test['name']} has no expected verdict in testing_check.py")
    for name, expected in SWIFT_TESTING.items():
        if name not in by_name:
            fail(f"Swift Testing: {name} did not run")
            continue
        test_id, test = by_name[name]
        recorded = [payload for _, payload in issues.get(test_id, [])]
        if expected == "skipped":
            if test_id not in skipped:
                fail(f"Swift Testing: {name} should be skipped (it runs only with SYNCTRACE_COST=1)")
            continue
        if expected is None:
            check_parallel_mixed(test_id, test, issues, cases, marks)
            continue
        unmatched = list(recorded)
        for tag in expected:
            match = next((payload for payload in unmatched if issue_matches(tag, payload, test, marks)), None)
            if match is None:
                where = marks.get(tag, ("", "", ""))
                fail(f"Swift Testing: {name} has no issue for '{tag}' (expected at {where[1]}:{where[2]}); its issues: "
                     + "; ".join(describe(payload) for payload in unmatched) if unmatched else
                     f"Swift Testing: {name} has no issue for '{tag}' (expected at {where[1]}:{where[2]}): it recorded none")
            else:
                unmatched.remove(match)
        for payload in unmatched:
            fail(f"Swift Testing: {name} has an unexpected issue: {describe(payload)}")
        findings = [tag for tag in expected if tag in marks]
        check_kept_trace(f"Swift Testing: {name}", findings, recorded, attachments.get(test_id, []), traces)
    # No traced test may report the untraced neighbour's races, which happened while they recorded.
    for test_id, recorded in issues.items():
        for _, payload in recorded:
            if "neighbour.counter" in issue_text(payload):
                fail(f"Swift Testing: {tests[test_id]['name']} reported the untraced neighbour's race")
    overlap = re.search(r"untracedRacyNeighbour: (\d+) races while a traced test recorded", output)
    if not overlap:
        fail("Swift Testing: untracedRacyNeighbour() printed no overlap count")
    elif int(overlap.group(1)) == 0:
        fail("Swift Testing: untracedRacyNeighbour() never raced while a traced test recorded: the isolation was not exercised")
    return len(tests), sum(len(v) for v in issues.values()), int(overlap.group(1)) if overlap else 0


def check_parallel_mixed(test_id, test, issues, cases, marks):
    """Even cases race on `parallel-N`, odd ones are clean: each case gets exactly its own verdict."""
    started = cases.get(test_id, set())
    if started != {str(index) for index in range(PARALLEL_CASES)}:
        fail(f"Swift Testing: parallelMixed ran cases {sorted(started)}, expected 0..<{PARALLEL_CASES}")
    by_case = {}
    for case, payload in issues.get(test_id, []):
        by_case.setdefault(case, []).append(payload)
    for index in range(PARALLEL_CASES):
        recorded = by_case.get(str(index), [])
        if index % 2:
            if recorded:
                fail(f"Swift Testing: parallelMixed case {index} (clean) has issues: " + "; ".join(describe(p) for p in recorded))
            continue
        if len(recorded) != 1 or not issue_matches("parallel-mixed", recorded[0], test, marks):
            fail(f"Swift Testing: parallelMixed case {index} should have one issue at its racing line, has: "
                 + ("; ".join(describe(p) for p in recorded) or "none"))
            continue
        names = set(re.findall(r"parallel-\d+", issue_text(recorded[0])))
        if names != {f"parallel-{index}"}:
            fail(f"Swift Testing: parallelMixed case {index}'s issue names {sorted(names)}, expected only parallel-{index}")


def check_kept_trace(test, findings, recorded, attached, traces):
    """A test with findings has its trace attached and kept in TRACES, and its issues say where."""
    if not findings:
        return
    if not attached:
        fail(f"{test}: no trace attached")
    for _, name, data in attached:
        if not name.endswith(".synctrace") or data[:4] != b"\x04\x22\x4d\x18":
            fail(f"{test}: the attachment {name} is not an LZ4-framed trace")
    for payload in recorded:
        text = issue_text(payload)
        if "WARNING: " not in text:
            continue
        kept = re.search(r"Trace kept at (\S+) ", text)
        if not kept:
            fail(f"{test}: an issue does not say where its trace is kept")
        elif os.path.dirname(kept.group(1)) != traces or not os.path.isfile(kept.group(1)):
            fail(f"{test}: its issue names {kept.group(1)}, which is not a file in {traces}")


def describe(payload):
    location = payload.get("issue", {}).get("sourceLocation") or {}
    first = issue_text(payload).splitlines()
    summary = next((line for line in first if line.startswith("data race") or line.startswith("SyncTrace:") or "error" in line), first[0] if first else "")
    return f"{location.get('fileID')}:{location.get('line')} ({summary.strip()[:120]})"


def check_xctest(output, marks):
    results = dict(re.findall(r"^Test Case '([\w.]+)' (passed|failed) \(", output, re.MULTILINE))
    failure_lines = re.findall(r"^(\S+?):(\d+): error: ([\w.]+) : (.*)$", output, re.MULTILINE)
    for name in results:
        if name not in XCTEST:
            fail(f"XCTest: {name} has no expected verdict in testing_check.py")
    for name, expected in XCTEST.items():
        if name not in results:
            fail(f"XCTest: {name} did not run")
            continue
        recorded = [(path, int(line), text) for path, line, test, text in failure_lines if test == name]
        want = "failed" if expected else "passed"
        if results[name] != want:
            fail(f"XCTest: {name} {results[name]}, expected it to have {want}")
        unmatched = list(recorded)
        for tag in expected:
            if tag == "thrown":
                match = next((r for r in unmatched if "threw error" in r[2]), None)
            else:
                _, path, line = marks[tag]
                match = next((r for r in unmatched if r[0] == path and r[1] == line and "SyncTrace found this" in r[2]), None)
            if match is None:
                fail(f"XCTest: {name} has no failure for '{tag}'; its failures: "
                     + ("; ".join(f"{p}:{l}" for p, l, _ in unmatched) or "none"))
            else:
                unmatched.remove(match)
        for path, line, text in unmatched:
            fail(f"XCTest: {name} has an unexpected failure at {path}:{line}: {text[:120]}")
    return len(results), len(failure_lines)


def main():
    sources, events, output_path, traces = sys.argv[1:5]
    traces = os.path.abspath(traces)
    marks = marked_lines(sources)
    with open(output_path, encoding="utf-8", errors="replace") as file:
        output = file.read()
    used = {tag for tags in list(SWIFT_TESTING.values()) + list(XCTEST.values()) if isinstance(tags, list) for tag in tags}
    used.add("parallel-mixed")
    for tag in marks:
        if tag not in used:
            fail(f"the line marked {tag} is expected by no test in testing_check.py")
    tests, issues, overlap = check_swift_testing(events, output, traces, marks)
    xctests, xcfailures = check_xctest(output, marks)
    if failures:
        for message in failures:
            print(f"testing-check: {message}", file=sys.stderr)
        print(f"testing-check: {len(failures)} verdicts wrong", file=sys.stderr)
        sys.exit(1)
    print(f"testing-check: {tests} Swift Testing tests ({issues} issues, each where expected; "
          f"the untraced neighbour raced {overlap} times during recordings, reported by none) and "
          f"{xctests} XCTest tests ({xcfailures} failures, each where expected) gave their verdicts")


main()
