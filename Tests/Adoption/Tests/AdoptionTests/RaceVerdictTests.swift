import SyncTrace
import SyncTraceTesting
import Testing

// Each test's expected verdict is checked by Scripts/testing-check.sh, which reads the event stream
// of a `swift test` run of this package: a line marked `// expect-issue: TAG` is where the test's
// issue must point; a test whose name says `clean` must pass.

/// Two threads write one variable with nothing ordering them: a data race on every run, whatever
/// the timing (writes only, so no lost update muddies the verdict).
func raceTwoWriters(name: String) {
    let counter = TracedVar(0, name: name)
    let writers = (0..<2).map { index in
        TracedThread.spawn(name: "writer \(index)") {
            counter[] = index  // expect-issue: two-writers
        }
    }
    for writer in writers { writer.join() }
}

/// The same two writers, each holding one lock: no race.
func lockedTwoWriters(name: String) {
    let counter = TracedVar(0, name: name)
    let lock = TracedLock(name: "\(name) lock")
    let writers = (0..<2).map { index in
        TracedThread.spawn(name: "writer \(index)") {
            lock.withLock { counter[] = index }
        }
    }
    for writer in writers { writer.join() }
}

@Test(.synctrace) func racyWrite() {
    let counter = TracedVar(0, name: "racyWrite.counter")
    let writers = (0..<2).map { index in
        TracedThread.spawn { counter[] = index }  // expect-issue: racy-write
    }
    for writer in writers { writer.join() }
}

@Test(.synctrace) func cleanLockedWrite() {
    lockedTwoWriters(name: "cleanLockedWrite.counter")
}

/// A race in a helper in another function: the issue points at the helper's racing line.
@Test(.synctrace) func racyHelper() {
    raceTwoWriters(name: "racyHelper.counter")
}

struct BodyFailure: Error {}

/// A body that throws after racing is analysed all the same: the thrown error and the race both fail it.
@Test(.synctrace) func racyThenThrows() throws {
    let flag = TracedVar(false, name: "racyThenThrows.flag")
    let writers = (0..<2).map { _ in
        TracedThread.spawn { flag[] = true }  // expect-issue: racy-then-throws
    }
    for writer in writers { writer.join() }
    throw BodyFailure()
}

/// A race the test's suppressions accept: it passes.
@Test(.synctrace(suppressions: .rules("race:^suppressed.counter$"))) func cleanBecauseSuppressed() {
    raceTwoWriters(name: "suppressed.counter")
}

/// Only the race plugin: the same racy code still fails.
@Test(.synctrace(plugins: [.race])) func racyRaceOnly() {
    let counter = TracedVar(0, name: "racyRaceOnly.counter")
    let writers = (0..<2).map { index in
        TracedThread.spawn { counter[] = index }  // expect-issue: racy-race-only
    }
    for writer in writers { writer.join() }
}

/// A suppression rule for a plugin the test does not run is a mistake that fails the test.
@Test(.synctrace(plugins: [.race], suppressions: .rules("deadlock:anything"))) func failsOnUnknownSuppressionPlugin() {
    lockedTwoWriters(name: "unknownPlugin.counter")
}

/// The trait on a suite: every test in it is recorded on its own, and the test that repeats the
/// trait is recorded once.
@Suite(.synctrace) struct TracedSuite {
    @Test func racyInSuite() {
        let counter = TracedVar(0, name: "racyInSuite.counter")
        let writers = (0..<2).map { index in
            TracedThread.spawn { counter[] = index }  // expect-issue: racy-in-suite
        }
        for writer in writers { writer.join() }
    }

    @Test func cleanInSuite() {
        lockedTwoWriters(name: "cleanInSuite.counter")
    }

    @Test(.synctrace) func cleanTracedTwice() {
        lockedTwoWriters(name: "cleanTracedTwice.counter")
    }
}
