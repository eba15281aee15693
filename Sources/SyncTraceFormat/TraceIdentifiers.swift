/// A thread of the traced program, numbered densely from zero in the order the trace declares threads.
///
/// A "thread" is a thread of program order: an OS thread, a Go-style goroutine, or (later) a Swift task.
public struct ThreadID: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The dense index of the thread in the trace's thread table.
    public var rawValue: UInt32

    /// Creates a thread identifier from its dense index.
    @inlinable public init(rawValue: UInt32) {
        self.rawValue = rawValue
    }

    /// Creates a thread identifier from its dense index.
    @inlinable public init(_ rawValue: UInt32) {
        self.rawValue = rawValue
    }

    /// The index as an `Int`, for subscripting per-thread tables.
    @inlinable public var index: Int { Int(self.rawValue) }

    public static func < (lhs: ThreadID, rhs: ThreadID) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String { "thread#\(self.rawValue)" }
}

/// A synchronization object or shared variable, numbered densely from zero in declaration order.
public struct ObjectID: RawRepresentable, Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The dense index of the object in the trace's object table.
    public var rawValue: UInt32

    /// Creates an object identifier from its dense index.
    @inlinable public init(rawValue: UInt32) {
        self.rawValue = rawValue
    }

    /// Creates an object identifier from its dense index.
    @inlinable public init(_ rawValue: UInt32) {
        self.rawValue = rawValue
    }

    /// The index as an `Int`, for subscripting per-object tables.
    @inlinable public var index: Int { Int(self.rawValue) }

    public static func < (lhs: ObjectID, rhs: ObjectID) -> Bool { lhs.rawValue < rhs.rawValue }

    public var description: String { "object#\(self.rawValue)" }
}

/// An interned string of the trace (a name or a source location), numbered densely from zero.
public struct StringID: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The dense index of the string in the trace's string table.
    public var rawValue: UInt32

    /// Creates a string identifier from its dense index.
    @inlinable public init(rawValue: UInt32) {
        self.rawValue = rawValue
    }

    /// Creates a string identifier from its dense index.
    @inlinable public init(_ rawValue: UInt32) {
        self.rawValue = rawValue
    }

    /// The index as an `Int`, for subscripting the string table.
    @inlinable public var index: Int { Int(self.rawValue) }

    public var description: String { "string#\(self.rawValue)" }
}
