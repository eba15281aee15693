import SyncTraceFormat

/// A wait group with Go's semantics, whose operations are recorded: `add` (`wgadd`), `done`
/// (`wgdone`) and `wait` (`wgwait`, after a `req` when it had to wait).
///
/// ```swift
/// let group = TracedWaitGroup()
/// for _ in 0..<4 {
///     group.add(1)
///     TracedThread.spawn { defer { group.done() }; work() }
/// }
/// group.wait()
/// ```
///
/// Every `done` happens before the `wait` it lets return.
public final class TracedWaitGroup: @unchecked Sendable {
    // Safe to share: `counter` and `numbers` are read and written only while `lock` is held.
    private let lock = PlatformLock()
    private var counter = 0
    // Guarded by the object's own lock: the runtime's exclusivity check (a call on every
    // recorded operation) would only repeat what that lock guarantees.
    @exclusivity(unchecked) private var numbers = SessionCounter()
    /// The wait group's id in the trace.
    let objectID: UInt32

    /// Creates a wait group with a counter of zero; `name` is what reports call it.
    public init(name: String? = nil, fileID: StaticString = #fileID, line: UInt = #line) {
        self.objectID = ObjectRegistry.register(kind: .waitGroup, name: name, typeName: "TracedWaitGroup", fileID: fileID, line: line)
    }

    /// Adds `delta` (which may be negative) to the counter; waiters wake when it reaches zero.
    ///
    /// - Precondition: the counter does not go below zero (Go panics there too).
    public func add(_ delta: Int, fileID: StaticString = #fileID, line: UInt = #line) {
        self.change(by: delta, operation: .waitGroupAdd, fileID: fileID, line: line)
    }

    /// Decrements the counter by one.
    public func done(fileID: StaticString = #fileID, line: UInt = #line) {
        self.change(by: -1, operation: .waitGroupDone, fileID: fileID, line: line)
    }

    /// Waits until the counter is zero.
    public func wait(fileID: StaticString = #fileID, line: UInt = #line) {
        self.lock.lock()
        defer { self.lock.unlock() }
        if self.counter > 0 {
            recordEvent(.request, object: self.objectID, sequence: 0, fileID: fileID, line: line)
            while self.counter > 0 { self.lock.wait() }
        }
        recordNumberedEvent(.waitGroupWait, object: self.objectID, counter: &self.numbers, fileID: fileID, line: line)
    }

    private func change(by delta: Int, operation: TraceOperation, fileID: StaticString, line: UInt) {
        self.lock.lock()
        defer { self.lock.unlock() }
        precondition(self.counter + delta >= 0, "TracedWaitGroup: negative counter")
        self.counter += delta
        recordNumberedEvent(
            operation,
            object: self.objectID,
            counter: &self.numbers,
            argument: Int64(delta),
            fileID: fileID,
            line: line
        )
        if self.counter == 0 { self.lock.broadcast() }
    }
}
