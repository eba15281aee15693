/// Checks, event by event, that a trace is a linearization that respects happens-before: the rules
/// `TEXT-FORM.md` lists (a `recv` before its `send`, a `rel` of a lock the thread does not hold, a
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

    private struct ObjectState: Sendable {
        var firstUse: Int?
        // Locks.
        var writer: ThreadID?
        var writerDepth = 0
        var writerSince = 0
        var readers: [ThreadID: Int] = [:]
        // Channels.
        var capacity = 0
        var sends = 0
        var receives = 0
        var closedAt: Int?
        /// Where `chan` declared the channel, if it did.
        var declaredAt: Int?
        /// Senders of a rendezvous channel not yet received, oldest first.
        var pendingSenders: [ThreadID] = []
        var pendingHead = 0
    }

    /// How positions are named in messages ("line", "event").
    public var positionName: String
    private var threads: [ThreadState] = []
    private var objects: [ObjectState] = []

    /// Creates a checker whose messages call positions `positionName` ("line 12").
    public init(positionName: String = "line") {
        self.positionName = positionName
    }

    /// Checks the next event; returns the broken rule, or `nil` when the event is allowed here.
    ///
    /// `symbols` must cover the event. A rejected event leaves the state as it was.
    public mutating func check(_ event: TraceEvent, at position: Int, symbols: TraceSymbols) -> String? {
        let threadIndex = event.thread.index
        if threadIndex >= self.threads.count {
            self.threads.append(contentsOf: repeatElement(ThreadState(), count: threadIndex + 1 - self.threads.count))
        }
        let thread = symbols.threads[threadIndex].name
        if let blocked = self.threads[threadIndex].blockedSend {
            let channel = symbols.objects[blocked.channel.index].name
            return "\(thread) has an event here, but its send(\(channel)) on the rendezvous channel "
                + "(\(self.at(blocked.position))) has not been received yet"
        }
        if let joined = self.threads[threadIndex].joinedAt {
            return "\(thread) has an event after it was joined (\(self.at(joined)))"
        }

        let violation: String?
        switch event.operation.target {
        case .none:
            violation = nil
        case .thread:
            violation = self.checkThreadOperation(event, at: position, symbols: symbols)
        case .object(let family):
            violation = self.checkObjectOperation(event, family: family, at: position, symbols: symbols)
        }
        if violation == nil, self.threads[threadIndex].firstEvent == nil {
            self.threads[threadIndex].firstEvent = position
        }
        return violation
    }

    private func at(_ position: Int) -> String { "\(self.positionName) \(position)" }

    private mutating func checkThreadOperation(_ event: TraceEvent, at position: Int, symbols: TraceSymbols) -> String? {
        let other = event.otherThread.index
        if other >= self.threads.count {
            self.threads.append(contentsOf: repeatElement(ThreadState(), count: other + 1 - self.threads.count))
        }
        let name = symbols.threads[other].name
        let operation = event.operation.textName
        guard event.otherThread != event.thread else {
            return "\(operation)(\(name)) by \(name): a thread cannot \(operation) itself"
        }
        if event.operation == .fork {
            if let forked = self.threads[other].forkedAt { return "\(name) was already forked (\(self.at(forked)))" }
            if let first = self.threads[other].firstEvent {
                return "fork(\(name)) comes after \(name)'s first event (\(self.at(first)))"
            }
            self.threads[other].forkedAt = position
        } else {
            if let blocked = self.threads[other].blockedSend {
                let channel = symbols.objects[blocked.channel.index].name
                return "join(\(name)) while \(name) is still blocked in send(\(channel)) (\(self.at(blocked.position)))"
            }
            if self.threads[other].joinedAt == nil { self.threads[other].joinedAt = position }
        }
        return nil
    }

    private mutating func checkObjectOperation(
        _ event: TraceEvent,
        family: ObjectFamily,
        at position: Int,
        symbols: TraceSymbols
    ) -> String? {
        let index = event.object.index
        if index >= self.objects.count {
            self.objects.append(contentsOf: repeatElement(ObjectState(), count: index + 1 - self.objects.count))
        }
        let declaration = symbols.objects[index]
        let name = declaration.name
        let operation = event.operation.textName
        guard family.admits(declaration.kind) else {
            let first = self.objects[index].firstUse.map { " (first used on \(self.at($0)))" } ?? ""
            return "\(name) is \(declaration.kind.family)\(first), but \(operation) needs \(family)"
        }
        let violation = Self.apply(
            event,
            to: &self.objects[index],
            capacity: declaration.capacity,
            threads: &self.threads,
            at: position,
            positionName: self.positionName,
            symbols: symbols
        )
        if violation == nil && self.objects[index].firstUse == nil {
            self.objects[index].firstUse = position
        }
        return violation
    }

    /// Applies an object operation to the object's state in place (no copy of its tables), or returns
    /// the rule it breaks, leaving the state as it was.
    private static func apply(
        _ event: TraceEvent,
        to state: inout ObjectState,
        capacity declaredCapacity: Int,
        threads: inout [ThreadState],
        at position: Int,
        positionName: String,
        symbols: TraceSymbols
    ) -> String? {
        let name = symbols.objects[event.object.index].name
        let thread = symbols.threads[event.thread.index].name
        let operation = event.operation.textName
        func at(_ position: Int) -> String { "\(positionName) \(position)" }
        func counted(_ count: Int, _ noun: String) -> String { count == 1 ? "1 \(noun)" : "\(count) \(noun)s" }
        if state.firstUse == nil { state.capacity = declaredCapacity }
        switch event.operation {
        case .acquire:
            if let writer = state.writer, writer != event.thread {
                return "\(operation)(\(name)) by \(thread) while \(symbols.threads[writer.index].name) holds \(name) "
                    + "(acquired on \(at(state.writerSince)))"
            }
            if state.readers[event.thread] != nil {
                return "\(operation)(\(name)) by \(thread) while it holds \(name)'s read lock"
            }
            if let reader = state.readers.keys.min() {
                return "\(operation)(\(name)) by \(thread) while \(symbols.threads[reader.index].name) holds \(name)'s read lock"
            }
            if state.writer == nil { state.writerSince = position }
            state.writer = event.thread
            state.writerDepth += 1
        case .release:
            guard state.writer == event.thread else {
                return "\(operation)(\(name)) by \(thread), which does not hold \(name)"
            }
            state.writerDepth -= 1
            if state.writerDepth == 0 { state.writer = nil }
        case .readAcquire:
            if let writer = state.writer {
                let holder = writer == event.thread ? "it" : symbols.threads[writer.index].name
                return "\(operation)(\(name)) by \(thread) while \(holder) holds \(name) (acquired on \(at(state.writerSince)))"
            }
            state.readers[event.thread, default: 0] += 1
        case .readRelease:
            guard let depth = state.readers[event.thread] else {
                return "\(operation)(\(name)) by \(thread), which does not hold \(name)'s read lock"
            }
            state.readers[event.thread] = depth > 1 ? depth - 1 : nil
        case .makeChannel:
            if let declared = state.declaredAt {
                return "chan(\(name), \(event.argument)) declares \(name) again (declared on \(at(declared)))"
            }
            if let firstUse = state.firstUse {
                return "chan(\(name), \(event.argument)) must come before \(name)'s other operations "
                    + "(\(name) was first used on \(at(firstUse)))"
            }
            guard event.argument >= 0 else { return "chan(\(name), \(event.argument)): capacity must be 0 or more" }
            state.capacity = Int(event.argument)
            state.declaredAt = position
        case .send:
            if let closed = state.closedAt {
                return "send(\(name)) on a closed channel (closed on \(at(closed)))"
            }
            if state.capacity > 0 && state.sends - state.receives >= state.capacity {
                let pending = state.sends - state.receives
                return "send(\(name)) on a full channel: capacity \(state.capacity), "
                    + "\(counted(pending, "value")) not yet received"
            }
            state.sends += 1
            if state.capacity == 0 {
                state.pendingSenders.append(event.thread)
                threads[event.thread.index].blockedSend = (event.object, position)
            }
        case .receive:
            if state.receives < state.sends {
                state.receives += 1
                if state.capacity == 0 && state.pendingHead < state.pendingSenders.count {
                    let sender = state.pendingSenders[state.pendingHead]
                    state.pendingHead += 1
                    if state.pendingHead == state.pendingSenders.count {
                        state.pendingSenders.removeAll(keepingCapacity: true)
                        state.pendingHead = 0
                    }
                    threads[sender.index].blockedSend = nil
                }
            } else if state.closedAt == nil {
                return "recv(\(name)) with no send to receive: \(name) has had \(counted(state.sends, "send")) and "
                    + "\(counted(state.receives, "receive")), and is not closed"
            }
        case .close:
            if let closed = state.closedAt { return "close(\(name)) of a channel already closed (\(at(closed)))" }
            state.closedAt = position
        default:
            break
        }
        return nil
    }
}
