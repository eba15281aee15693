public import SyncTraceReplay
import SyncTraceFormat

/// Runs the whole analysis on a trace held in memory, as `synctrace analyze` runs it on a file:
/// what the plugins' and the replay's tests check their findings with.
public enum TestAnalysis {
    /// Analyses a text trace (named `t.trace` in the report) with `plugins`.
    public static func analyze(text: String, plugins: [any AnalysisPlugin]) throws -> AnalysisReport {
        try TraceAnalysis.run(source: TextTraceReader(text: text, fileName: "t.trace"), plugins: plugins, path: "t.trace")
    }

    /// Analyses the bytes of a binary trace (named `t.synctrace` in the report) with `plugins`.
    public static func analyze(binary: [UInt8], plugins: [any AnalysisPlugin]) throws -> AnalysisReport {
        try TraceAnalysis.run(
            source: BinaryTraceReader(bytes: binary, fileName: "t.synctrace"),
            plugins: plugins,
            path: "t.synctrace"
        )
    }
}
