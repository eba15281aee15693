public import SyncTraceFormat

/// What a plugin can read while it handles an event: the trace's names, the event's position, and
/// happens-before.
public final class AnalysisContext {
    /// Happens-before at the current event (after the event's own rule was applied): queries only.
    public let happensBefore: HappensBefore
    /// Happens-before without lock edges, when a plugin run asked for it
    /// (``AnalysisRequirements/happensBeforeWithoutLocks``).
    let withoutLocks: HappensBefore?

    /// Happens-before without the edges of locks, at the current event: only fork and join,
    /// channels, wait groups, atomics, semaphores and conditions order events here. Computed in the
    /// same pass as ``happensBefore``, and only for a replay one of whose plugins declares
    /// ``AnalysisRequirements/happensBeforeWithoutLocks`` in ``AnalysisPlugin/requirements``: reading
    /// it without that declaration stops the program.
    public var happensBeforeWithoutLocks: HappensBefore {
        guard let withoutLocks = self.withoutLocks else {
            preconditionFailure("happensBeforeWithoutLocks read by a plugin that does not declare AnalysisRequirements.happensBeforeWithoutLocks")
        }
        return withoutLocks
    }
    /// The trace's names; they cover every event handed to plugins so far.
    public internal(set) var symbols: TraceSymbols
    /// The position of the current event in the replayed order (0-based); after the replay, the
    /// number of events.
    ///
    /// A getter (not inlined into plugins) over `position`: a plugin module reading a stored
    /// property of this class directly would check exclusivity dynamically (a runtime call per
    /// read, the attribute below does not reach across modules); the getter's own read is unchecked.
    public var eventIndex: UInt64 { self.position }
    /// Written once per event by the replay, read by plugins in between: the accesses never
    /// overlap, and the dynamic check would cost a call per event.
    @exclusivity(unchecked) var position: UInt64 = 0
    /// How the trace ended: `TraceEnding.open` while events are handed over (the end is not read
    /// yet), settled before ``AnalysisPlugin/finish(in:)``.
    public internal(set) var ending = TraceEnding.open
    /// Whether the analysed events run to the end of what the program did — the trace is complete,
    /// or a signal handler wrote every event before the process died (then the end is the moment of
    /// the signal). `false` for a trace cut short: its analysed part is its consistent cut, and the
    /// program went on past it, so a state at the end of the analysed part (a thread waiting for a
    /// lock, an update not written yet) says nothing about how the program ended. Settled before
    /// ``AnalysisPlugin/finish(in:)``; `false` while events are handed over.
    public var reachesProgramEnd: Bool { self.ending != .open && self.ending.holdsEveryEvent }
    /// Each plugin's option values given to this replay, by plugin name (``optionValues(for:)``).
    var pluginOptions: [String: PluginOptionValues] = [:]

    /// The locks each thread holds, when a plugin run declared ``AnalysisRequirements/heldLocks``.
    @usableFromInline let heldLocksets: HeldLocksets?

    /// The locks `thread` holds at the current event (after the event's own acquisition or
    /// release), as a number to keep; ``locks(in:)`` spells it out. Only for a replay one of whose
    /// plugins declares ``AnalysisRequirements/heldLocks``: reading it without stops the program.
    @inlinable
    public func heldLocks(of thread: ThreadID) -> HeldLockSet {
        guard let held = self.heldLocksets else {
            preconditionFailure("heldLocks(of:) read by a plugin that does not declare AnalysisRequirements.heldLocks")
        }
        return HeldLockSet(rawValue: held.lockset(of: thread))
    }

    /// The locks of `set`, in the order they were acquired; nil when they are not known (the replay
    /// stopped telling lock sets apart past a million distinct ones).
    public func locks(in set: HeldLockSet) -> [HeldLock]? {
        guard let held = self.heldLocksets else {
            preconditionFailure("locks(in:) read by a plugin that does not declare AnalysisRequirements.heldLocks")
        }
        return held.locks(of: set.rawValue)?.map { HeldLock(lock: $0.lock, reading: $0.reading) }
    }

    init(engine: HappensBeforeEngine, symbols: TraceSymbols) {
        self.heldLocksets = engine.heldLocks
        self.happensBefore = HappensBefore(engine.order)
        self.withoutLocks = engine.orderWithoutLocks.map(HappensBefore.init)
        self.symbols = symbols
    }

    /// A thread's name.
    public func threadName(_ thread: ThreadID) -> String { self.symbols.thread(thread).name }

    /// An object's name.
    public func objectName(_ object: ObjectID) -> String { self.symbols.object(object).name }

    /// A location's text, if there is one.
    public func location(_ location: StringID?) -> String? { self.symbols.location(location) }

    /// Where and by whom a thread was created, if the trace knows: "main.swift:9 by main".
    public func threadCreation(_ thread: ThreadID) -> String? { self.symbols.threadCreation(thread) }

    /// An object as a finding names it: by identity, for the renderers to name.
    public func object(_ object: ObjectID) -> FindingObject { FindingObject(id: object) }

    /// An event as a finding shows it; `index` is the event's ``eventIndex`` when it was handled.
    /// The renderers name its thread, object and location (``FindingEvent``).
    public func describe(_ event: TraceEvent, role: FindingText, index: UInt64) -> FindingEvent {
        FindingEvent(role: role, event: event, index: index)
    }
}
