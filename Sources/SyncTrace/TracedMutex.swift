public import Synchronization
public import SyncTraceFormat

/// A mutex that protects a value, shaped like `Synchronization.Mutex`, whose lock and unlock are
/// recorded: swap `Mutex` for `TracedMutex` and the critical sections appear in the trace.
///
/// ```swift
/// let counter = TracedMutex(0, name: "counter")
/// counter.withLock { $0 += 1 }
/// ```
///
/// Each lock records `acq` (after a `req` when it had to wait for another thread) and each unlock
/// `rel`, numbered in the mutex's own order while it is held, so the replay knows exactly which
/// critical section followed which. With no recording running it costs one branch more than a
/// `Mutex`.
public final class TracedMutex<Value: ~Copyable>: Sendable {
    @usableFromInline
    struct Storage: ~Copyable {
        @usableFromInline var value: Value
        /// The mutex's own operation numbers, taken only while it is held.
        @usableFromInline var counter = SessionCounter()

        @usableFromInline
        init(value: consuming Value) {
            self.value = value
        }
    }

    @usableFromInline let storage: Mutex<Storage>
    /// The mutex's id in the trace.
    @usableFromInline let objectID: UInt32

    /// Creates a mutex holding `initialValue`.
    ///
    /// - Parameters:
    ///   - initialValue: The value the mutex guards.
    ///   - name: What reports and the text form call it; by default `TracedMutex@File.swift:12`.
    ///   - fileID: The file of the call site the trace records (leave the default).
    ///   - line: The line of the call site the trace records (leave the default).
    public init(_ initialValue: consuming sending Value, name: String? = nil, fileID: StaticString = #fileID, line: UInt = #line) {
        self.storage = Mutex(Storage(value: initialValue))
        self.objectID = ObjectRegistry.register(kind: .lock, name: name, typeName: "TracedMutex", fileID: fileID, line: line)
    }

    /// Runs `body` with the mutex held and exclusive access to the value, like `Mutex.withLock`.
    @inlinable @inline(__always)
    public func withLock<Result: ~Copyable, E: Error>(
        fileID: StaticString = #fileID,
        line: UInt = #line,
        _ body: (inout sending Value) throws(E) -> sending Result
    ) throws(E) -> sending Result {
        let epoch = currentRecordingEpoch()
        if epoch == 0 {
            // Not recording: a `Mutex`, but for a look at the epoch inside, where a session that
            // started meanwhile records the acquisition and release (see `recordedSection`).
            return try self.storage.withLock { (storage) throws(E) -> sending Result in
                try Self.recordedSection(&storage, objectID: self.objectID, fileID: fileID, line: line, body)
            }
        }
        return try self.recordedWithLock(epoch: epoch, fileID: fileID, line: line, body)
    }

    /// `withLock` while recording: kept apart so that the path taken with no recorder running stays
    /// small enough to inline into the caller, like `Mutex.withLock` itself.
    @inlinable @inline(never)
    func recordedWithLock<Result: ~Copyable, E: Error>(
        epoch: UInt64,
        fileID: StaticString,
        line: UInt,
        _ body: (inout sending Value) throws(E) -> sending Result
    ) throws(E) -> sending Result {
        let objectID = self.objectID
        if let result = try self.storage.withLockIfAvailable({ (storage) throws(E) -> sending Result in
            try Self.recordedSection(&storage, objectID: objectID, fileID: fileID, line: line, body)
        }) {
            return result
        }
        // Another thread holds it: say so before waiting, so a hung trace shows who waits for what.
        recordEvent(epoch: epoch, .request, object: objectID, sequence: 0, fileID: fileID, line: line)
        return try self.storage.withLock { (storage) throws(E) -> sending Result in
            try Self.recordedSection(&storage, objectID: objectID, fileID: fileID, line: line, body)
        }
    }

    /// Runs `body` with the mutex held if no other thread holds it; `nil` without running it otherwise.
    @inlinable
    public func withLockIfAvailable<Result: ~Copyable, E: Error>(
        fileID: StaticString = #fileID,
        line: UInt = #line,
        _ body: (inout sending Value) throws(E) -> sending Result
    ) throws(E) -> sending Result? {
        let objectID = self.objectID
        return try self.storage.withLockIfAvailable { (storage) throws(E) -> sending Result in
            try Self.recordedSection(&storage, objectID: objectID, fileID: fileID, line: line, body)
        }
    }

    /// Runs `body` on the held mutex's value, recording `acq` before and `rel` after if a session
    /// runs at each: the epoch is read with the mutex held, not before waiting for it. A session
    /// that started while this thread waited, or while it held the mutex, records what the critical
    /// section does from then on, and must record that the mutex is held and released, or those
    /// accesses would seem to race with the previous and next holders'.
    @inlinable @inline(__always)
    static func recordedSection<Result: ~Copyable, E: Error>(
        _ storage: inout sending Storage,
        objectID: UInt32,
        fileID: StaticString,
        line: UInt,
        _ body: (inout sending Value) throws(E) -> sending Result
    ) throws(E) -> sending Result {
        recordNumberedEvent(.acquire, object: objectID, counter: &storage.counter, fileID: fileID, line: line)
        defer { recordNumberedEvent(.release, object: objectID, counter: &storage.counter, fileID: fileID, line: line) }
        return try body(&storage.value)
    }
}
