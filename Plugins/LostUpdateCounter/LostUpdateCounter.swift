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
/// This catches what race detectors cannot: an update split into a locked read and a locked write
/// (check-then-act), an atomic load then store, an actor's state read before an `await` and written
/// after it — no data race, and updates lost all the same. Whether the accesses also race is the race
/// detector's business; the replay cross-references the two plugins' findings on a variable.
///
/// Work per access is O(1) (a dictionary entry per reading thread); memory grows with variables and
/// threads, not with events.
public final class LostUpdateCounter: AnalysisPlugin {
    public let name = "lost-update"
    public let summary = "lost updates: read-then-write updates overwritten by updates that never saw them"
    public let operations = TraceOperationSet([.read, .write, .atomicLoad, .atomicStore, .atomicReadModifyWrite])

    private var variables: [VariableHistory] = []
    private var losses: [Int: [LossSites: LossGroup]] = [:]

    /// Creates a counter for one replay.
    public init() {}

    public func handle(_ event: TraceEvent, in context: AnalysisContext) {
        let object = event.object.index
        if object >= self.variables.count {
            self.variables.append(contentsOf: repeatElement(VariableHistory(), count: object + 1 - self.variables.count))
        }
        switch event.operation {
        case .read, .atomicLoad:
            let history = self.variables[object]
            self.variables[object].openReads[event.thread] = VariableHistory.OpenRead(
                depth: history.depth,
                segment: history.segment,
                event: event,
                index: context.eventIndex
            )
        case .write, .atomicStore:
            if let read = self.variables[object].openReads.removeValue(forKey: event.thread) {
                self.update(object, write: event, index: context.eventIndex, read: read)
            } else {
                // A blind write: a new segment, whose updates descend from it.
                self.variables[object].closeSegment()
            }
        case .atomicReadModifyWrite:
            // Indivisible: it reads the latest write, so it cuts nothing off and is never cut off by its own read.
            self.variables[object].openReads[event.thread] = nil
            let depth = self.variables[object].depth + 1
            self.variables[object].updates += 1
            self.variables[object].segmentUpdates += 1
            self.variables[object].depth = depth
            self.variables[object].pushLine(.init(depth: depth, write: event, writeIndex: context.eventIndex))
        default:
            break
        }
    }

    private func update(_ object: Int, write: TraceEvent, index: UInt64, read: VariableHistory.OpenRead) {
        var history = self.variables[object]
        history.updates += 1
        history.segmentUpdates += 1
        // The read saw a write of this segment at `read.depth`, or one before the last blind write.
        let parentDepth = read.segment == history.segment ? read.depth : 0
        // Updates on the latest line above the parent are cut off it: name them.
        let cut = history.line.filter { $0.depth > parentDepth }
        if !cut.isEmpty || history.depth > parentDepth {
            self.recordLosses(object, history: history, above: parentDepth, cut: max(history.depth, parentDepth) - parentDepth, write: write, index: index, read: read)
            history.line.removeAll { $0.depth > parentDepth }
        }
        let depth = parentDepth + 1
        history.depth = depth
        history.pushLine(.init(depth: depth, write: write, writeIndex: index))
        self.variables[object] = history
    }

    /// Names the `cut` updates above `parentDepth` on the latest line, grouped by their sites.
    private func recordLosses(
        _ object: Int,
        history: VariableHistory,
        above parentDepth: UInt64,
        cut: UInt64,
        write: TraceEvent,
        index: UInt64,
        read: VariableHistory.OpenRead
    ) {
        var named: UInt64 = 0
        for entry in history.line where entry.depth > parentDepth {
            self.addLoss(object, lost: entry.write, lostIndex: entry.writeIndex, count: 1, write: write, index: index, read: read)
            named += 1
        }
        if named < cut {
            // Updates deeper than the line's memory: counted, with no site of their own.
            self.addLoss(object, lost: nil, lostIndex: 0, count: cut - named, write: write, index: index, read: read)
        }
    }

    private func addLoss(
        _ object: Int,
        lost: TraceEvent?,
        lostIndex: UInt64,
        count: UInt64,
        write: TraceEvent,
        index: UInt64,
        read: VariableHistory.OpenRead
    ) {
        let sites = LossSites(lostWrite: lost?.location, overwritingWrite: write.location, staleRead: read.event.location)
        if self.losses[object, default: [:]][sites] != nil {
            self.losses[object]![sites]!.count += count
        } else {
            self.losses[object, default: [:]][sites] = LossGroup(
                count: count,
                lostWrite: lost,
                lostWriteIndex: lostIndex,
                overwritingWrite: write,
                overwritingIndex: index,
                staleRead: read.event,
                staleReadIndex: read.index
            )
        }
    }

    public func finish(in context: AnalysisContext) -> [Finding] {
        var findings: [Finding] = []
        for (object, history) in self.variables.enumerated() where history.lost > 0 {
            let id = ObjectID(UInt32(object))
            let name = context.objectName(id)
            let groups = (self.losses[object] ?? [:]).values.sorted { $0.count > $1.count || ($0.count == $1.count && $0.overwritingIndex < $1.overwritingIndex) }
            guard let first = groups.first else { continue }
            var events: [FindingEvent] = []
            if let lost = first.lostWrite {
                events.append(context.describe(lost, role: "Lost update (its write)", index: first.lostWriteIndex))
            }
            events.append(context.describe(first.staleRead, role: "Overwritten by an update that read", index: first.staleReadIndex))
            events.append(context.describe(first.overwritingWrite, role: "and wrote", index: first.overwritingIndex))
            let details = groups.map { group in
                let lostSite = group.lostWrite.flatMap { context.location($0.location) } ?? "(an earlier update)"
                let readSite = context.location(group.staleRead.location) ?? "(no call site)"
                let writeSite = context.location(group.overwritingWrite.location) ?? "(no call site)"
                return "\(group.count) lost: the update written at \(lostSite) was overwritten by the update read at \(readSite) and written at \(writeSite)"
            }
            let percent = Double(history.lost) * 100 / Double(max(history.updates, 1))
            let line = "\(name): \(history.updates) updates, \(history.lost) lost (\(Self.format(percent))%)"
            findings.append(
                Finding(
                    plugin: self.name,
                    kind: "lost update",
                    title: "LOST UPDATES",
                    message: line,
                    variable: name,
                    objects: [context.object(id)],
                    events: events,
                    details: [line] + details,
                    fields: [
                        "lost": .integer(Int(history.lost)),
                        "updates": .integer(Int(history.updates)),
                        "sites": .strings(details),
                    ]
                )
            )
        }
        return findings
    }

    public func summaryLines(in context: AnalysisContext) -> [String] {
        let lossy = self.variables.enumerated().filter { $0.element.lost > 0 }
        guard !lossy.isEmpty else {
            let updates = self.variables.reduce(0) { $0 + $1.updates }
            return ["no lost updates (\(updates) update\(updates == 1 ? "" : "s"))"]
        }
        return lossy.map { object, history in
            let percent = Double(history.lost) * 100 / Double(max(history.updates, 1))
            return "\(context.objectName(ObjectID(UInt32(object)))): \(history.updates) updates, \(history.lost) lost (\(Self.format(percent))%)"
        }
    }

    private static func format(_ value: Double) -> String {
        let tenths = (value * 10).rounded() / 10
        return tenths == tenths.rounded() ? String(Int(tenths)) + ".0" : String(tenths)
    }
}
