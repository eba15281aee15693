import SyncTraceFormat

/// A counting semaphore, like `DispatchSemaphore`, whose operations are recorded: `signal`
/// (`semsignal`) and `wait` (`semwait`, after a `req` when it had to wait).
///
/// ```swift
/// let slots = TracedSemaphore(value: 2, name: "slots")
/// slots.wait()
/// defer { slots.signal() }
/// ```
///
/// A signal happens before the wait it lets return, so the replay orders what the signalling thread
/// did before `signal` ahead of what the waiter does after `wait`.
public final class TracedSemaphore: @unchecked Sendable {
    // Safe to share: `value` and `counter` are read and written only while `lock` is held.
    private let lock = PlatformLock()
    private var value: Int
    // Guarded by the object's own lock: the runtime's exclusivity check (a call on every
    // recorded operation) would only repeat what that lock guarantees.
    @exclusivity(unchecked) private var counter = SessionCounter()
    /// The semaphore's id in the trace.
    let objectID: UInt32

    /// Creates a semaphore with `value` permits; `name` is what reports call it.
    ///
    /// - Precondition: `value >= 0`.
    public init(value: Int = 0, name: String? = nil, fileID: StaticString = #fileID, line: UInt = #line) {
        precondition(value >= 0, "TracedSemaphore: negative initial value")
        self.value = value
        self.objectID = ObjectRegistry.register(kind: .semaphore, name: name, typeName: "TracedSemaphore", fileID: fileID, line: line)
    }

    /// Adds a permit, waking one waiter if there is one.
    public func signal(fileID: StaticString = #fileID, line: UInt = #line) {
        self.lock.lock()
        defer { self.lock.unlock() }
        self.value += 1
        recordNumberedEvent(.semaphoreSignal, object: self.objectID, counter: &self.counter, fileID: fileID, line: line)
        self.lock.signal()
    }

    /// Takes a permit, waiting until one is available.
    public func wait(fileID: StaticString = #fileID, line: UInt = #line) {
        _ = self.wait(deadlineNanoseconds: nil, fileID: fileID, line: line)
    }

    /// Takes a permit, waiting at most `timeoutNanoseconds`; `false` (and no permit) on time-out.
    public func wait(timeoutNanoseconds: UInt64, fileID: StaticString = #fileID, line: UInt = #line) -> Bool {
        self.wait(deadlineNanoseconds: timeoutNanoseconds, fileID: fileID, line: line)
    }

    private func wait(deadlineNanoseconds timeout: UInt64?, fileID: StaticString, line: UInt) -> Bool {
        self.lock.lock()
        defer { self.lock.unlock() }
        if self.value == 0 {
            recordEvent(.request, object: self.objectID, sequence: 0, fileID: fileID, line: line)
            let start = synctraceMonotonicNanoseconds()
            while self.value == 0 {
                guard let timeout else {
                    self.lock.wait()
                    continue
                }
                let waited = synctraceMonotonicNanoseconds() &- start
                if waited >= timeout || !self.lock.wait(nanoseconds: timeout - waited) {
                    if self.value == 0 { return false }
                }
            }
        }
        self.value -= 1
        recordNumberedEvent(.semaphoreWait, object: self.objectID, counter: &self.counter, fileID: fileID, line: line)
        return true
    }
}
