/// A group of object kinds that share operations: an object's operations must all come from its
/// family.
///
/// A struct with a static member per family, like ``ObjectKind``: a new kind of object may bring a
/// family of its own, and a switch over families needs a `default:` for it.
public struct ObjectFamily: Hashable, Sendable, CustomStringConvertible {
    /// The family's position in this build's tables.
    @usableFromInline let position: UInt8

    @inlinable init(position: UInt8) {
        self.position = position
    }

    /// Mutexes and rwlocks.
    @inlinable public static var lock: ObjectFamily { ObjectFamily(position: 0) }
    /// Plain and atomic variables (a variable may be accessed both ways; mixing is what races are made of).
    @inlinable public static var memory: ObjectFamily { ObjectFamily(position: 1) }
    /// Channels.
    @inlinable public static var channel: ObjectFamily { ObjectFamily(position: 2) }
    /// Wait groups.
    @inlinable public static var waitGroup: ObjectFamily { ObjectFamily(position: 3) }
    /// Semaphores.
    @inlinable public static var semaphore: ObjectFamily { ObjectFamily(position: 4) }
    /// Condition variables.
    @inlinable public static var condition: ObjectFamily { ObjectFamily(position: 5) }
    /// Any kind: `req` may name whatever a thread is about to wait for.
    @inlinable public static var any: ObjectFamily { ObjectFamily(position: 6) }

    /// What an object of each family is called in messages, by position.
    private static let nouns = ["lock", "variable", "channel", "wait group", "semaphore", "condition", "object"]
    /// The name usage messages give an argument of each family, by position.
    private static let placeholders = ["L", "V", "C", "W", "S", "K", "X"]

    public var description: String { "a \(self.noun)" }

    /// What an object of the family is called in messages: "lock", "wait group".
    public var noun: String { Self.nouns[Int(self.position)] }

    /// The name usage messages give an argument of the family: `acq(L)`, `send(C)`.
    public var placeholder: String { Self.placeholders[Int(self.position)] }

    /// Whether an object of kind `kind` may be named by an operation of this family.
    public func admits(_ kind: ObjectKind) -> Bool {
        self == .any || kind.family == self
    }

    /// The kind of an object that `operation` (of this family) is the first to name in a text trace.
    public func kind(firstNamedBy operation: TraceOperation) -> ObjectKind {
        switch self {
        case .memory: operation == .read || operation == .write ? .variable : .atomic
        case .channel: .channel
        case .waitGroup: .waitGroup
        case .semaphore: .semaphore
        case .condition: .condition
        // A lock, and whatever a `req` names first: the text form's locks are its commonest objects.
        default: .lock
        }
    }
}
