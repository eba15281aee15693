public import SyncTraceFormat

/// A binary trace's events in happens-before order, as an event source: what `synctrace dump` and
/// `convert` print, so that a recorded trace's text form is a valid text trace (each thread's events
/// after its fork, each lock's sections one after another…) rather than the file's thread-by-thread
/// batches. A trace cut short comes out up to its consistent cut (see ``TraceOrdering``).
public final class OrderedTraceSource: TraceEventSource {
    private let source: any TraceEventSource
    private let ordering: TraceOrdering

    /// Orders the events of `source`.
    public init(_ source: any TraceEventSource) {
        self.source = source
        self.ordering = TraceOrdering(source: source)
    }

    public var header: TraceHeader { self.source.header }
    public var symbols: TraceSymbols { self.source.symbols }
    public var ending: TraceEnding { self.source.ending }
    public private(set) var eventCount: UInt64 = 0
    public var droppedEventCount: UInt64 { self.source.droppedEventCount }
    public var inputByteCount: Int { self.source.inputByteCount }
    public var recordByteCount: Int? { self.source.recordByteCount }
    public var form: TraceFile.Form { self.source.form }
    /// True: that is what this source is for.
    public var isOrdered: Bool { true }
    /// Events of a trace cut short that were read but left out: they wait behind its first gap for
    /// events the cut lost (``TraceOrdering/leftOutEventCount``). Known once the last batch is out.
    public var leftOutEventCount: UInt64 { self.ordering.leftOutEventCount }

    public func nextBatch(into events: inout [TraceEvent]) throws(TraceFormatError) -> Bool {
        repeat {
            guard try self.ordering.nextBatch(into: &events) else { return false }
            // A logical thread's `exit` ordered the file's batches; in order, it says nothing more.
            events.removeAll { $0.operation.isRecorderOnly }
        } while events.isEmpty
        self.eventCount += UInt64(events.count)
        return true
    }
}
