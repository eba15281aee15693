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
    /// The trace's names: what the renderers turn the findings' identities into.
    public var symbols: TraceSymbols
    /// Findings taken out after the replay (suppressed, in a baseline), which the summary counts.
    public var omitted = Omitted()
    /// Why some recorded frames are shown raw (`image+0xoffset`), one sentence per image: the trace
    /// had no symbols for them and the binary they lie in is gone or was rebuilt. Empty when every
    /// frame has symbols (or the trace has no stacks).
    public var stackNotes: [String] = []

    /// Creates a report.
    public init(
        trace: TraceSummary,
        plugins: [String],
        findings: [Finding],
        summaries: [String: [String]],
        symbols: TraceSymbols,
        stackNotes: [String] = []
    ) {
        self.trace = trace
        self.plugins = plugins
        self.findings = findings
        self.summaries = summaries
        self.symbols = symbols
        self.stackNotes = stackNotes
    }

    /// `text` with the threads, objects and locations it names given their names in this trace.
    public func text(_ text: FindingText) -> String { text.resolved(in: self.symbols) }

    /// The strings a plugin field shows (JSON's value): a `.strings` field's as they are, a `.texts`
    /// field's with their names; empty for any other field, or none.
    public func strings(_ value: FindingValue?) -> [String] {
        switch value {
        case .strings(let strings)?: return strings
        case .texts(let texts)?: return texts.map(self.text)
        default: return []
        }
    }

    /// The name of the thread that did `event`.
    public func threadName(of event: FindingEvent) -> String { self.symbols.thread(event.threadID).name }

    /// The name of what `event` operates on: its object, or the thread a `fork` or `join` names.
    public func targetName(of event: FindingEvent) -> String? { TextReportRenderer.target(of: event, symbols: self.symbols) }

    /// The text of `event`'s source location, if it recorded one.
    public func location(of event: FindingEvent) -> String? { self.symbols.location(event.location) }

    /// The caller's stack at `event`, innermost first, when the trace recorded one (empty otherwise).
    public func stack(of event: FindingEvent) -> [StackFrame] { self.symbols.stack(event.location) }

    /// The stack that created `event`'s thread, innermost first, when the trace recorded one.
    public func threadCreationStack(of event: FindingEvent) -> [StackFrame] {
        self.symbols.stack(self.symbols.thread(event.threadID).location)
    }

    /// The names of the objects `finding` names (a race's variables, a deadlock's locks), in order.
    public func objectNames(of finding: Finding) -> [String] { finding.objects.map { self.symbols.object($0.id).name } }

    /// The name of the variable `finding` is about, if it is about one (JSON's `"variable"`).
    public func variable(of finding: Finding) -> String? {
        finding.variableID.map { self.symbols.object($0).name }
    }
}
