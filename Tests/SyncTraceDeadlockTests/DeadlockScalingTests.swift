@testable import DeadlockDetector
import SyncTraceFormat
import SyncTraceReplay
import Testing

/// The detector on the shapes that made it quadratic or worse (deep nesting, deep re-entry, many
/// threads over the same locks): the findings are right, and its structures grow with what the
/// trace holds (`DeadlockDetector.Storage`), not with its square. Counts, never timings.
@Suite("Deadlock detector scaling")
struct DeadlockScalingTests {
    /// The trace analysed by a detector of its own, returned with the report.
    static func analyse(_ lines: [String]) throws -> (report: AnalysisReport, storage: DeadlockDetector.Storage) {
        let detector = DeadlockDetector()
        let report = try TraceAnalysis.run(
            source: TextTraceReader(text: lines.joined(separator: "\n"), fileName: "t.trace"),
            plugins: [detector],
            path: "t.trace"
        )
        return (report, detector.storage)
    }

    /// `count` locks taken one inside the other by `thread`, then released innermost first.
    static func nested(_ count: Int, thread: String = "T0", order: [Int]? = nil, site: String = "n.swift:1") -> [String] {
        let order = order ?? Array(0..<count)
        return order.map { "\(thread)|acq(L\($0))|\(site)" } + order.reversed().map { "\(thread)|rel(L\($0))|\(site)" }
    }

    @Test("2,000 nested locks: every pair once, one request and one gate set per level, no finding")
    func deepNesting() throws {
        let count = 2_000
        let (report, storage) = try Self.analyse(Self.nested(count))
        #expect(report.findings.isEmpty)
        let pairs = count * (count - 1) / 2
        #expect(storage.pairs == pairs)
        #expect(storage.ways == pairs)
        // What the ways share is stored once per acquisition, not once per way.
        #expect(storage.requests == count - 1)
        #expect(storage.heldAcquisitions == count - 1)
        // The held sets {L0}, {L0, L1}, …, and the empty set: one step each, not a copy per edge.
        #expect(storage.gateSets == count)
        #expect(storage.gateSetSteps == count - 1)
        #expect(storage.deepestHeld == count)
        #expect(report.summaries["deadlock"]?.last == "lock-order graph: \(pairs) edges, 0 cycles examined")
    }

    @Test("A lock taken 10,000 times under 100 held locks: the held locks are walked once, not on every turn")
    func loopUnderDeepStack() throws {
        let held = 100
        let turns = 10_000
        let lines = (0..<held).map { "T0|acq(L\($0))|d:1" } + (0..<turns).flatMap { _ in ["T0|acq(X)|d:2", "T0|rel(X)|d:3"] }
            + (0..<held).reversed().map { "T0|rel(L\($0))|d:4" }
        let (report, storage) = try Self.analyse(lines)
        #expect(report.findings.isEmpty)
        #expect(storage.ways == held * (held - 1) / 2 + held)
        // 0 + 1 + … + 99 while nesting, then 100 for the first turn; the other turns repeat it.
        #expect(storage.entriesWalked == held * (held - 1) / 2 + held)
    }

    @Test("100,000 re-entrant acquisitions of one lock are one held entry: one self deadlock, no edge")
    func deepReentry() throws {
        let depth = 100_000
        let lines = ["T0|acq(A)|r.swift:1"] + Array(repeating: "T0|acq(L)|r.swift:2", count: depth) + ["T0|acq(B)|r.swift:3"]
            + ["T0|rel(B)|r.swift:4"] + Array(repeating: "T0|rel(L)|r.swift:5", count: depth) + ["T0|rel(A)|r.swift:6"]
        let (report, storage) = try Self.analyse(lines)
        let finding = try #require(report.findings.only)
        #expect(finding.kind == "self")
        #expect(report.locks(finding) == ["L"])
        // The first re-entry is the one reported (once per site), against the acquisition before it.
        #expect(finding.events.map(\.index) == [1, 2])
        #expect(storage.deepestHeld == 3)
        // A → L holding {A}, and again holding {A, L} (once, whatever the depth); A → B and L → B.
        #expect(storage.ways == 4)
        #expect(storage.gateSets == 3)
    }

    @Test("A self deadlock names the latest acquisition before the repeated request, across sites")
    func reentryAcrossSites() throws {
        let lines = [
            "T0|acq(L)|a:1", "T0|acq(L)|a:2", "T0|acq(L)|a:1", "T0|rel(L)|x:1", "T0|acq(L)|a:3",
        ]
        let (report, storage) = try Self.analyse(lines)
        #expect(report.findings.map(\.kind) == ["self", "self", "self"])
        // Each new site against the newest acquisition held: a:3 against 1, as 2 was released.
        #expect(report.findings.map { $0.events.map(\.index) } == [[0, 1], [1, 2], [1, 4]])
        // One entry per site: a:1 (taken twice), a:2, a:3.
        #expect(storage.deepestHeld == 3)
    }

    @Test("50 threads over A and B in both orders: one potential deadlock; gate sets shared by all threads")
    func manyThreadsTwoOrders() throws {
        var lines = (1...50).map { "T0|fork(T\($0))|m:\($0)" }
        for thread in 1...50 {
            let (first, second) = thread.isMultiple(of: 2) ? ("A", "B") : ("B", "A")
            lines += ["T\(thread)|acq(\(first))|o:1", "T\(thread)|acq(\(second))|o:2", "T\(thread)|rel(\(second))|o:3", "T\(thread)|rel(\(first))|o:4"]
        }
        let (report, storage) = try Self.analyse(lines)
        let finding = try #require(report.findings.only)
        #expect(finding.kind == "potential")
        // B is declared first (T1 takes it first), so the cycle starts there; each edge is named by
        // the first thread that took it: T1 took B then A, T2 A then B.
        #expect(report.locks(finding) == ["B", "A"])
        #expect(report.threads(finding) == ["T1", "T2"])
        #expect(storage.pairs == 2)
        #expect(storage.ways == 50)
        // The empty set, {A} and {B}: each thread's set is the same number as every other's.
        #expect(storage.gateSets == 3)
    }

    @Test("A gate lock held around locks taken in varying orders clears their cycles; equal held sets are one")
    func gatedVaryingOrders() throws {
        var lines = (1...40).map { "T0|fork(T\($0))|m:\($0)" }
        for thread in 1...40 {
            // H first, then G1 and G2 in either order (the same set {H, G1, G2} either way), then A
            // and B in either order: every cycle among G1, G2, A and B is gated by H.
            let gates = thread.isMultiple(of: 2) ? ["G1", "G2"] : ["G2", "G1"]
            let inner = thread % 4 < 2 ? ["A", "B"] : ["B", "A"]
            let order = ["H"] + gates + inner
            lines += order.map { "T\(thread)|acq(\($0))|g:1" } + order.reversed().map { "T\(thread)|rel(\($0))|g:2" }
        }
        let (report, storage) = try Self.analyse(lines)
        #expect(report.findings.isEmpty)
        // {}, {H}, {H, G1}, {H, G2}, {H, G1, G2}, that plus A, that plus B: however many threads and orders.
        #expect(storage.gateSets == 7)
    }

    @Test("1,000 threads holding one read lock re-entrantly: one entry each, ways capped per pair")
    func manyThreadsReentrant() throws {
        var lines = (1...1_000).map { "T0|fork(T\($0))|m:\($0)" }
        for thread in 1...1_000 {
            lines += Array(repeating: "T\(thread)|racq(R)|r:1", count: 20)
            lines += ["T\(thread)|acq(X\(thread % 10))|x:1", "T\(thread)|rel(X\(thread % 10))|x:2"]
            lines += Array(repeating: "T\(thread)|rrel(R)|r:2", count: 20)
        }
        let (report, storage) = try Self.analyse(lines)
        #expect(report.findings.isEmpty)
        #expect(storage.deepestHeld == 2)
        #expect(storage.pairs == 10)
        #expect(storage.ways == 10 * LockOrderGraph.maximumWaysPerPair)
        #expect(storage.gateSets == 2)
    }

    @Test("Threads holding a read lock re-entrantly, deadlocked with a writer: one deadlock over all of them")
    func readersDeadlockedWithWriter() throws {
        let readers = 200
        var lines = (1...readers).map { "T0|fork(T\($0))|m:\($0)" }
        lines.append("T0|acq(W)|w:1")
        for thread in 1...readers { lines += Array(repeating: "T\(thread)|racq(R)|r:1", count: 5) }
        lines.append("T0|req(R)|w:2")
        for thread in 1...readers { lines.append("T\(thread)|req(W)|r:2") }
        let (report, _) = try Self.analyse(lines)
        let deadlock = try #require(report.findings.first { $0.title == "DEADLOCK" })
        #expect(report.threads(deadlock).count == readers + 1)
        #expect(Set(report.locks(deadlock)) == ["R", "W"])
        // Every reader's five acquisitions of R, then its request; T0's acquisition of W and its request.
        #expect(deadlock.events.count == readers * 6 + 2)
    }

    @Test("20,000 locks each taken once inside one common lock: one way each, one gate set, one held acquisition")
    func manyLocksUnderOne() throws {
        let count = 20_000
        let lines = ["T0|acq(G)|c:1"] + (0..<count).flatMap { ["T0|acq(L\($0))|c:2", "T0|rel(L\($0))|c:3"] } + ["T0|rel(G)|c:4"]
        let (report, storage) = try Self.analyse(lines)
        #expect(report.findings.isEmpty)
        #expect(storage.ways == count)
        #expect(storage.requests == count)
        #expect(storage.heldAcquisitions == 1)
        #expect(storage.gateSets == 2)
    }

    @Test("Two threads nesting 300 locks in opposite orders: only the adjacent pairs are ungated")
    func oppositeNesting() throws {
        let count = 300
        let lines = ["T0|fork(T1)|m:1", "T0|fork(T2)|m:2"] + Self.nested(count, thread: "T1", site: "a:1")
            + Self.nested(count, thread: "T2", order: Array((0..<count).reversed()), site: "b:1")
        let (report, storage) = try Self.analyse(lines)
        // Any other pair (Li, Lj) has a lock between them that both threads hold when they ask. The
        // 299 cycles are taken at the same two call sites: one finding, counting them.
        let finding = try #require(report.findings.only)
        #expect(finding.kind == "potential")
        #expect(report.locks(finding) == ["L0", "L1"])
        #expect(finding.fields["cycles"] == .integer(count - 1))
        #expect(report.summaries["deadlock"]?.first == "1 potential deadlock (\(count - 1) lock-order cycles)")
        #expect(storage.pairs == count * (count - 1))
        // Each thread's gate sets are spelled out once, whichever cycles use them.
        #expect(storage.gateSetsSpelledOut <= 2 * count)
    }
}
