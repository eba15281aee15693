import CSyncTraceRuntime
import SyncTraceFormat

/// A channel with Go's semantics, whose operations are recorded: blocking `send`, `receive` that
/// returns `nil` once the channel is closed and drained, `close`, `for-in` iteration, and
/// ``TracedSelect`` over several channels.
///
/// ```swift
/// let jobs = TracedChannel<Int>(capacity: 2, name: "jobs")
/// TracedThread.spawn { for job in jobs { process(job) } }
/// for job in 0..<10 { jobs.send(job) }
/// jobs.close()
/// ```
///
/// With capacity 0 (the default) a send waits until a receiver has taken its value (a rendezvous);
/// with capacity C a send waits only while C values are waiting. The i-th receive takes the i-th
/// send's value, and the trace numbers them so that the replay rebuilds Go's rules exactly: each
/// send happens before its receive, and the k-th receive before the (k+C)-th send completes.
/// A send or receive that has to wait records a `req` first, so a hung program's trace shows it.
public final class TracedChannel<Element>: @unchecked Sendable {
    // Safe to share: every mutable field is read and written only while `lock` is held.
    let lock = PlatformLock()
    /// The capacity: 0 for a rendezvous channel.
    public let capacity: Int
    private var buffered = RingBuffer<Element>()
    /// Rendezvous sends not yet taken, oldest first, with their tickets.
    private var offered = RingBuffer<(ticket: UInt64, value: Element)>()
    private var nextTicket: UInt64 = 0
    private var takenTickets: UInt64 = 0
    /// The sequence number a receiver assigned to each taken rendezvous send, for its sender to record.
    private var takenSequences: [UInt64: (epoch: UInt64, number: UInt64)] = [:]
    /// The number a rendezvous send gets when its session refused the pair (it is ending): its
    /// sender records nothing and waits for the end, as the receiver did.
    private static var refusedPair: UInt64 { UInt64.max }
    /// Receivers blocked in `receive` (or in a select with a receive case): what makes a select's
    /// send on a rendezvous channel ready.
    private var waitingReceivers = 0
    private var closed = false
    // Guarded by the object's own lock: the runtime's exclusivity check (a call on every
    // recorded operation) would only repeat what that lock guarantees.
    @exclusivity(unchecked) private var counter = SessionCounter()
    /// Blocked selects to wake when the channel changes.
    private var selectWaiters: [ObjectIdentifier: SelectWaiter] = [:]
    /// The channel's id in the trace.
    let objectID: UInt32

    /// Creates a channel; `name` is what reports call it (by default `TracedChannel@File.swift:12`).
    ///
    /// - Precondition: `capacity >= 0`.
    public init(capacity: Int = 0, name: String? = nil, fileID: StaticString = #fileID, line: UInt = #line) {
        precondition(capacity >= 0, "TracedChannel: negative capacity")
        self.capacity = capacity
        self.objectID = ObjectRegistry.register(
            kind: .channel,
            name: name,
            typeName: "TracedChannel",
            fileID: fileID,
            line: line,
            capacity: capacity
        )
        // The text form declares a channel with `chan(C, k)` before its other operations.
        recordNumberedEvent(.makeChannel, object: self.objectID, counter: &self.counter, argument: Int64(capacity), fileID: fileID, line: line)
    }

    /// Sends `value`, waiting while the channel is full (or, with capacity 0, until a receiver takes it).
    ///
    /// - Precondition: the channel is not closed (Go panics on a send on a closed channel).
    public func send(_ value: Element, fileID: StaticString = #fileID, line: UInt = #line) {
        self.lock.lock()
        defer { self.lock.unlock() }
        if self.capacity > 0 && self.buffered.count == self.capacity && !self.closed {
            recordEvent(.request, object: self.objectID, sequence: 0, fileID: fileID, line: line)
            while self.buffered.count == self.capacity && !self.closed { self.lock.wait() }
        }
        if let ticket = self.sendLocked(value, fileID: fileID, line: line) {
            self.waitForTake(ticket, fileID: fileID, line: line)
        }
    }

    /// Receives the next value, waiting while the channel is empty; `nil` once it is closed and drained.
    public func receive(fileID: StaticString = #fileID, line: UInt = #line) -> Element? {
        self.lock.lock()
        defer { self.lock.unlock() }
        if !self.isReadyToReceive {
            recordEvent(.request, object: self.objectID, sequence: 0, fileID: fileID, line: line)
            self.waitingReceivers += 1
            self.wakeSelects()
            while !self.isReadyToReceive { self.lock.wait() }
            self.waitingReceivers -= 1
        }
        return self.receiveLocked(fileID: fileID, line: line)
    }

    /// Closes the channel: receivers drain what is buffered, then get `nil`.
    ///
    /// - Precondition: the channel is not already closed (Go panics there too).
    public func close(fileID: StaticString = #fileID, line: UInt = #line) {
        self.lock.lock()
        defer { self.lock.unlock() }
        precondition(!self.closed, "TracedChannel: close of a closed channel")
        self.closed = true
        recordNumberedEvent(.close, object: self.objectID, counter: &self.counter, fileID: fileID, line: line)
        self.changed()
    }

    // MARK: Operations with the lock held (shared with TracedSelect)

    /// Whether a receive would complete now: a value is waiting, or the channel is closed.
    var isReadyToReceive: Bool {
        self.closed || (self.capacity == 0 ? self.offered.count > 0 : self.buffered.count > 0)
    }

    /// Whether a send would complete now (or, closed, would stop the program as in Go): room in the
    /// buffer, or, for a rendezvous, a receiver waiting for a value nobody has offered yet.
    var isReadyToSend: Bool {
        self.closed || (self.capacity == 0 ? self.waitingReceivers > self.offered.count : self.buffered.count < self.capacity)
    }

    /// Completes a receive that ``isReadyToReceive`` allows.
    func receiveLocked(fileID: StaticString, line: UInt) -> Element? {
        if self.capacity == 0, let (ticket, value) = self.offered.popFirst() {
            // The send completes when its value is taken: number it just before this receive.
            // One epoch for both numbers: the send is recorded in the session its number was taken in.
            // The pair is recorded whole or not at all: a stop waits for the pairs in flight (see
            // `synctrace_rendezvous_begin`), since a receive in a trace without its send, or a send
            // without its receive, would leave the accesses on either side of the hand-over unordered.
            let epoch = currentRecordingEpoch()
            if epoch != 0 {
                if synctrace_rendezvous_begin(epoch) != 0 {
                    self.takenSequences[ticket] = (epoch, self.counter.take(epoch))
                    recordEvent(epoch: epoch, .receive, object: self.objectID, sequence: self.counter.take(epoch), fileID: fileID, line: line)
                } else {
                    // Refused: the session is ending. Neither half is recorded, nor anything either
                    // thread does next (the sender sees the mark and waits too).
                    self.takenSequences[ticket] = (epoch, Self.refusedPair)
                    synctrace_rendezvous_refused(epoch)
                }
            }
            self.takenTickets += 1
            self.changed()
            return value
        }
        if let value = self.buffered.popFirst() {
            recordNumberedEvent(.receive, object: self.objectID, counter: &self.counter, fileID: fileID, line: line)
            self.changed()
            return value
        }
        // Closed and drained: the receive sees the close.
        recordNumberedEvent(.receive, object: self.objectID, counter: &self.counter, fileID: fileID, line: line)
        return nil
    }

    /// Starts a send that has room (or is a rendezvous): a buffered send completes here; a
    /// rendezvous send returns the ticket to wait for with ``waitForTake(_:fileID:line:)``.
    func sendLocked(_ value: Element, fileID: StaticString, line: UInt) -> UInt64? {
        precondition(!self.closed, "TracedChannel: send on a closed channel")
        if self.capacity == 0 {
            let ticket = self.nextTicket
            self.nextTicket += 1
            self.offered.append((ticket, value))
            self.changed()
            return ticket
        }
        self.buffered.append(value)
        recordNumberedEvent(.send, object: self.objectID, counter: &self.counter, fileID: fileID, line: line)
        self.changed()
        return nil
    }

    /// Waits, with the lock held, until a receiver has taken the rendezvous send `ticket`, then
    /// records the completed send.
    func waitForTake(_ ticket: UInt64, fileID: StaticString, line: UInt) {
        if self.takenTickets <= ticket {
            recordEvent(.request, object: self.objectID, sequence: 0, fileID: fileID, line: line)
            while self.takenTickets <= ticket && !self.closed { self.lock.wait() }
        }
        precondition(self.takenTickets > ticket, "TracedChannel: channel closed while a send was waiting")
        if let (epoch, number) = self.takenSequences.removeValue(forKey: ticket) {
            if number == Self.refusedPair {
                synctrace_rendezvous_refused(epoch)
            } else {
                recordEvent(epoch: epoch, .send, object: self.objectID, sequence: number, fileID: fileID, line: line)
                synctrace_rendezvous_end(epoch)
            }
        }
    }

    /// A blocked select starts or stops waiting on this channel (`receiving`: it has a receive case).
    func setSelectWaiter(_ waiter: SelectWaiter, waiting: Bool, receiving: Bool) {
        if waiting {
            self.selectWaiters[ObjectIdentifier(waiter)] = waiter
        } else {
            self.selectWaiters[ObjectIdentifier(waiter)] = nil
        }
        if receiving {
            self.waitingReceivers += waiting ? 1 : -1
            if waiting { self.wakeSelects() }
        }
    }

    /// The channel changed: wake its blocked senders, receivers and selects.
    private func changed() {
        self.lock.broadcast()
        self.wakeSelects()
    }

    private func wakeSelects() {
        for waiter in self.selectWaiters.values { waiter.wake() }
    }
}

extension TracedChannel: Sequence {
    /// Receives values until the channel is closed and drained, like Go's `for v := range ch`.
    public struct Iterator: IteratorProtocol {
        let channel: TracedChannel

        /// The next received value, or `nil` once the channel is closed and drained.
        public mutating func next() -> Element? {
            // No call site reaches an iterator: receives through `for-in` are recorded without one.
            self.channel.receive(fileID: "", line: 0)
        }
    }

    /// An iterator that receives until the channel is closed and drained.
    public func makeIterator() -> Iterator { Iterator(channel: self) }
}
