import RaceDetector
import SyncTraceFormat
import SyncTraceReplay
import SyncTraceTestSupport

/// The replay's tests analyse with the race detector unless they say otherwise.
enum Replay {
    /// Analyses a text trace.
    static func analyze(text: String, plugins: [any AnalysisPlugin] = [RaceDetector()]) throws -> AnalysisReport {
        try TestAnalysis.analyze(text: text, plugins: plugins)
    }

    /// The variables the race detector reports on a text trace.
    static func racyVariables(_ text: String) throws -> Set<String> {
        Set(try Self.analyze(text: text).findings.compactMap(\.variable))
    }

    /// Analyses binary trace bytes.
    static func analyze(binary: [UInt8], plugins: [any AnalysisPlugin] = [RaceDetector()]) throws -> AnalysisReport {
        try TestAnalysis.analyze(binary: binary, plugins: plugins)
    }
}
