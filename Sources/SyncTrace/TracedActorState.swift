import SyncTraceFormat

/// An actor's state, traced: every access is recorded as an access to a shared variable made while
/// holding the actor's lock, so that the replay sees what the actor guarantees — no data race — and
/// what it does not: a value read before an `await` and written back after it, by which time another
/// caller's job ran on the actor and changed it (actor reentrancy, a lost update the compiler cannot
/// see).
///
/// ```swift
/// actor Account {
///     private let balance = TracedActorState(100, name: "balance")
///
///     func withdraw(_ amount: Int) async {
///         let current = balance.read()
///         await audit(amount)                 // a suspension point: other jobs run on the actor
///         balance.write(current - amount)     // may overwrite a withdrawal made meanwhile
///     }
/// }
/// ```
///
/// The model: an actor runs one job at a time, from one suspension point to the next, so its state
/// behaves as if each job held a lock on the actor. Each access here takes and releases that lock
/// (`acq`/`rel` of a lock named after the state) around the read or write (`r`/`w` of the state), which
/// orders every access after the previous one exactly as the actor's serial execution does. Accesses
/// within one job stay free of interleaving (no other job can run in between), so only a read and a
/// write separated by a suspension can lose an update, and the lost-update counter says how many did.
///
/// Keep every piece of state that jobs share in one `TracedActorState` (a struct value if there are
/// several), and use it only from the actor's isolated code: it trusts the actor for its exclusion and
/// adds none of its own that the program could rely on.
public final class TracedActorState<Value>: @unchecked Sendable {
    // Unchecked: the actor that owns it serializes every access (see the type's documentation); the
    // spin lock only keeps an access and its numbers one step, as in TracedVar.
    private var value: Value
    private let accessLock = SpinLock()
    // Guarded by the object's own lock: the runtime's exclusivity check (a call on every
    // recorded operation) would only repeat what that lock guarantees.
    @exclusivity(unchecked) private var lockNumbers = SessionCounter()
    // Guarded by the object's own lock: the runtime's exclusivity check (a call on every
    // recorded operation) would only repeat what that lock guarantees.
    @exclusivity(unchecked) private var valueNumbers = SessionCounter()
    /// The actor's lock and the state variable, in the trace.
    let lockID: UInt32
    let variableID: UInt32

    /// Creates the state holding `initialValue`; `name` is what reports call it (its lock is called
    /// "`name`.actor").
    public init(_ initialValue: Value, name: String? = nil, fileID: StaticString = #fileID, line: UInt = #line) {
        self.value = initialValue
        self.variableID = ObjectRegistry.register(kind: .variable, name: name, typeName: "TracedActorState", fileID: fileID, line: line)
        self.lockID = ObjectRegistry.register(
            kind: .lock,
            name: name.map { "\($0).actor" },
            typeName: "TracedActorState.actor",
            fileID: fileID,
            line: line
        )
    }

    /// Reads the state, recording a read made while holding the actor.
    public func read(fileID: StaticString = #fileID, line: UInt = #line) -> Value {
        self.access(.read, fileID: fileID, line: line) { $0 }
    }

    /// Writes the state, recording a write made while holding the actor.
    public func write(_ newValue: Value, fileID: StaticString = #fileID, line: UInt = #line) {
        self.access(.write, fileID: fileID, line: line) { $0 = newValue }
    }

    /// Reads the state, lets `body` change it, and writes it back, all within one job (`body` cannot
    /// suspend): a read and a write no other job can come between.
    @discardableResult
    public func update<Result>(fileID: StaticString = #fileID, line: UInt = #line, _ body: (inout Value) throws -> Result) rethrows -> Result {
        let epoch = currentRecordingEpoch()
        if epoch == 0 { return try body(&self.value) }
        self.accessLock.withLock {
            recordEvent(epoch: epoch, .acquire, object: self.lockID, sequence: self.lockNumbers.take(epoch), fileID: fileID, line: line)
            recordEvent(epoch: epoch, .read, object: self.variableID, sequence: self.valueNumbers.take(epoch), fileID: fileID, line: line)
        }
        let result = try body(&self.value)
        self.accessLock.withLock {
            recordEvent(epoch: epoch, .write, object: self.variableID, sequence: self.valueNumbers.take(epoch), fileID: fileID, line: line)
            recordEvent(epoch: epoch, .release, object: self.lockID, sequence: self.lockNumbers.take(epoch), fileID: fileID, line: line)
        }
        return result
    }

    /// The state, recording the line of each access: `balance[] -= 10` records a read, then a write
    /// (each its own critical section: use ``update(fileID:line:_:)`` to make them one).
    public subscript(fileID: StaticString = #fileID, line: UInt = #line) -> Value {
        get { self.read(fileID: fileID, line: line) }
        set { self.write(newValue, fileID: fileID, line: line) }
    }

    private func access<Result>(_ operation: TraceOperation, fileID: StaticString, line: UInt, _ body: (inout Value) -> Result) -> Result {
        let epoch = currentRecordingEpoch()
        if epoch == 0 { return body(&self.value) }
        // Numbered together, in the actor's order: acquire, access, release.
        return self.accessLock.withLock {
            recordEvent(epoch: epoch, .acquire, object: self.lockID, sequence: self.lockNumbers.take(epoch), fileID: fileID, line: line)
            let result = body(&self.value)
            recordEvent(epoch: epoch, operation, object: self.variableID, sequence: self.valueNumbers.take(epoch), fileID: fileID, line: line)
            recordEvent(epoch: epoch, .release, object: self.lockID, sequence: self.lockNumbers.take(epoch), fileID: fileID, line: line)
            return result
        }
    }
}
