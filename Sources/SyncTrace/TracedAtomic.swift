public import Synchronization
public import SyncTraceFormat

/// An atomic value over `Synchronization.Atomic`, whose operations are recorded: loads as `aload`,
/// stores as `astore`, read-modify-writes as `armw`, each with its memory ordering.
///
/// ```swift
/// let ready = TracedAtomic(false, name: "ready")
/// ready.store(true, ordering: .releasing)
/// if ready.load(ordering: .acquiring) { … }
/// ```
///
/// The operations take the orderings `Atomic`'s do, as `Atomic`'s own ordering types, so a program
/// that uses `Atomic` keeps its calls when it swaps the type; with no ordering an operation is
/// sequentially consistent. The operation runs with the ordering asked for, and the trace records
/// it: the replay gives each ordering its happens-before (the text form's specification,
/// `Sources/SyncTraceFormat/SyncTraceFormat.docc/TextForm.md`, has the rules). A relaxed operation orders nothing, so a payload published behind a relaxed flag is a data
/// race, and one published with a releasing store and read after an acquiring load is not. A
/// sequentially consistent operation orders as the Go memory model's atomics do, which is as much
/// as Swift's model orders and sometimes more (a load follows every earlier sequentially consistent
/// store of the atomic, not only the one it read).
///
/// While recording, each operation and its number in the atomic's own order are taken together, so
/// the replay knows which store each load saw.
public final class TracedAtomic<Value: TracedAtomicValue>: @unchecked Sendable {
    // Safe to share: the value is atomic; `counter` is used only under `accessLock`. The value is kept as its
    // 64 bits because `Atomic`'s operations exist only for concrete representations.
    @usableFromInline let atomic: Atomic<UInt64>
    @usableFromInline let accessLock = SpinLock()
    // Guarded by the object's own lock: the runtime's exclusivity check (a call on every
    // recorded operation) would only repeat what that lock guarantees.
    @exclusivity(unchecked) @usableFromInline var counter = SessionCounter()
    /// The atomic's id in the trace.
    @usableFromInline let objectID: UInt32

    /// Creates an atomic holding `initialValue`; `name` is what reports call it (by default
    /// `TracedAtomic@File.swift:12`).
    public init(_ initialValue: Value, name: String? = nil, fileID: StaticString = #fileID, line: UInt = #line) {
        self.atomic = Atomic(initialValue.atomicBits)
        self.objectID = ObjectRegistry.register(kind: .atomic, name: name, typeName: "TracedAtomic", fileID: fileID, line: line)
    }

    /// Atomically loads the value, with `ordering` (relaxed, acquiring or sequentially consistent).
    @inlinable
    public func load(
        ordering: AtomicLoadOrdering = .sequentiallyConsistent,
        fileID: StaticString = #fileID,
        line: UInt = #line
    ) -> Value {
        Value(
            atomicBits: self.perform(.atomicLoad, ordering.traceOrdering, fileID: fileID, line: line) {
                $0.load(tracing: ordering)
            }
        )
    }

    /// Atomically stores `desired`, with `ordering` (relaxed, releasing or sequentially consistent).
    @inlinable
    public func store(
        _ desired: Value,
        ordering: AtomicStoreOrdering = .sequentiallyConsistent,
        fileID: StaticString = #fileID,
        line: UInt = #line
    ) {
        self.perform(.atomicStore, ordering.traceOrdering, fileID: fileID, line: line) {
            $0.store(desired.atomicBits, tracing: ordering)
        }
    }

    /// Atomically replaces the value with `desired` and returns the old one, with `ordering`.
    @discardableResult
    @inlinable
    public func exchange(
        _ desired: Value,
        ordering: AtomicUpdateOrdering = .sequentiallyConsistent,
        fileID: StaticString = #fileID,
        line: UInt = #line
    ) -> Value {
        Value(
            atomicBits: self.perform(.atomicReadModifyWrite, ordering.traceOrdering, fileID: fileID, line: line) {
                $0.exchange(desired.atomicBits, tracing: ordering)
            }
        )
    }

    /// Atomically replaces the value with `desired` if it equals `expected`, with `ordering` when it
    /// does; when it does not, with the strongest load ordering no stronger than `ordering` (relaxed
    /// for releasing, acquiring for acquiring-and-releasing), as `Atomic`'s does. A successful
    /// exchange is recorded as a read-modify-write, a failed one as a load of that ordering.
    @discardableResult
    @inlinable
    public func compareExchange(
        expected: Value,
        desired: Value,
        ordering: AtomicUpdateOrdering = .sequentiallyConsistent,
        fileID: StaticString = #fileID,
        line: UInt = #line
    ) -> (exchanged: Bool, original: Value) {
        self.compareExchange(
            expected: expected,
            desired: desired,
            successOrdering: ordering,
            failureOrdering: ordering.failureOrdering,
            fileID: fileID,
            line: line
        )
    }

    /// Atomically replaces the value with `desired` if it equals `expected`, with `successOrdering`
    /// when it does and `failureOrdering` when it does not. A successful exchange is recorded as a
    /// read-modify-write of `successOrdering`, a failed one as a load of `failureOrdering`.
    @discardableResult
    @inlinable
    public func compareExchange(
        expected: Value,
        desired: Value,
        successOrdering: AtomicUpdateOrdering,
        failureOrdering: AtomicLoadOrdering,
        fileID: StaticString = #fileID,
        line: UInt = #line
    ) -> (exchanged: Bool, original: Value) {
        let epoch = currentRecordingEpoch()
        let expectedBits = expected.atomicBits
        let desiredBits = desired.atomicBits
        if epoch == 0 {
            let result = self.atomic.compareExchange(expected: expectedBits, desired: desiredBits, tracing: successOrdering, failureOrdering)
            return (result.exchanged, Value(atomicBits: result.original))
        }
        let result = self.accessLock.withLock {
            let result = self.atomic.compareExchange(expected: expectedBits, desired: desiredBits, tracing: successOrdering, failureOrdering)
            let operation: TraceOperation = result.exchanged ? .atomicReadModifyWrite : .atomicLoad
            let ordering = result.exchanged ? successOrdering.traceOrdering : failureOrdering.traceOrdering
            self.record(epoch: epoch, operation, ordering, fileID: fileID, line: line)
            return result
        }
        return (result.exchanged, Value(atomicBits: result.original))
    }

    /// Records `operation` of `ordering` with the atomic's next number; the caller holds `accessLock`.
    @inlinable @inline(__always)
    func record(epoch: UInt64, _ operation: TraceOperation, _ ordering: TraceAtomicOrdering, fileID: StaticString, line: UInt) {
        recordEvent(
            epoch: epoch,
            operation,
            object: self.objectID,
            sequence: self.counter.take(epoch),
            argument: Int64(ordering.rawValue),
            fileID: fileID,
            line: line
        )
    }

    /// Runs `body` on the atomic, numbered and recorded as `operation` while recording.
    @inlinable @inline(__always)
    func perform<Result>(
        _ operation: TraceOperation,
        _ ordering: TraceAtomicOrdering,
        fileID: StaticString,
        line: UInt,
        _ body: (borrowing Atomic<UInt64>) -> Result
    ) -> Result {
        let epoch = currentRecordingEpoch()
        if epoch == 0 { return body(self.atomic) }
        // Recorded with the spin lock held, like every numbered event (see `recordEvent(epoch:…)`).
        return self.accessLock.withLock {
            let result = body(self.atomic)
            self.record(epoch: epoch, operation, ordering, fileID: fileID, line: line)
            return result
        }
    }
}

extension TracedAtomic where Value: FixedWidthInteger {
    /// Atomically adds `operand` (wrapping on overflow), with `ordering`; returns the old and new values.
    @discardableResult
    @inlinable
    public func wrappingAdd(
        _ operand: Value,
        ordering: AtomicUpdateOrdering = .sequentiallyConsistent,
        fileID: StaticString = #fileID,
        line: UInt = #line
    ) -> (oldValue: Value, newValue: Value) {
        self.readModifyWrite(ordering: ordering, fileID: fileID, line: line) { $0 &+ operand }
    }

    /// Atomically subtracts `operand` (wrapping on overflow), with `ordering`; returns the old and new
    /// values.
    @discardableResult
    @inlinable
    public func wrappingSubtract(
        _ operand: Value,
        ordering: AtomicUpdateOrdering = .sequentiallyConsistent,
        fileID: StaticString = #fileID,
        line: UInt = #line
    ) -> (oldValue: Value, newValue: Value) {
        self.readModifyWrite(ordering: ordering, fileID: fileID, line: line) { $0 &- operand }
    }

    /// One recorded read-modify-write as a compare-exchange loop on the stored bits, which keeps
    /// them normalized (a native 64-bit add would leave a narrower value's carries in the high bits).
    /// The exchange that succeeds has `ordering`; the loads and failed exchanges before it are relaxed,
    /// since what they read is thrown away.
    @inlinable
    func readModifyWrite(
        ordering: AtomicUpdateOrdering,
        fileID: StaticString,
        line: UInt,
        _ transform: (Value) -> Value
    ) -> (oldValue: Value, newValue: Value) {
        self.perform(.atomicReadModifyWrite, ordering.traceOrdering, fileID: fileID, line: line) { atomic in
            var bits = atomic.load(ordering: .relaxed)
            while true {
                let old = Value(atomicBits: bits)
                let new = transform(old)
                let (exchanged, original) = atomic.weakCompareExchange(expected: bits, desired: new.atomicBits, tracing: ordering)
                if exchanged { return (old, new) }
                bits = original
            }
        }
    }
}
