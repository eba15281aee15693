/// One event of a trace: an operation by a thread, with what it needs to rebuild happens-before.
///
/// Events are plain values (40 bytes, no references) so that readers can hand them out in reusable
/// batches without a heap allocation per event.
public struct TraceEvent: Hashable, Sendable {
    // Stored widest first: Swift lays fields out in declaration order, and this order packs an event
    // into 40 bytes instead of 48, a sixth less memory traffic for every batch a reader hands out.

    /// The numeric argument: a channel's capacity for `chan`, the delta for `wgadd`, the code of the
    /// ordering for `aload`, `astore` and `armw` (read it as ``atomicOrdering``); zero otherwise.
    public var argument: Int64
    /// The object's own sequence number for this operation: the position of this event among all
    /// operations on the object. Taken under the object's own synchronization by the recorder, it is
    /// what orders events of different threads exactly, without timestamps.
    public var sequence: UInt64
    /// When it happened, in ticks of the trace's clock resolution since the trace started. For display only.
    public var timestamp: UInt64
    /// The thread that did it.
    public var thread: ThreadID
    /// The raw target: an ``ObjectID`` for object operations, a ``ThreadID`` for `fork`/`join`,
    /// zero for `begin`/`end`. Prefer ``object`` and ``otherThread``.
    public var target: UInt32
    /// The source location, if one was recorded.
    public var location: StringID?
    /// What happened.
    public var operation: TraceOperation

    /// Creates an event.
    public init(
        operation: TraceOperation,
        thread: ThreadID,
        target: UInt32 = 0,
        location: StringID? = nil,
        argument: Int64 = 0,
        sequence: UInt64 = 0,
        timestamp: UInt64 = 0
    ) {
        self.operation = operation
        self.thread = thread
        self.target = target
        self.location = location
        self.argument = argument
        self.sequence = sequence
        self.timestamp = timestamp
    }

    /// Creates an event on an object.
    public init(
        _ operation: TraceOperation,
        thread: ThreadID,
        object: ObjectID,
        argument: Int64 = 0,
        sequence: UInt64 = 0,
        location: StringID? = nil,
        timestamp: UInt64 = 0
    ) {
        self.init(
            operation: operation,
            thread: thread,
            target: object.rawValue,
            location: location,
            argument: argument,
            sequence: sequence,
            timestamp: timestamp
        )
    }

    /// Creates an atomic operation (`aload`, `astore`, `armw`) of the given ordering.
    public init(
        _ operation: TraceOperation,
        thread: ThreadID,
        object: ObjectID,
        ordering: TraceAtomicOrdering,
        sequence: UInt64 = 0,
        location: StringID? = nil,
        timestamp: UInt64 = 0
    ) {
        self.init(
            operation: operation,
            thread: thread,
            target: object.rawValue,
            location: location,
            argument: Int64(ordering.rawValue),
            sequence: sequence,
            timestamp: timestamp
        )
    }

    /// The memory ordering of an atomic operation (`aload`, `astore`, `armw`), which ``argument``
    /// holds: sequentially consistent unless the event says otherwise (every atomic of a trace older
    /// than format version 3 is). `nil` for other operations, and for an argument that is not an
    /// ordering the operation may have (which no reader hands out).
    @inlinable public var atomicOrdering: TraceAtomicOrdering? {
        guard self.operation.isAtomic else { return nil }
        return TraceAtomicOrdering(argument: self.argument, of: self.operation)
    }

    /// The object this event operates on, for object operations.
    @inlinable public var object: ObjectID { ObjectID(self.target) }

    /// The thread that `fork` starts or `join` waits for.
    @inlinable public var otherThread: ThreadID { ThreadID(self.target) }
}
