public import Dispatch
import Synchronization
import SyncTraceFormat

/// A `DispatchQueue` whose work items and `sync` calls are recorded with the happens-before rules
/// Dispatch really gives: swap `DispatchQueue(label:)` for `TracedDispatchQueue(label:)`.
///
/// ```swift
/// let queue = TracedDispatchQueue(label: "com.example.cache")
/// let hits = TracedVar(0, name: "hits")
/// queue.async { hits[] += 1 }
/// let seen = queue.sync { hits[] }
/// ```
///
/// The trace shows the queue as a lock (a reader-writer lock for a concurrent queue), and every work
/// item as a thread of its own, started (`fork`) by the code that submitted it:
///
/// - what the submitter did before `async` happens before the item;
/// - a serial queue's items and `sync` blocks hold the queue's lock (`acq`/`rel`), so each follows
///   the one before it, in the queue's FIFO order;
/// - a concurrent queue's items and `sync` blocks hold it for reading (`racq`/`rrel`) and a
///   `.barrier` one for writing (`acq`/`rel`), so a barrier follows every earlier item and precedes
///   every later one, while plain items stay unordered against each other.
///
/// Items submitted with a ``TracedDispatchGroup`` enter it before they are dispatched and leave it
/// when they end, so `wait` and `notify` follow them. For `DispatchSemaphore`, use
/// ``TracedSemaphore``: a signal happens before the wait it lets return.
///
/// With no recording running, each call is the plain `DispatchQueue` call plus one branch.
public final class TracedDispatchQueue: Sendable {
    /// The queue itself, for what this type does not wrap (`setSpecific`, `suspend`, a target for
    /// other queues). Work submitted to it directly is not recorded.
    ///
    /// ```swift
    /// cache.queue.setSpecific(key: cacheKey, value: ())
    /// ```
    public let queue: DispatchQueue
    /// The queue's label, which also names its work items' threads in reports ("`label` item 7").
    ///
    /// ```swift
    /// TracedDispatchQueue(label: "ledger").label   // "ledger"
    /// ```
    public let label: String
    /// Whether the queue runs items concurrently (and is recorded as a reader-writer lock).
    ///
    /// ```swift
    /// TracedDispatchQueue(label: "pool", attributes: .concurrent).isConcurrent   // true
    /// ```
    public let isConcurrent: Bool
    /// The queue's lock object in the trace.
    let objectID: UInt32
    /// The lock object's own operation numbers. A serial queue already runs one item at a time, but
    /// a concurrent queue runs several readers together, and their numbers must still come out in
    /// the order they were taken; an uncontended `Mutex` costs little for a serial queue either.
    private let counter = Mutex(SessionCounter())

    /// Creates a queue, as `DispatchQueue(label:qos:attributes:)` does.
    ///
    /// ```swift
    /// let serial = TracedDispatchQueue(label: "ledger")
    /// let pool = TracedDispatchQueue(label: "pool", attributes: .concurrent)
    /// ```
    ///
    /// - Parameters:
    ///   - label: The label of the `DispatchQueue` underneath.
    ///   - qos: Its quality of service.
    ///   - attributes: `[]` for a serial queue, `.concurrent` for a concurrent one (and
    ///     `.initiallyInactive` if wanted: activate it through ``queue``).
    ///   - name: What reports call the queue's lock; by default its label.
    ///   - fileID: The file of the call site the trace records (leave the default).
    ///   - line: The line of the call site the trace records (leave the default).
    public init(
        label: String,
        qos: DispatchQoS = .unspecified,
        attributes: DispatchQueue.Attributes = [],
        name: String? = nil,
        fileID: StaticString = #fileID,
        line: UInt = #line
    ) {
        self.queue = DispatchQueue(label: label, qos: qos, attributes: attributes)
        self.label = label
        self.isConcurrent = attributes.contains(.concurrent)
        self.objectID = ObjectRegistry.register(
            kind: self.isConcurrent ? .rwLock : .lock,
            name: name ?? (label.isEmpty ? nil : label),
            typeName: "TracedDispatchQueue",
            fileID: fileID,
            line: line
        )
    }

    // MARK: Submitting work

    /// Submits `work` to run later on the queue, as `DispatchQueue.async` does; the item is a thread
    /// of its own in the trace, started here.
    ///
    /// ```swift
    /// queue.async { counter[] += 1 }
    /// pool.async(flags: .barrier) { table[] = [:] }   // after every earlier item, before every later one
    /// pool.async(group: loads) { slot[] = load() }     // `loads.wait()` follows it
    /// ```
    ///
    /// - Parameters:
    ///   - group: A group the item enters now and leaves when it has run.
    ///   - qos: The item's quality of service, as for `DispatchQueue.async`.
    ///   - flags: `.barrier` on a concurrent queue runs the item alone; other flags pass through.
    ///   - fileID: The file of the call site the trace records (leave the default).
    ///   - line: The line of the call site the trace records (leave the default).
    ///   - work: The item's body; it runs as a thread of the trace of its own.
    public func async(
        group: TracedDispatchGroup? = nil,
        qos: DispatchQoS = .unspecified,
        flags: DispatchWorkItemFlags = [],
        fileID: StaticString = #fileID,
        line: UInt = #line,
        execute work: @escaping @Sendable () -> Void
    ) {
        guard let item = self.traced(group: group, flags: flags, fileID: fileID, line: line, work) else {
            self.queue.async(group: group?.group, qos: qos, flags: flags, execute: work)
            return
        }
        self.queue.async(qos: qos, flags: flags, execute: item)
    }

    /// Submits `work` to run on the queue no earlier than `deadline`, as `DispatchQueue.asyncAfter`
    /// does; recorded like ``async(group:qos:flags:fileID:line:execute:)`` (a delay orders nothing).
    ///
    /// ```swift
    /// queue.asyncAfter(deadline: .now() + 0.5) { retries[] += 1 }
    /// ```
    public func asyncAfter(
        deadline: DispatchTime,
        qos: DispatchQoS = .unspecified,
        flags: DispatchWorkItemFlags = [],
        fileID: StaticString = #fileID,
        line: UInt = #line,
        execute work: @escaping @Sendable () -> Void
    ) {
        guard let item = self.traced(group: nil, flags: flags, fileID: fileID, line: line, work) else {
            self.queue.asyncAfter(deadline: deadline, qos: qos, flags: flags, execute: work)
            return
        }
        self.queue.asyncAfter(deadline: deadline, qos: qos, flags: flags, execute: item)
    }

    /// Runs `work` on the queue and waits for it, as `DispatchQueue.sync` does, returning its result.
    ///
    /// ```swift
    /// let total = queue.sync { counter[] }
    /// pool.sync(flags: .barrier) { table[] = [:] }
    /// ```
    ///
    /// `work` runs on the calling thread, so it is recorded there, as a critical section of the
    /// queue's lock: a `req`, then `acq`/`rel` (or `racq`/`rrel` for a non-barrier block on a
    /// concurrent queue). Calling `sync` on a serial queue from one of its own items deadlocks, as
    /// with `DispatchQueue`; the trace then ends in a `req` of a lock the thread holds.
    public func sync<T>(
        flags: DispatchWorkItemFlags = [],
        fileID: StaticString = #fileID,
        line: UInt = #line,
        execute work: () throws -> T
    ) rethrows -> T {
        let epoch = currentRecordingEpoch()
        if epoch == 0 { return try self.queue.sync(flags: flags, execute: work) }
        // Dispatch offers no "try": say before every `sync` that it may wait, so that a hung trace
        // shows who waits for which queue.
        recordEvent(epoch: epoch, .request, object: self.objectID, sequence: 0, fileID: fileID, line: line)
        let exclusive = self.isExclusive(flags)
        return try self.queue.sync(flags: flags) {
            try self.holding(exclusively: exclusive, fileID: fileID, line: line, work)
        }
    }

    // MARK: Recording an item

    /// The block to dispatch for `work` as a new logical thread, forked here (after entering
    /// `group`); nil when nothing records, and then nothing was recorded or entered.
    private func traced(
        group: TracedDispatchGroup?,
        flags: DispatchWorkItemFlags,
        fileID: StaticString,
        line: UInt,
        _ work: @escaping @Sendable () -> Void
    ) -> (@Sendable () -> Void)? {
        guard let child = LogicalThread.fork(name: nil, kind: "\(self.label) item", fileID: fileID, line: line) else {
            return nil
        }
        group?.enter(fileID: fileID, line: line)
        let exclusive = self.isExclusive(flags)
        return {
            child.run(fileID: fileID, line: line) {
                self.holding(exclusively: exclusive, fileID: fileID, line: line, work)
                // After the release, as Dispatch leaves the group once the block has returned.
                group?.leave(fileID: fileID, line: line)
            }
        }
    }

    /// Whether a block submitted with `flags` runs alone on the queue: every block of a serial
    /// queue, a barrier block of a concurrent one.
    func isExclusive(_ flags: DispatchWorkItemFlags) -> Bool {
        !self.isConcurrent || flags.contains(.barrier)
    }

    /// Runs `work`, which the queue is running now (an item, a `sync` block or a group's `notify`
    /// block), recorded as holding the queue's lock: `exclusively` (see ``isExclusive(_:)``) or
    /// shared. The numbers are taken while Dispatch keeps the block apart from those it excludes, so
    /// they follow the queue's real order.
    func holding<T>(exclusively exclusive: Bool, fileID: StaticString, line: UInt, _ work: () throws -> T) rethrows -> T {
        // Each recorded with the counter held, like every numbered event (see `recordEvent(epoch:…)`).
        if currentRecordingEpoch() != 0 {
            self.counter.withLock { counter in
                recordNumberedEvent(exclusive ? .acquire : .readAcquire, object: self.objectID, counter: &counter, fileID: fileID, line: line)
            }
        }
        // The release reads the epoch again: a session that started while the work ran holds what the
        // work recorded since, and must hold its release too (or the next item would race with it).
        defer {
            if currentRecordingEpoch() != 0 {
                self.counter.withLock { counter in
                    recordNumberedEvent(exclusive ? .release : .readRelease, object: self.objectID, counter: &counter, fileID: fileID, line: line)
                }
            }
        }
        return try work()
    }
}
