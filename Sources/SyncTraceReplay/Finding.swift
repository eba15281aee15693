public import SyncTraceFormat

/// What a plugin found: a data race, a deadlock, lost updates — with the objects involved and the
/// events that explain it, ready to be rendered for people or as JSON.
///
/// Objects and threads are carried by identity (``variableID``, ``FindingObject/id``,
/// ``FindingEvent/threadID``…) beside their names: two variables of one name are two findings that
/// JSON tells apart, and findings of different plugins are linked by the object, not its name. The
/// replay stamps ``plugin`` and resolves ``variable`` from ``variableID``.
public struct Finding: Hashable, Sendable {
    /// The plugin that found it (its ``AnalysisPlugin/name``), stamped by the replay.
    public var plugin: String
    /// What kind of finding, within the plugin ("data race"; "potential", "actual").
    public var kind: FindingKind
    /// The heading of the block people read, e.g. "DATA RACE".
    public var title: String
    /// One line saying what was found.
    public var message: String
    /// The variable the finding is about, when there is one (a race, a lost update): its name as the
    /// trace declares it, which the replay fills in from ``variableID``. JSON's `"variable"`.
    public var variable: String?
    /// The variable the finding is about, by identity: what links findings of several plugins on one
    /// variable, and JSON's `"variableId"`.
    public var variableID: ObjectID?
    /// The objects involved.
    public var objects: [FindingObject]
    /// The events that explain the finding, in the order to show them.
    public var events: [FindingEvent]
    /// More lines for people, after the events.
    public var details: [String]
    /// Plugin-specific fields for JSON (`"lost"`, `"locks"`, `"first"`, `"second"`…).
    public var fields: [String: FindingValue]

    /// Creates a finding about `variable` (if it is about one): the replay stamps the plugin's name
    /// and the variable's.
    public init(
        kind: FindingKind,
        title: String,
        message: String,
        variable: ObjectID? = nil,
        objects: [FindingObject] = [],
        events: [FindingEvent] = [],
        details: [String] = [],
        fields: [String: FindingValue] = [:]
    ) {
        self.plugin = ""
        self.kind = kind
        self.title = title
        self.message = message
        self.variable = nil
        self.variableID = variable
        self.objects = objects
        self.events = events
        self.details = details
        self.fields = fields
    }

    /// Creates a finding naming its plugin and its variable by name, as plugin API version 2 did: the
    /// replay overwrites `plugin` with the plugin's name, and a variable named only by name is linked
    /// to other findings by that name.
    @available(*, deprecated, message: "use init(kind:title:message:variable:…) with the variable's ObjectID: the replay stamps the plugin's name")
    public init(
        plugin: String,
        kind: FindingKind,
        title: String,
        message: String,
        variable: String? = nil,
        objects: [FindingObject] = [],
        events: [FindingEvent] = [],
        details: [String] = [],
        fields: [String: FindingValue] = [:]
    ) {
        self.init(kind: kind, title: title, message: message, objects: objects, events: events, details: details, fields: fields)
        self.plugin = plugin
        self.variable = variable
    }
}

/// An object a finding names (``AnalysisContext/object(_:)`` makes one).
public struct FindingObject: Hashable, Sendable {
    /// The object, if the finding names a traced object: JSON's `"id"`.
    public var id: ObjectID?
    /// Its name in the trace.
    public var name: String
    /// What it is (its description, "variable", "lock"…, is what the reports show).
    public var kind: ObjectKind
    /// Where it was created, if known.
    public var location: String?

    /// Creates an object description; `id` is the traced object, when it is one.
    public init(id: ObjectID? = nil, name: String, kind: ObjectKind, location: String? = nil) {
        self.id = id
        self.name = name
        self.kind = kind
        self.location = location
    }
}

/// An event a finding shows: who did what, to what, where — with the call stacks of the event and of
/// its thread's creation, when the trace recorded them.
public struct FindingEvent: Hashable, Sendable {
    /// How the report introduces it: "Write", "Previous read", "Acquired".
    public var role: String
    /// The thread's name.
    public var thread: String
    /// The thread, by identity (JSON's `"threadId"`), when the event is a traced one.
    public var threadID: ThreadID?
    /// Where the thread was created, and by whom, if known: "main.swift:9 by main".
    public var threadCreation: String?
    /// The operation (its text-form name, "r", "w", "acq", is what the reports show).
    public var operation: TraceOperation
    /// The object's (or joined/forked thread's) name, if the operation names one.
    public var object: String?
    /// The object the operation names, by identity (JSON's `"objectId"`).
    public var objectID: ObjectID?
    /// The thread a `fork` or `join` names, by identity (JSON's `"otherThreadId"`).
    public var otherThreadID: ThreadID?
    /// The source location, if recorded.
    public var location: String?
    /// The event's position in the replayed order (0-based).
    public var index: UInt64
    /// The caller's stack at the event, innermost first, when the trace recorded one (empty
    /// otherwise): JSON's `"stack"`.
    public var stack: [StackFrame] = []
    /// The stack that created the event's thread, innermost first, when the trace recorded one:
    /// JSON's `"threadCreationStack"`.
    public var threadCreationStack: [StackFrame] = []
    /// The name of the thread that created the event's thread, when the trace knows it.
    public var threadCreator: String?
    /// The event's location, by identity: what the replay reads ``stack`` from again once the trace's
    /// symbols are final (symbols come at the end of a trace, or from an offline symbolizer).
    var stackLocation: StringID?
    /// The event's thread's creation location, by identity (see ``stackLocation``).
    var creationLocation: StringID?

    /// Creates an event description; ``AnalysisContext/describe(_:role:index:)`` makes one of a
    /// traced event, with the identities.
    public init(
        role: String,
        thread: String,
        threadCreation: String?,
        operation: TraceOperation,
        object: String?,
        location: String?,
        index: UInt64,
        threadID: ThreadID? = nil,
        objectID: ObjectID? = nil,
        otherThreadID: ThreadID? = nil
    ) {
        self.role = role
        self.thread = thread
        self.threadID = threadID
        self.objectID = objectID
        self.otherThreadID = otherThreadID
        self.threadCreation = threadCreation
        self.operation = operation
        self.object = object
        self.location = location
        self.index = index
    }
}

/// A plugin-specific value of a finding's JSON. May gain cases: a switch over it needs a `default:`.
public enum FindingValue: Hashable, Sendable {
    /// A string.
    case string(String)
    /// An integer.
    case integer(Int)
    /// A truth value.
    case boolean(Bool)
    /// An array of strings.
    case strings([String])
    /// An event, rendered as the events of ``Finding/events`` are.
    case event(FindingEvent)
}

extension FindingEvent {
    /// The event with its stacks read again from `symbols` (the trace's final ones).
    mutating func refreshStacks(from symbols: TraceSymbols) {
        if let location = self.stackLocation { self.stack = symbols.stack(location) }
        if let location = self.creationLocation { self.threadCreationStack = symbols.stack(location) }
    }
}

extension Finding {
    /// The finding with every event's stacks read again from `symbols`, its JSON fields' events too.
    mutating func refreshStacks(from symbols: TraceSymbols) {
        for index in self.events.indices { self.events[index].refreshStacks(from: symbols) }
        for (key, value) in self.fields {
            if case .event(var event) = value {
                event.refreshStacks(from: symbols)
                self.fields[key] = .event(event)
            }
        }
    }
}
