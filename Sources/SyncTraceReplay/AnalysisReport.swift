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
        /// Events replayed through the plugins: all of a whole trace's; of a trace cut short, those of
        /// its consistent cut.
        public var analysedEvents: UInt64
        /// Events read from a trace cut short but not analysed: they wait behind its first gap for
        /// events the cut lost. 0 for a whole trace.
        public var unanalysedEvents: UInt64
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

        /// Events replayed: the same as ``analysedEvents``.
        public var events: UInt64 { self.analysedEvents }

        /// Whether the trace ended cleanly (a complete trace), not by a signal and not cut short.
        public var isComplete: Bool { self.ending == .complete || self.ending == .open }

        /// Whether the analysis covers what the program did to its end: a complete trace, or one a
        /// signal handler finished. A trace cut short is analysed only up to its consistent cut.
        public var reachesProgramEnd: Bool { self.ending.holdsEveryEvent }
    }

    /// What the replay read.
    public var trace: TraceSummary
    /// The plugins that ran, by name, in order.
    public var plugins: [String]
    /// Everything they found, plugin by plugin.
    public var findings: [Finding]
    /// Each plugin's summary lines, by plugin name.
    public var summaries: [String: [String]]
    /// Why some recorded frames are shown raw (`image+0xoffset`), one sentence per image: the trace
    /// had no symbols for them and the binary they lie in is gone or was rebuilt. Empty when every
    /// frame has symbols (or the trace has no stacks).
    public var stackNotes: [String] = []
}
