public import SyncTraceFormat
public import SyncTraceReplay

/// Finds data races: two plain accesses to the same variable (`r`/`w`), from different threads, at
/// least one a write, neither happening before the other.
///
/// FastTrack-style: each variable keeps the epoch of its last write and, while its reads are
/// ordered, the epoch of its last read; only when reads by several threads are concurrent does it
/// keep one entry per reading thread. So the common case costs a comparison, not a vector clock.
///
/// Each racing variable is reported once, with its first racing pair (both accesses: thread,
/// read or write, source location, and where each thread was created); the summary counts every
/// racing pair and the distinct pairs of source locations that race.
public final class RaceDetector: AnalysisPlugin {
    public let name = "race"
    public let summary = "data races: conflicting accesses to a variable not ordered by happens-before"
    public let operations = TraceOperationSet([.read, .write])

    private var variables: [VariableState] = []
    /// Variables already reported (kept apart from their state, which the handlers copy and write back).
    private var reported: [Bool] = []
    private var racingPairs = 0
    private var locationPairs: Set<LocationPair> = []
    private var findings: [Finding] = []

    /// Creates a detector for one replay.
    public init() {}

    public func handle(_ event: TraceEvent, in context: AnalysisContext) {
        let object = event.object.index
        if object >= self.variables.count {
            self.variables.append(contentsOf: repeatElement(VariableState(), count: object + 1 - self.variables.count))
            self.reported.append(contentsOf: repeatElement(false, count: object + 1 - self.reported.count))
        }
        let access = Access(event: event, index: context.eventIndex)
        if event.operation == .read {
            self.read(access, of: object, in: context)
        } else {
            self.write(access, of: object, in: context)
        }
    }

    private func read(_ access: Access, of object: Int, in context: AnalysisContext) {
        let hb = context.happensBefore
        let thread = access.event.thread
        let now = hb.epoch(of: thread)
        var state = self.variables[object]
        if state.sharedReads == nil, state.lastRead?.epoch == now { return }
        if let shared = state.sharedReads, shared[thread]?.epoch == now { return }
        if let write = state.lastWrite, !hb.happensBefore(write.epoch, thread) {
            self.race(previous: write, current: access, context: context, variable: object)
        }
        let current = TimedAccess(epoch: now, access: access)
        if var shared = state.sharedReads {
            shared[thread] = current
            state.sharedReads = shared
        } else if let last = state.lastRead, last.epoch.thread != thread, !hb.happensBefore(last.epoch, thread) {
            // Two concurrent reads: keep one per thread from now on (FastTrack's read vector).
            state.sharedReads = [last.epoch.thread: last, thread: current]
            state.lastRead = nil
        } else {
            state.lastRead = current
        }
        self.variables[object] = state
    }

    private func write(_ access: Access, of object: Int, in context: AnalysisContext) {
        let hb = context.happensBefore
        let thread = access.event.thread
        let now = hb.epoch(of: thread)
        var state = self.variables[object]
        if let write = state.lastWrite, write.epoch == now {
            state.lastWrite = TimedAccess(epoch: now, access: access)
            self.variables[object] = state
            return
        }
        if let write = state.lastWrite, !hb.happensBefore(write.epoch, thread) {
            self.race(previous: write, current: access, context: context, variable: object)
        }
        if let shared = state.sharedReads {
            for read in shared.values.sorted(by: { $0.access.index < $1.access.index })
            where !hb.happensBefore(read.epoch, thread) {
                self.race(previous: read, current: access, context: context, variable: object)
            }
        } else if let read = state.lastRead, !hb.happensBefore(read.epoch, thread) {
            self.race(previous: read, current: access, context: context, variable: object)
        }
        state.lastWrite = TimedAccess(epoch: now, access: access)
        state.lastRead = nil
        state.sharedReads = nil
        self.variables[object] = state
    }

    private func race(previous: TimedAccess, current: Access, context: AnalysisContext, variable object: Int) {
        self.racingPairs += 1
        let pair = LocationPair(
            variable: object,
            first: min(previous.access.event.location?.rawValue ?? .max, current.event.location?.rawValue ?? .max),
            second: max(previous.access.event.location?.rawValue ?? .max, current.event.location?.rawValue ?? .max)
        )
        self.locationPairs.insert(pair)
        guard !self.reported[object] else { return }
        self.reported[object] = true

        let name = context.objectName(current.event.object)
        let currentEvent = context.describe(
            current.event,
            role: current.event.operation == .write ? "Write" : "Read",
            index: current.index
        )
        let previousEvent = context.describe(
            previous.access.event,
            role: previous.access.event.operation == .write ? "Previous write" : "Previous read",
            index: previous.access.index
        )
        let what = "\(Self.noun(current.event).lowercased()) by \(currentEvent.thread) races with \(Self.noun(previous.access.event).lowercased()) by \(previousEvent.thread)"
        self.findings.append(
            Finding(
                plugin: self.name,
                kind: "data race",
                title: "DATA RACE",
                message: "data race on \(name): \(what)",
                variable: name,
                objects: [context.object(current.event.object)],
                events: [currentEvent, previousEvent],
                fields: ["first": .event(previousEvent), "second": .event(currentEvent)]
            )
        )
    }

    private static func noun(_ event: TraceEvent) -> String { event.operation == .write ? "Write" : "Read" }

    public func finish(in context: AnalysisContext) -> [Finding] {
        // How many distinct location pairs race on each reported variable, for people.
        var pairsByVariable: [String: Int] = [:]
        for pair in self.locationPairs { pairsByVariable[context.objectName(ObjectID(UInt32(pair.variable))), default: 0] += 1 }
        return self.findings.map { finding in
            var finding = finding
            let pairs = pairsByVariable[finding.variable ?? ""] ?? 1
            finding.fields["locationPairs"] = .integer(pairs)
            if pairs > 1 { finding.details.append("\(pairs - 1) more pairs of source locations race on \(finding.variable ?? "it").") }
            return finding
        }
    }

    public func summaryLines(in context: AnalysisContext) -> [String] {
        guard !self.findings.isEmpty else { return ["no data races"] }
        let variables = self.findings.count
        return [
            "\(variables) racing variable\(variables == 1 ? "" : "s"), \(self.racingPairs) racing pair\(self.racingPairs == 1 ? "" : "s") "
                + "at \(self.locationPairs.count) distinct pair\(self.locationPairs.count == 1 ? "" : "s") of source locations"
        ]
    }
}

/// An access as the detector remembers it: the event and its position in the replay.
struct Access {
    var event: TraceEvent
    var index: UInt64
}

/// An access with the epoch it happened at.
struct TimedAccess {
    var epoch: Epoch
    var access: Access
}

/// What the detector keeps per variable: FastTrack's write epoch, and its read epoch or read vector.
struct VariableState {
    var lastWrite: TimedAccess?
    var lastRead: TimedAccess?
    var sharedReads: [ThreadID: TimedAccess]?
}

/// Two source locations that race on a variable (in either order).
struct LocationPair: Hashable {
    var variable: Int
    var first: UInt32
    var second: UInt32
}
