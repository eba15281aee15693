#if canImport(Testing)
public import SyncTrace
public import Testing

/// A Swift Testing trait that records a test with SyncTrace and fails it at each finding: data
/// races, deadlocks and lost updates in the test's body and in every thread, task and Dispatch work
/// item it started through the traced primitives.
///
/// ```swift
/// import SyncTrace
/// import SyncTraceTesting
/// import Testing
///
/// @Test(.synctrace) func counterIsThreadSafe() {
///     let counter = TracedVar(0, name: "counter")
///     let workers = (0..<2).map { _ in TracedThread.spawn { counter[] += 1 } }
///     for worker in workers { worker.join() }
/// }
/// ```
///
/// Each finding becomes one issue at the source location of the finding's first event (the racing
/// access, the lock acquisition), its comment the report's block for it (`WARNING: DATA RACE` …),
/// and the failing test's trace is attached to it (`swift test --attachments-path DIR` saves it)
/// and kept on disk (``TraceKeeping``). A test without findings passes as it would without the
/// trait; one whose body throws is analysed all the same.
///
/// On a suite (`@Suite(.synctrace)`) it applies to every test in the suite and its nested suites,
/// each recorded on its own; each case of a parameterized test is recorded on its own too.
///
/// Traced tests record one at a time — the recorder has one session per process — and wait for one
/// another without holding a thread, while untraced tests keep running in parallel. Events that
/// untraced tests make meanwhile land in the same recording; a traced test reports only the
/// findings with an event on its own threads: the thread its body ran as and those forked from it.
public struct SyncTraceTrait: TestTrait, SuiteTrait, TestScoping {
    /// How the test is recorded and analysed.
    public var options: SyncTraceTestOptions

    /// A trait with `options`; ``Testing/Trait/synctrace`` and
    /// ``Testing/Trait/synctrace(plugins:suppressions:keepingTraces:traceDirectory:recorder:)``
    /// read better at the test.
    public init(options: SyncTraceTestOptions = SyncTraceTestOptions()) {
        self.options = options
    }

    /// On a suite, the trait applies to every test in it and in its nested suites.
    public var isRecursive: Bool { true }

    /// Records one test case's body, analyses the recording, and records an issue per finding.
    public func provideScope(
        for test: Test,
        testCase: Test.Case?,
        performing function: @Sendable () async throws -> Void
    ) async throws {
        // A traced suite's test that says `.synctrace` itself: recorded once, by the outer scope.
        guard !TracedTestRun.isActive else {
            try await function()
            return
        }
        let testLocation = test.sourceLocation
        let run = TracedTestRun(
            name: test.displayName ?? test.name,
            options: self.options,
            attribution: .testThreads,
            locator: FindingLocator(testFileID: testLocation.fileID, testFilePath: testLocation.filePath)
        )
        try await run.run(function) { outcome in Self.report(outcome, testLocation: testLocation) }
    }

    /// Records the outcome's problems at the test and each finding at its first event.
    private static func report(_ outcome: TracedTestOutcome, testLocation: SourceLocation) {
        for problem in outcome.problems {
            Issue.record(Comment(rawValue: "SyncTrace: \(problem)"), sourceLocation: testLocation)
        }
        if let attachment = outcome.attachment {
            Attachment.record(attachment.bytes, named: attachment.name, sourceLocation: testLocation)
        }
        for finding in outcome.findings {
            let location = finding.location.map {
                SourceLocation(fileID: $0.fileID, filePath: $0.filePath, line: $0.line, column: 1)
            }
            Issue.record(Comment(rawValue: outcome.issueText(for: finding)), sourceLocation: location ?? testLocation)
        }
    }
}

extension Trait where Self == SyncTraceTrait {
    /// Records the test with SyncTrace and fails it at each data race, deadlock and lost update its
    /// recording shows (``SyncTraceTrait``), with the built-in plugins and default options.
    public static var synctrace: SyncTraceTrait { SyncTraceTrait() }

    /// Records the test with SyncTrace and fails it at each finding of `plugins` that `suppressions`
    /// do not accept (``SyncTraceTrait``).
    ///
    /// ```swift
    /// @Test(.synctrace(plugins: [.race], suppressions: .rules("race:legacyCounter"), keepingTraces: .always))
    /// func cache() { … }
    /// ```
    ///
    /// - Parameters:
    ///   - plugins: The analyses to run (default: race, deadlock and lost-update).
    ///   - suppressions: Findings to accept, in the syntax of `synctrace analyze --suppressions`.
    ///   - keepingTraces: Which traces to keep on disk (default: those with findings).
    ///   - traceDirectory: Where to keep them (default: `SYNCTRACE_TEST_TRACES`, else the
    ///     temporary directory's `synctrace-tests`).
    ///   - recorder: The recorder's options (stack depth, buffers…).
    public static func synctrace(
        plugins: [SyncTracePlugin] = SyncTracePlugin.builtIn,
        suppressions: SyncTraceSuppressions? = nil,
        keepingTraces: TraceKeeping = .withFindings,
        traceDirectory: String? = nil,
        recorder: TraceRecorderOptions = TraceRecorderOptions()
    ) -> SyncTraceTrait {
        SyncTraceTrait(
            options: SyncTraceTestOptions(
                plugins: plugins,
                suppressions: suppressions,
                keepingTraces: keepingTraces,
                traceDirectory: traceDirectory,
                recorder: recorder
            )
        )
    }
}
#endif
