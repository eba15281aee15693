public import SyncTraceFormat
public import SyncTraceReplay

/// Finds deadlocks: those that could happen (a cycle in the lock-order graph), those that did (the
/// trace ends with threads waiting for one another), and a thread taking a lock it already holds.
///
/// **Potential.** Whenever a thread takes lock M2 while holding M1, the lock-order graph gets the
/// edge M1 → M2, with the thread, where M1 was taken and where M2 was requested. A cycle of any
/// length is reported once, when one way of taking each of its edges can be found such that:
/// - the edges come from different threads (one thread cannot wait at two places);
/// - no lock outside the cycle is held across all of them (a gate lock), unless every edge holds it
///   only for reading;
/// - two read sides never meet (edge i asks for lock i+1 for reading while edge i+1 holds it for
///   reading: readers do not block each other);
/// - no edge's request happens before another's by synchronization other than locks — fork/join,
///   channels, wait groups, atomics, semaphores, conditions: the replay's happens-before without lock
///   edges (``AnalysisContext/happensBeforeWithoutLocks``, which the detector declares in
///   ``requirements``). An order that comes only through a lock's release and acquisition is an
///   accident of the recorded schedule and clears nothing.
///
/// **Confirmed.** A detector made with `confirmingCycles` (`analyze --predict`) checks each potential
/// deadlock for a schedule that deadlocks on it — a sync-preserving reordering of the trace
/// (``DeadlockWitnessSearch``, over the ``WitnessRecord`` kept in the pass) — and marks the finding
/// `POTENTIAL DEADLOCK (CONFIRMED)` with the schedule (field `"confirmed"`, and `"witness"`: how many
/// events of each thread it runs), or says why none exists.
///
/// **Self.** A thread asking for (`req`) or taking (`acq`, `racq`) a lock it holds for writing, or
/// taking for writing a lock it holds for reading: a non-recursive lock never gives it.
///
/// **Actual.** At the end of the trace, a thread whose last events are `req`s it never got is blocked
/// forever. Threads waiting for locks held by one another in a cycle are reported as a deadlock;
/// every other blocked thread is reported with what it waits for (and who holds it), like Go's
/// "all goroutines are asleep". These end-of-trace reports are made only when the trace reaches the
/// program's end (``AnalysisContext/reachesProgramEnd``): a trace cut short is analysed up to its
/// consistent cut, where a `req` may wait for an `acq` the cut lost, so its waiting threads say
/// nothing (its lock-order cycles and self-deadlocks are real and are reported). A trace a signal
/// handler finished reports the threads blocked when the process got the signal.
///
/// Memory grows with threads, locks, distinct lock-order edges and the acquisitions threads hold at
/// once, never with events; time with the events and, at each acquisition, the distinct locks held.
/// A lock taken again while held is counted in its entry (``HeldLocks``), the locks held at a request
/// are one interned set (``GateSets``) however many edges it adds, and an edge is a few integers
/// (``LockOrderGraph``): one thread nesting 2,000 locks adds 2 million edges in about 150 MB.
public final class DeadlockDetector: AnalysisPlugin {
    public let name = "deadlock"
    public let summary = "deadlocks: lock-order cycles that could deadlock, threads that did, and locks taken twice"
    /// Every operation but plain accesses and `begin`/`end`: besides the lock operations, any other
    /// event of a thread shows that it went on past its requests. A detector that confirms cycles
    /// (``confirmsCycles``) takes every operation: the search for a schedule counts each thread's
    /// events and follows what each read saw.
    public let operations: TraceOperationSet
    /// Whether each potential deadlock is checked for a schedule that deadlocks (`analyze
    /// --predict`): a sync-preserving reordering of the trace — every read sees the value it saw,
    /// every lock's critical sections keep their order — that stops each thread of the cycle holding
    /// its lock and asking for the next. The finding says whether one exists and, when it does,
    /// how far each thread runs in it. Costs a record of the trace's order: see
    /// ``confirmationWordLimit``.
    public let confirmsCycles: Bool
    /// Words (four bytes) the record behind ``confirmsCycles`` may keep; past them the record stops
    /// and the summary says the cycles were not checked.
    public let confirmationWordLimit: Int
    /// Threads the confirmation follows at most (its clocks are dense, by thread); past them it stops.
    public static let confirmationThreadLimit = 4096
    /// Edges followed and lock visits the search for schedules may spend over all cycles; past them
    /// the remaining cycles are reported as not checked.
    public var confirmationBudget = 50_000_000
    /// Happens-before without lock edges, to clear cycles whose requests are ordered otherwise.
    public let requirements = AnalysisRequirements.happensBeforeWithoutLocks

    /// Cycles searched at most (option `max-cycles`, which overrides it when given).
    public var maximumCycles = 10_000
    /// How much searching for a feasible way to take each cycle found may cost, over all of them
    /// (option `assignment-budget`).
    public var assignmentBudget = 1_000_000
    /// Edge visits the search for cycles longer than two may spend (two-lock cycles are always all
    /// found; option `search-steps`).
    public var searchSteps = 5_000_000

    /// The search's three limits, for a user whose lock-order graph is too large for them ("search
    /// stopped at its limit" in the summary) or who wants a bounded run; a value given overrides
    /// the property of the same meaning.
    public var options: [PluginOption] {
        [
            .integer("max-cycles", default: self.maximumCycles, in: 1...Int.max, help: "lock-order cycles examined at most"),
            .integer(
                "search-steps",
                default: self.searchSteps,
                in: 0...Int.max,
                help: "edge visits the search for cycles of three or more locks may spend (two-lock cycles are always all examined)"
            ),
            .integer(
                "assignment-budget",
                default: self.assignmentBudget,
                in: 0...Int.max,
                help: "work spent finding, for the cycles found, a way to take each edge by a thread of its own"
            ),
        ]
    }

    struct ThreadState {
        var held = HeldLocks()
        /// The `req`s since the thread's last other event: what it waits for, if it never continues.
        var requests: [IndexedEvent] = []
    }

    // Read and written on every lock event, never while another access to them is open (the one
    // overlap, `graph` and `threads` in `addEdges`, is of two different properties): unchecked,
    // like the other detectors' per-event tables, to spare a dynamic exclusivity check each time.
    /// Per thread (by index), its locks and requests: a flat array, so that changing a thread's
    /// state in place costs no uniqueness check of the table (several per lock event).
    @exclusivity(unchecked) private var threads = FlatArray<ThreadState>()
    @exclusivity(unchecked) private var graph = LockOrderGraph()
    private var selfDeadlocks: [Finding] = []
    private var selfReported: Set<UInt64> = []
    private var findings: [Finding] = []
    /// The trace's order as a schedule search needs it, when confirming cycles.
    private let record: WitnessRecord?
    /// Potential deadlocks confirmed by a schedule, refuted, and left unchecked.
    private var confirmedCount = 0
    private var uncheckedCount = 0
    private var uncheckedReason: String?
    private var cyclesSearched = 0
    private var searchStopped = false
    private var potentialCount = 0
    /// Lock-order cycles behind the potential deadlocks: more than their count when call sites repeat.
    private var potentialCycles = 0
    private var actualCount = 0
    private var blockedCount = 0
    /// The most entries one thread's held locks had at once, and the gate sets the last cycle search spelled out.
    private var deepestHeld = 0
    private var gateSetsSpelledOut = 0

    /// What the detector's memory grows with, for tests that it stays near-linear in the trace.
    struct Storage: Equatable {
        /// Pairs of locks (the graph's edges), ways of taking them, and the acquisitions they refer to.
        var pairs: Int
        var ways: Int
        var requests: Int
        var heldAcquisitions: Int
        /// Distinct gate sets, and the `set + lock` steps remembered to find them.
        var gateSets: Int
        var gateSetSteps: Int
        /// The most entries one thread's held locks had at once (re-entries are counted inside one),
        /// and how many entries acquisitions walked to add edges.
        var deepestHeld: Int
        var entriesWalked: Int
        /// Gate sets the cycle search spelled out in full.
        var gateSetsSpelledOut: Int
    }

    /// The sizes of the detector's structures now.
    var storage: Storage {
        Storage(
            pairs: self.graph.pairCount,
            ways: self.graph.wayCount,
            requests: self.graph.requestCount,
            heldAcquisitions: self.graph.heldAcquisitionCount,
            gateSets: self.graph.gateSets.count,
            gateSetSteps: self.graph.gateSets.transitionCount,
            deepestHeld: self.deepestHeld,
            entriesWalked: self.graph.entriesWalked,
            gateSetsSpelledOut: self.gateSetsSpelledOut
        )
    }

    /// Creates a detector for one replay.
    public convenience init() {
        self.init(confirmingCycles: false)
    }

    /// Creates a detector for one replay that, when `confirmingCycles`, checks each potential
    /// deadlock for a schedule that deadlocks (``confirmsCycles``), keeping at most `wordLimit`
    /// words (256 MB by default) to do it.
    public init(confirmingCycles: Bool, wordLimit: Int = 64 << 20) {
        self.confirmsCycles = confirmingCycles
        self.confirmationWordLimit = wordLimit
        self.record = confirmingCycles ? WitnessRecord(wordLimit: wordLimit, threadLimit: Self.confirmationThreadLimit) : nil
        self.operations = TraceOperationSet(TraceOperation.allCases.filter { operation in
            switch operation {
            case .read, .write, .begin, .end: confirmingCycles
            default: true
            }
        })
    }

    public func handle(_ event: TraceEvent, in context: AnalysisContext) {
        if let record = self.record {
            record.apply(event, index: context.eventIndex)
            // Accesses and atomic blocks come only for the record: the detector's rules are as without it.
            switch event.operation {
            case .read, .write, .begin, .end: return
            default: break
            }
        }
        let thread = event.thread.index
        if thread >= self.threads.count {
            self.threads.grow(to: thread + 1, filling: ThreadState())
        }
        switch event.operation {
        case .request:
            self.request(IndexedEvent(event: event, index: context.eventIndex), in: context)
            return
        case .acquire, .readAcquire:
            self.acquire(IndexedEvent(event: event, index: context.eventIndex), reading: event.operation == .readAcquire, in: context)
        case .release, .readRelease:
            self.release(event)
        default:
            break
        }
        // Most events follow no request: leave the (empty) array alone rather than check it for uniqueness.
        if !self.threads[thread].requests.isEmpty { self.threads[thread].requests.removeAll(keepingCapacity: true) }
    }

    // MARK: Locks

    private func request(_ request: IndexedEvent, in context: AnalysisContext) {
        let event = request.event
        let thread = event.thread.index
        self.threads[thread].requests.append(request)
        // Looked up in place: a copy of the held locks would retain their storage on every request.
        if let position = self.threads[thread].held.newest(of: event.object, reading: nil),
            !self.threads[thread].held.entries[position].reading
        {
            self.reportSelf(held: self.threads[thread].held.entries[position], again: request, in: context)
        }
    }

    private func acquire(_ acquisition: IndexedEvent, reading: Bool, in context: AnalysisContext) {
        let event = acquisition.event
        let thread = event.thread.index
        // The common case, a lock taken with nothing held, adds no edge.
        if !self.threads[thread].held.isEmpty {
            let request = self.threads[thread].requests.last(where: { $0.event.object == event.object }) ?? acquisition
            if let position = self.threads[thread].held.newest(of: event.object, reading: nil) {
                let again = self.threads[thread].held.entries[position]
                if !(again.reading && reading) { self.reportSelf(held: again, again: request, in: context) }
            }
            let site = request.event.location?.rawValue ?? .max
            if !self.threads[thread].held.repeats(event.object, reading: reading, site: site) {
                self.addEdges(to: event, reading: reading, request: request, site: site, in: context)
            }
        }
        self.threads[thread].held.push(event.object, reading: reading, at: acquisition)
        self.deepestHeld = max(self.deepestHeld, self.threads[thread].held.entries.count)
    }

    /// Adds an edge from every lock the thread holds (but `event`'s own) to `event`'s lock.
    private func addEdges(to event: TraceEvent, reading: Bool, request: IndexedEvent, site: UInt32, in context: AnalysisContext) {
        self.graph.addWays(from: &self.threads[event.thread.index].held, to: event.object, by: event.thread, reading: reading, site: site) {
            gates in
            // Kept to compare with other requests at the end: its epoch must stay valid (and the
            // thread must have one: keeping the point starts a thread that has not started there).
            let order = context.happensBeforeWithoutLocks
            order.keepCurrentPoint(of: event.thread)
            guard let slot = order.slot(of: event.thread) else { preconditionFailure("a kept point has a slot") }
            return LockOrderGraph.Request(
                to: event.object,
                thread: event.thread,
                reading: reading,
                site: site,
                event: request,
                gates: gates,
                clock: order.clock(of: event.thread),
                slot: slot
            )
        }
    }

    private func release(_ event: TraceEvent) {
        self.threads[event.thread.index].held.release(event.object, reading: event.operation == .readRelease)
    }

    private func reportSelf(held: HeldLocks.Entry, again: IndexedEvent, in context: AnalysisContext) {
        let key = UInt64(held.lock.rawValue) << 32 | UInt64(again.event.location?.rawValue ?? .max)
        guard self.selfReported.insert(key).inserted else { return }
        let lock = held.lock
        let thread = again.event.thread
        let mode = held.reading ? " for reading" : ""
        self.selfDeadlocks.append(
            Finding(
                kind: .selfDeadlock,
                title: "SELF DEADLOCK",
                message: "self deadlock: \(thread: thread) asks for \(object: lock) while it holds it\(mode); a non-recursive lock never gives it",
                objects: [context.object(held.lock)],
                events: [
                    context.describe(held.latest.event, role: "Acquired \(object: lock)", index: held.latest.index),
                    context.describe(again.event, role: "Requested \(object: lock) again while holding it", index: again.index),
                ],
                fields: ["locks": .texts(["\(object: lock)"]), "threads": .texts(["\(thread: thread)"])]
            )
        )
    }

    // MARK: Findings

    public func finish(in context: AnalysisContext) -> [Finding] {
        self.findings = self.potentialDeadlocks(in: context)
        self.potentialCount = self.findings.count
        // A trace cut short: the threads waiting at its end are not looked at (see `summaryLines`).
        if context.reachesProgramEnd { self.findings += self.actualDeadlocks(in: context) }
        return self.findings + self.selfDeadlocks
    }

    private func potentialDeadlocks(in context: AnalysisContext) -> [Finding] {
        var findings: [Finding] = []
        // Cycles taken at the same call sites are one bug: the first found is the finding, the rest
        // are counted into it (`CycleSites`).
        var findingOfSites: [CycleSites: Int] = [:]
        var repeats: [Int: (cycles: Int, locks: [ObjectID], threads: [ThreadID])] = [:]
        // Per finding, whether a schedule confirmed it: a cycle at the same sites is checked only
        // while none has, and the first confirmed one becomes the finding.
        var confirmed: [Bool] = []
        var unchecked: [Bool] = []
        var witnessSearch = DeadlockWitnessSearch(budget: self.confirmationBudget)
        func found(_ edges: [LockOrderEdge]) {
            let sites = CycleSites(edges)
            if let index = findingOfSites[sites] {
                if let record = self.record, !confirmed[index], case .confirmed(let prefixes) = witnessSearch.check(edges, in: record) {
                    findings[index] = self.potentialFinding(edges, in: context)
                    self.markConfirmed(&findings[index], prefixes: prefixes)
                    confirmed[index] = true
                    unchecked[index] = false
                }
                var known = repeats[index] ?? (0, [], [])
                known.cycles += 1
                for edge in edges where !known.locks.contains(edge.from) { known.locks.append(edge.from) }
                for edge in edges where !known.threads.contains(edge.thread) { known.threads.append(edge.thread) }
                repeats[index] = known
            } else {
                findingOfSites[sites] = findings.count
                var finding = self.potentialFinding(edges, in: context)
                var isConfirmed = false
                var isUnchecked = false
                if let record = self.record {
                    switch witnessSearch.check(edges, in: record) {
                    case .confirmed(let prefixes):
                        self.markConfirmed(&finding, prefixes: prefixes)
                        isConfirmed = true
                    case .refuted(let reason):
                        finding.fields["confirmed"] = .boolean(false)
                        finding.details.append("Not confirmed: \(reason). It may still deadlock in a schedule that changes the order of a lock's critical sections.")
                    case .unchecked(let reason):
                        finding.fields["confirmed"] = .boolean(false)
                        finding.details.append("Not checked for a schedule: \(reason).")
                        self.uncheckedReason = self.uncheckedReason ?? reason
                        isUnchecked = true
                    }
                }
                confirmed.append(isConfirmed)
                unchecked.append(isUnchecked)
                findings.append(finding)
            }
        }
        // One copy, read from here on: `self.graph` read inside the loop and the closure below would
        // be copied (its arrays retained) on every cycle, and checked for exclusive access.
        let graph = self.graph
        // Given options win over the properties (which tests and custom builds set directly).
        let options = context.optionValues(for: self)
        let maximumCycles = options.isGiven("max-cycles") ? options.integer("max-cycles") : self.maximumCycles
        let assignmentBudget = options.isGiven("assignment-budget") ? options.integer("assignment-budget") : self.assignmentBudget
        var search = AssignmentSearch(budget: assignmentBudget)
        // Two-lock inversions first, all of them, straight from the pairs: the deadlocks programs have.
        var inversions = 0
        for inversion in graph.inversions() {
            inversions += 1
            if let edges = graph.feasibleAssignment(of: inversion, search: &search) { found(edges) }
        }
        // Then longer cycles, with Johnson's search, as far as its budgets go.
        let (locks, successors) = graph.nodes()
        var steps = options.isGiven("search-steps") ? options.integer("search-steps") : self.searchSteps
        // Each edge of a reportable cycle comes from a thread of its own.
        let threadCount = graph.threadCount()
        let found = ElementaryCycles(successors: successors).forEach(limit: maximumCycles, steps: &steps) { cycle in
            guard cycle.count > 2, cycle.count <= threadCount else { return true }
            if let edges = graph.feasibleAssignment(of: cycle.map { locks[$0] }, search: &search) { found(edges) }
            return search.budget > 0
        }
        self.cyclesSearched = max(found, inversions)
        self.searchStopped = found >= maximumCycles || search.budget <= 0 || steps < 0
        self.gateSetsSpelledOut = search.gates.spelledOut
        self.potentialCycles = findings.count
        self.confirmedCount = confirmed.filter { $0 }.count
        self.uncheckedCount = unchecked.filter { $0 }.count
        for (index, known) in repeats {
            self.potentialCycles += known.cycles
            let others = known.locks.filter { lock in !findings[index].objects.contains { $0.id == lock } }
            var line: FindingText = "The same call sites take \(known.cycles) more lock-order cycle\(known.cycles == 1 ? "" : "s")"
            if !others.isEmpty {
                let shown = others.prefix(8).map { "\(object: $0)" as FindingText }
                line = line + " through \(FindingText.joined(shown, separator: ", "))\(others.count > 8 ? " and \(others.count - 8) more locks" : "")"
            }
            findings[index].details.append(line + ": one fix for all.")
            findings[index].fields["cycles"] = .integer(known.cycles + 1)
            findings[index].fields["cycleThreads"] = .integer(Set(known.threads).union(self.threadsOf(findings[index])).count)
        }
        return findings
    }

    /// The threads a potential-deadlock finding's events belong to.
    private func threadsOf(_ finding: Finding) -> Set<ThreadID> {
        Set(finding.events.map(\.threadID))
    }

    private func potentialFinding(_ edges: [LockOrderEdge], in context: AnalysisContext) -> Finding {
        let names: [FindingText] = edges.map { "\(object: $0.from)" }
        let threadNames: [FindingText] = edges.map { "\(thread: $0.thread)" }
        let order = FindingText.joined(names + [names[0]], separator: " → ")
        var events: [FindingEvent] = []
        var details: [FindingText] = ["Lock order: \(order)"]
        for edge in edges {
            let held: FindingText = edge.heldForReading ? "\(object: edge.from) (read)" : "\(object: edge.from)"
            let wanted: FindingText = edge.requestedForReading ? "\(object: edge.to) (read)" : "\(object: edge.to)"
            events.append(context.describe(edge.held.event, role: "Acquired \(held)", index: edge.held.index))
            events.append(context.describe(edge.request.event, role: "Requested \(wanted) while holding \(object: edge.from)", index: edge.request.index))
            details.append("\(thread: edge.thread) holds \(held) and asks for \(wanted).")
        }
        return Finding(
            kind: .potentialDeadlock,
            title: "POTENTIAL DEADLOCK",
            message: "potential deadlock: lock-order cycle \(order) taken by \(FindingText.joined(threadNames, separator: ", "))",
            objects: edges.map { context.object($0.from) },
            events: events,
            details: details,
            fields: ["locks": .texts(names), "threads": .texts(threadNames)]
        )
    }

    /// Marks `finding` as confirmed by the schedule in which each thread runs its first
    /// `prefixes[i].events` events.
    private func markConfirmed(_ finding: inout Finding, prefixes: [(thread: Int, events: UInt32)]) {
        finding.title = "POTENTIAL DEADLOCK (CONFIRMED)"
        finding.message = ("confirmed " as FindingText) + finding.message
        finding.fields["confirmed"] = .boolean(true)
        func threadName(_ index: Int) -> FindingText { "\(thread: ThreadID(UInt32(index)))" }
        let runs: [FindingText] = prefixes.prefix(8).map { prefix in
            prefix.events == 1 ? "\(threadName(prefix.thread))'s first event" : "\(threadName(prefix.thread))'s first \(prefix.events) events"
        }
        let more: FindingText = prefixes.count > 8 ? " (and \(prefixes.count - 8) more threads part of theirs)" : ""
        finding.details.append(
            "Confirmed: a schedule deadlocks here. Run, in the recorded order, \(FindingText.joined(runs, separator: ", "))\(more); every thread of the cycle then holds its lock and waits for the next one's. The schedule keeps each lock's critical sections in their recorded order and every read sees the value it saw."
        )
        // For tools: each thread of the schedule and how many of its events it runs, "T1:4".
        finding.fields["witness"] = .texts(prefixes.map { "\(threadName($0.thread)):\($0.events)" })
    }

    private func actualDeadlocks(in context: AnalysisContext) -> [Finding] {
        let blocked = BlockedThreads(threads: (0..<self.threads.count).map { self.threads[$0] })
        var findings: [Finding] = []
        let cycles = blocked.lockCycles()
        for cycle in cycles {
            findings.append(blocked.deadlockFinding(cycle, in: context))
        }
        let inCycles = Set(cycles.joined())
        let selfBlocked = Set(blocked.selfBlocked())
        self.actualCount = findings.count
        let others = blocked.waiting.filter { !inCycles.contains($0) && !selfBlocked.contains($0) }
        self.blockedCount = others.count
        if !others.isEmpty {
            findings.append(blocked.blockedFinding(others, deadlocked: inCycles, in: context))
        }
        return findings
    }

    public func summaryLines(in context: AnalysisContext) -> [String] {
        var parts: [String] = []
        func counted(_ count: Int, _ noun: String) -> String { "\(count) \(noun)\(count == 1 ? "" : "s")" }
        if self.actualCount > 0 { parts.append(counted(self.actualCount, "deadlock")) }
        if self.blockedCount > 0 {
            let when = context.ending.signal.map { "blocked at \(TraceEnding.describe(signal: $0))" } ?? "blocked forever"
            parts.append("\(counted(self.blockedCount, "thread")) \(when)")
        }
        if self.potentialCount > 0 {
            var notes: [String] = []
            if self.potentialCycles > self.potentialCount { notes.append(counted(self.potentialCycles, "lock-order cycle")) }
            if self.record != nil { notes.append("\(self.confirmedCount) confirmed by a schedule") }
            parts.append(counted(self.potentialCount, "potential deadlock") + (notes.isEmpty ? "" : " (\(notes.joined(separator: ", ")))"))
        }
        if !self.selfDeadlocks.isEmpty { parts.append(counted(self.selfDeadlocks.count, "self deadlock")) }
        var lines = [parts.isEmpty ? "no deadlocks" : parts.joined(separator: ", ")]
        if !context.reachesProgramEnd {
            lines[0] += " in the analysed part"
            lines.append("threads waiting at the end of the analysed part are not reported: the trace was cut short, and the program went on")
        }
        if let reason = self.uncheckedReason {
            lines.append("\(counted(self.uncheckedCount, "potential deadlock")) not checked for a schedule: \(reason)")
        }
        lines.append(
            "lock-order graph: \(counted(self.graph.pairCount, "edge")), \(counted(self.cyclesSearched, "cycle")) examined"
                + (self.searchStopped ? " (search stopped at its limit: more cycles may exist)" : "")
        )
        return lines
    }
}

extension FindingKind {
    /// A lock-order cycle that could deadlock (``DeadlockDetector``).
    public static let potentialDeadlock: FindingKind = "potential"
    /// Threads that did deadlock, or are blocked for good, at the end of the trace.
    public static let actualDeadlock: FindingKind = "actual"
    /// A thread asking for a lock it holds.
    public static let selfDeadlock: FindingKind = "self"
}
