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

    /// The family of operations that may name an object of this kind.
    public var family: ObjectFamily {
        switch self {
        case .lock, .rwLock: .lock
        case .variable, .atomic: .memory
        case .channel: .channel
        case .waitGroup: .waitGroup
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

    public var description: String {
        switch self {
        case .lock: "a lock"
        case .memory: "a variable"
        case .channel: "a channel"
        case .waitGroup: "a wait group"
        }
    }
}
