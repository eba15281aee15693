public import SyncTraceFormat
public import SyncTraceReplay

/// Counts lost updates: how many updates of each variable the program threw away, and where.
///
/// An update of V by thread T is a read of V by T followed by T's next access of V being a write
/// (an atomic `aload` then `astore` too; an `armw` is one indivisible update and is never lost). Each
/// write descends from the write its update read. Between two blind writes (writes with no read
/// before them) and at the end of the trace, the updates that the last write does not descend from
/// are lost: for a counter incremented N times from zero, exactly N minus the final value.
///
/// A trace cut short (``AnalysisContext/reachesProgramEnd`` false) is analysed up to its consistent
/// cut, and the program went on: a later write may descend from a write its open read saw and take
/// updates counted lost back. There the counter reports only the updates lost whatever came after —
/// a variable it names has lost updates in the whole run too, and at least as many as it says.
///
/// This catches what race detectors cannot: an update split into a locked read and a locked write
/// (check-then-act), an atomic load then store, an actor's state read before an `await` and written
/// after it — no data race, and updates lost all the same. Whether the accesses also race is the race
/// detector's business; the replay cross-references the two plugins' findings on a variable.
///
/// Work per access is O(1) while at most two threads have a read of the variable open, O(threads)
/// beyond; memory grows with variables and threads, not with events.
public final class LostUpdateCounter: AnalysisPlugin {
    public let name = "lost-update"
    public let summary = "lost updates: read-then-write updates overwritten by updates that never saw them"
    public let operations = TraceOperationSet([.read, .write, .atomicLoad, .atomicStore, .atomicReadModifyWrite])

    // Unchecked exclusivity: the replay calls a plugin from one thread, and no access to these
    // overlaps another (each handler reads and writes them in sequence), so the runtime's dynamic
    // check would only cost time on every access.
    /// Per variable (by object index), its history, updated in place: the history is trivial (no
    /// references) and the flat array owned by the counter alone, so a store costs no uniqueness
    /// check and no reference counting.
    @exclusivity(unchecked) private var variables = FlatArray<VariableHistory>()
    /// One past the highest variable seen.
    @exclusivity(unchecked) private var variableCount = 0
    /// Open reads beyond each variable's inline ones (several threads read, none wrote yet).
    @exclusivity(unchecked) private var overflow = OpenReadOverflow()
    @exclusivity(unchecked) private var losses: [Int: [LossSites: LossGroup]] = [:]

    /// What ``prepare(for:)`` read of the histories, kept so that its loads are not optimized away.
    @exclusivity(unchecked) private var warmth: UInt8 = 0

    /// Creates a counter for one replay.
    public init() {}

    /// Loads the histories of the batch's variables into the cache, all at once: ten thousand
    /// variables' histories (1.25 MB) do not stay there between two accesses of one variable, and
    /// fetched one access at a time each costs a full miss (a third of the counter's time).
    public func prepare(for events: UnsafeBufferPointer<TraceEvent>) {
        var warmth = self.warmth
        for event in events where self.operations.contains(event.operation) {
            warmth ^= self.variables.warm(event.object.index)
        }
        self.warmth = warmth
    }

    /// Open reads kept aside, beyond the variables' inline ones: for tests of the overflow lists.
    var openReadsKeptAside: Int { self.overflow.used }

    private func grow(to count: Int) {
        // Doubling, so that variables seen in increasing order grow the table O(log n) times.
        self.variables.grow(to: max(count, self.variables.count * 2, 1024), filling: VariableHistory())
    }

    public func handle(_ event: TraceEvent, in context: AnalysisContext) {
        let object = event.object.index
        if object >= self.variables.count { self.grow(to: object + 1) }
        if object >= self.variableCount { self.variableCount = object + 1 }
        let access = AccessRecord(event, index: context.eventIndex)
        // One mutating call on the history per access: each separate subscript of the flat array
        // would be a call and a bounds check of its own.
        switch event.operation {
        case .read, .atomicLoad:
            self.variables[object].read(access, overflow: &self.overflow)
        case .write, .atomicStore:
            guard let read = self.variables[object].closeRead(of: event.thread, overflow: &self.overflow) else {
                // A blind write: a new segment, whose updates descend from it.
                self.variables[object].closeSegment()
                return
            }
            switch self.variables[object].update(by: access, read: read) {
            case .extended:
                break
            case .cut(let count, let latest, let staleRead):
                // The updates on the latest line above the parent are cut off it: name them.
                self.addLoss(object, lost: latest, count: count, write: event, index: context.eventIndex, read: staleRead)
            case .restored(let count, let site):
                // The read saw a write that has since been cut off: it and the updates below it down
                // to the latest line are ancestors again, no longer lost.
                self.restore(object, count: count, writtenAt: site)
            }
        case .atomicReadModifyWrite:
            // Indivisible: it reads the latest write, so it cuts nothing off and is never cut off by its own read.
            _ = self.variables[object].closeRead(of: event.thread, overflow: &self.overflow)
            self.variables[object].indivisibleUpdate(by: access)
        default:
            break
        }
    }

    /// Takes `count` losses back out of the groups whose lost update was written at `site`, largest first.
    private func restore(_ object: Int, count: UInt64, writtenAt site: UInt32) {
        guard var groups = self.losses[object] else { return }
        var remaining = count
        let matching = groups.filter { ($0.key.lostWrite?.rawValue ?? .max) == site }.sorted { $0.value.count > $1.value.count }
        for (sites, group) in matching where remaining > 0 {
            let taken = min(group.count, remaining)
            remaining -= taken
            if taken == group.count {
                groups[sites] = nil
            } else {
                groups[sites]!.count -= taken
            }
        }
        self.losses[object] = groups.isEmpty ? nil : groups
    }

    private func addLoss(_ object: Int, lost: AccessRecord?, count: UInt64, write: TraceEvent, index: UInt64, read: OpenRead) {
        let staleRead = read.access.event(of: object)
        let lostWrite = lost?.event(of: object)
        let sites = LossSites(lostWrite: lostWrite?.location, overwritingWrite: write.location, staleRead: staleRead.location)
        // One lookup of each table, the group modified in place: the first loss at these sites makes
        // the group (with it as the example), the next ones only add to its count.
        self.losses[object, default: [:]][sites, default: LossGroup(
            count: 0,
            lostWrite: lostWrite,
            lostWriteIndex: lost?.index ?? 0,
            overwritingWrite: write,
            overwritingIndex: index,
            staleRead: staleRead,
            staleReadIndex: read.access.index
        )].count += count
    }

    public func finish(in context: AnalysisContext) -> [Finding] {
        var findings: [Finding] = []
        for object in 0..<self.variableCount where self.variables[object].lost > 0 {
            let history = self.variables[object]
            let id = ObjectID(UInt32(object))
            let groups = (self.losses[object] ?? [:]).values.sorted { $0.count > $1.count || ($0.count == $1.count && $0.overwritingIndex < $1.overwritingIndex) }
            guard let first = groups.first else { continue }
            var events: [FindingEvent] = []
            if let lost = first.lostWrite {
                events.append(context.describe(lost, role: "Lost update, written", index: first.lostWriteIndex))
            }
            events.append(context.describe(first.staleRead, role: "Overwritten by an update that read", index: first.staleReadIndex))
            events.append(context.describe(first.overwritingWrite, role: "and wrote", index: first.overwritingIndex))
            let details = groups.map { group -> FindingText in
                "\(group.count) lost: updates written at \(location: group.lostWrite?.location), overwritten by updates that read at \(location: group.staleRead.location) and wrote at \(location: group.overwritingWrite.location)"
            }
            let (lost, line) = self.lossLine(object, in: context)
            findings.append(
                Finding(
                    kind: .lostUpdate,
                    title: "LOST UPDATES",
                    message: line,
                    variable: id,
                    objects: [context.object(id)],
                    events: events,
                    details: [line] + details,
                    fields: [
                        "lost": .integer(Int(lost)),
                        "updates": .integer(Int(history.updates)),
                        "sites": .texts(details),
                    ]
                )
            )
        }
        return findings
    }

    public func summaryLines(in context: AnalysisContext) -> [String] {
        let lossy = (0..<self.variableCount).filter { self.variables[$0].lost > 0 }
        guard !lossy.isEmpty else {
            let updates = (0..<self.variableCount).reduce(0) { $0 + self.variables[$1].updates }
            let part = context.reachesProgramEnd ? "" : " in the analysed part"
            return ["no lost updates\(part) (\(updates) update\(updates == 1 ? "" : "s"))"]
        }
        return lossy.map { self.lossLine($0, in: context).line.resolved(in: context.symbols) }
    }

    /// The updates of variable `object` lost, and the line that says so: "counter: 1000 updates, 71
    /// lost (7.1%)". For a trace cut short, only the updates lost whatever the program did after the
    /// analysed events, the count ``VariableHistory/certainlyLost(reachableDepth:)`` gives.
    private func lossLine(_ object: Int, in context: AnalysisContext) -> (lost: UInt64, line: FindingText) {
        let history = self.variables[object]
        let name = ObjectID(UInt32(object))
        guard !context.reachesProgramEnd else {
            let percent = Double(history.lost) * 100 / Double(max(history.updates, 1))
            return (history.lost, "\(object: name): \(history.updates) updates, \(history.lost) lost (\(Self.format(percent))%)")
        }
        // A write after the cut descends from the latest write, or from the write an open read saw.
        var deepest = history.depth
        history.forEachOpenRead(overflow: self.overflow) { read in
            if read.segment == history.segment { deepest = max(deepest, read.depth) }
        }
        let lost = history.certainlyLost(reachableDepth: deepest)
        let percent = Double(lost) * 100 / Double(max(history.updates, 1))
        return (lost, "\(object: name): \(history.updates) updates in the analysed part, at least \(lost) lost (\(Self.format(percent))%)")
    }

    private static func format(_ value: Double) -> String {
        let tenths = (value * 10).rounded() / 10
        return tenths == tenths.rounded() ? String(Int(tenths)) + ".0" : String(tenths)
    }
}

extension FindingKind {
    /// Updates of a variable that were lost (``LostUpdateCounter``).
    public static let lostUpdate: FindingKind = "lost update"
}
