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

    init(engine: HappensBeforeEngine, symbols: TraceSymbols) {
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
    public func threadCreation(_ thread: ThreadID) -> String? {
        let declaration = self.symbols.thread(thread)
        let creator = declaration.parent.map { self.symbols.thread($0).name }
        switch (self.symbols.location(declaration.location), creator) {
        case (let location?, let creator?): return "\(location) by \(creator)"
        case (let location?, nil): return location
        case (nil, let creator?): return "by \(creator)"
        case (nil, nil): return nil
        }
    }

    /// An object as a finding names it.
    public func object(_ object: ObjectID) -> FindingObject {
        let declaration = self.symbols.object(object)
        return FindingObject(
            id: object,
            name: declaration.name,
            kind: declaration.kind,
            location: self.symbols.location(declaration.location)
        )
    }

    /// An event as a finding shows it; `index` is the event's ``eventIndex`` when it was handled.
    public func describe(_ event: TraceEvent, role: String, index: UInt64) -> FindingEvent {
        let object: String?
        var objectID: ObjectID?
        var otherThreadID: ThreadID?
        switch event.operation.target {
        case .none: object = nil
        case .thread:
            object = self.threadName(event.otherThread)
            otherThreadID = event.otherThread
        case .object:
            object = self.objectName(event.object)
            objectID = event.object
        }
        var described = FindingEvent(
            role: role,
            thread: self.threadName(event.thread),
            threadCreation: self.threadCreation(event.thread),
            operation: event.operation,
            object: object,
            location: self.location(event.location),
            index: index,
            threadID: event.thread,
            objectID: objectID,
            otherThreadID: otherThreadID
        )
        let thread = self.symbols.thread(event.thread)
        described.stackLocation = event.location
        described.creationLocation = thread.location
        described.threadCreator = thread.parent.map { self.symbols.thread($0).name }
        described.refreshStacks(from: self.symbols)
        return described
    }
}
