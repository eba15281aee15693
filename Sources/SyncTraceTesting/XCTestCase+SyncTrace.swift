#if canImport(XCTest)
public import XCTest

extension XCTestCase {
    /// Records `body` with SyncTrace, analyses the recording when it returns or throws, and records
    /// one XCTest failure per finding, at the file and line of the finding's first event (the racing
    /// access, the lock acquisition), its message the report's block for it; then returns `body`'s
    /// result or throws its error.
    ///
    /// ```swift
    /// func testCounter() throws {
    ///     try synctrace {
    ///         let counter = TracedVar(0, name: "counter")
    ///         let workers = (0..<2).map { _ in TracedThread.spawn { counter[] += 1 } }
    ///         for worker in workers { worker.join() }
    ///     }
    /// }
    /// ```
    ///
    /// `body` runs on the calling thread; the test's findings are those with an event on it or on a
    /// thread, task or work item it started through the traced primitives. A failing test's trace is
    /// kept on disk and its failures say where (``TraceKeeping``). Waits, blocking, while a traced
    /// test of Swift Testing or another thread records (the recorder has one session per process).
    /// Inside a traced test already, it just runs `body`.
    ///
    /// - Parameters:
    ///   - options: How to record and analyse (plugins, suppressions, where traces go).
    ///   - file: The test's file, where failures that are no finding's go (leave the default).
    ///   - fileID: The test's file as `#fileID` names it, to tell its path (leave the default).
    ///   - line: The test's line (leave the default).
    ///   - body: The code to record.
    public func synctrace<Result>(
        options: SyncTraceTestOptions = SyncTraceTestOptions(),
        file: StaticString = #filePath,
        fileID: StaticString = #fileID,
        line: UInt = #line,
        _ body: () throws -> Result
    ) rethrows -> Result {
        guard !TracedTestRun.isActive else { return try body() }
        let run = self.tracedTestRun(options: options, attribution: .testThreads, file: file, fileID: fileID)
        return try run.runBlocking(body) { self.report($0, file: file, line: line) }
    }

    /// Records the asynchronous `body` with SyncTrace, as a traced task of its own, then reports as
    /// the synchronous `synctrace(options:file:fileID:line:_:)` does: for `async` test methods.
    ///
    /// ```swift
    /// func testTasks() async {
    ///     await synctrace {
    ///         let counter = TracedVar(0, name: "counter")
    ///         let tasks = (0..<2).map { _ in TracedTask { counter[] += 1 } }
    ///         for task in tasks { await task.value }
    ///     }
    /// }
    /// ```
    ///
    /// Waits without blocking a thread while another traced test records.
    ///
    /// - Parameters:
    ///   - options: How to record and analyse (plugins, suppressions, where traces go).
    ///   - file: The test's file, where failures that are no finding's go (leave the default).
    ///   - fileID: The test's file as `#fileID` names it, to tell its path (leave the default).
    ///   - line: The test's line (leave the default).
    ///   - body: The code to record.
    public func synctrace<Result>(
        options: SyncTraceTestOptions = SyncTraceTestOptions(),
        file: StaticString = #filePath,
        fileID: StaticString = #fileID,
        line: UInt = #line,
        _ body: () async throws -> Result
    ) async rethrows -> Result {
        guard !TracedTestRun.isActive else { return try await body() }
        let run = self.tracedTestRun(options: options, attribution: .testThreads, file: file, fileID: fileID)
        return try await run.run(body) { self.report($0, file: file, line: line) }
    }

    func tracedTestRun(options: SyncTraceTestOptions, attribution: TracedTestRun.Attribution, file: StaticString, fileID: StaticString) -> TracedTestRun {
        TracedTestRun(
            name: self.name,
            options: options,
            attribution: attribution,
            locator: FindingLocator(testFileID: "\(fileID)", testFilePath: "\(file)")
        )
    }

    /// Records the outcome's problems at the test's line and each finding at its own.
    func report(_ outcome: TracedTestOutcome, file: StaticString, line: UInt) {
        for problem in outcome.problems {
            self.recordFailure(withDescription: "SyncTrace: \(problem)", inFile: "\(file)", atLine: Int(line), expected: true)
        }
        for finding in outcome.findings {
            self.recordFailure(
                withDescription: outcome.issueText(for: finding),
                inFile: finding.location?.filePath ?? "\(file)",
                atLine: finding.location?.line ?? Int(line),
                expected: true
            )
        }
    }

}
#endif
