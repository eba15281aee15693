import _SyncTraceDataStructures

/// Checks, event by event, that a trace is a linearization that respects happens-before: the rules
/// <doc:TextForm> lists (a `recv` before its `send`, a `rel` of a lock the thread does not hold, a
/// rendezvous sender with events before its `recv`, …) and the ones they imply (a thread's events
/// before its `fork` or after its `join`, a lock taken while another thread holds it, a send on a full
/// or closed channel, an object used as two different things).
///
/// Positions are whatever the caller counts (text lines, event indices); messages name them with
/// ``positionName``, e.g. "line 12". Memory grows with the number of threads and objects, not events.
public struct TraceRuleChecker: Sendable {
    private struct ThreadState: Sendable {
        var firstEvent: Int?
        var forkedAt: Int?
        var joinedAt: Int?
        /// The rendezvous send this thread is blocked in: channel and position.
        var blockedSend: (channel: ObjectID, position: Int)?
    }

    /// Plain values only (no tables inside), so that the per-event work is loads and stores into a
    /// flat array; the rare tables (read-lock holders, queued rendezvous senders) live beside it.
    private struct ObjectState: Sendable {
        // Locks.
        var writer: ThreadID?
        var writerDepth = 0
        var writerSince = 0
        /// Threads holding the read lock now; their depths are in ``readLocks``.
        var readerCount = 0
        /// This object's entry in ``readLocks`` once it was read-locked.
        var readLockTable: Int32 = -1
        // Channels.
        var capacity = 0
        var sends = 0
        var receives = 0
        var closedAt: Int?
        /// Where `chan` declared the channel, if it did.
        var declaredAt: Int?
        /// This channel's entry in ``rendezvousQueues`` once a rendezvous send queued on it.
        var rendezvousQueue: Int32 = -1
    }

    /// How positions are named in messages ("line", "event").
    public var positionName: String
    private var threads: [ThreadState] = []
    private var objects: [ObjectState] = []
    /// Where each object was first used, or ``unused``: apart from the state above, so that the
    /// commonest events (accesses of many variables) touch eight bytes per object, not a whole state.
    private var firstUses: [Int] = []
    private static let unused = Int.min
    /// Read-lock depth by holder, for each object ever read-locked.
    private var readLocks: [[ThreadID: Int]] = []
    /// Per rendezvous channel a send queued on: the senders not yet received, oldest first.
    private var rendezvousQueues: [FIFOQueue<ThreadID>] = []

    /// Creates a checker whose messages call positions `positionName` ("line 12").
    public init(positionName: String = "line") {
        self.positionName = positionName
    }

    /// Checks the next event; returns the broken rule, or `nil` when the event is allowed here.
    ///
    /// `symbols` must cover the event. A rejected event leaves the state as it was. Names are looked
    /// up only to word a violation: an allowed event costs a few loads and stores.
    public mutating func check(_ event: TraceEvent, at position: Int, symbols: TraceSymbols) -> String? {
        let kind = event.operation.hasObject ? symbols.objects[event.object.index].kind : .lock
        return self.check(event, at: position, kind: kind, symbols: symbols)
    }

    /// Checks the next event, given the kind of the object it names (its declaration's, which a
    /// reader that keeps kinds beside its name tables hands over without a lookup).
    mutating func check(_ event: TraceEvent, at position: Int, kind: ObjectKind, symbols: TraceSymbols) -> String? {
        let threadIndex = event.thread.index
        self.growThreads(to: threadIndex)
        let state = self.threads[threadIndex]
        if let blocked = state.blockedSend {
            let thread = symbols.threads[threadIndex].name
            let channel = symbols.objects[blocked.channel.index].name
            return "\(thread) has an event here, but its send(\(channel)) on the rendezvous channel "
                + "(\(self.at(blocked.position))) has not been received yet"
        }
        if let joined = state.joinedAt {
            return "\(symbols.threads[threadIndex].name) has an event after it was joined (\(self.at(joined)))"
        }

        let violation: String?
        switch event.operation.target {
        case .none:
            violation = nil
        case .thread:
            violation = self.checkThreadOperation(event, at: position, symbols: symbols)
        case .object(let family):
            violation = self.checkObjectOperation(event, family: family, kind: kind, at: position, symbols: symbols)
        }
        if violation == nil, self.threads[threadIndex].firstEvent == nil {
            self.threads[threadIndex].firstEvent = position
        }
        return violation
    }

    private func at(_ position: Int) -> String { "\(self.positionName) \(position)" }

    /// Makes room for thread `index` (amortized: the table doubles, as arrays do).
    @inline(__always)
    private mutating func growThreads(to index: Int) {
        if index >= self.threads.count {
            self.threads.append(contentsOf: repeatElement(ThreadState(), count: index + 1 - self.threads.count))
        }
    }

    private mutating func checkThreadOperation(_ event: TraceEvent, at position: Int, symbols: TraceSymbols) -> String? {
        let other = event.otherThread.index
        self.growThreads(to: other)
        func name() -> String { symbols.threads[other].name }
        var operation: String { event.operation.textName }
        guard event.otherThread != event.thread else {
            return "\(operation)(\(name())) by \(name()): a thread cannot \(operation) itself"
        }
        if event.operation == .fork {
            if let forked = self.threads[other].forkedAt { return "\(name()) was already forked (\(self.at(forked)))" }
            if let first = self.threads[other].firstEvent {
                return "fork(\(name())) comes after \(name())'s first event (\(self.at(first)))"
            }
            self.threads[other].forkedAt = position
        } else {
            if let blocked = self.threads[other].blockedSend {
                let channel = symbols.objects[blocked.channel.index].name
                return "join(\(name())) while \(name()) is still blocked in send(\(channel)) (\(self.at(blocked.position)))"
            }
            if self.threads[other].joinedAt == nil { self.threads[other].joinedAt = position }
        }
        return nil
    }

    private mutating func checkObjectOperation(
        _ event: TraceEvent,
        family: ObjectFamily,
        kind: ObjectKind,
        at position: Int,
        symbols: TraceSymbols
    ) -> String? {
        let index = event.object.index
        if index >= self.objects.count {
            self.objects.append(contentsOf: repeatElement(ObjectState(), count: index + 1 - self.objects.count))
            self.firstUses.append(contentsOf: repeatElement(Self.unused, count: index + 1 - self.firstUses.count))
        }
        let firstUse = self.firstUses[index]
        guard family.admits(kind) else {
            let first = firstUse == Self.unused ? "" : " (first used on \(self.at(firstUse)))"
            return "\(symbols.objects[index].name) is \(kind.family)\(first), but \(event.operation.textName) needs \(family)"
        }
        if event.operation.isAtomic, event.atomicOrdering == nil {
            // The text reader parses only valid orderings: this is an event made some other way.
            return "\(event.operation.textName)(\(symbols.objects[index].name)) with ordering code \(event.argument), which is no ordering "
                + "\(event.operation.textName) may have (\(TraceAtomicOrdering.orderings(of: event.operation).map(\.textName).joined(separator: ", ")))"
        }
        if !event.operation.changesObjectState {
            // Accesses, `req`, wait groups, semaphores, conditions: nothing to check but the kind.
            if firstUse == Self.unused {
                self.objects[index].capacity = symbols.objects[index].capacity
                self.firstUses[index] = position
            }
            return nil
        }
        // A copy, written back only when the event is allowed: a rejected one leaves no trace.
        var state = self.objects[index]
        let isFirstUse = firstUse == Self.unused
        if isFirstUse { state.capacity = symbols.objects[index].capacity }
        if let violation = self.apply(event, to: &state, firstUse: isFirstUse ? nil : firstUse, at: position, symbols: symbols) {
            return violation
        }
        if isFirstUse { self.firstUses[index] = position }
        self.objects[index] = state
        return nil
    }

    /// Applies an object operation to a copy of the object's state (and, once it is allowed, to the
    /// side tables), or returns the rule it breaks.
    private mutating func apply(
        _ event: TraceEvent,
        to state: inout ObjectState,
        firstUse: Int?,
        at position: Int,
        symbols: TraceSymbols
    ) -> String? {
        func name() -> String { symbols.objects[event.object.index].name }
        func threadName(_ id: ThreadID) -> String { symbols.threads[id.index].name }
        func thread() -> String { threadName(event.thread) }
        var operation: String { event.operation.textName }
        func counted(_ count: Int, _ noun: String) -> String { count == 1 ? "1 \(noun)" : "\(count) \(noun)s" }
        switch event.operation {
        case .acquire:
            if let writer = state.writer, writer != event.thread {
                return "\(operation)(\(name())) by \(thread()) while \(threadName(writer)) holds \(name()) "
                    + "(acquired on \(self.at(state.writerSince)))"
            }
            if state.readerCount > 0 {
                let readers = self.readLocks[Int(state.readLockTable)]
                if readers[event.thread] != nil {
                    return "\(operation)(\(name())) by \(thread()) while it holds \(name())'s read lock"
                }
                let reader = readers.keys.min()!
                return "\(operation)(\(name())) by \(thread()) while \(threadName(reader)) holds \(name())'s read lock"
            }
            if state.writer == nil { state.writerSince = position }
            state.writer = event.thread
            state.writerDepth += 1
        case .release:
            guard state.writer == event.thread else {
                return "\(operation)(\(name())) by \(thread()), which does not hold \(name())"
            }
            state.writerDepth -= 1
            if state.writerDepth == 0 { state.writer = nil }
        case .readAcquire:
            if let writer = state.writer {
                let holder = writer == event.thread ? "it" : threadName(writer)
                return "\(operation)(\(name())) by \(thread()) while \(holder) holds \(name()) (acquired on \(self.at(state.writerSince)))"
            }
            if state.readLockTable < 0 {
                state.readLockTable = Int32(self.readLocks.count)
                self.readLocks.append([:])
            }
            let table = Int(state.readLockTable)
            if self.readLocks[table][event.thread] == nil { state.readerCount += 1 }
            self.readLocks[table][event.thread, default: 0] += 1
        case .readRelease:
            guard state.readLockTable >= 0, let depth = self.readLocks[Int(state.readLockTable)][event.thread] else {
                return "\(operation)(\(name())) by \(thread()), which does not hold \(name())'s read lock"
            }
            self.readLocks[Int(state.readLockTable)][event.thread] = depth > 1 ? depth - 1 : nil
            if depth == 1 { state.readerCount -= 1 }
        case .makeChannel:
            if let declared = state.declaredAt {
                return "chan(\(name()), \(event.argument)) declares \(name()) again (declared on \(self.at(declared)))"
            }
            if let firstUse {
                return "chan(\(name()), \(event.argument)) must come before \(name())'s other operations "
                    + "(\(name()) was first used on \(self.at(firstUse)))"
            }
            guard event.argument >= 0 else { return "chan(\(name()), \(event.argument)): capacity must be 0 or more" }
            state.capacity = Int(event.argument)
            state.declaredAt = position
        case .send:
            if let closed = state.closedAt {
                return "send(\(name())) on a closed channel (closed on \(self.at(closed)))"
            }
            let rules = ChannelRules(capacity: state.capacity)
            if rules.isFull(sends: state.sends, receives: state.receives) {
                let pending = state.sends - state.receives
                return "send(\(name())) on a full channel: capacity \(state.capacity), "
                    + "\(counted(pending, "value")) not yet received"
            }
            state.sends += 1
            if rules.isRendezvous {
                if state.rendezvousQueue < 0 {
                    state.rendezvousQueue = Int32(self.rendezvousQueues.count)
                    self.rendezvousQueues.append(FIFOQueue())
                }
                self.rendezvousQueues[Int(state.rendezvousQueue)].append(event.thread)
                self.threads[event.thread.index].blockedSend = (event.object, position)
            }
        case .receive:
            if state.receives < state.sends {
                state.receives += 1
                if ChannelRules(capacity: state.capacity).isRendezvous && state.rendezvousQueue >= 0,
                    let sender = self.rendezvousQueues[Int(state.rendezvousQueue)].popFirst()
                {
                    self.threads[sender.index].blockedSend = nil
                }
            } else if state.closedAt == nil {
                return "recv(\(name())) with no send to receive: \(name()) has had \(counted(state.sends, "send")) and "
                    + "\(counted(state.receives, "receive")), and is not closed"
            }
        case .close:
            if let closed = state.closedAt { return "close(\(name())) of a channel already closed (\(self.at(closed)))" }
            state.closedAt = position
        default:
            break
        }
        return nil
    }
}

extension TraceOperation {
    /// Whether the rule checker keeps state for the operation beyond its object's first use: lock
    /// holders and channel counts; plain and atomic accesses and the rest change nothing it checks.
    fileprivate var changesObjectState: Bool {
        switch self {
        case .acquire, .release, .readAcquire, .readRelease, .makeChannel, .send, .receive, .close: true
        default: false
        }
    }
}
