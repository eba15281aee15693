public import SyncTraceFormat
import _SyncTraceDataStructures
public import SyncTraceReplay

/// Predicts data races that the recorded schedule hid: two conflicting accesses that happens-before
/// orders only because a lock happened to be taken in one order, and that another schedule of the
/// same program — the same steps in each thread, each read seeing the same write, critical sections
/// of a lock run in the other order — leaves unordered.
///
/// Thread A writes `x`, then takes and releases lock `L` for unrelated work; thread B takes and
/// releases `L`, then reads `x`. A went first, so A's release and B's acquisition order the write
/// before the read and no happens-before detector (ThreadSanitizer, Go's, ``RaceDetector``) reports
/// anything. Had B's critical section run first, the accesses would race. This plugin finds that
/// from the one trace.
///
/// ## The guarantee
///
/// Prediction follows weak causal precedence (WCP: Kini, Mathur and Viswanathan, PLDI 2017; see
/// ``WeakCausalOrder``): an access pair is predicted when WCP leaves it unordered and
/// happens-before does not. WCP is sound in this sense: when it predicts a race, some reordering of
/// the recorded run that every thread could really have taken — each thread's own order kept, each
/// read seeing the write it saw, every fork, join, channel, wait group, semaphore, condition and
/// atomic edge kept — either makes the two accesses adjacent (a race) or deadlocks before it gets
/// there. As with happens-before, the first race is the one the guarantee is about: a later one may
/// follow from an earlier race's values.
///
/// Races happens-before sees are ``RaceDetector``'s (observed races); this plugin reports only the
/// ones it does not, as their own kind (``FindingKind/predictedDataRace``), grouped like observed
/// races by the pair of places. Each finding says which lock ordered the pair in this run and
/// which critical sections would swap.
///
/// What is kept as hard order (never reordered): reader-writer locks (both sides), and every lock
/// once the critical-section logs outgrow their budget (``sectionWordLimit``; the summary says so).
/// Traces of more than ``threadLimit`` threads are predicted up to the event that declares one more.
/// Accesses that are atomic, or that race with atomic ones, are not predicted (the race detector
/// still reports those it observes).
///
/// JSON fields: `"first"`, `"second"` (the earlier and later access), `"orderedBy"` (the lock whose
/// hand-over ordered them, when one lock did), `"variables"`, `"racingPairs"`.
public final class RacePredictor: AnalysisPlugin {
    public let name = "predicted-race"
    public let summary = "predicted data races: conflicting accesses that only this run's lock order kept apart (WCP)"
    public let operations = TraceOperationSet.all

    /// Threads a trace may have for prediction: clocks are dense, one entry per thread.
    public static let threadLimit = 4_096
    /// Words of critical-section logs kept at most (4 bytes each: 64M words, 256 MB).
    public static let sectionWordLimit = 64 << 20

    private var order: WeakCausalOrder?
    /// Per variable (by object index), its remembered plain accesses.
    private var variables: [PredictedVariable] = []
    private var groups = RaceGroups()
    private var racingPairs = 0
    /// Per thread, the last acquisition and release of each lock: the evidence of a prediction.
    private var lockUses: [[Int: LockUse]] = []
    /// The event index at which prediction stopped (a trace of too many threads), if it did.
    private var stoppedAt: UInt64?

    /// A thread's last acquisition and release of a lock.
    struct LockUse {
        var acquired: (index: UInt64, location: StringID?)?
        var released: (index: UInt64, location: StringID?)?
    }

    /// The budget of critical-section words this predictor keeps before every lock becomes hard order.
    private let sectionWordLimitUsed: Int

    /// Creates a predictor for one replay, keeping at most `sectionWordLimit` words of critical-section
    /// logs (a smaller budget is for tests of what happens past it).
    public init(sectionWordLimit: Int = RacePredictor.sectionWordLimit) {
        self.sectionWordLimitUsed = sectionWordLimit
    }

    public func handle(_ event: TraceEvent, in context: AnalysisContext) {
        guard self.stoppedAt == nil else { return }
        let order: WeakCausalOrder
        if let existing = self.order {
            order = existing
        } else {
            order = WeakCausalOrder(
                sectionWordLimit: self.sectionWordLimitUsed,
                kindOf: { [unowned context] in context.symbols.objects[$0].kind },
                capacityOf: { [unowned context] in context.symbols.objects[$0].capacity }
            )
            self.order = order
        }
        let thread = event.thread.index
        if thread >= Self.threadLimit || ((event.operation == .fork || event.operation == .join) && event.otherThread.index >= Self.threadLimit) {
            self.stoppedAt = context.eventIndex
            return
        }
        order.apply(event)
        switch event.operation {
        case .read, .write:
            self.access(event, thread: thread, order: order, context: context)
        case .acquire, .readAcquire:
            self.use(thread, event.object.index) { $0.acquired = (context.eventIndex, event.location) }
        case .release, .readRelease:
            self.use(thread, event.object.index) { $0.released = (context.eventIndex, event.location) }
        default:
            break
        }
    }

    private func use(_ thread: Int, _ lock: Int, _ update: (inout LockUse) -> Void) {
        if thread >= self.lockUses.count { self.lockUses.append(contentsOf: repeatElement([:], count: thread + 1 - self.lockUses.count)) }
        update(&self.lockUses[thread][lock, default: LockUse()])
    }

    private func access(_ event: TraceEvent, thread: Int, order: WeakCausalOrder, context: AnalysisContext) {
        let object = event.object.index
        if object >= self.variables.count {
            self.variables.append(contentsOf: repeatElement(PredictedVariable(), count: max(object + 1, self.variables.count * 2, 1024) - self.variables.count))
        }
        let now = PredictedAccess(
            thread: Int32(thread), time: order.localTime(thread), epoch: context.happensBefore.epoch(of: event.thread),
            index: context.eventIndex, event: event
        )
        if let write = self.variables[object].write, self.check(write, now, order: order, context: context), event.operation == .read {
            // The read saw that write without WCP ordering them: it read from it, so any schedule
            // that gets this thread past the read ran the write first (later pairs with it have
            // no schedule of their own).
            order.readFrom(Int(write.thread), at: write.time, clock: self.variables[object].writeClock, by: thread)
        }
        if event.operation == .write {
            for read in self.variables[object].reads { self.check(read, now, order: order, context: context) }
            self.variables[object].reads.removeAll(keepingCapacity: true)
            self.variables[object].write = now
            self.variables[object].writeClock = order.wcpClock(of: thread)
            order.tick(thread)
        } else if let mine = self.variables[object].reads.firstIndex(where: { $0.thread == now.thread }) {
            self.variables[object].reads[mine] = now
        } else {
            self.variables[object].reads.append(now)
        }
    }

    /// Reports `earlier` and `later` when WCP leaves them unordered and happens-before orders them;
    /// returns whether WCP leaves them unordered (a race, observed or predicted).
    @inline(__always) @discardableResult
    private func check(_ earlier: PredictedAccess, _ later: PredictedAccess, order: WeakCausalOrder, context: AnalysisContext) -> Bool {
        guard earlier.thread != later.thread, !order.isOrdered(Int(earlier.thread), at: earlier.time, before: Int(later.thread)) else { return false }
        // Unordered in happens-before too: an observed race, the race detector's.
        if context.happensBefore.happensBefore(earlier.epoch, later.event.thread) { self.predict(earlier, later, context: context) }
        return true
    }

    private func predict(_ earlier: PredictedAccess, _ later: PredictedAccess, context: AnalysisContext) {
        self.racingPairs += 1
        let variable = later.event.object
        let places = RaceGroups.Places(
            self.groups.site(of: earlier.event.location, in: context), self.groups.site(of: later.event.location, in: context), variable: variable
        )
        func described() -> [FindingEvent] {
            [
                context.describe(later.event, role: FindingText(RaceDetector.noun(later.event)), index: later.index),
                context.describe(earlier.event, role: FindingText("Previous " + RaceDetector.noun(earlier.event).lowercased()), index: earlier.index),
            ]
        }
        self.groups.add(places, variable: variable, locations: (earlier.event.location, later.event.location), accesses: described) {
            let events = described()
            let laterNoun = RaceDetector.noun(later.event).lowercased()
            let earlierNoun = RaceDetector.noun(earlier.event).lowercased()
            let what: FindingText = "\(laterNoun) by \(thread: later.event.thread) would race with \(earlierNoun) by \(thread: earlier.event.thread)"
            var fields: [String: FindingValue] = ["first": .event(events[1]), "second": .event(events[0])]
            var details: [FindingText] = []
            if let swap = self.swap(earlier, later) {
                fields["orderedBy"] = .text("\(object: swap.lock)")
                let released: FindingText = swap.releasedAt.map { " at \(location: $0)" } ?? ""
                let acquired: FindingText = swap.acquiredAt.map { " at \(location: $0)" } ?? ""
                details.append(
                    "Ordered in this run only by \(object: swap.lock): \(thread: earlier.event.thread) released it\(released) after the \(earlierNoun), "
                        + "then \(thread: later.event.thread) acquired it\(acquired) before the \(laterNoun)\(swap.direct ? "" : " (through further lock hand-overs)")."
                )
                details.append(
                    "Predicted: had \(thread: later.event.thread)'s critical section on \(object: swap.lock) run before \(thread: earlier.event.thread)'s, "
                        + "the two accesses would not be ordered: a data race (or that schedule deadlocks first)."
                )
            } else {
                details.append("Ordered in this run only by lock hand-overs between the two threads; with those critical sections run in the other order the accesses would not be ordered.")
            }
            details.append(
                "Why this is a real schedule: every thread takes the same steps in the same order, every read sees the write it saw, "
                    + "and every fork, join, channel, wait group, semaphore, condition and atomic edge is kept (weak causal precedence)."
            )
            return Finding(
                kind: .predictedDataRace,
                title: "PREDICTED DATA RACE",
                message: "predicted data race on \(object: variable): \(what) in another schedule",
                variable: variable,
                objects: [context.object(variable)],
                events: events,
                details: details,
                fields: fields
            )
        }
    }

    /// The lock whose hand-over ordered `earlier` before `later` in this run: one the earlier thread
    /// released after its access and the later thread acquired before its own, directly after that
    /// release when one fits.
    private func swap(_ earlier: PredictedAccess, _ later: PredictedAccess) -> (lock: ObjectID, releasedAt: StringID?, acquiredAt: StringID?, direct: Bool)? {
        let first = Int(earlier.thread)
        let second = Int(later.thread)
        guard first < self.lockUses.count, second < self.lockUses.count else { return nil }
        var best: (lock: ObjectID, releasedAt: StringID?, acquiredAt: StringID?, direct: Bool, release: UInt64)?
        for (lock, use) in self.lockUses[first] {
            guard let released = use.released, released.index > earlier.index,
                let acquired = self.lockUses[second][lock]?.acquired, acquired.index < later.index
            else { continue }
            let direct = acquired.index > released.index
            let candidate = (lock: ObjectID(UInt32(lock)), releasedAt: released.location, acquiredAt: acquired.location, direct: direct, release: released.index)
            if let current = best {
                if (direct && !current.direct) || (direct == current.direct && released.index < current.release) { best = candidate }
            } else {
                best = candidate
            }
        }
        return best.map { ($0.lock, $0.releasedAt, $0.acquiredAt, $0.direct) }
    }

    public func finish(in context: AnalysisContext) -> [Finding] {
        self.groups.groups.map { group in
            var finding = group.finding
            finding.fields["racingPairs"] = .integer(group.pairs)
            finding.fields["variables"] = .texts(group.variables.map { "\(object: $0)" })
            let count = group.variables.count
            if count > 1 {
                finding.objects = group.variables.map { context.object($0) }
                let shown = group.variables.prefix(RaceDetector.variablesNamed).map { "\(object: $0)" as FindingText }
                let more = count > RaceDetector.variablesNamed ? ", and \(count - RaceDetector.variablesNamed) more" : ""
                finding.message = "predicted data race on \(count) variables at the same two places (\(FindingText.joined(shown.prefix(3), separator: ", "))\(count > 3 ? ", …" : ""))"
                finding.details.append("\(count) variables would race at these two places, \(group.pairs) predicted racing pairs in all: \(FindingText.joined(shown, separator: ", "))\(more).")
            } else if group.pairs > 1 {
                finding.details.append("\(group.pairs) predicted racing pairs of accesses at these places.")
            }
            return finding
        }
    }

    public func summaryLines(in context: AnalysisContext) -> [String] {
        let part = context.reachesProgramEnd ? "" : " in the analysed part"
        var lines: [String]
        if self.groups.groups.isEmpty {
            lines = ["no predicted races" + part]
        } else {
            let variables = self.groups.racingVariables.count
            let places = self.groups.groups.count
            lines = [
                "\(variables) predicted racing variable\(variables == 1 ? "" : "s"), \(self.racingPairs) predicted racing pair\(self.racingPairs == 1 ? "" : "s") "
                    + "at \(places) distinct pair\(places == 1 ? "" : "s") of source locations" + part + " (ordered in this run only by the order locks were taken)"
            ]
        }
        if let stoppedAt = self.stoppedAt {
            lines.append("prediction stopped at event \(stoppedAt): the trace has more than \(Self.threadLimit) threads")
        }
        if self.order?.sectionLimitReached == true {
            lines.append("locks were kept in their recorded order past \(self.sectionWordLimitUsed) words of critical sections: fewer races predicted, none wrongly")
        }
        return lines
    }
}

/// An access as the predictor remembers it: its thread and local time (for WCP), its happens-before
/// epoch (to leave observed races to the race detector), and the event.
struct PredictedAccess {
    var thread: Int32
    var time: UInt32
    var epoch: Epoch
    var index: UInt64
    var event: TraceEvent
}

/// A variable's last write (and its thread's WCP clock there, shared with the thread's until that
/// changes), and each thread's last read since.
struct PredictedVariable {
    var write: PredictedAccess?
    var writeClock = LocalTimeClock()
    var reads: [PredictedAccess] = []
}

extension FindingKind {
    /// A data race another schedule would show (``RacePredictor``).
    public static let predictedDataRace: FindingKind = "predicted data race"
}
