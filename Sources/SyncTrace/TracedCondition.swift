import Synchronization
import SyncTraceFormat

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A condition variable with its lock, like `NSCondition`, whose operations are recorded.
///
/// ```swift
/// let ready = TracedCondition(name: "ready")
/// ready.withLock { while !done.value { ready.wait() } }     // the waiter
/// ready.withLock { done.value = true; ready.signal() }      // the signaller
/// ```
///
/// A wait records the release of the lock (`rel`), a `req` on the condition, the wake-up (`cwait`)
/// and the lock taken again (`acq`); `signal` and `broadcast` record `csignal` and `cbroadcast`. As in
/// Go's `sync.Cond`, a signal or broadcast happens before the waits it wakes.
public final class TracedCondition: @unchecked Sendable {
    // Safe to share: the pthread condition is only used through pthread calls with `lock` held or
    // not as pthreads allows; `counter` only under `counterLock`, since signals need not hold the lock.
    /// The lock the condition's waits release and take again.
    public let lock: TracedLock
    private let condition: UnsafeMutablePointer<pthread_cond_t>
    private let counterLock = SpinLock()
    // Guarded by the object's own lock: the runtime's exclusivity check (a call on every
    // recorded operation) would only repeat what that lock guarantees.
    @exclusivity(unchecked) private var counter = SessionCounter()
    /// The condition's id in the trace.
    let objectID: UInt32

    /// Creates a condition with a lock of its own, or sharing `lock`; `name` is what reports call it.
    public init(lock: TracedLock? = nil, name: String? = nil, fileID: StaticString = #fileID, line: UInt = #line) {
        self.lock = lock ?? TracedLock(name: name.map { "\($0).lock" }, fileID: fileID, line: line)
        self.condition = .allocate(capacity: 1)
        pthread_cond_init(self.condition, nil)
        self.objectID = ObjectRegistry.register(kind: .condition, name: name, typeName: "TracedCondition", fileID: fileID, line: line)
    }

    deinit {
        pthread_cond_destroy(self.condition)
        self.condition.deallocate()
    }

    /// Takes the condition's lock.
    public func lock(fileID: StaticString = #fileID, line: UInt = #line) { self.lock.lock(fileID: fileID, line: line) }

    /// Releases the condition's lock.
    public func unlock(fileID: StaticString = #fileID, line: UInt = #line) { self.lock.unlock(fileID: fileID, line: line) }

    /// Runs `body` holding the condition's lock.
    public func withLock<Result, E: Error>(
        fileID: StaticString = #fileID,
        line: UInt = #line,
        _ body: () throws(E) -> Result
    ) throws(E) -> Result {
        try self.lock.withLock(fileID: fileID, line: line, body)
    }

    /// Releases the lock, waits until signalled (or woken spuriously, as with any condition: wait
    /// in a loop that checks what you wait for), and takes the lock again. The caller holds the lock.
    public func wait(fileID: StaticString = #fileID, line: UInt = #line) {
        let epoch = currentRecordingEpoch()
        if epoch != 0 {
            self.lock.recordReleasing(fileID: fileID, line: line)
            recordEvent(epoch: epoch, .request, object: self.objectID, sequence: 0, fileID: fileID, line: line)
        }
        pthread_cond_wait(self.condition, self.lock.platform.mutex)
        // Whatever ran before: a session that started during the wait records the lock taken again.
        self.recordWoken(fileID: fileID, line: line)
    }

    /// Like ``wait(fileID:line:)``, for at most `timeoutNanoseconds`; `false` on time-out (the lock is
    /// held again either way).
    public func wait(timeoutNanoseconds: UInt64, fileID: StaticString = #fileID, line: UInt = #line) -> Bool {
        var deadline = timespec()
        clock_gettime(CLOCK_REALTIME, &deadline)
        let total = UInt64(deadline.tv_nsec) + timeoutNanoseconds
        deadline.tv_sec += Int(total / 1_000_000_000)
        deadline.tv_nsec = Int(total % 1_000_000_000)
        let epoch = currentRecordingEpoch()
        if epoch != 0 {
            self.lock.recordReleasing(fileID: fileID, line: line)
            recordEvent(epoch: epoch, .request, object: self.objectID, sequence: 0, fileID: fileID, line: line)
        }
        let status = pthread_cond_timedwait(self.condition, self.lock.platform.mutex, &deadline)
        if status == ETIMEDOUT {
            self.lock.recordAcquired(fileID: fileID, line: line)
        } else {
            self.recordWoken(fileID: fileID, line: line)
        }
        return status != ETIMEDOUT
    }

    /// Wakes one waiting thread.
    public func signal(fileID: StaticString = #fileID, line: UInt = #line) {
        self.recordSignal(.conditionSignal, fileID: fileID, line: line)
        pthread_cond_signal(self.condition)
    }

    /// Wakes every waiting thread.
    public func broadcast(fileID: StaticString = #fileID, line: UInt = #line) {
        self.recordSignal(.conditionBroadcast, fileID: fileID, line: line)
        pthread_cond_broadcast(self.condition)
    }

    private func recordSignal(_ operation: TraceOperation, fileID: StaticString, line: UInt) {
        let epoch = currentRecordingEpoch()
        guard epoch != 0 else { return }
        // Numbered before the wake-up it causes, which is numbered after: signal, then cwait.
        self.counterLock.withLock {
            recordEvent(epoch: epoch, operation, object: self.objectID, sequence: self.counter.take(epoch), fileID: fileID, line: line)
        }
    }

    /// Records the wake-up and the lock taken again; the caller holds the lock once more.
    private func recordWoken(fileID: StaticString, line: UInt) {
        let epoch = currentRecordingEpoch()
        guard epoch != 0 else { return }
        self.counterLock.withLock {
            recordEvent(epoch: epoch, .conditionWait, object: self.objectID, sequence: self.counter.take(epoch), fileID: fileID, line: line)
        }
        self.lock.recordAcquired(fileID: fileID, line: line)
    }
}
