import SyncTraceFormat

/// An access to a variable as the lost-update counter keeps it to name it in a finding: 16 bytes, a
/// third of a ``TraceEvent`` (the variable is known from where the record is kept, and a finding
/// shows neither the timestamp nor the sequence number).
struct AccessRecord {
    /// The access's position in the replay (``AnalysisContext/eventIndex``) in the low 56 bits, its
    /// operation's raw value in the top 8: packed, so that a variable's record fits two cache lines.
    private var indexAndOperation: UInt64
    /// The thread that made the access.
    var thread: ThreadID
    /// The access's location's raw id, or `UInt32.max` for none.
    var location: UInt32

    /// Replay positions this record can hold: 2⁵⁶ events, far beyond any trace a replay reads.
    private static let indexMask: UInt64 = (1 << 56) - 1

    /// The record of `event`, handled at replay position `index`.
    init(_ event: TraceEvent, index: UInt64) {
        precondition(index <= Self.indexMask, "replay position beyond 2^56 events")
        self.indexAndOperation = index | UInt64(event.operation.rawValue) << 56
        self.thread = event.thread
        self.location = event.location?.rawValue ?? .max
    }

    /// The access's position in the replay.
    var index: UInt64 { self.indexAndOperation & Self.indexMask }

    /// What the access did.
    var operation: TraceOperation {
        // Built from an operation in `init`: the raw value is always valid.
        TraceOperation(rawValue: UInt8(truncatingIfNeeded: self.indexAndOperation >> 56))!
    }

    /// The access as an event of variable `object`, for a finding.
    func event(of object: Int) -> TraceEvent {
        TraceEvent(
            operation: self.operation,
            thread: self.thread,
            target: UInt32(object),
            location: self.location == .max ? nil : StringID(self.location)
        )
    }
}
