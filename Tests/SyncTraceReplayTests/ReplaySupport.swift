import RaceDetector
import SyncTraceFormat
import SyncTraceReplay

enum Replay {
    /// Analyses a text trace with the race detector.
    static func analyze(text: String, plugins: [any AnalysisPlugin] = [RaceDetector()]) throws -> AnalysisReport {
        try TraceAnalysis.run(source: TextTraceReader(text: text, fileName: "t.trace"), plugins: plugins, path: "t.trace")
    }

    /// The variables the race detector reports on a text trace.
    static func racyVariables(_ text: String) throws -> Set<String> {
        Set(try Self.analyze(text: text).findings.compactMap(\.variable))
    }

    /// Analyses binary trace bytes with the race detector.
    static func analyze(binary: [UInt8], plugins: [any AnalysisPlugin] = [RaceDetector()]) throws -> AnalysisReport {
        try TraceAnalysis.run(source: BinaryTraceReader(bytes: binary, fileName: "t.synctrace"), plugins: plugins, path: "t.synctrace")
    }
}
