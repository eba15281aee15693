public import SyncTrace

/// How a traced test is recorded and analysed: what the trait `.synctrace(…)` and XCTest's
/// `synctrace(…)` take.
public struct SyncTraceTestOptions: Sendable {
    /// The environment variable naming the directory where traced tests keep their traces, when the
    /// options name none (``traceDirectory``).
    public static let traceDirectoryEnvironmentVariable = "SYNCTRACE_TEST_TRACES"

    /// The analyses to run over the recording (by default the built-in ones).
    public var plugins: [SyncTracePlugin]
    /// Findings the test accepts, if any.
    public var suppressions: SyncTraceSuppressions?
    /// Which traces stay on disk.
    public var keepingTraces: TraceKeeping
    /// Where kept traces go; `nil` for `SYNCTRACE_TEST_TRACES`, else the temporary directory.
    public var traceDirectory: String?
    /// How the recorder records (stack depth, buffers…).
    public var recorder: TraceRecorderOptions

    /// Options for a traced test; every parameter has the default the plain `.synctrace` uses.
    ///
    /// - Parameters:
    ///   - plugins: The analyses to run (default: race, deadlock and lost-update).
    ///   - suppressions: Findings to accept, in the syntax of `synctrace analyze --suppressions`.
    ///   - keepingTraces: Which traces to keep on disk (default: those with findings).
    ///   - traceDirectory: Where to keep them (default: `SYNCTRACE_TEST_TRACES`, else the
    ///     temporary directory's `synctrace-tests`).
    ///   - recorder: The recorder's options.
    public init(
        plugins: [SyncTracePlugin] = SyncTracePlugin.builtIn,
        suppressions: SyncTraceSuppressions? = nil,
        keepingTraces: TraceKeeping = .withFindings,
        traceDirectory: String? = nil,
        recorder: TraceRecorderOptions = TraceRecorderOptions()
    ) {
        self.plugins = plugins
        self.suppressions = suppressions
        self.keepingTraces = keepingTraces
        self.traceDirectory = traceDirectory
        self.recorder = recorder
    }
}
