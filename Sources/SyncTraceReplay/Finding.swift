import SyncTraceFormat

/// What a plugin found: a data race, a deadlock, lost updates — with the objects involved and the
/// events that explain it, ready to be rendered for people or as JSON.
public struct Finding: Hashable, Sendable {
    /// The plugin that found it (its ``AnalysisPlugin/name``).
    public var plugin: String
    /// What kind of finding, within the plugin ("data race"; "potential", "actual").
    public var kind: String
    /// The heading of the block people read, e.g. "DATA RACE".
    public var title: String
    /// One line saying what was found.
    public var message: String
    /// The variable the finding is about, when there is one (a race, a lost update): its name as the
    /// trace declares it. JSON's `"variable"`.
    public var variable: String?
    /// The objects involved.
    public var objects: [FindingObject]
    /// The events that explain the finding, in the order to show them.
    public var events: [FindingEvent]
    /// More lines for people, after the events.
    public var details: [String]
    /// Plugin-specific fields for JSON (`"lost"`, `"locks"`, `"first"`, `"second"`…).
    public var fields: [String: FindingValue]

    /// Creates a finding.
    public init(
        plugin: String,
        kind: String,
        title: String,
        message: String,
        variable: String? = nil,
        objects: [FindingObject] = [],
        events: [FindingEvent] = [],
        details: [String] = [],
        fields: [String: FindingValue] = [:]
    ) {
        self.plugin = plugin
        self.kind = kind
        self.title = title
        self.message = message
        self.variable = variable
        self.objects = objects
        self.events = events
        self.details = details
        self.fields = fields
    }
}

/// An object a finding names.
public struct FindingObject: Hashable, Sendable {
    /// Its name in the trace.
    public var name: String
    /// What it is ("variable", "lock"…).
    public var kind: String
    /// Where it was created, if known.
    public var location: String?

    /// Creates an object description.
    public init(name: String, kind: String, location: String? = nil) {
        self.name = name
        self.kind = kind
        self.location = location
    }
}

/// An event a finding shows: who did what, to what, where.
public struct FindingEvent: Hashable, Sendable {
    /// How the report introduces it: "Write", "Previous read", "Acquired".
    public var role: String
    /// The thread's name.
    public var thread: String
    /// Where the thread was created, and by whom, if known: "main.swift:9 by main".
    public var threadCreation: String?
    /// The operation's text-form name ("r", "w", "acq").
    public var operation: String
    /// The object's (or joined/forked thread's) name, if the operation names one.
    public var object: String?
    /// The source location, if recorded.
    public var location: String?
    /// The event's position in the replayed order (0-based).
    public var index: UInt64

    /// Creates an event description.
    public init(
        role: String,
        thread: String,
        threadCreation: String?,
        operation: String,
        object: String?,
        location: String?,
        index: UInt64
    ) {
        self.role = role
        self.thread = thread
        self.threadCreation = threadCreation
        self.operation = operation
        self.object = object
        self.location = location
        self.index = index
    }
}

/// A plugin-specific value of a finding's JSON.
public enum FindingValue: Hashable, Sendable {
    case string(String)
    case integer(Int)
    case boolean(Bool)
    case strings([String])
    case event(FindingEvent)
}
