public import SyncTraceFormat

/// What a replay found, with what it read.
public struct AnalysisReport: Sendable {
    /// What the replay read.
    public struct TraceSummary: Hashable, Sendable {
        /// The trace file ("" for a source that is not a file).
        public var path: String
        /// Binary or text.
        public var form: TraceFile.Form
        /// The program the trace says it recorded (binary traces).
        public var program: String
        /// Events replayed.
        public var events: UInt64
        /// Threads declared.
        public var threads: Int
        /// Objects declared.
        public var objects: Int
        /// How the trace ended.
        public var ending: TraceEnding
        /// Events the recorder reported lost (its drop policy): findings may then be incomplete.
        public var droppedEvents: UInt64
        /// Objects whose sequence numbers had gaps (used before recording started, or events lost).
        public var sequenceGaps: Int
    }

    /// What the replay read.
    public var trace: TraceSummary
    /// The plugins that ran, by name, in order.
    public var plugins: [String]
    /// Everything they found, plugin by plugin.
    public var findings: [Finding]
    /// Each plugin's summary lines, by plugin name.
    public var summaries: [String: [String]]
}
