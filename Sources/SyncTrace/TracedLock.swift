public import SyncTraceFormat

/// A lock with explicit `lock()` and `unlock()`, like `NSLock`, whose operations are recorded.
///
/// ```swift
/// let lock = TracedLock(name: "accounts")
/// lock.withLock { balance += amount }
/// ```
///
/// Not recursive: locking it again on the thread that holds it deadlocks, as with `NSLock`.
public final class TracedLock: @unchecked Sendable {
    // Safe to share: `counter` is read and written only while `platform` is held.
    @usableFromInline let platform = PlatformLock()
    // Guarded by the object's own lock: the runtime's exclusivity check (a call on every
    // recorded operation) would only repeat what that lock guarantees.
    @exclusivity(unchecked) @usableFromInline var counter = SessionCounter()
    /// The lock's id in the trace.
    @usableFromInline let objectID: UInt32

    /// Creates a lock; `name` is what reports call it (by default `TracedLock@File.swift:12`).
    public init(name: String? = nil, fileID: StaticString = #fileID, line: UInt = #line) {
        self.objectID = ObjectRegistry.register(kind: .lock, name: name, typeName: "TracedLock", fileID: fileID, line: line)
    }

    /// Takes the lock, waiting while another thread holds it.
    @inlinable
    public func lock(fileID: StaticString = #fileID, line: UInt = #line) {
        let epoch = currentRecordingEpoch()
        if epoch == 0 {
            self.platform.lock()
        } else if !self.platform.tryLock() {
            recordEvent(epoch: epoch, .request, object: self.objectID, sequence: 0, fileID: fileID, line: line)
            self.platform.lock()
        }
        self.recordAcquired(fileID: fileID, line: line)
    }

    /// Takes the lock if it is free; returns whether it did (like `NSLock.try()`).
    @inlinable
    public func tryLock(fileID: StaticString = #fileID, line: UInt = #line) -> Bool {
        guard self.platform.tryLock() else { return false }
        self.recordAcquired(fileID: fileID, line: line)
        return true
    }

    /// Releases the lock; the calling thread must hold it.
    @inlinable
    public func unlock(fileID: StaticString = #fileID, line: UInt = #line) {
        self.recordReleasing(fileID: fileID, line: line)
        self.platform.unlock()
    }

    /// Runs `body` with the lock held.
    @inlinable
    public func withLock<Result, E: Error>(
        fileID: StaticString = #fileID,
        line: UInt = #line,
        _ body: () throws(E) -> Result
    ) throws(E) -> Result {
        self.lock(fileID: fileID, line: line)
        defer { self.unlock(fileID: fileID, line: line) }
        return try body()
    }

    /// Records `acq` if a session runs; the caller has just taken the lock.
    ///
    /// The epoch is read now, with the lock held, not before waiting for it: a session that started
    /// meanwhile records what the holder does next, and must record that it holds the lock, or those
    /// accesses would seem to race with the previous holder's.
    @inlinable
    func recordAcquired(fileID: StaticString, line: UInt) {
        recordNumberedEvent(.acquire, object: self.objectID, counter: &self.counter, fileID: fileID, line: line)
    }

    /// Records `rel` if a session runs (which need not be the one the `acq` went to, for the same
    /// reason); the caller still holds the lock and is about to release it.
    @inlinable
    func recordReleasing(fileID: StaticString, line: UInt) {
        recordNumberedEvent(.release, object: self.objectID, counter: &self.counter, fileID: fileID, line: line)
    }
}
