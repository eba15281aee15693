import SyncTrace
import SyncTraceTesting
import XCTest

// The same verdicts through XCTest: `synctrace {}` around a body, and `SyncTraceTestCase`.
// Scripts/testing-check.sh reads XCTest's failure lines (FILE:LINE: error: CLASS.TEST : …).

final class SynctraceHelperTests: XCTestCase {
    /// Check-then-act over two sections of a `TracedMutex`: the lost withdrawal fails the test at
    /// the write it threw away.
    func testLostCheckThenActWithdrawal() {
        synctrace {
            let final = checkThenActWithdrawals(name: "xctest.withdrawal.balance")
            XCTAssert(final == 80 || final == 90)
        }
    }

    /// Updates in one section beside read-only sections: nothing lost, the test passes.
    func testCleanMutexUpdatesBesideReads() {
        synctrace { XCTAssertEqual(updatesInOneSection(name: "xctest.updates.counter"), 800) }
    }

    /// A flag published with releasing and acquiring orders the payload: the test passes.
    func testCleanAcquireReleasePublish() {
        synctrace { XCTAssertEqual(publish(name: "xctest.acquireRelease", store: .releasing, load: .acquiring), 42) }
    }

    func testRacyWrite() {
        synctrace {
            let counter = TracedVar(0, name: "xctest.racyWrite.counter")
            let writers = (0..<2).map { index in
                TracedThread.spawn { counter[] = index }  // expect-issue: xctest-racy-write
            }
            for writer in writers { writer.join() }
        }
    }

    func testCleanLockedWrite() {
        synctrace { lockedTwoWriters(name: "xctest.clean.counter") }
    }

    func testRacyTasks() async {
        await synctrace {
            let counter = TracedVar(0, name: "xctest.racyTasks.counter")
            let tasks = (0..<2).map { index in
                TracedTask { counter[] = index }  // expect-issue: xctest-racy-tasks
            }
            for task in tasks { await task.value }
        }
    }

    func testRacyDispatch() {
        synctrace {
            let counter = TracedVar(0, name: "xctest.racyDispatch.counter")
            let pool = TracedDispatchQueue(label: "xctest.pool", attributes: .concurrent)
            let done = TracedDispatchGroup()
            for index in 0..<2 {
                pool.async(group: done) { counter[] = index }  // expect-issue: xctest-racy-dispatch
            }
            done.wait()
        }
    }

    /// `synctrace` returns the body's value and rethrows its error, analysed first.
    func testRacyThenThrows() throws {
        let value: Int = try synctrace {
            let flag = TracedVar(false, name: "xctest.racyThenThrows.flag")
            let writers = (0..<2).map { _ in
                TracedThread.spawn { flag[] = true }  // expect-issue: xctest-racy-then-throws
            }
            for writer in writers { writer.join() }
            throw BodyFailure()
        }
        XCTAssertEqual(value, 0)
    }
}

final class SyncTraceTestCaseTests: SyncTraceTestCase {
    func testRacyWrite() {
        let counter = TracedVar(0, name: "testcase.racyWrite.counter")
        let writers = (0..<2).map { index in
            TracedThread.spawn { counter[] = index }  // expect-issue: testcase-racy-write
        }
        for writer in writers { writer.join() }
    }

    func testCleanLockedWrite() {
        lockedTwoWriters(name: "testcase.clean.counter")
    }

    func testRacyTasks() async {
        let counter = TracedVar(0, name: "testcase.racyTasks.counter")
        let tasks = (0..<2).map { index in
            TracedTask { counter[] = index }  // expect-issue: testcase-racy-tasks
        }
        for task in tasks { await task.value }
    }
}
