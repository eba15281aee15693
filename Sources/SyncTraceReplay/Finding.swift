public import SyncTraceFormat

/// What a plugin found: a data race, a deadlock, lost updates — with the objects involved and the
/// events that explain it, ready to be rendered for people, as JSON or as SARIF.
///
/// A finding names threads, objects and source locations by identity, never by name: its events
/// are the traced events themselves, its objects are `ObjectID`s, and its words are
/// ``FindingText``s whose interpolations reference threads and objects. The renderers turn the
/// identities into names (from ``AnalysisReport/symbols``), so two variables of one name are two
/// findings that every renderer tells apart, and findings of different plugins are linked by the
/// object, not its name. The replay stamps ``plugin``.
public struct Finding: Hashable, Sendable {
    /// The plugin that found it (its ``AnalysisPlugin/name``), stamped by the replay.
    public var plugin: String
    /// What kind of finding, within the plugin ("data race"; "potential", "actual").
    public var kind: FindingKind
    /// The heading of the block people read, e.g. "DATA RACE".
    public var title: String
    /// One line saying what was found.
    public var message: FindingText
    /// The variable the finding is about, when there is one (a race, a lost update): what links
    /// findings of several plugins on one variable. JSON's `"variableId"`, and `"variable"` (its name).
    public var variableID: ObjectID?
    /// The objects involved.
    public var objects: [FindingObject]
    /// The events that explain the finding, in the order to show them.
    public var events: [FindingEvent]
    /// More lines for people, after the events.
    public var details: [FindingText]
    /// Plugin-specific fields for JSON (`"lost"`, `"locks"`, `"first"`, `"second"`…).
    public var fields: [String: FindingValue]

    /// Creates a finding about `variable` (if it is about one); the replay stamps the plugin's name.
    public init(
        kind: FindingKind,
        title: String,
        message: FindingText,
        variable: ObjectID? = nil,
        objects: [FindingObject] = [],
        events: [FindingEvent] = [],
        details: [FindingText] = [],
        fields: [String: FindingValue] = [:]
    ) {
        self.plugin = ""
        self.kind = kind
        self.title = title
        self.message = message
        self.variableID = variable
        self.objects = objects
        self.events = events
        self.details = details
        self.fields = fields
    }
}

/// An object a finding names, by identity (``AnalysisContext/object(_:)`` makes one): the renderers
/// show its name, kind and declaration site.
public struct FindingObject: Hashable, Sendable {
    /// The traced object: JSON's `"id"`.
    public var id: ObjectID

    /// The object `id`.
    public init(id: ObjectID) {
        self.id = id
    }
}

/// An event a finding shows: the traced event itself, how the report introduces it, and where it
/// stood in the replay. The renderers name its thread, object and location.
public struct FindingEvent: Hashable, Sendable {
    /// How the report introduces it: "Write", "Previous read", "Acquired \(object: lock)".
    public var role: FindingText
    /// The event as the trace recorded it.
    public var event: TraceEvent
    /// The event's position in the replayed order (0-based).
    public var index: UInt64

    /// The event `event`, introduced as `role`, at `index` in the replay (``AnalysisContext/eventIndex``
    /// when it was handled); ``AnalysisContext/describe(_:role:index:)`` says the same.
    public init(role: FindingText, event: TraceEvent, index: UInt64) {
        self.role = role
        self.event = event
        self.index = index
    }

    /// The thread that did it (JSON's `"threadId"`).
    public var threadID: ThreadID { self.event.thread }
    /// The operation (its text-form name, "r", "w", "acq", is what the reports show).
    public var operation: TraceOperation { self.event.operation }
    /// The object the operation names, if it names one (JSON's `"objectId"`).
    public var objectID: ObjectID? { self.event.operation.hasObject ? self.event.object : nil }
    /// The thread a `fork` or `join` names (JSON's `"otherThreadId"`).
    public var otherThreadID: ThreadID? {
        if case .thread = self.event.operation.target { return self.event.otherThread }
        return nil
    }
    /// The source location, if one was recorded.
    public var location: StringID? { self.event.location }
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
    /// A text naming threads or objects, rendered as a string with their names.
    case text(FindingText)
    /// An array of texts, rendered as strings with their names (`"threads"`: the names of threads).
    case texts([FindingText])
}
