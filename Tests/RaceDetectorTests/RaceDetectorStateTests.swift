import SyncTraceFormat
import SyncTraceReplay
import Testing

@testable import RaceDetector
import SyncTraceTestSupport

/// The race detector's per-variable state: 16 bytes (a write epoch, and one word for a read epoch
/// or a read vector's index), and the atomic-access flags kept in a bit table beside it.
@Suite struct RaceDetectorStateTests {
    @Test func aVariableStateIsSixteenBytes() {
        #expect(MemoryLayout<VariableState>.stride == 16)
    }

    /// The one read word holds a last read or a read vector, and says which.
    @Test func theReadWordHoldsALastReadOrAReadVector() {
        var state = VariableState()
        #expect(state.lastRead.isNone)
        #expect(state.sharedReads == -1)
        let epoch = Epoch(thread: ThreadID(7), clock: 42)
        state.lastRead = epoch
        #expect(state.lastRead == epoch)
        #expect(state.sharedReads == -1)
        state.sharedReads = 0
        #expect(state.sharedReads == 0)
        #expect(state.lastRead.isNone)
        state.sharedReads = Int32.max
        #expect(state.sharedReads == Int32.max)
        state.sharedReads = -1
        #expect(state.sharedReads == -1)
        #expect(state.lastRead.isNone)
        // The highest thread and clock a real epoch can have are not taken for a read vector.
        let highest = Epoch(thread: ThreadID(UInt32.max - 1), clock: UInt32.max)
        state.lastRead = highest
        #expect(state.lastRead == highest)
        #expect(state.sharedReads == -1)
    }

    /// Concurrent reads by three threads (a read vector), then a write: it races with all three, and
    /// the variable's state goes back to a plain last read after it.
    @Test func aWriteAfterConcurrentReadsRacesWithEach() throws {
        let text = """
            T0|r(V)|a.swift:1
            T1|r(V)|a.swift:2
            T2|r(V)|a.swift:3
            T3|w(V)|a.swift:4
            T3|r(V)|a.swift:5
            T3|w(V)|a.swift:6
            """
        let report = try TestAnalysis.analyze(text: text, plugins: [RaceDetector()])
        // One finding per pair of places: a.swift:4 against each of the three reads.
        #expect(report.findings.map(report.variable(of:)) == ["V", "V", "V"])
        let summary = report.summaries["race"] ?? []
        #expect(summary == ["1 racing variable, 3 racing pairs at 3 distinct pairs of source locations"])
    }

    /// Atomic accesses flagged per variable across the bit table's words (variables 0, 63, 64 and
    /// 200): a plain write racing with an atomic store is found on each, and only on those.
    @Test func atomicFlagsAreKeptPerVariableAcrossWords() throws {
        var lines: [String] = []
        let atomic = [0, 63, 64, 200]
        for variable in 0...200 {
            if atomic.contains(variable) { lines.append("T0|astore(V\(variable))|a.swift:1") }
            lines.append("T0|w(V\(variable))|a.swift:2")
        }
        for variable in 0...200 {
            if atomic.contains(variable) { lines.append("T1|w(V\(variable))|a.swift:3") } else { lines.append("T1|r(V\(variable))|a.swift:4") }
        }
        let report = try TestAnalysis.analyze(text: lines.joined(separator: "\n"), plugins: [RaceDetector()])
        let racy = Set(report.findings.flatMap { $0.objects.map { report.symbols.object($0.id).name } })
        // Every variable races (T1's accesses against T0's plain write); the atomic ones too.
        #expect(racy.count == 201)
        let pairs = report.summaries["race"] ?? []
        // 201 plain pairs, and the atomic store of each atomic variable against T1's write, at three
        // pairs of places: a.swift:2/4 (197 variables), a.swift:2/3 and a.swift:1/3 (the 4 atomic ones).
        #expect(pairs == ["201 racing variables, 205 racing pairs at 3 distinct pairs of source locations"])
        #expect(report.findings.map(\.objects.count).sorted() == [4, 4, 197])
    }
}
