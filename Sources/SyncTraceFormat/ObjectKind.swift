/// What a traced object is. The kind decides which operations may name the object.
///
/// The raw values are part of the binary format: never renumber a case, only add new ones.
public enum ObjectKind: UInt8, CaseIterable, Sendable, CustomStringConvertible {
    /// A mutex. The text form's `acq`/`rel` objects are locks; `racq`/`rrel` are allowed on them too,
    /// because the text form does not say up front whether a lock is an rwlock.
    case lock = 1
    /// A reader-writer lock (`acq`/`rel` take its write side, `racq`/`rrel` its read side).
    case rwLock = 2
    /// A plain shared variable, read and written without synchronization of its own.
    case variable = 3
    /// A sequentially consistent atomic variable.
    case atomic = 4
    /// A Go-style channel with a capacity.
    case channel = 5
    /// A Go-style wait group.
    case waitGroup = 6
    /// A counting semaphore (like `DispatchSemaphore`).
    case semaphore = 7
    /// A condition variable (waits release and retake a lock, which is a separate object).
    case condition = 8

    /// The family of operations that may name an object of this kind.
    public var family: ObjectFamily {
        switch self {
        case .lock, .rwLock: .lock
        case .variable, .atomic: .memory
        case .channel: .channel
        case .waitGroup: .waitGroup
        case .semaphore: .semaphore
        case .condition: .condition
        }
    }

    /// The lower-case name used in reports and statistics.
    public var description: String {
        switch self {
        case .lock: "lock"
        case .rwLock: "rwlock"
        case .variable: "variable"
        case .atomic: "atomic"
        case .channel: "channel"
        case .waitGroup: "waitgroup"
        case .semaphore: "semaphore"
        case .condition: "condition"
        }
    }
}

/// A group of object kinds that share operations: an object's operations must all come from its family.
public enum ObjectFamily: Sendable, CustomStringConvertible {
    /// Mutexes and rwlocks.
    case lock
    /// Plain and atomic variables (a variable may be accessed both ways; mixing is what races are made of).
    case memory
    /// Channels.
    case channel
    /// Wait groups.
    case waitGroup
    /// Semaphores.
    case semaphore
    /// Condition variables.
    case condition
    /// Any kind: `req` may name whatever a thread is about to wait for.
    case any

    public var description: String { "a \(self.noun)" }

    /// What an object of the family is called in messages: "lock", "wait group".
    public var noun: String {
        switch self {
        case .lock: "lock"
        case .memory: "variable"
        case .channel: "channel"
        case .waitGroup: "wait group"
        case .semaphore: "semaphore"
        case .condition: "condition"
        case .any: "object"
        }
    }

    /// The name usage messages give an argument of the family: `acq(L)`, `send(C)`.
    public var placeholder: String {
        switch self {
        case .lock: "L"
        case .memory: "V"
        case .channel: "C"
        case .waitGroup: "W"
        case .semaphore: "S"
        case .condition: "K"
        case .any: "X"
        }
    }

    /// Whether an object of kind `kind` may be named by an operation of this family.
    public func admits(_ kind: ObjectKind) -> Bool {
        self == .any || kind.family == self
    }

    /// The kind of an object that `operation` (of this family) is the first to name in a text trace.
    public func kind(firstNamedBy operation: TraceOperation) -> ObjectKind {
        switch self {
        case .lock, .any: .lock
        case .memory: operation == .read || operation == .write ? .variable : .atomic
        case .channel: .channel
        case .waitGroup: .waitGroup
        case .semaphore: .semaphore
        case .condition: .condition
        }
    }
}
