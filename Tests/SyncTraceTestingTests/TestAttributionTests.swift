import RaceDetector
import SyncTraceReplay
import SyncTraceTestSupport
import Testing

@testable import SyncTraceTesting

/// Which findings of a shared recording are a traced test's: those with an event on its root (the
/// thread that took the marker) or on a thread forked from its threads, however deep.
@Suite struct TestAttributionTests {
    /// T1 is the traced test (it takes the marker), T0 an untraced test's pool thread running in
    /// parallel. Each starts two threads that race; T1's grandchild T5 races with T1's child T2.
    static let trace = """
        T0|fork(T3)
        T0|fork(T4)
        T1|acq(marker)
        T1|rel(marker)
        T1|fork(T2)
        T3|w(neighbour)|Other/Neighbour.swift:10
        T4|w(neighbour)|Other/Neighbour.swift:11
        T2|fork(T5)
        T2|w(own)|Mine/Test.swift:20
        T5|w(own)|Mine/Test.swift:21
        """

    @Test func keepsOnlyTheFindingsOnTheTestsThreads() throws {
        let tracker = TestThreadTracker(marker: TestRootMarker(name: "marker"))
        let report = try TestAnalysis.analyze(text: Self.trace, plugins: [RaceDetector(), tracker])
        #expect(report.findings.count == 2)
        let own = report.findings.filter(tracker.owns)
        #expect(own.count == 1)
        #expect(own.first.flatMap { report.variable(of: $0) } == "own")
        let threads = report.symbols.threads.filter { tracker.contains($0.id) }.map(\.name).sorted()
        #expect(threads == ["T1", "T2", "T5"])
    }

    /// Without its marker in the trace the tracker knows no thread, and the run says so (the
    /// engine then reports every finding rather than none).
    @Test func knowsNoThreadWithoutItsMarker() throws {
        let tracker = TestThreadTracker(marker: TestRootMarker(name: "another"))
        _ = try TestAnalysis.analyze(text: Self.trace, plugins: [RaceDetector(), tracker])
        #expect(tracker.root == nil)
    }

    @Test func aFindingLocationIsItsFileIDAndLine() {
        #expect(FindingLocator.split("AdoptionTests/RaceTests.swift:18")! == ("AdoptionTests/RaceTests.swift", 18))
        #expect(FindingLocator.split("main.swift:0") == nil)
        #expect(FindingLocator.split("no line") == nil)
    }

    @Test func aTracesFileNameIsTheTestsNameMadeSafe() {
        #expect(TraceFilePlacement.sanitized("racyWrite()") == "racyWrite")
        #expect(TraceFilePlacement.sanitized("Suite/a b%p") == "Suite_a_b_p")
        #expect(TraceFilePlacement.sanitized("()") == "test")
    }
}
