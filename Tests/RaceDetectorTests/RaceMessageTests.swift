import RaceDetector
import SyncTraceFormat
import SyncTraceReplay
import SyncTraceTestSupport
import Testing

/// What a race finding says, in words and in its events: the variable, both threads, both accesses.
@Suite("Race findings")
struct RaceMessageTests {
    @Test("the message names the variable and the thread of each access; the events name threads and the variable")
    func messageNamesBothSides() throws {
        let report = try TestAnalysis.analyze(text: "T0|w(balance)\nT1|r(balance)\n", plugins: [RaceDetector()])
        let finding = try #require(report.findings.first)
        #expect(finding.message == "data race on balance: read by T1 races with write by T0")
        #expect(finding.events.map(\.thread) == ["T1", "T0"])
        #expect(finding.events.map(\.object) == ["balance", "balance"])
        #expect(finding.events.map(\.operation) == [.read, .write])
        #expect(finding.objects.map(\.name) == ["balance"] && finding.objects.map(\.kind) == [.variable])
    }
}
