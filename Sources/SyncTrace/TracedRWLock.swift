import Synchronization
import SyncTraceFormat

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A reader-writer lock whose operations are recorded: any number of readers, or one writer.
///
/// ```swift
/// let cache = TracedRWLock(name: "cache")
/// let hit = cache.withReadLock { table[key] }
/// cache.withWriteLock { table[key] = value }
/// ```
///
/// Read locks record `racq`/`rrel`, write locks `acq`/`rel`. Readers hold the lock together, so the
/// lock numbers its operations under a spin lock of its own, taken while the rwlock is held.
public final class TracedRWLock: @unchecked Sendable {
    // Safe to share: the pthread rwlock is only used through pthread calls; `counter` only under
    // `counterLock` (readers hold the rwlock together, so it alone cannot guard the counter).
    private let rwlock: UnsafeMutablePointer<pthread_rwlock_t>
    private let counterLock = SpinLock()
    // Guarded by the object's own lock: the runtime's exclusivity check (a call on every
    // recorded operation) would only repeat what that lock guarantees.
    @exclusivity(unchecked) private var counter = SessionCounter()
    /// The lock's id in the trace.
    let objectID: UInt32

    /// Creates a lock; `name` is what reports call it (by default `TracedRWLock@File.swift:12`).
    public init(name: String? = nil, fileID: StaticString = #fileID, line: UInt = #line) {
        self.rwlock = .allocate(capacity: 1)
        pthread_rwlock_init(self.rwlock, nil)
        self.objectID = ObjectRegistry.register(kind: .rwLock, name: name, typeName: "TracedRWLock", fileID: fileID, line: line)
    }

    deinit {
        pthread_rwlock_destroy(self.rwlock)
        self.rwlock.deallocate()
    }

    /// Takes the lock for reading, waiting while a writer holds it.
    public func readLock(fileID: StaticString = #fileID, line: UInt = #line) {
        let epoch = currentRecordingEpoch()
        if epoch == 0 {
            pthread_rwlock_rdlock(self.rwlock)
        } else if pthread_rwlock_tryrdlock(self.rwlock) != 0 {
            recordEvent(epoch: epoch, .request, object: self.objectID, sequence: 0, fileID: fileID, line: line)
            pthread_rwlock_rdlock(self.rwlock)
        }
        self.record(.readAcquire, fileID: fileID, line: line)
    }

    /// Releases a read lock the calling thread holds.
    public func readUnlock(fileID: StaticString = #fileID, line: UInt = #line) {
        self.record(.readRelease, fileID: fileID, line: line)
        pthread_rwlock_unlock(self.rwlock)
    }

    /// Takes the lock for writing, waiting while readers or another writer hold it.
    public func writeLock(fileID: StaticString = #fileID, line: UInt = #line) {
        let epoch = currentRecordingEpoch()
        if epoch == 0 {
            pthread_rwlock_wrlock(self.rwlock)
        } else if pthread_rwlock_trywrlock(self.rwlock) != 0 {
            recordEvent(epoch: epoch, .request, object: self.objectID, sequence: 0, fileID: fileID, line: line)
            pthread_rwlock_wrlock(self.rwlock)
        }
        self.record(.acquire, fileID: fileID, line: line)
    }

    /// Releases the write lock the calling thread holds.
    public func writeUnlock(fileID: StaticString = #fileID, line: UInt = #line) {
        self.record(.release, fileID: fileID, line: line)
        pthread_rwlock_unlock(self.rwlock)
    }

    /// Runs `body` holding the lock for reading.
    public func withReadLock<Result, E: Error>(
        fileID: StaticString = #fileID,
        line: UInt = #line,
        _ body: () throws(E) -> Result
    ) throws(E) -> Result {
        self.readLock(fileID: fileID, line: line)
        defer { self.readUnlock(fileID: fileID, line: line) }
        return try body()
    }

    /// Runs `body` holding the lock for writing.
    public func withWriteLock<Result, E: Error>(
        fileID: StaticString = #fileID,
        line: UInt = #line,
        _ body: () throws(E) -> Result
    ) throws(E) -> Result {
        self.writeLock(fileID: fileID, line: line)
        defer { self.writeUnlock(fileID: fileID, line: line) }
        return try body()
    }

    /// Records `operation` if a session runs, reading the epoch with the lock held (see
    /// `TracedLock.recordAcquired`: a session that started while this thread waited records the lock
    /// taken, and one that started while it held the lock records the release).
    private func record(_ operation: TraceOperation, fileID: StaticString, line: UInt) {
        guard currentRecordingEpoch() != 0 else { return }
        self.counterLock.withLock {
            recordNumberedEvent(operation, object: self.objectID, counter: &self.counter, fileID: fileID, line: line)
        }
    }
}
