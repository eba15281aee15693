/// What a traced object is. The kind decides which operations may name the object.
///
/// A struct with a static member per kind rather than an enum, like ``TraceOperation``: new kinds
/// of objects will come, and a switch over kinds (`case .lock: … default: …`) must keep compiling
/// and working when they do — its `default:` is where a kind added later goes. ``allCases`` lists
/// the kinds this build knows.
///
/// The raw values are part of the binary format: never renumber a kind, only add new ones.
public struct ObjectKind: RawRepresentable, Hashable, CaseIterable, Sendable, CustomStringConvertible {
    /// The kind's byte in the binary format.
    public let rawValue: UInt8

    /// The kind with byte `rawValue`, if this build knows it (``allCases``).
    public init?(rawValue: UInt8) {
        guard rawValue >= 1 && Int(rawValue) < Self.names.count else { return nil }
        self.rawValue = rawValue
    }

    /// A kind this build declares below.
    @inlinable init(byte: UInt8) {
        self.rawValue = byte
    }

    /// A mutex. The text form's `acq`/`rel` objects are locks; `racq`/`rrel` are allowed on them too,
    /// because the text form does not say up front whether a lock is an rwlock.
    @inlinable public static var lock: ObjectKind { ObjectKind(byte: 1) }
    /// A reader-writer lock (`acq`/`rel` take its write side, `racq`/`rrel` its read side).
    @inlinable public static var rwLock: ObjectKind { ObjectKind(byte: 2) }
    /// A plain shared variable, read and written without synchronization of its own.
    @inlinable public static var variable: ObjectKind { ObjectKind(byte: 3) }
    /// An atomic variable, whose operations each have a memory ordering (``TraceAtomicOrdering``).
    @inlinable public static var atomic: ObjectKind { ObjectKind(byte: 4) }
    /// A Go-style channel with a capacity.
    @inlinable public static var channel: ObjectKind { ObjectKind(byte: 5) }
    /// A Go-style wait group.
    @inlinable public static var waitGroup: ObjectKind { ObjectKind(byte: 6) }
    /// A counting semaphore (like `DispatchSemaphore`).
    @inlinable public static var semaphore: ObjectKind { ObjectKind(byte: 7) }
    /// A condition variable (waits release and retake a lock, which is a separate object).
    @inlinable public static var condition: ObjectKind { ObjectKind(byte: 8) }

    /// Every kind this build knows, by byte.
    public static let allCases: [ObjectKind] = (1..<Self.names.count).map { ObjectKind(byte: UInt8($0)) }

    /// The lower-case names used in reports and statistics, by byte (none at 0).
    private static let names = ["", "lock", "rwlock", "variable", "atomic", "channel", "waitgroup", "semaphore", "condition"]
    /// The family of each kind, by byte.
    private static let families: [ObjectFamily] = [.any, .lock, .lock, .memory, .memory, .channel, .waitGroup, .semaphore, .condition]

    /// The family of operations that may name an object of this kind.
    public var family: ObjectFamily { Self.families[Int(self.rawValue)] }

    /// The lower-case name used in reports and statistics.
    public var description: String { Self.names[Int(self.rawValue)] }
}
