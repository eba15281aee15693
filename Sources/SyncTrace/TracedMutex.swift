public import Synchronization
public import SyncTraceFormat

/// A mutex that protects a value, shaped like `Synchronization.Mutex`, whose lock and unlock are
/// recorded, and what its critical sections do with the value: swap `Mutex` for `TracedMutex` and
/// the critical sections appear in the trace, and the lost-update counter sees check-then-act.
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
///
/// ## The value
///
/// The value is a variable of its own in the trace, named after the mutex with `.value` added
/// (`counter.value`). A section's accesses to it are recorded from what the section did, since a
/// closure's reads of an `inout` value cannot be seen:
///
/// - A section that changes the value's bytes records a **write**. Before it, a **read** — the
///   section may have read what it changed (`$0 += 1`), an update made in one section, which loses
///   nothing — unless the thread took a copy of the whole value out of an earlier section and has not
///   written since: then the write comes straight after that copy's read, because the section may be
///   writing what it computed from the copy. That is check-then-act, and the counter counts the
///   updates it throws away:
///
///   ```swift
///   let balance = TracedMutex(100, name: "balance")
///   let seen = balance.withLock { $0 }       // read (a copy of the value leaves the lock)
///   balance.withLock { $0 = seen - 30 }      // write: it follows that read
///   ```
/// - A section that returns a copy of the whole value (`withLock { $0 }`) and leaves it as it was
///   records a **read**.
/// - A section that only looks (returns a part of the value, or nothing) records no access: it
///   cannot lose an update, and under the lock it cannot race.
///
/// So a section that only reads is never counted as a lost update, and updates lost to
/// check-then-act are counted as exactly as for a ``TracedVar``, with these limits:
///
/// - A write of the bytes already there is not seen (it changes nothing a later read could tell).
/// - A value behind a reference — an array's elements, a class's properties — changes in place
///   without its bytes changing, unless a copy shares the storage (a copy taken out of the lock does,
///   so a change made while it is alive is seen). Keep such state in `TracedVar`s, or compare it.
/// - After a thread copied the value out, its next writing section is taken to write what it computed
///   from the copy. If it read the value afresh instead (a loop that checks `withLock { $0 } < limit`,
///   then does `withLock { $0 += 1 }`), another thread's update in between is counted as lost — and
///   the check itself was stale when the section acted on it.
/// - A thread remembers copies of 8 mutexes at once (by id): a copy forgotten makes its write a
///   one-section update, which can only leave a loss uncounted.
///
/// Comparing the bytes costs a copy of up to 64 of them (a hash for a longer value) per recorded
/// section; with no recording running nothing is compared.
public final class TracedMutex<Value: ~Copyable>: Sendable {
    @usableFromInline
    struct Storage: ~Copyable {
        @usableFromInline var value: Value
        /// The mutex's own operation numbers, taken only while it is held.
        @usableFromInline var counter = SessionCounter()
        /// The value's id in the trace (a variable of its own), and its accesses' numbers, taken
        /// only while the mutex is held.
        @usableFromInline let valueID: UInt32
        @usableFromInline var valueCounter = SessionCounter()

        @usableFromInline
        init(value: consuming Value, valueID: UInt32) {
            self.value = value
            self.valueID = valueID
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
        self.objectID = ObjectRegistry.register(kind: .lock, name: name, typeName: "TracedMutex", fileID: fileID, line: line)
        let valueID = ObjectRegistry.register(
            kind: .variable,
            name: name.map { "\($0).value" },
            typeName: "TracedMutex.value",
            fileID: fileID,
            line: line
        )
        self.storage = Mutex(Storage(value: initialValue, valueID: valueID))
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
    ///
    /// In a section that began recorded, what it did with the value is recorded too (see the type's
    /// documentation): a write if the value's bytes changed — after a read when the section may have
    /// read what it changed — or a read if the section returned a copy of the whole value.
    @inlinable @inline(__always)
    static func recordedSection<Result: ~Copyable, E: Error>(
        _ storage: inout sending Storage,
        objectID: UInt32,
        fileID: StaticString,
        line: UInt,
        _ body: (inout sending Value) throws(E) -> sending Result
    ) throws(E) -> sending Result {
        let epoch = currentRecordingEpoch()
        defer { recordNumberedEvent(.release, object: objectID, counter: &storage.counter, fileID: fileID, line: line) }
        if epoch == 0 { return try body(&storage.value) }
        recordEvent(epoch: epoch, .acquire, object: objectID, sequence: storage.counter.take(epoch), fileID: fileID, line: line)
        let before = ValueBytes(of: &storage.value)
        var result: Result
        do {
            result = try body(&storage.value)
        } catch {
            let after = ValueBytes(of: &storage.value)
            Self.recordValueAccess(&storage, epoch: epoch, changed: after != before, copiedOut: false, fileID: fileID, line: line)
            throw error
        }
        let after = ValueBytes(of: &storage.value)
        let changed = after != before
        var copiedOut = false
        if !changed && MemoryLayout<Result>.size == MemoryLayout<Value>.size && MemoryLayout<Value>.size > 0 {
            copiedOut = ValueBytes(of: &result) == after
        }
        Self.recordValueAccess(&storage, epoch: epoch, changed: changed, copiedOut: copiedOut, fileID: fileID, line: line)
        return result
    }

    /// Records what a section of session `epoch` did with the value: `changed`, its bytes differ
    /// from when it began; `copiedOut`, it left them as they were and returned a copy of them.
    ///
    /// A write follows the thread's read when the thread took a copy of the value out of an earlier
    /// section and has not written since (remembered in the thread's own slots, so no lock, hash or
    /// shared write): it may be writing what it computed from that copy, the check-then-act whose
    /// lost updates the counter counts. Any other write comes after a read of its own, an update in
    /// one section, which loses nothing.
    @inlinable @inline(__always)
    static func recordValueAccess(
        _ storage: inout sending Storage,
        epoch: UInt64,
        changed: Bool,
        copiedOut: Bool,
        fileID: StaticString,
        line: UInt
    ) {
        guard changed || copiedOut, let slots = valueCopySlots(epoch: epoch) else { return }
        let valueID = storage.valueID
        let slot = Int(valueID) % slots.count
        let key = (epoch << 32) | UInt64(valueID + 1)
        if copiedOut {
            slots[slot] = key
            recordEvent(epoch: epoch, .read, object: valueID, sequence: storage.valueCounter.take(epoch), fileID: fileID, line: line)
            return
        }
        if slots[slot] == key {
            slots[slot] = 0
        } else {
            recordEvent(epoch: epoch, .read, object: valueID, sequence: storage.valueCounter.take(epoch), fileID: fileID, line: line)
        }
        recordEvent(epoch: epoch, .write, object: valueID, sequence: storage.valueCounter.take(epoch), fileID: fileID, line: line)
    }
}
