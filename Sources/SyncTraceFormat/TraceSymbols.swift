/// A thread as the trace declares it.
public struct ThreadDeclaration: Hashable, Sendable {
    /// The thread's identifier (its index in ``TraceSymbols/threads``).
    public var id: ThreadID
    /// The thread's name as the program gave it (any text; the text form prints a sanitized form).
    public var name: String
    /// The thread that created it, if known.
    public var parent: ThreadID?
    /// Where it was created, if known.
    public var location: StringID?

    /// Creates a thread declaration.
    public init(id: ThreadID, name: String, parent: ThreadID? = nil, location: StringID? = nil) {
        self.id = id
        self.name = name
        self.parent = parent
        self.location = location
    }
}

/// A synchronization object or shared variable as the trace declares it.
public struct ObjectDeclaration: Hashable, Sendable {
    /// The object's identifier (its index in ``TraceSymbols/objects``).
    public var id: ObjectID
    /// What the object is.
    public var kind: ObjectKind
    /// The object's name (any text; the text form prints a sanitized form).
    public var name: String
    /// Where it was created, if known.
    public var location: StringID?
    /// A channel's capacity (zero for a rendezvous channel and for every other kind).
    public var capacity: Int

    /// Creates an object declaration.
    public init(id: ObjectID, kind: ObjectKind, name: String, location: StringID? = nil, capacity: Int = 0) {
        self.id = id
        self.kind = kind
        self.name = name
        self.location = location
        self.capacity = capacity
    }
}

/// The names of a trace: interned strings, threads and objects, each numbered densely from zero.
///
/// Readers grow it as declarations arrive, so it always covers every event handed out so far.
public struct TraceSymbols: Hashable, Sendable {
    /// Interned strings: names and source locations.
    public var strings: [String] = []
    /// Declared threads, indexed by ``ThreadID``.
    public var threads: [ThreadDeclaration] = []
    /// Declared objects, indexed by ``ObjectID``.
    public var objects: [ObjectDeclaration] = []

    /// Creates an empty symbol table.
    public init() {}

    /// The string with the given identifier.
    public func string(_ id: StringID) -> String { self.strings[id.index] }

    /// The source location text, or `nil` when the event has none.
    public func location(_ id: StringID?) -> String? { id.map { self.strings[$0.index] } }

    /// The declaration of a thread.
    public func thread(_ id: ThreadID) -> ThreadDeclaration { self.threads[id.index] }

    /// The declaration of an object.
    public func object(_ id: ObjectID) -> ObjectDeclaration { self.objects[id.index] }
}
