import SyncTraceFormat
import SyncTraceReplay

/// The events around each finding, for the HTML report's timelines: a second replay of the trace
/// that keeps, on every thread of a finding, the events just before and just after each of the
/// finding's events, with the happens-before edge (``CrossThreadEdges``) that ends at each.
///
/// The findings come from a first replay of the same trace; a replay's order is a function of the
/// trace alone, so a finding's event indices name the same events here. Each is checked (its
/// thread and operation): a neighbourhood whose events do not match is marked ``Neighbourhood/matches``
/// false and not drawn.
///
/// Memory is bounded by the findings drawn: a ring of ``around`` events per thread that a finding
/// names, the events kept per finding, and the edge tracker's state per thread and object.
final class FindingNeighbourhoods: AnalysisPlugin {
    let name = "report-timelines"
    let summary = "the events around each finding, for the HTML report's timelines"
    let operations = TraceOperationSet(TraceOperation.allCases)

    /// An event as a timeline draws it.
    struct Shown {
        var index: UInt64
        var event: TraceEvent
        /// The edge from another thread that ends at it, if one does.
        var incoming: Incoming?
    }

    /// An edge's start: the thread and replay index of the event it leaves.
    struct Incoming {
        var thread: ThreadID
        var index: UInt64
        var kind: CrossThreadEdges<UInt64>.Kind
    }

    /// One finding's surroundings.
    struct Neighbourhood {
        /// The finding's position in the report.
        var finding: Int
        /// The threads drawn: the finding's, in the order its events name them.
        var threads: [ThreadID]
        /// Whether every event of the finding was found at its index.
        var matches = true
        fileprivate var kept: [UInt64: Shown] = [:]

        /// The events drawn, in replay order.
        var events: [Shown] { self.kept.values.sorted { $0.index < $1.index } }
    }

    /// Events kept before and after each of a finding's events, on its thread.
    let around: Int
    private(set) var neighbourhoods: [Neighbourhood]

    /// The findings' events by replay index, in index order, and the next one to reach.
    private let wanted: [(index: UInt64, neighbourhood: Int, event: TraceEvent)]
    private var nextWanted = 0
    /// Per thread (by index): its ring's slot in `rings`, or -1 for a thread no finding names.
    private var ringSlot: [Int] = []
    private var rings: [[Shown]] = []
    private var ringHeads: [Int] = []
    /// Per ring slot: the neighbourhoods still taking the thread's next events, and how many more.
    private var following: [[(neighbourhood: Int, remaining: Int)]] = []
    private var edges = CrossThreadEdges<UInt64>()

    /// Collects the surroundings of the first `limit` of `findings`, `around` events on each side
    /// of each of their events.
    init(findings: [Finding], limit: Int, around: Int = 8) {
        self.around = around
        var neighbourhoods: [Neighbourhood] = []
        var wanted: [(index: UInt64, neighbourhood: Int, event: TraceEvent)] = []
        for (position, finding) in findings.prefix(limit).enumerated() where !finding.events.isEmpty {
            var threads: [ThreadID] = []
            for event in finding.events where !threads.contains(event.threadID) { threads.append(event.threadID) }
            for event in finding.events { wanted.append((event.index, neighbourhoods.count, event.event)) }
            neighbourhoods.append(Neighbourhood(finding: position, threads: threads))
        }
        self.neighbourhoods = neighbourhoods
        self.wanted = wanted.sorted { $0.index < $1.index }
        let threads = Set(neighbourhoods.flatMap(\.threads))
        let highest = threads.map(\.index).max() ?? -1
        self.ringSlot = Array(repeating: -1, count: highest + 1)
        for thread in threads.sorted(by: { $0.index < $1.index }) {
            self.ringSlot[thread.index] = self.rings.count
            self.rings.append([])
            self.ringHeads.append(0)
            self.following.append([])
        }
    }

    func handle(_ event: TraceEvent, in context: AnalysisContext) {
        let index = context.eventIndex
        var incoming: Incoming?
        self.edges.show(event, at: index) { source, kind in
            // A fork's edge and the event's own may both end here: the event's own is the one drawn.
            incoming = Incoming(thread: source.thread, index: source.mark, kind: kind)
        }
        let thread = event.thread.index
        guard thread < self.ringSlot.count, case let slot = self.ringSlot[thread], slot >= 0 else { return }
        let shown = Shown(index: index, event: event, incoming: incoming)
        // The events after a finding's event on this thread.
        if !self.following[slot].isEmpty {
            for position in self.following[slot].indices.reversed() {
                let (neighbourhood, remaining) = self.following[slot][position]
                self.neighbourhoods[neighbourhood].kept[index] = shown
                if remaining <= 1 {
                    self.following[slot].remove(at: position)
                } else {
                    self.following[slot][position].remaining = remaining - 1
                }
            }
        }
        while self.nextWanted < self.wanted.count, self.wanted[self.nextWanted].index <= index {
            let wanted = self.wanted[self.nextWanted]
            self.nextWanted += 1
            guard wanted.index == index else { continue }
            let neighbourhood = wanted.neighbourhood
            if wanted.event.thread != event.thread || wanted.event.operation != event.operation {
                self.neighbourhoods[neighbourhood].matches = false
                continue
            }
            // The ring holds this thread's events before this one.
            for earlier in self.rings[slot] { self.neighbourhoods[neighbourhood].kept[earlier.index] = earlier }
            self.neighbourhoods[neighbourhood].kept[index] = shown
            self.following[slot].append((neighbourhood, self.around))
        }
        if self.rings[slot].count < self.around {
            self.rings[slot].append(shown)
        } else if self.around > 0 {
            self.rings[slot][self.ringHeads[slot]] = shown
            self.ringHeads[slot] = (self.ringHeads[slot] + 1) % self.around
        }
    }

    func finish(in context: AnalysisContext) -> [Finding] {
        // A finding event the replay never reached (a trace that changed between the passes).
        for wanted in self.wanted[self.nextWanted...] { self.neighbourhoods[wanted.neighbourhood].matches = false }
        return []
    }
}
