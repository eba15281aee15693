/// What `synctrace stats` reports about a trace, gathered in one streaming pass.
public struct TraceStatistics: Hashable, Sendable {
    /// The trace's header.
    public var header: TraceHeader
    /// Events by operation.
    public var eventsByOperation: [TraceOperation: UInt64] = [:]
    /// All events.
    public var eventCount: UInt64 = 0
    /// Events the recorder reported lost (drop-on-overflow policy).
    public var droppedEventCount: UInt64 = 0
    /// Declared threads.
    public var threadCount = 0
    /// Declared objects by kind.
    public var objectsByKind: [ObjectKind: Int] = [:]
    /// Interned strings (names and locations).
    public var stringCount = 0
    /// Bytes of the file that were read (all of it, unless it ended in an incomplete frame).
    public var inputByteCount = 0
    /// Decompressed record bytes of a binary trace; `nil` for a text trace.
    public var recordByteCount: Int?
    /// How the trace ended.
    public var ending: TraceEnding = .open

    /// Reads `source` to its end and gathers its statistics.
    ///
    /// - Throws: ``TraceFormatError`` for a malformed trace.
    public init(reading source: any TraceEventSource) throws(TraceFormatError) {
        self.header = source.header
        var counts = [UInt64](repeating: 0, count: 64)
        var events: [TraceEvent] = []
        while try source.nextBatch(into: &events) {
            for event in events { counts[Int(event.operation.rawValue)] &+= 1 }
        }
        for operation in TraceOperation.allCases where counts[Int(operation.rawValue)] > 0 {
            self.eventsByOperation[operation] = counts[Int(operation.rawValue)]
        }
        self.eventCount = source.eventCount
        self.droppedEventCount = source.droppedEventCount
        let symbols = source.symbols
        self.threadCount = symbols.threads.count
        for object in symbols.objects { self.objectsByKind[object.kind, default: 0] += 1 }
        self.stringCount = symbols.strings.count
        self.inputByteCount = source.inputByteCount
        self.recordByteCount = source.recordByteCount
        self.ending = source.ending
    }

    /// Bytes of input per event (0 for an empty trace).
    public var bytesPerEvent: Double {
        self.eventCount == 0 ? 0 : Double(self.inputByteCount) / Double(self.eventCount)
    }

    /// Decompressed bytes over compressed bytes, for a binary trace.
    public var compressionRatio: Double? {
        guard let raw = self.recordByteCount, self.inputByteCount > 0 else { return nil }
        return Double(raw) / Double(self.inputByteCount)
    }
}
