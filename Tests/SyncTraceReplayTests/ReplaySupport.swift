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

    /// The variables the race detector reports on a text trace (each finding lists the variables
    /// that race at its two places among its objects).
    static func racyVariables(_ text: String) throws -> Set<String> {
        let report = try Self.analyze(text: text)
        return Set(report.findings.flatMap { $0.objects.map { report.symbols.object($0.id).name } })
    }

    /// Analyses binary trace bytes.
    static func analyze(binary: [UInt8], plugins: [any AnalysisPlugin] = [RaceDetector()]) throws -> AnalysisReport {
        try TestAnalysis.analyze(binary: binary, plugins: plugins)
    }
}
