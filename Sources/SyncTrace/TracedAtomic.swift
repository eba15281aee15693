public import Synchronization
public import SyncTraceFormat

/// A sequentially consistent atomic value over `Synchronization.Atomic`, whose operations are
/// recorded: loads as `aload`, stores as `astore`, read-modify-writes as `armw`.
///
/// ```swift
/// let ready = TracedAtomic(false, name: "ready")
/// ready.store(true)
/// if ready.load() { … }
/// ```
///
/// Every operation is sequentially consistent (the orderings of `Atomic` are not exposed: the trace
/// models the Go memory model's atomics). While recording, each operation and its number in the
/// atomic's own order are taken together, so the replay knows which store each load saw.
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

    /// Atomically loads the value.
    @inlinable
    public func load(fileID: StaticString = #fileID, line: UInt = #line) -> Value {
        Value(atomicBits: self.perform(.atomicLoad, fileID: fileID, line: line) { $0.load(ordering: .sequentiallyConsistent) })
    }

    /// Atomically stores `desired`.
    @inlinable
    public func store(_ desired: Value, fileID: StaticString = #fileID, line: UInt = #line) {
        self.perform(.atomicStore, fileID: fileID, line: line) { $0.store(desired.atomicBits, ordering: .sequentiallyConsistent) }
    }

    /// Atomically replaces the value with `desired` and returns the old one.
    @discardableResult
    @inlinable
    public func exchange(_ desired: Value, fileID: StaticString = #fileID, line: UInt = #line) -> Value {
        Value(
            atomicBits: self.perform(.atomicReadModifyWrite, fileID: fileID, line: line) {
                $0.exchange(desired.atomicBits, ordering: .sequentiallyConsistent)
            }
        )
    }

    /// Atomically replaces the value with `desired` if it equals `expected`. A successful exchange is
    /// recorded as a read-modify-write, a failed one as a load.
    @discardableResult
    @inlinable
    public func compareExchange(
        expected: Value,
        desired: Value,
        fileID: StaticString = #fileID,
        line: UInt = #line
    ) -> (exchanged: Bool, original: Value) {
        let epoch = currentRecordingEpoch()
        let expectedBits = expected.atomicBits
        let desiredBits = desired.atomicBits
        if epoch == 0 {
            let result = self.atomic.compareExchange(
                expected: expectedBits,
                desired: desiredBits,
                ordering: .sequentiallyConsistent
            )
            return (result.exchanged, Value(atomicBits: result.original))
        }
        let result = self.accessLock.withLock {
            let result = self.atomic.compareExchange(expected: expectedBits, desired: desiredBits, ordering: .sequentiallyConsistent)
            let operation: TraceOperation = result.exchanged ? .atomicReadModifyWrite : .atomicLoad
            recordEvent(epoch: epoch, operation, object: self.objectID, sequence: self.counter.take(epoch), fileID: fileID, line: line)
            return result
        }
        return (result.exchanged, Value(atomicBits: result.original))
    }

    /// Runs `body` on the atomic, numbered and recorded as `operation` while recording.
    @inlinable @inline(__always)
    func perform<Result>(
        _ operation: TraceOperation,
        fileID: StaticString,
        line: UInt,
        _ body: (borrowing Atomic<UInt64>) -> Result
    ) -> Result {
        let epoch = currentRecordingEpoch()
        if epoch == 0 { return body(self.atomic) }
        // Recorded with the spin lock held, like every numbered event (see `recordEvent(epoch:…)`).
        return self.accessLock.withLock {
            let result = body(self.atomic)
            recordEvent(epoch: epoch, operation, object: self.objectID, sequence: self.counter.take(epoch), fileID: fileID, line: line)
            return result
        }
    }
}

extension TracedAtomic where Value: FixedWidthInteger {
    /// Atomically adds `operand` (wrapping on overflow); returns the old and new values.
    @discardableResult
    @inlinable
    public func wrappingAdd(
        _ operand: Value,
        fileID: StaticString = #fileID,
        line: UInt = #line
    ) -> (oldValue: Value, newValue: Value) {
        self.readModifyWrite(fileID: fileID, line: line) { $0 &+ operand }
    }

    /// Atomically subtracts `operand` (wrapping on overflow); returns the old and new values.
    @discardableResult
    @inlinable
    public func wrappingSubtract(
        _ operand: Value,
        fileID: StaticString = #fileID,
        line: UInt = #line
    ) -> (oldValue: Value, newValue: Value) {
        self.readModifyWrite(fileID: fileID, line: line) { $0 &- operand }
    }

    /// One recorded read-modify-write as a compare-exchange loop on the stored bits, which keeps
    /// them normalized (a native 64-bit add would leave a narrower value's carries in the high bits).
    @inlinable
    func readModifyWrite(
        fileID: StaticString,
        line: UInt,
        _ transform: (Value) -> Value
    ) -> (oldValue: Value, newValue: Value) {
        self.perform(.atomicReadModifyWrite, fileID: fileID, line: line) { atomic in
            var bits = atomic.load(ordering: .relaxed)
            while true {
                let old = Value(atomicBits: bits)
                let new = transform(old)
                let (exchanged, original) = atomic.weakCompareExchange(
                    expected: bits,
                    desired: new.atomicBits,
                    ordering: .sequentiallyConsistent
                )
                if exchanged { return (old, new) }
                bits = original
            }
        }
    }
}
