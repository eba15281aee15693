public import Dispatch
import Synchronization
import SyncTraceFormat

/// A `DispatchGroup` whose operations are recorded as a wait group's: `enter` (`wgadd(+1)`),
/// `leave` (`wgdone`), and a `wait` that returned (`wgwait`).
///
/// ```swift
/// let loads = TracedDispatchGroup(name: "loads")
/// for slot in slots { pool.async(group: loads) { slot[] = load() } }
/// loads.wait()
/// let first = slots[0][]   // ordered after every item's write
/// ```
///
/// Every `leave` happens before a `wait` that returns and before a `notify` block, so what the
/// group's items did is ordered before what comes after. (For `DispatchSemaphore`, use
/// ``TracedSemaphore``, which records a signal before the wait it lets return.)
public final class TracedDispatchGroup: Sendable {
    /// The group itself, for what this type does not wrap. Enters and leaves made on it directly are
    /// not recorded, but `wait` and `notify` here still wait for them.
    ///
    /// ```swift
    /// plainQueue.async(group: uploads.group) { upload() }   // runs, but outside the trace's order
    /// ```
    public let group: DispatchGroup
    /// The group's wait-group object in the trace.
    let objectID: UInt32
    /// The group's own operation numbers. Each `enter` and `leave` takes its number and changes the
    /// group's count under this lock, and a `wait` takes its number under it after Dispatch let it
    /// return, so that the numbers follow the real order of the operations.
    private let numbers = Mutex(SessionCounter())

    /// Creates an empty group; `name` is what reports call it (by default
    /// `TracedDispatchGroup@File.swift:12`).
    ///
    /// ```swift
    /// let group = TracedDispatchGroup(name: "uploads")
    /// ```
    public init(name: String? = nil, fileID: StaticString = #fileID, line: UInt = #line) {
        self.group = DispatchGroup()
        self.objectID = ObjectRegistry.register(
            kind: .waitGroup,
            name: name,
            typeName: "TracedDispatchGroup",
            fileID: fileID,
            line: line
        )
    }

    /// Counts one more piece of work in the group, as `DispatchGroup.enter` does.
    ///
    /// ```swift
    /// group.enter()
    /// client.fetch { result in store(result); group.leave() }
    /// ```
    public func enter(fileID: StaticString = #fileID, line: UInt = #line) {
        let epoch = currentRecordingEpoch()
        if epoch == 0 { return self.group.enter() }
        self.numbers.withLock { numbers in
            self.group.enter()
            recordEvent(
                epoch: epoch,
                .waitGroupAdd,
                object: self.objectID,
                sequence: numbers.take(epoch),
                argument: 1,
                fileID: fileID,
                line: line
            )
        }
    }

    /// Marks one piece of work in the group finished, as `DispatchGroup.leave` does.
    ///
    /// ```swift
    /// defer { group.leave() }
    /// ```
    public func leave(fileID: StaticString = #fileID, line: UInt = #line) {
        let epoch = currentRecordingEpoch()
        if epoch == 0 { return self.group.leave() }
        self.numbers.withLock { numbers in
            // Numbered before Dispatch can let a waiter go, which then numbers its `wgwait` after it.
            recordEvent(
                epoch: epoch,
                .waitGroupDone,
                object: self.objectID,
                sequence: numbers.take(epoch),
                argument: -1,
                fileID: fileID,
                line: line
            )
            self.group.leave()
        }
    }

    /// Waits until every piece of work in the group has finished, as `DispatchGroup.wait` does.
    ///
    /// ```swift
    /// group.wait()
    /// ```
    public func wait(fileID: StaticString = #fileID, line: UInt = #line) {
        let epoch = currentRecordingEpoch()
        if epoch == 0 {
            self.group.wait()
            // A session that started while this thread waited records what it does next, which the
            // group's work (recorded in that session) happens before: the `wgwait` says so.
            return self.recordWait(fileID: fileID, line: line)
        }
        if self.group.wait(timeout: .now()) == .timedOut {
            // It has to wait: say so first, so that a hung trace shows who waits for what.
            recordEvent(epoch: epoch, .request, object: self.objectID, sequence: 0, fileID: fileID, line: line)
            self.group.wait()
        }
        self.recordWait(fileID: fileID, line: line)
    }

    /// Waits at most until `timeout` for the group's work to finish, as `DispatchGroup.wait(timeout:)`
    /// does; only a wait that returns `.success` orders the group's work before what follows.
    ///
    /// ```swift
    /// if group.wait(timeout: .now() + 2) == .timedOut { print("still loading") }
    /// ```
    public func wait(timeout: DispatchTime, fileID: StaticString = #fileID, line: UInt = #line) -> DispatchTimeoutResult {
        let epoch = currentRecordingEpoch()
        if epoch == 0 {
            // As in `wait()`: recorded if a session started meanwhile.
            let result = self.group.wait(timeout: timeout)
            if result == .success { self.recordWait(fileID: fileID, line: line) }
            return result
        }
        if self.group.wait(timeout: .now()) == .success {
            self.recordWait(fileID: fileID, line: line)
            return .success
        }
        recordEvent(epoch: epoch, .request, object: self.objectID, sequence: 0, fileID: fileID, line: line)
        let result = self.group.wait(timeout: timeout)
        if result == .success { self.recordWait(fileID: fileID, line: line) }
        return result
    }

    /// Runs `work` on `queue` once every piece of work in the group has finished, as
    /// `DispatchGroup.notify(queue:)` does.
    ///
    /// ```swift
    /// group.notify(queue: results) { total[] = slots.map { $0[] }.reduce(0, +) }
    /// ```
    ///
    /// The block is a thread of its own in the trace, started here; its first event is a `wgwait`
    /// (the group's work happens before it), and it then runs like an item of `queue`, holding the
    /// queue's lock.
    public func notify(
        qos: DispatchQoS = .unspecified,
        flags: DispatchWorkItemFlags = [],
        queue: TracedDispatchQueue,
        fileID: StaticString = #fileID,
        line: UInt = #line,
        execute work: @escaping @Sendable () -> Void
    ) {
        guard let child = LogicalThread.fork(name: nil, kind: "\(queue.label) notify", fileID: fileID, line: line) else {
            return self.group.notify(qos: qos, flags: flags, queue: queue.queue, execute: work)
        }
        let exclusive = queue.isExclusive(flags)
        self.group.notify(qos: qos, flags: flags, queue: queue.queue) {
            child.run(fileID: fileID, line: line) {
                self.recordWait(fileID: fileID, line: line)
                queue.holding(exclusively: exclusive, fileID: fileID, line: line, work)
            }
        }
    }

    /// Records a `wgwait` that Dispatch has let return.
    ///
    /// Dispatch says when the count reached zero but not under which lock, so the number is taken
    /// after the fact: a `leave` of work entered after that moment and finished before this lock is
    /// taken gets an earlier number, and is ordered before this wait although it need not be. Only a
    /// group reused while a waiter is waking up sees that; a group waited for once is exact.
    private func recordWait(fileID: StaticString, line: UInt) {
        let epoch = currentRecordingEpoch()
        if epoch == 0 { return }
        self.numbers.withLock { numbers in
            recordEvent(epoch: epoch, .waitGroupWait, object: self.objectID, sequence: numbers.take(epoch), fileID: fileID, line: line)
        }
    }
}
