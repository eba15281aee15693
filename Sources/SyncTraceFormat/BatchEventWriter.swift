/// Appends the events of one batch record, encoding each where it is given: the one home of an
/// event's encoding inside a batch (opcode flags, thread switches, sequence and timestamp deltas;
/// see `BinaryLayout.swift`).
///
/// ``TraceWriter/writeBatch(maximumEvents:_:)`` hands one to its body. A caller that holds its
/// events in another shape than ``TraceEvent`` (the recorder's raw per-thread records) encodes them
/// in the same loop that reads them, with no array of trace events between. The methods are inlined
/// into that loop.
///
/// An event that names an undeclared thread, object or location, or one past `maximumEvents`, is
/// refused, and so is every event appended after it: the writer writes the events before it and then
/// throws, so a trace a reader would refuse is never written.
public struct BatchEventWriter {
    @usableFromInline var out: UncheckedWriter
    @usableFromInline let context: BatchEncodingContext
    /// How many events may be appended: the batch's maximum, or the count at the first refusal.
    @usableFromInline var maximum: Int
    @usableFromInline var thread: UInt32 = 0
    @usableFromInline var timestamp: UInt64 = 0
    /// The batch header's thread and base timestamp: the first event's.
    @usableFromInline var firstThread: UInt32 = 0
    @usableFromInline var firstTimestamp: UInt64 = 0
    @usableFromInline var appended = 0
    /// The first event refused, if any: the batch then ends before it.
    @usableFromInline var refused: Refusal?

    @usableFromInline
    enum Refusal {
        case undeclared(TraceOperation, ThreadID)
        case full
        /// An atomic operation whose argument is no ordering it may have, or (in a trace older than
        /// format version 3, which has no place for one) any ordering but sequentially consistent.
        case ordering(TraceOperation, ThreadID, Int64)
    }

    @usableFromInline
    init(start: UnsafeMutablePointer<UInt8>, maximum: Int, context: BatchEncodingContext) {
        self.out = UncheckedWriter(pointer: start)
        self.maximum = maximum
        self.context = context
    }

    /// Events appended so far.
    @inlinable public var count: Int { self.appended }

    /// Whether another event fits in this batch.
    @inlinable public var hasRoom: Bool { self.appended < self.maximum }

    /// Appends an event; see ``TraceEvent`` for what each field holds.
    @inlinable @inline(__always)
    public mutating func append(_ event: TraceEvent) {
        self.append(
            event.operation,
            thread: event.thread,
            target: event.target,
            location: event.location,
            argument: event.argument,
            sequence: event.sequence,
            timestamp: event.timestamp
        )
    }

    /// Appends an event; see ``TraceEvent`` for what each field holds. `target` is ignored for an
    /// operation without one, `argument` for one without an argument, `sequence` for one without a
    /// sequence number.
    @inlinable @inline(__always)
    public mutating func append(
        _ operation: TraceOperation,
        thread: ThreadID,
        target: UInt32,
        location: StringID?,
        argument: Int64,
        sequence: UInt64,
        timestamp: UInt64
    ) {
        let context = self.context
        // One check per field against what is declared now (the caller may declare while it appends).
        var declared = thread.rawValue < context.threadCount
        let hasTarget: Bool
        switch operation.target {
        case .none: hasTarget = false
        case .thread: hasTarget = true; declared = declared && target < context.threadCount
        case .object: hasTarget = true; declared = declared && target < context.objectCount
        }
        if let location { declared = declared && location.rawValue < context.stringCount }
        // An atomic's ordering: written from format version 3 (one byte for the usual 0); a version
        // that cannot hold it takes sequentially consistent atomics only.
        let isAtomic = operation.isAtomic
        let orderingFits = !isAtomic
            || (context.writesAtomicOrderings ? TraceAtomicOrdering(argument: argument, of: operation) != nil : argument == 0)
        guard declared, orderingFits, self.appended < self.maximum else {
            if self.refused == nil {
                self.refused = !declared ? .undeclared(operation, thread) : !orderingFits ? .ordering(operation, thread, argument) : .full
            }
            // Nothing after a refused event: the batch ends where the caller went wrong.
            self.maximum = self.appended
            return
        }
        if self.appended == 0 {
            self.firstThread = thread.rawValue
            self.thread = thread.rawValue
            self.firstTimestamp = timestamp
            self.timestamp = timestamp
        } else if thread.rawValue != self.thread {
            self.out.writeByte(BinaryLayout.switchOpcode)
            self.out.writeVarint(UInt64(thread.rawValue))
            self.thread = thread.rawValue
        }
        var opcode = operation.rawValue
        if location != nil { opcode |= BinaryLayout.locationFlag }
        let timestampDelta = Int64(bitPattern: timestamp &- self.timestamp)
        if timestampDelta != 0 { opcode |= BinaryLayout.timestampFlag }
        self.out.writeByte(opcode)
        if hasTarget { self.out.writeVarint(UInt64(target)) }
        if operation.hasArgument || (isAtomic && context.writesAtomicOrderings) { self.out.writeSignedVarint(argument) }
        if operation.hasSequence {
            // Checked above against the declared objects, and the table has an entry per declared object.
            let next = context.nextSequence + Int(target)
            self.out.writeSignedVarint(Int64(bitPattern: sequence &- next.pointee))
            next.pointee = sequence &+ 1
        }
        if timestampDelta != 0 {
            self.out.writeSignedVarint(timestampDelta)
            self.timestamp = timestamp
        }
        if let location { self.out.writeVarint(UInt64(location.rawValue)) }
        self.appended &+= 1
    }
}

/// What encoding a batch needs from the writer's declarations: how many of each kind of id are
/// declared, and each object's next expected sequence number (which makes the common sequence
/// number the byte 0; so one writer must encode every batch of a trace, in file order).
///
/// A class, because declarations made while a batch is being appended must reach the batch's writer.
@usableFromInline
final class BatchEncodingContext {
    // Read for every appended event, on the writer's thread only: no runtime exclusivity check.
    @usableFromInline @exclusivity(unchecked) var threadCount: UInt32 = 0
    @usableFromInline @exclusivity(unchecked) var objectCount: UInt32 = 0
    @usableFromInline @exclusivity(unchecked) var stringCount: UInt32 = 0
    /// Whether atomic operations carry their ordering (format version 3 and later).
    @usableFromInline let writesAtomicOrderings: Bool
    /// Per declared object, one more than its last written sequence number.
    private var sequences = RawBuffer<UInt64>(capacity: 64)
    /// The sequence table's first entry: `sequences.base`, kept here for the inlined encoding loop
    /// (which cannot reach the buffer itself), and set again whenever a declaration grows the table.
    @usableFromInline @exclusivity(unchecked) private(set) var nextSequence: UnsafeMutablePointer<UInt64>

    init(formatVersion: Int) {
        self.writesAtomicOrderings = formatVersion >= BinaryLayout.atomicOrderingsVersion
        self.nextSequence = self.sequences.base
    }

    /// Counts one more declared object, whose first sequence number is expected to be 0.
    func objectDeclared() {
        let index = Int(self.objectCount)
        self.sequences.reserve(index + 1, preserving: index)
        self.nextSequence = self.sequences.base
        self.nextSequence[index] = 0
        self.objectCount += 1
    }
}
