/// An operation of the trace: one per operation of the text form (see <doc:TextForm>).
///
/// The raw values are the opcodes of the binary format (six bits, 1...63; 0 is reserved for the
/// codec's thread switch): never renumber a case, only add new ones.
public enum TraceOperation: UInt8, CaseIterable, Sendable, CustomStringConvertible {
    /// `fork(U)`: this thread starts thread U.
    case fork = 1
    /// `join(U)`: this thread waits until U has finished.
    case join = 2
    /// `acq(L)`: lock mutex L (or the write side of rwlock L).
    case acquire = 3
    /// `rel(L)`: unlock mutex L (or the write side of rwlock L).
    case release = 4
    /// `racq(L)`: read-lock rwlock L.
    case readAcquire = 5
    /// `rrel(L)`: read-unlock rwlock L.
    case readRelease = 6
    /// `req(X)`: this thread asks for X and is about to wait for it: a lock, or (from the recorder)
    /// a channel, wait group, semaphore or condition it is about to block on.
    case request = 7
    /// `r(V)`: a plain read of shared variable V.
    case read = 8
    /// `w(V)`: a plain write of shared variable V.
    case write = 9
    /// `aload(A)`: a sequentially consistent atomic load.
    case atomicLoad = 10
    /// `astore(A)`: a sequentially consistent atomic store.
    case atomicStore = 11
    /// `armw(A)`: a sequentially consistent atomic read-modify-write.
    case atomicReadModifyWrite = 12
    /// `chan(C, k)`: declares channel C with capacity k (the event's argument).
    case makeChannel = 13
    /// `send(C)`: a completed send on C.
    case send = 14
    /// `recv(C)`: a completed receive on C.
    case receive = 15
    /// `close(C)`: closes C.
    case close = 16
    /// `wgadd(W, n)`: adds n (the event's argument, may be negative) to wait group W's counter.
    case waitGroupAdd = 17
    /// `wgdone(W)`: the same as `wgadd(W, -1)`.
    case waitGroupDone = 18
    /// `wgwait(W)`: W's `wait` returned.
    case waitGroupWait = 19
    /// `begin`: the start of a block the program means to be atomic.
    case begin = 20
    /// `end`: the end of a block the program means to be atomic.
    case end = 21
    /// `semsignal(S)`: signals semaphore S (releases into S's clock).
    case semaphoreSignal = 22
    /// `semwait(S)`: a wait on semaphore S returned (acquires S's clock).
    case semaphoreWait = 23
    /// `csignal(K)`: signals condition K, waking one waiter (releases into K's clock).
    case conditionSignal = 24
    /// `cbroadcast(K)`: broadcasts condition K, waking every waiter (releases into K's clock).
    case conditionBroadcast = 25
    /// `cwait(K)`: a wait on condition K was woken (acquires K's clock); the waiter's lock is
    /// released before (`rel`) and taken again after (`acq`) as separate events.
    case conditionWait = 26
    /// `resume(n)`: the thread's next events are its events n, n+1, … in program order. Recorder
    /// only: a logical thread (a Swift task, a dispatched work item) runs on several OS threads, and
    /// each OS thread hands its events over on its own schedule, so a recorded trace may hold a
    /// logical thread's events out of order; each of its batches starts with a `resume` that says
    /// where the batch belongs. The replay puts the batches back in order and passes no `resume` on.
    case resume = 27
    /// `exit`: the thread has finished (its last event). Recorder only: a `join` of a logical thread
    /// waits for it, since that thread's last events may come later in the file than the join.
    case exit = 28

    /// What an operation names besides its own thread.
    public enum Target: Sendable {
        /// Nothing (`begin`, `end`).
        case none
        /// Another thread (`fork`, `join`).
        case thread
        /// An object of the given family.
        case object(ObjectFamily)
    }

    /// What this operation names besides its own thread.
    @inlinable public var target: Target {
        switch self {
        case .fork, .join: .thread
        case .begin, .end, .resume, .exit: .none
        case .acquire, .release, .readAcquire, .readRelease: .object(.lock)
        case .request: .object(.any)
        case .read, .write, .atomicLoad, .atomicStore, .atomicReadModifyWrite: .object(.memory)
        case .makeChannel, .send, .receive, .close: .object(.channel)
        case .waitGroupAdd, .waitGroupDone, .waitGroupWait: .object(.waitGroup)
        case .semaphoreSignal, .semaphoreWait: .object(.semaphore)
        case .conditionSignal, .conditionBroadcast, .conditionWait: .object(.condition)
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
    @inlinable public var hasArgument: Bool {
        self == .makeChannel || self == .waitGroupAdd || self == .resume
    }

    /// Whether only the recorder writes the operation (`resume`, `exit`): it orders a recorded trace's
    /// batches, has no meaning in a text trace, and the replay never hands it to a plugin.
    @inlinable public var isRecorderOnly: Bool {
        self == .resume || self == .exit
    }

    /// The operation's name in the text form.
    public var textName: String {
        switch self {
        case .fork: "fork"
        case .join: "join"
        case .acquire: "acq"
        case .release: "rel"
        case .readAcquire: "racq"
        case .readRelease: "rrel"
        case .request: "req"
        case .read: "r"
        case .write: "w"
        case .atomicLoad: "aload"
        case .atomicStore: "astore"
        case .atomicReadModifyWrite: "armw"
        case .makeChannel: "chan"
        case .send: "send"
        case .receive: "recv"
        case .close: "close"
        case .waitGroupAdd: "wgadd"
        case .waitGroupDone: "wgdone"
        case .waitGroupWait: "wgwait"
        case .begin: "begin"
        case .end: "end"
        case .semaphoreSignal: "semsignal"
        case .semaphoreWait: "semwait"
        case .conditionSignal: "csignal"
        case .conditionBroadcast: "cbroadcast"
        case .conditionWait: "cwait"
        case .resume: "resume"
        case .exit: "exit"
        }
    }

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
