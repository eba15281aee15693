/// A streaming source of a trace's events, in batches, with the trace's names growing as it goes.
///
/// Both readers conform: ``BinaryTraceReader`` and ``TextTraceReader``. Memory stays bounded by one
/// batch and the symbol table whatever the trace's length; batches are written into an array the
/// caller owns and reuses, so reading costs no heap allocation per event.
public protocol TraceEventSource: AnyObject {
    /// What the trace says about itself (for a text trace: its file name as the program).
    var header: TraceHeader { get }
    /// Every name declared so far: it covers every event handed out so far.
    var symbols: TraceSymbols { get }
    /// How the input ended; ``TraceEnding/open`` until ``nextBatch(into:)`` has returned `false`.
    var ending: TraceEnding { get }
    /// Events handed out so far.
    var eventCount: UInt64 { get }
    /// Events the recorder reported it lost so far (under its opt-in drop-on-overflow policy);
    /// a trace with lost events is incomplete, and analyses should say so.
    var droppedEventCount: UInt64 { get }
    /// Bytes of the input file read so far (for a binary trace: compressed bytes of complete frames).
    var inputByteCount: Int { get }
    /// Decompressed record bytes of a binary trace so far; `nil` for a text trace.
    var recordByteCount: Int? { get }
    /// The form of the input the events are read from (what reports call it).
    var form: TraceFile.Form { get }
    /// Whether the events come out in an order the replay can apply as it reads them, every event
    /// after the events it depends on: true for a text trace (the form requires it) and for an
    /// ordering source; false for a recorder's binary trace, whose per-thread batches must first be
    /// merged by their sequence numbers.
    var isOrdered: Bool { get }

    /// Replaces the contents of `events` with the next batch; returns `false` at the end of the trace.
    ///
    /// - Throws: ``TraceFormatError`` for a malformed or corrupt trace, naming the line or byte offset.
    func nextBatch(into events: inout [TraceEvent]) throws(TraceFormatError) -> Bool
}
