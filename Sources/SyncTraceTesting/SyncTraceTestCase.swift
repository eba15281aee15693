#if canImport(XCTest)
public import XCTest

/// An `XCTestCase` whose every test method is recorded with SyncTrace and fails at each finding, as
/// if its body were wrapped in `synctrace(options:file:fileID:line:_:)`:
/// subclass it instead of `XCTestCase`.
///
/// ```swift
/// final class LedgerTests: SyncTraceTestCase {
///     func testConcurrentDeposits() {
///         let balance = TracedVar(0, name: "balance")
///         let tellers = (0..<2).map { _ in TracedThread.spawn { balance[] += 10 } }
///         for teller in tellers { teller.join() }
///     }
/// }
/// ```
///
/// The recording spans `setUp`, the test method and `tearDown`. Unlike `synctrace {}`, every
/// finding of the recording is the test's, not only those on the threads it started: XCTest runs an
/// `async` test method in a plain task on threads of the pool, which the trace cannot tell from
/// other code's, and it runs one test method of a process at a time. Code started before the test
/// that is still running (a thread an earlier test did not join) records into it too.
open class SyncTraceTestCase: XCTestCase {
    /// How each test method is recorded and analysed; override to change it for a class.
    open var synctraceOptions: SyncTraceTestOptions { SyncTraceTestOptions() }

    /// Runs the test method recorded, then records a failure per finding.
    override open func invokeTest() {
        guard !TracedTestRun.isActive else { return super.invokeTest() }
        let run = self.tracedTestRun(options: self.synctraceOptions, attribution: .wholeTrace, file: #filePath, fileID: #fileID)
        run.runBlocking({ super.invokeTest() }) { outcome in self.report(outcome, file: #filePath, line: #line) }
    }
}
#endif
