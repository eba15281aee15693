public import SyncTraceFormat
public import SyncTraceReplay

/// Finds data races: two accesses to the same variable from different threads, at least one a write
/// and at least one plain (`r`/`w`), neither happening before the other. Two atomic accesses never
/// race; a plain access racing with an atomic one does (an atomic store against a plain read, say).
///
/// FastTrack-style: each variable keeps the epoch of its last write and, while its reads are
/// ordered, the epoch of its last read; only when reads by several threads are concurrent does it
/// keep one entry per reading thread. So the common case costs a comparison, not a vector clock.
///
/// Races are reported once per pair of places (source locations, or stacks where the trace has them:
/// ``RaceGroups``), with the first racing pair found there (both accesses: thread, read or write,
/// location, and where each thread was created), the variables that race there and how many racing
/// pairs did; the summary counts every racing variable, racing pair and pair of places. Each side
/// says which locks its thread held (``AnalysisRequirements/heldLocks``: the replay keeps them).
///
/// JSON fields: `"first"` and `"second"` (the first race's earlier and later access), `"variables"`
/// (every variable racing at these places), `"racingPairs"`, and `"firstHeld"`/`"secondHeld"` (the
/// locks each side held, "name (read)" for a read lock).
public final class RaceDetector: AnalysisPlugin {
    public let name = "race"
    public let summary = "data races: conflicting accesses to a variable not ordered by happens-before"
    public let operations = TraceOperationSet([.read, .write, .atomicLoad, .atomicStore, .atomicReadModifyWrite])
    /// The locks each thread holds, to say which each side of a race held: kept by the replay from
    /// the lock operations, which the detector then need not take one by one.
    public let requirements = AnalysisRequirements.heldLocks

    // The replay calls `handle` once per access, on one thread, and nothing here is reachable from
    // anywhere else: no two accesses to these properties can overlap, so the runtime's exclusivity
    // checks (a call and a thread-local lookup each) are switched off for the hot ones.
    /// Per variable, FastTrack's state (indexed by object index), updated in place: a flat array
    /// owned by the detector alone, so that a store is a store (no copy-on-write check, no
    /// reference count).
    @exclusivity(unchecked) private var variables = FlatArray<VariableState>()
    /// Per variable, where and when its remembered accesses were: apart from ``variables``, which
    /// every access reads, so that those states stay few cache lines (16 bytes each, four to a line,
    /// not 40); these are only written, except to explain a race.
    @exclusivity(unchecked) private var sites = FlatArray<AccessSites>()
    /// One bit per variable (by object index): whether it has had atomic accesses (the detector keeps
    /// those apart, in ``atomicAccesses``). A bit table of a few kilobytes, which stays in the cache,
    /// rather than a flag that would widen every ``VariableState``.
    @exclusivity(unchecked) private var hasAtomicAccesses = FlatArray<UInt64>()
    /// Read vectors of variables read concurrently by several threads (``VariableState/sharedReads``
    /// indexes them); freed slots are reused.
    @exclusivity(unchecked) private var readVectors: [[ThreadID: TimedAccess]] = []
    @exclusivity(unchecked) private var freeReadVectors: [Int32] = []
    private var racingPairs = 0
    /// The races found, one group per pair of places.
    private var groups = RaceGroups()
    /// Per variable that has had atomic accesses (``hasAtomicAccesses``), their state.
    @exclusivity(unchecked) private var atomicAccesses: [Int: AtomicAccesses] = [:]

    /// Creates a detector for one replay.
    public init() {}

    public func handle(_ event: TraceEvent, in context: AnalysisContext) {
        let object = event.object.index
        if object >= self.variables.count { self.growVariables(to: object + 1) }
        switch event.operation {
        case .read:
            self.read(event, index: context.eventIndex, of: object, in: context)
            if self.hasAtomicAccesses(object) { self.checkAgainstAtomics(event, index: context.eventIndex, of: object, in: context) }
        case .write:
            self.write(event, index: context.eventIndex, of: object, in: context)
            if self.hasAtomicAccesses(object) { self.checkAgainstAtomics(event, index: context.eventIndex, of: object, in: context) }
        default:
            self.atomic(event, index: context.eventIndex, of: object, in: context)
        }
    }

    /// An atomic access: checked against the variable's plain accesses, then remembered for later ones.
    private func atomic(_ event: TraceEvent, index: UInt64, of object: Int, in context: AnalysisContext) {
        let hb = context.happensBefore
        let thread = event.thread
        let access = Access(event: event, index: index, lockset: context.heldLocks(of: event.thread).rawValue)
        let write = self.variables[object].lastWrite
        if !write.isNone, !hb.happensBefore(write, thread) {
            self.race(previous: self.writeAccess(object), current: access, context: context, variable: object)
        }
        if event.operation.writesVariable {
            let shared = self.variables[object].sharedReads
            if shared >= 0 {
                for read in self.readVectors[Int(shared)].values.sorted(by: { $0.access.index < $1.access.index })
                where !hb.happensBefore(read.epoch, thread) {
                    self.race(previous: read, current: access, context: context, variable: object)
                }
            } else {
                let read = self.variables[object].lastRead
                if !read.isNone, !hb.happensBefore(read, thread) {
                    self.race(previous: self.readAccess(object), current: access, context: context, variable: object)
                }
            }
        }
        self.hasAtomicAccesses[object >> 6] |= 1 << UInt64(object & 63)
        let timed = TimedAccess(epoch: hb.epoch(of: thread), access: access)
        let writes = event.operation.writesVariable
        let reads = event.operation != .atomicStore
        // One hash-table access for both updates.
        func remember(in atomics: inout AtomicAccesses) {
            if writes { atomics.lastWrite = timed }
            if reads { atomics.reads[thread] = timed }
        }
        remember(in: &self.atomicAccesses[object, default: AtomicAccesses()])
    }

    /// A plain access to a variable that has had atomic ones: checked against those.
    private func checkAgainstAtomics(_ event: TraceEvent, index: UInt64, of object: Int, in context: AnalysisContext) {
        guard let atomics = self.atomicAccesses[object] else { return }
        let hb = context.happensBefore
        let access = Access(event: event, index: index, lockset: context.heldLocks(of: event.thread).rawValue)
        if let write = atomics.lastWrite, !hb.happensBefore(write.epoch, event.thread) {
            self.race(previous: write, current: access, context: context, variable: object)
        }
        if event.operation == .write {
            for read in atomics.reads.values.sorted(by: { $0.access.index < $1.access.index })
            where !hb.happensBefore(read.epoch, event.thread) {
                self.race(previous: read, current: access, context: context, variable: object)
            }
        }
    }

    private func growVariables(to count: Int) {
        // Doubling, so that variables seen in increasing order grow the table O(log n) times.
        let grown = max(count, self.variables.count * 2, 1024)
        self.variables.grow(to: grown, filling: VariableState())
        self.sites.grow(to: grown, filling: AccessSites())
        self.hasAtomicAccesses.grow(to: (grown + 63) >> 6, filling: 0)
    }

    /// Whether variable `object` (below the tables' count) has had atomic accesses.
    @inline(__always)
    private func hasAtomicAccesses(_ object: Int) -> Bool {
        self.hasAtomicAccesses[object >> 6] & (1 << UInt64(object & 63)) != 0
    }

    private func read(_ event: TraceEvent, index: UInt64, of object: Int, in context: AnalysisContext) {
        let hb = context.happensBefore
        let thread = event.thread
        let now = hb.epoch(of: thread)
        let shared = self.variables[object].sharedReads
        if shared < 0 {
            if self.variables[object].lastRead == now { return }
        } else if self.readVectors[Int(shared)][thread]?.epoch == now {
            return
        }
        let write = self.variables[object].lastWrite
        if !write.isNone, !hb.happensBefore(write, thread) {
            self.race(previous: self.writeAccess(object), current: Access(event: event, index: index, lockset: context.heldLocks(of: event.thread).rawValue), context: context, variable: object)
        }
        if shared >= 0 {
            self.readVectors[Int(shared)][thread] = TimedAccess(epoch: now, access: Access(event: event, index: index, lockset: context.heldLocks(of: event.thread).rawValue))
            return
        }
        let last = self.variables[object].lastRead
        if !last.isNone, last.thread != thread, !hb.happensBefore(last, thread) {
            // Two concurrent reads: keep one per thread from now on (FastTrack's read vector).
            let vector = [
                last.thread: self.readAccess(object),
                thread: TimedAccess(epoch: now, access: Access(event: event, index: index, lockset: context.heldLocks(of: event.thread).rawValue)),
            ]
            // From now on the variable has a read vector and no last read (one word holds either).
            if let slot = self.freeReadVectors.popLast() {
                self.readVectors[Int(slot)] = vector
                self.variables[object].sharedReads = slot
            } else {
                self.variables[object].sharedReads = Int32(self.readVectors.count)
                self.readVectors.append(vector)
            }
        } else {
            self.variables[object].lastRead = now
            self.sites[object].readIndex = index
            self.sites[object].readLocation = event.location?.rawValue ?? AccessSites.noLocation
            self.sites[object].readLockset = context.heldLocks(of: thread).rawValue
        }
    }

    private func write(_ event: TraceEvent, index: UInt64, of object: Int, in context: AnalysisContext) {
        let hb = context.happensBefore
        let thread = event.thread
        let now = hb.epoch(of: thread)
        let write = self.variables[object].lastWrite
        if write != now {
            if !write.isNone, !hb.happensBefore(write, thread) {
                self.race(previous: self.writeAccess(object), current: Access(event: event, index: index, lockset: context.heldLocks(of: event.thread).rawValue), context: context, variable: object)
            }
            let shared = self.variables[object].sharedReads
            if shared >= 0 {
                for read in self.readVectors[Int(shared)].values.sorted(by: { $0.access.index < $1.access.index })
                where !hb.happensBefore(read.epoch, thread) {
                    self.race(previous: read, current: Access(event: event, index: index, lockset: context.heldLocks(of: event.thread).rawValue), context: context, variable: object)
                }
                self.readVectors[Int(shared)] = [:]
                self.freeReadVectors.append(shared)
                self.variables[object].sharedReads = -1
            } else {
                let read = self.variables[object].lastRead
                if !read.isNone, !hb.happensBefore(read, thread) {
                    self.race(previous: self.readAccess(object), current: Access(event: event, index: index, lockset: context.heldLocks(of: event.thread).rawValue), context: context, variable: object)
                }
            }
            self.variables[object].lastRead = .none
        }
        // A write in the same epoch as the last one only moves the remembered access.
        self.variables[object].lastWrite = now
        self.sites[object].writeIndex = index
        self.sites[object].writeLocation = event.location?.rawValue ?? AccessSites.noLocation
        self.sites[object].writeLockset = context.heldLocks(of: thread).rawValue
    }

    /// The variable's last write as a race names it.
    private func writeAccess(_ object: Int) -> TimedAccess {
        AccessSites.access(
            .write, at: self.variables[object].lastWrite, index: self.sites[object].writeIndex, location: self.sites[object].writeLocation,
            lockset: self.sites[object].writeLockset, object: object
        )
    }

    /// The variable's last read (while its reads are ordered) as a race names it.
    private func readAccess(_ object: Int) -> TimedAccess {
        AccessSites.access(
            .read, at: self.variables[object].lastRead, index: self.sites[object].readIndex, location: self.sites[object].readLocation,
            lockset: self.sites[object].readLockset, object: object
        )
    }

    private func race(previous: TimedAccess, current: Access, context: AnalysisContext, variable object: Int) {
        self.racingPairs += 1
        let variable = current.event.object
        let places = RaceGroups.Places(
            self.groups.site(of: previous.access.event.location, in: context),
            self.groups.site(of: current.event.location, in: context),
            variable: variable
        )
        /// The pair as a finding shows it: the later access, then the earlier one. Made only when
        /// needed (a new group, or another stack to show), never per racing pair of a loop.
        func described() -> [FindingEvent] {
            [
                context.describe(current.event, role: FindingText(Self.noun(current.event)), index: current.index),
                context.describe(previous.access.event, role: FindingText("Previous " + Self.noun(previous.access.event).lowercased()), index: previous.access.index),
            ]
        }
        self.groups.add(places, variable: variable, locations: (previous.access.event.location, current.event.location), accesses: described) {
            let events = described()
            let (currentEvent, previousEvent) = (events[0], events[1])
            let what: FindingText = "\(Self.noun(current.event).lowercased()) by \(thread: current.event.thread) races with \(Self.noun(previous.access.event).lowercased()) by \(thread: previous.access.event.thread)"
            return Finding(
                kind: .dataRace,
                title: "DATA RACE",
                message: "data race on \(object: variable): \(what)",
                variable: variable,
                objects: [context.object(variable)],
                events: events,
                details: [
                    "Locks held: by \(thread: current.event.thread) at the \(Self.noun(current.event).lowercased()), \(self.heldText(current.lockset, in: context)); "
                        + "by \(thread: previous.access.event.thread) at the \(Self.noun(previous.access.event).lowercased()), \(self.heldText(previous.access.lockset, in: context))."
                ],
                fields: [
                    "first": .event(previousEvent), "second": .event(currentEvent),
                    "firstHeld": .texts(self.heldLocks(previous.access.lockset, in: context)), "secondHeld": .texts(self.heldLocks(current.lockset, in: context)),
                ]
            )
        }
    }

    /// The locks of a lockset as JSON lists them ("m", "rw (read)"); empty when unknown.
    private func heldLocks(_ lockset: Int32, in context: AnalysisContext) -> [FindingText] {
        (context.locks(in: HeldLockSet(rawValue: lockset)) ?? []).map { held in held.reading ? "\(object: held.lock) (read)" : "\(object: held.lock)" }
    }

    /// The locks of a lockset as a sentence says them: "m, rw (read)", "no lock", or that they are not known.
    private func heldText(_ lockset: Int32, in context: AnalysisContext) -> FindingText {
        guard context.locks(in: HeldLockSet(rawValue: lockset)) != nil else { return "locks not known (too many distinct lock sets)" }
        let held = self.heldLocks(lockset, in: context)
        return held.isEmpty ? "no lock" : FindingText.joined(held, separator: ", ")
    }

    static func noun(_ event: TraceEvent) -> String {
        switch event.operation {
        case .write: "Write"
        case .read: "Read"
        case .atomicLoad: "Atomic load"
        case .atomicStore: "Atomic store"
        default: "Atomic read-modify-write"
        }
    }

    public func finish(in context: AnalysisContext) -> [Finding] {
        self.groups.groups.map { group in
            var finding = group.finding
            finding.fields["racingPairs"] = .integer(group.pairs)
            finding.fields["variables"] = .texts(group.variables.map { "\(object: $0)" })
            let count = group.variables.count
            guard count > 1 else {
                if group.pairs > 1 { finding.details.append("\(group.pairs) racing pairs of accesses at these places.") }
                return finding
            }
            finding.objects = group.variables.map { context.object($0) }
            let shown = group.variables.prefix(Self.variablesNamed).map { "\(object: $0)" as FindingText }
            let more = count > Self.variablesNamed ? ", and \(count - Self.variablesNamed) more" : ""
            finding.message = "data race on \(count) variables at the same two places (\(FindingText.joined(shown.prefix(3), separator: ", "))\(count > 3 ? ", …" : "")): "
                + Self.firstRace(finding)
            finding.details.append(
                "\(count) variables race at these two places, \(group.pairs) racing pairs in all: \(FindingText.joined(shown, separator: ", "))\(more)."
            )
            return finding
        }
    }

    /// Variables a finding names in its text (all of them are in its objects and JSON).
    static let variablesNamed = 20

    /// What a grouped finding says of its first race: "write of v3 by T1 races with read by T0".
    private static func firstRace(_ finding: Finding) -> FindingText {
        guard finding.events.count == 2, let variable = finding.variableID else { return "" }
        let current = finding.events[0].event
        let previous = finding.events[1].event
        return "first, a \(Self.noun(current).lowercased()) of \(object: variable) by \(thread: current.thread) races with a \(Self.noun(previous).lowercased()) by \(thread: previous.thread)"
    }

    /// The counts; for a trace cut short, of its analysed part (its consistent cut, where every race
    /// found is a race of the whole run too, but the run went on and may have raced more).
    public func summaryLines(in context: AnalysisContext) -> [String] {
        let part = context.reachesProgramEnd ? "" : " in the analysed part"
        guard !self.groups.groups.isEmpty else { return ["no data races" + part] }
        let variables = self.groups.racingVariables.count
        let places = self.groups.groups.count
        return [
            "\(variables) racing variable\(variables == 1 ? "" : "s"), \(self.racingPairs) racing pair\(self.racingPairs == 1 ? "" : "s") "
                + "at \(places) distinct pair\(places == 1 ? "" : "s") of source locations" + part
        ]
    }
}

/// An access as the detector remembers it: the event, its position in the replay, and the locks its
/// thread held (a ``HeldLocksets`` number; 0 for none).
struct Access {
    var event: TraceEvent
    var index: UInt64
    var lockset: Int32 = 0
}

/// An access with the epoch it happened at.
struct TimedAccess {
    var epoch: Epoch
    var access: Access
}

extension FindingKind {
    /// A data race (``RaceDetector``).
    public static let dataRace: FindingKind = "data race"
}
