import SyncTraceFormat

/// Go's `select` over traced channels: waits until one of several sends or receives can proceed,
/// performs exactly that one (chosen at random among those ready, as Go does), and runs its handler;
/// with a default case, runs the default instead of waiting.
///
/// ```swift
/// TracedSelect.run { select in
///     select.receive(from: jobs) { job in handle(job) }      // job is nil once jobs is closed
///     select.send(result, to: results) { print("sent") }
///     select.onDefault { print("nothing ready") }
/// }
/// ```
///
/// The chosen operation is recorded like a plain `send`/`receive` on its channel; a select that has
/// to wait records a `req` on each of its channels first. One difference from Go: a select that is
/// blocked with a receive case on a rendezvous channel makes a `select` send to that channel ready,
/// and if the blocked select then takes another case, the sender waits for the next receiver.
public struct TracedSelect {
    /// One case, with its channel's operations erased to closures.
    struct Case {
        let objectID: UInt32
        let lock: PlatformLock
        let isReady: () -> Bool
        /// Performs the operation with the channel locked; returns what to run once every channel
        /// is unlocked (the handler, and for a rendezvous send, first the wait for the receiver).
        let perform: () -> () -> Void
        let setWaiting: (SelectWaiter, Bool) -> Void
    }

    private var cases: [Case] = []
    private var defaultHandler: (() -> Void)?
    private let fileID: StaticString
    private let line: UInt

    private init(fileID: StaticString, line: UInt) {
        self.fileID = fileID
        self.line = line
    }

    /// Adds a receive case: `handler` gets the value, or `nil` when the channel is closed and drained.
    public mutating func receive<Element>(from channel: TracedChannel<Element>, _ handler: @escaping (Element?) -> Void) {
        let fileID = self.fileID
        let line = self.line
        self.cases.append(
            Case(
                objectID: channel.objectID,
                lock: channel.lock,
                isReady: { channel.isReadyToReceive },
                perform: {
                    let value = channel.receiveLocked(fileID: fileID, line: line)
                    return { handler(value) }
                },
                setWaiting: { waiter, waiting in channel.setSelectWaiter(waiter, waiting: waiting, receiving: true) }
            )
        )
    }

    /// Adds a send case: sends `value` to `channel`, then runs `handler`.
    ///
    /// - Precondition: if this case is chosen, the channel is not closed (Go panics there too).
    public mutating func send<Element>(_ value: Element, to channel: TracedChannel<Element>, _ handler: @escaping () -> Void = {}) {
        let fileID = self.fileID
        let line = self.line
        self.cases.append(
            Case(
                objectID: channel.objectID,
                lock: channel.lock,
                isReady: { channel.isReadyToSend },
                perform: {
                    guard let ticket = channel.sendLocked(value, fileID: fileID, line: line) else { return handler }
                    return {
                        channel.lock.withLock { channel.waitForTake(ticket, fileID: fileID, line: line) }
                        handler()
                    }
                },
                setWaiting: { waiter, waiting in channel.setSelectWaiter(waiter, waiting: waiting, receiving: false) }
            )
        )
    }

    /// Sets what runs when no case is ready: the select then never waits.
    public mutating func onDefault(_ handler: @escaping () -> Void) {
        self.defaultHandler = handler
    }

    /// Builds a select with `build` and runs it: performs one ready case (waiting for one unless there
    /// is a default) and runs its handler.
    ///
    /// - Precondition: at least one case or a default.
    public static func run(fileID: StaticString = #fileID, line: UInt = #line, _ build: (inout TracedSelect) -> Void) {
        var select = TracedSelect(fileID: fileID, line: line)
        build(&select)
        select.execute()
    }

    private func execute() {
        precondition(!self.cases.isEmpty || self.defaultHandler != nil, "TracedSelect: no cases and no default")
        // Lock each channel once, always in the same order, so two selects cannot deadlock.
        var locks: [PlatformLock] = []
        for lock in self.cases.sorted(by: { $0.objectID < $1.objectID }).map(\.lock) where !locks.contains(where: { $0 === lock }) {
            locks.append(lock)
        }
        let waiter = SelectWaiter()
        var announcedWait = false
        while true {
            for lock in locks { lock.lock() }
            let ready = self.cases.indices.filter { self.cases[$0].isReady() }
            if let chosen = ready.randomElement() {
                if announcedWait { for item in self.cases { item.setWaiting(waiter, false) } }
                let completion = self.cases[chosen].perform()
                for lock in locks.reversed() { lock.unlock() }
                completion()
                return
            }
            if let defaultHandler = self.defaultHandler {
                for lock in locks.reversed() { lock.unlock() }
                defaultHandler()
                return
            }
            if !announcedWait {
                announcedWait = true
                for item in self.cases {
                    recordEvent(.request, object: item.objectID, sequence: 0, fileID: self.fileID, line: self.line)
                    item.setWaiting(waiter, true)
                }
            }
            waiter.prepare()
            for lock in locks.reversed() { lock.unlock() }
            waiter.wait()
        }
    }
}

/// What a blocked select sleeps on: any of its channels wakes it when it changes.
final class SelectWaiter: @unchecked Sendable {
    // Safe to share: `woken` is read and written only while `lock` is held.
    private let lock = PlatformLock()
    private var woken = false

    /// Arms the waiter; called with the channels still locked, so no change can slip in unseen.
    func prepare() {
        self.lock.withLock { self.woken = false }
    }

    /// Sleeps until a channel calls ``wake()`` (at once if one already has since ``prepare()``).
    func wait() {
        self.lock.withLock {
            while !self.woken { self.lock.wait() }
        }
    }

    func wake() {
        self.lock.withLock {
            self.woken = true
            self.lock.signal()
        }
    }
}
