public import SyncTraceFormat

/// Plain shared state whose reads and writes are recorded, so that the replay can find the data
/// races and lost updates on it.
///
/// ```swift
/// let counter = TracedVar(0, name: "counter")
/// counter.value += 1          // records a read, then a write: the seed's racy `counter++`
/// counter[] += 1              // the same, with this line as the call site
/// ```
///
/// `TracedVar` is deliberately `@unchecked Sendable`: it exists so that racy programs can be written
/// and recorded, and it adds no synchronization of its own that the program could rely on. Accessing
/// it from several threads without a lock is exactly as wrong as with a plain variable (for values
/// with references, such as `String` or `Array`, it can crash) — which is what the trace will show.
///
/// Call sites: `value` is a property, and properties cannot take `#fileID`/`#line` default arguments,
/// so accesses through it are recorded without a call site (reports still name the variable and
/// where it was created). Use the subscript `counter[]`, ``read(fileID:line:)``,
/// ``write(_:fileID:line:)`` or ``update(fileID:line:_:)`` to record the line of each access.
///
/// While recording, each access and its number in the variable's own order are taken together under
/// a tiny spin lock, so the trace says exactly which write each read saw. Recording does not make a
/// read-then-write atomic: `counter.value += 1` stays two accesses, and loses updates as before.
public final class TracedVar<Value>: @unchecked Sendable {
    // Unchecked on purpose: see the type's documentation.
    @usableFromInline let storage: UnsafeMutablePointer<Value>
    @usableFromInline let accessLock = SpinLock()
    // Guarded by the object's own lock: the runtime's exclusivity check (a call on every
    // recorded operation) would only repeat what that lock guarantees.
    @exclusivity(unchecked) @usableFromInline var counter = SessionCounter()
    /// The variable's id in the trace.
    @usableFromInline let objectID: UInt32

    /// Creates a variable holding `initialValue`; `name` is what reports call it (by default
    /// `TracedVar@File.swift:12`).
    public init(_ initialValue: Value, name: String? = nil, fileID: StaticString = #fileID, line: UInt = #line) {
        self.storage = .allocate(capacity: 1)
        self.storage.initialize(to: initialValue)
        self.objectID = ObjectRegistry.register(kind: .variable, name: name, typeName: "TracedVar", fileID: fileID, line: line)
    }

    deinit {
        self.storage.deinitialize(count: 1)
        self.storage.deallocate()
    }

    /// The value; each get records a read and each set a write, without a call site.
    @inlinable
    public var value: Value {
        get { self.read(fileID: "", line: 0) }
        set { self.write(newValue, fileID: "", line: 0) }
    }

    /// The value, recording the line of each access: `counter[] += 1` records a read, then a write.
    @inlinable
    public subscript(fileID: StaticString = #fileID, line: UInt = #line) -> Value {
        get { self.read(fileID: fileID, line: line) }
        set { self.write(newValue, fileID: fileID, line: line) }
    }

    /// Reads the value, recording a read.
    @inlinable
    public func read(fileID: StaticString = #fileID, line: UInt = #line) -> Value {
        let epoch = currentRecordingEpoch()
        if epoch == 0 { return self.storage.pointee }
        // Recorded with the spin lock held, like every numbered event (see `recordEvent(epoch:…)`).
        return self.accessLock.withLock {
            recordEvent(epoch: epoch, .read, object: self.objectID, sequence: self.counter.take(epoch), fileID: fileID, line: line)
            return self.storage.pointee
        }
    }

    /// Writes the value, recording a write.
    @inlinable
    public func write(_ newValue: Value, fileID: StaticString = #fileID, line: UInt = #line) {
        let epoch = currentRecordingEpoch()
        if epoch == 0 {
            self.storage.pointee = newValue
            return
        }
        self.accessLock.withLock {
            self.storage.pointee = newValue
            recordEvent(epoch: epoch, .write, object: self.objectID, sequence: self.counter.take(epoch), fileID: fileID, line: line)
        }
    }

    /// Reads the value, lets `body` change it, and writes it back: two recorded accesses, as racy
    /// as `x = f(x)` on a plain variable.
    @inlinable @discardableResult
    public func update<Result>(
        fileID: StaticString = #fileID,
        line: UInt = #line,
        _ body: (inout Value) throws -> Result
    ) rethrows -> Result {
        var value = self.read(fileID: fileID, line: line)
        let result = try body(&value)
        self.write(value, fileID: fileID, line: line)
        return result
    }
}
