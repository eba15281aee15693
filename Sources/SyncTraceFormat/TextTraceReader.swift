/// Reads the text form (see <doc:TextForm>; RAPID STD files included) as a stream of event batches.
///
/// Threads and objects are numbered in order of first appearance; an object's kind comes from the
/// first operation that names it. Every line is checked twice: for its syntax, and against the
/// happens-before rules by a ``TraceRuleChecker``. The first malformed line throws a
/// ``TraceFormatError`` naming the file, the line and what was expected; so does input without a
/// single event line (empty, or only blank lines and comments), which holds no trace.
///
/// The input is read in large chunks and parsed as bytes (by the internal `TextEventDecoder`): a
/// line costs no allocation, and a name becomes a `String` once, when it first appears.
public final class TextTraceReader: TraceEventSource {
    /// Events per batch: enough to amortize the call, small enough to stay in cache.
    public static let batchSize = 4096

    private let fileName: String
    private let lines: LineSplitter
    /// All per-line state, in a struct so that the line loop runs on it in place: one access to this
    /// property per batch, not several per line.
    private var decoder: TextEventDecoder

    public let header: TraceHeader
    public var symbols: TraceSymbols { self.decoder.names.symbols }
    public private(set) var ending = TraceEnding.open
    public private(set) var eventCount: UInt64 = 0
    /// Always 0: the text form has no way to say that events were lost.
    public var droppedEventCount: UInt64 { 0 }
    public var inputByteCount: Int { self.lines.consumedBytes }
    public var recordByteCount: Int? { nil }
    public var form: TraceFile.Form { .text }
    /// True: the text form lists events in an order consistent with happens-before.
    public var isOrdered: Bool { true }

    /// Opens a text trace file.
    ///
    /// - Throws: ``TraceFormatError`` when the file cannot be opened.
    public convenience init(path: String) throws(TraceFormatError) {
        let input: FileByteInput
        do {
            input = try FileByteInput(path: path)
        } catch {
            throw TraceFormatError(file: path, position: .input, reason: error.reason)
        }
        self.init(input: input, fileName: path)
    }

    /// Reads a text trace held in a string; `fileName` is what error messages call it.
    public convenience init(text: String, fileName: String = "") {
        self.init(input: MemoryByteInput(bytes: Array(text.utf8)), fileName: fileName)
    }

    /// Reads `input`, `chunkSize` bytes at a time (tests pass small sizes to cut lines across reads).
    init(input: any TraceByteInput, fileName: String, chunkSize: Int = LineSplitter.defaultChunkSize) {
        self.fileName = fileName
        self.lines = LineSplitter(input: input, chunkSize: chunkSize)
        self.decoder = TextEventDecoder(fileName: fileName)
        self.header = TraceHeader(program: fileName)
    }

    public func nextBatch(into events: inout [TraceEvent]) throws(TraceFormatError) -> Bool {
        events.removeAll(keepingCapacity: true)
        let inputEnded = try self.decoder.decode(from: self.lines, into: &events, limit: Self.batchSize)
        if inputEnded {
            // The text form has no header: a trace is its event lines, and a file without one
            // is no trace (an empty file is what a process that died before writing leaves).
            if self.eventCount == 0 && events.isEmpty { throw self.noTrace() }
            self.ending = .complete
        }
        self.eventCount += UInt64(events.count)
        return !events.isEmpty
    }

    /// The error for input without a single event line.
    private func noTrace() -> TraceFormatError {
        guard self.lines.consumedBytes > 0 else { return .noTrace(file: self.fileName) }
        let lineCount = self.decoder.lineNumber
        let lines = lineCount == 1 ? "its one line is" : "its \(lineCount) lines are all"
        return TraceFormatError(
            file: self.fileName,
            position: .input,
            reason: "no trace: \(lines) blank or comments, and a text trace is its event lines"
        )
    }
}
