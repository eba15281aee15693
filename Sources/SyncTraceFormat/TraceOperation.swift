/// An operation of the trace: one per operation of the text form (see <doc:TextForm>).
///
/// A struct with a static member per operation, not an enum: the set of operations grows (a new
/// primitive, a new opcode), and a new operation must not break code built against this version.
/// `switch event.operation { case .read: … case .write: … default: … }` reads like a switch over an
/// enum's cases, and always needs its `default:` — which is where an operation added later goes, in
/// a plugin built before it existed. ``allCases`` lists the operations this build knows.
///
/// The raw values are the opcodes of the binary format (six bits, 1...63; 0 is reserved for the
/// codec's thread switch): never renumber an operation, only add new ones. The members are constant
/// after inlining, so a switch over them costs what a switch over the raw byte does.
public struct TraceOperation: RawRepresentable, Hashable, CaseIterable, Sendable, CustomStringConvertible {
    /// The opcode.
    public let rawValue: UInt8

    /// The operation with opcode `rawValue`, if this build knows it (``allCases``).
    @inlinable public init?(rawValue: UInt8) {
        guard rawValue >= 1 && rawValue <= Self.highestOpcode else { return nil }
        self.rawValue = rawValue
    }

    /// An operation this build declares below: `opcode` is one of its own.
    @inlinable init(opcode: UInt8) {
        self.rawValue = opcode
    }

    /// The highest opcode this build knows; every opcode from 1 up to it is an operation.
    @usableFromInline static let highestOpcode: UInt8 = 28

    /// Every operation this build knows, by opcode.
    public static let allCases: [TraceOperation] = (1...Self.highestOpcode).map(TraceOperation.init(opcode:))

    /// `fork(U)`: this thread starts thread U.
    @inlinable public static var fork: TraceOperation { TraceOperation(opcode: 1) }
    /// `join(U)`: this thread waits until U has finished.
    @inlinable public static var join: TraceOperation { TraceOperation(opcode: 2) }
    /// `acq(L)`: lock mutex L (or the write side of rwlock L).
    @inlinable public static var acquire: TraceOperation { TraceOperation(opcode: 3) }
    /// `rel(L)`: unlock mutex L (or the write side of rwlock L).
    @inlinable public static var release: TraceOperation { TraceOperation(opcode: 4) }
    /// `racq(L)`: read-lock rwlock L.
    @inlinable public static var readAcquire: TraceOperation { TraceOperation(opcode: 5) }
    /// `rrel(L)`: read-unlock rwlock L.
    @inlinable public static var readRelease: TraceOperation { TraceOperation(opcode: 6) }
    /// `req(X)`: this thread asks for X and is about to wait for it: a lock, or (from the recorder)
    /// a channel, wait group, semaphore or condition it is about to block on.
    @inlinable public static var request: TraceOperation { TraceOperation(opcode: 7) }
    /// `r(V)`: a plain read of shared variable V.
    @inlinable public static var read: TraceOperation { TraceOperation(opcode: 8) }
    /// `w(V)`: a plain write of shared variable V.
    @inlinable public static var write: TraceOperation { TraceOperation(opcode: 9) }
    /// `aload(A)`: an atomic load, of the ordering the event's ``TraceEvent/atomicOrdering`` gives
    /// (`aload(A, relaxed)`; sequentially consistent by default).
    @inlinable public static var atomicLoad: TraceOperation { TraceOperation(opcode: 10) }
    /// `astore(A)`: an atomic store, of the ordering the event's ``TraceEvent/atomicOrdering`` gives
    /// (`astore(A, releasing)`; sequentially consistent by default).
    @inlinable public static var atomicStore: TraceOperation { TraceOperation(opcode: 11) }
    /// `armw(A)`: an atomic read-modify-write, of the ordering the event's ``TraceEvent/atomicOrdering``
    /// gives (`armw(A, acquiringAndReleasing)`; sequentially consistent by default).
    @inlinable public static var atomicReadModifyWrite: TraceOperation { TraceOperation(opcode: 12) }
    /// `chan(C, k)`: declares channel C with capacity k (the event's argument).
    @inlinable public static var makeChannel: TraceOperation { TraceOperation(opcode: 13) }
    /// `send(C)`: a completed send on C.
    @inlinable public static var send: TraceOperation { TraceOperation(opcode: 14) }
    /// `recv(C)`: a completed receive on C.
    @inlinable public static var receive: TraceOperation { TraceOperation(opcode: 15) }
    /// `close(C)`: closes C.
    @inlinable public static var close: TraceOperation { TraceOperation(opcode: 16) }
    /// `wgadd(W, n)`: adds n (the event's argument, may be negative) to wait group W's counter.
    @inlinable public static var waitGroupAdd: TraceOperation { TraceOperation(opcode: 17) }
    /// `wgdone(W)`: the same as `wgadd(W, -1)`.
    @inlinable public static var waitGroupDone: TraceOperation { TraceOperation(opcode: 18) }
    /// `wgwait(W)`: W's `wait` returned.
    @inlinable public static var waitGroupWait: TraceOperation { TraceOperation(opcode: 19) }
    /// `begin`: the start of a block the program means to be atomic.
    @inlinable public static var begin: TraceOperation { TraceOperation(opcode: 20) }
    /// `end`: the end of a block the program means to be atomic.
    @inlinable public static var end: TraceOperation { TraceOperation(opcode: 21) }
    /// `semsignal(S)`: signals semaphore S (releases into S's clock).
    @inlinable public static var semaphoreSignal: TraceOperation { TraceOperation(opcode: 22) }
    /// `semwait(S)`: a wait on semaphore S returned (acquires S's clock).
    @inlinable public static var semaphoreWait: TraceOperation { TraceOperation(opcode: 23) }
    /// `csignal(K)`: signals condition K, waking one waiter (releases into K's clock).
    @inlinable public static var conditionSignal: TraceOperation { TraceOperation(opcode: 24) }
    /// `cbroadcast(K)`: broadcasts condition K, waking every waiter (releases into K's clock).
    @inlinable public static var conditionBroadcast: TraceOperation { TraceOperation(opcode: 25) }
    /// `cwait(K)`: a wait on condition K was woken (acquires K's clock); the waiter's lock is
    /// released before (`rel`) and taken again after (`acq`) as separate events.
    @inlinable public static var conditionWait: TraceOperation { TraceOperation(opcode: 26) }
    /// `resume(n)`: the thread's next events are its events n, n+1, … in program order. Recorder
    /// only: a logical thread (a Swift task, a dispatched work item) runs on several OS threads, and
    /// each OS thread hands its events over on its own schedule, so a recorded trace may hold a
    /// logical thread's events out of order; each of its batches starts with a `resume` that says
    /// where the batch belongs. The replay puts the batches back in order and passes no `resume` on.
    @inlinable public static var resume: TraceOperation { TraceOperation(opcode: 27) }
    /// `exit`: the thread has finished (its last event). Recorder only: a `join` of a logical thread
    /// waits for it, since that thread's last events may come later in the file than the join.
    @inlinable public static var exit: TraceOperation { TraceOperation(opcode: 28) }

    /// What an operation names besides its own thread.
    ///
    /// Complete by construction, and it stays so: an operation names nothing, another thread, or an
    /// object (new kinds of objects come as new ``ObjectFamily`` members, not new cases here), so a
    /// switch over it needs no `default:`.
    public enum Target: Sendable {
        /// Nothing (`begin`, `end`).
        case none
        /// Another thread (`fork`, `join`).
        case thread
        /// An object of the given family.
        case object(ObjectFamily)
    }

    /// What this operation names besides its own thread.
    ///
    /// - `fork`, `join`: a thread.
    /// - `acq`, `rel`, `racq`, `rrel`: a lock; `req`: any object a thread can block on.
    /// - `r`, `w`, `aload`, `astore`, `armw`: memory; `chan`, `send`, `recv`, `close`: a channel.
    /// - `wgadd`, `wgdone`, `wgwait`: a wait group; `semsignal`, `semwait`: a semaphore;
    ///   `csignal`, `cbroadcast`, `cwait`: a condition.
    /// - `begin`, `end`, `resume`, `exit`: nothing.
    @inlinable public var target: Target {
        // Four bits an opcode, in two constant words (opcodes 0...15, then 16...31): 0 nothing,
        // 1 a thread, 2 + an object family's position. Constants fold into a shift and a mask
        // wherever this is inlined, so the encoder's and the replay's per-event loops read no
        // global table (whose lazy initialization check cost the recorder's writer 3% of its time).
        let opcode = UInt64(self.rawValue & 31)
        let word: UInt64 = opcode < 16 ? 0x4443_3333_8222_2110 : 0x0000_0777_6600_5554
        let code = UInt8(truncatingIfNeeded: (word >> ((opcode & 15) * 4)) & 15)
        switch code {
        case 0: return .none
        case 1: return .thread
        default: return .object(ObjectFamily(position: code - 2))
        }
    }

    /// Whether the operation names an object (and so carries that object's sequence number).
    @inlinable public var hasObject: Bool {
        if case .object = self.target { return true }
        return false
    }

    /// Whether the operation carries its object's sequence number. A `req` does not: it happens before
    /// the thread holds anything that could number it, and orders nothing.
    @inlinable public var hasSequence: Bool {
        self.hasObject && self != .request
    }

    /// Whether the operation carries a numeric argument (a channel's capacity, a wait-group delta).
    ///
    /// Atomic operations (``isAtomic``) are not among them, though their events hold their ordering
    /// in ``TraceEvent/argument``: the text form writes an ordering by name, and the binary form
    /// writes it only from format version 3.
    @inlinable public var hasArgument: Bool {
        self == .makeChannel || self == .waitGroupAdd || self == .resume
    }

    /// Whether the operation is an atomic access (`aload`, `astore`, `armw`), whose event holds a
    /// ``TraceAtomicOrdering``.
    @inlinable public var isAtomic: Bool {
        self.rawValue &- 10 < 3
    }

    /// Whether only the recorder writes the operation (`resume`, `exit`): it orders a recorded trace's
    /// batches, has no meaning in a text trace, and the replay never hands it to a plugin.
    @inlinable public var isRecorderOnly: Bool {
        self == .resume || self == .exit
    }

    /// The operation's name in the text form.
    public var textName: String { Self.textNames[Int(self.rawValue)] }

    /// The text-form names, by opcode (none at 0, the codec's thread switch).
    private static let textNames: [String] = [
        "", "fork", "join", "acq", "rel", "racq", "rrel", "req", "r", "w", "aload", "astore", "armw", "chan", "send", "recv", "close", "wgadd", "wgdone", "wgwait", "begin", "end", "semsignal", "semwait", "csignal", "cbroadcast", "cwait", "resume", "exit",
    ]

    /// The operation with the given text-form name, if there is one.
    public init?(textName: some StringProtocol) {
        guard let operation = Self.byTextName[String(textName)] else { return nil }
        self = operation
    }

    private static let byTextName: [String: TraceOperation] = Dictionary(
        uniqueKeysWithValues: TraceOperation.allCases.map { ($0.textName, $0) }
    )

    public var description: String { self.textName }
}
