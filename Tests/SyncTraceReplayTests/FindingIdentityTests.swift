import LostUpdateCounter
import RaceDetector
import SyncTraceFormat
import SyncTraceReplay
import Testing

/// Findings carry objects and threads by identity: two variables of one name are not confused (no
/// cross-reference between them, and a report that says which is which), JSON carries the ids, and
/// the replay stamps each finding's plugin and variable names.
@Suite("Findings with identity")
struct FindingIdentityTests {
    /// `text` as a binary trace whose variables are all named `name`, as a recording of two objects of
    /// one type (two wallets' `balance`) or of unnamed variables made on one line declares them.
    static func binary(_ text: String, variablesNamed name: String) throws -> [UInt8] {
        let reader = TextTraceReader(text: text, fileName: "t.trace")
        let writer = TraceWriter(header: TraceHeader(program: "t.trace"))
        var events: [TraceEvent] = []
        var declared = 0
        while try reader.nextBatch(into: &events) {
            var symbols = reader.symbols
            for index in symbols.objects.indices where symbols.objects[index].kind == .variable {
                symbols.objects[index].name = name
            }
            declared = symbols.objects.count
            try writer.declare(symbolsFrom: symbols)
            try writer.write(events)
        }
        #expect(declared == 3)
        try writer.finish()
        return writer.bytes
    }

    /// Variable `a` races (two unordered blind writes: no update, so nothing lost); `b` is always
    /// accessed under L, and T2's update overwrites T1's (one lost update, no race).
    static let twoVariables = """
        T1|w(a)
        T2|w(a)
        T1|acq(L)
        T1|r(b)
        T1|rel(L)
        T2|acq(L)
        T2|r(b)
        T2|rel(L)
        T1|acq(L)
        T1|w(b)
        T1|rel(L)
        T2|acq(L)
        T2|w(b)
        T2|rel(L)
        """

    @Test("a race on one `balance` and lost updates on another are not cross-referenced, and the report tells them apart")
    func sameNameDifferentObjects() throws {
        let bytes = try Self.binary(Self.twoVariables, variablesNamed: "balance")
        let report = try Replay.analyze(binary: bytes, plugins: [RaceDetector(), LostUpdateCounter()])
        let race = try #require(report.findings.first { $0.plugin == "race" })
        let lost = try #require(report.findings.first { $0.plugin == "lost-update" })
        #expect(report.variable(of: race) == "balance" && report.variable(of: lost) == "balance")
        #expect(race.variableID != nil && lost.variableID != nil && race.variableID != lost.variableID)
        // Matched by name, each would say the other plugin reported it too.
        #expect(race.fields["alsoReportedBy"] == nil && lost.fields["alsoReportedBy"] == nil)
        #expect(!race.details.contains { report.text($0).hasPrefix("Also reported") })

        let text = TextReportRenderer.render(report)
        #expect(text.contains("This balance is object #\(race.variableID!.rawValue): the report names 2 different variables balance."))
        #expect(text.contains("This balance is object #\(lost.variableID!.rawValue): the report names 2 different variables balance."))
        let json = JSONReportRenderer.render(report)
        #expect(json.contains("\"variableId\": \(race.variableID!.rawValue)"))
        #expect(json.contains("\"variableId\": \(lost.variableID!.rawValue)"))
    }

    @Test("one variable found by two plugins is still cross-referenced, by identity")
    func sameObjectIsLinked() throws {
        let report = try Replay.analyze(text: "T1|r(c)\nT2|r(c)\nT1|w(c)\nT2|w(c)", plugins: [RaceDetector(), LostUpdateCounter()])
        #expect(report.findings.count == 2)
        #expect(report.findings.allSatisfy { $0.variableID == ObjectID(0) })
        #expect(report.findings.map { $0.fields["alsoReportedBy"] } == [.strings(["lost-update"]), .strings(["race"])])
        #expect(!TextReportRenderer.render(report).contains("different variables"))
    }

    @Test("events and objects carry the trace's ids into JSON")
    func jsonCarriesIds() throws {
        let report = try Replay.analyze(text: "T0|fork(T1)\nT1|w(x)\nT0|w(x)", plugins: [RaceDetector()])
        let finding = try #require(report.findings.first)
        #expect(finding.objects.map(\.id) == [ObjectID(0)])
        #expect(Set(finding.events.compactMap(\.threadID)) == [ThreadID(0), ThreadID(1)])
        #expect(finding.events.allSatisfy { $0.objectID == ObjectID(0) && $0.otherThreadID == nil })
        let json = JSONReportRenderer.render(report)
        for key in ["\"threadId\": 1", "\"threadId\": 0", "\"objectId\": 0", "\"otherThreadId\": null", "\"id\": 0"] {
            #expect(json.contains(key), "\(key)")
        }
    }

    /// Reports a finding without saying which plugin it is, and one claiming to be another plugin.
    final class Stamped: AnalysisPlugin {
        let name = "stamped"
        let summary = "findings whose plugin name the replay fills in"
        let operations = TraceOperationSet([.write])
        var written: ObjectID?

        func handle(_ event: TraceEvent, in context: AnalysisContext) { self.written = event.object }

        func finish(in context: AnalysisContext) -> [Finding] {
            var impostor = Finding(kind: "claimed", title: "CLAIMED", message: "says it is another plugin's")
            impostor.plugin = "not-me"
            return [Finding(kind: "identified", title: "IDENTIFIED", message: "by id", variable: self.written), impostor]
        }
    }

    @Test("the replay stamps each finding with its plugin's name; the variable is named from its id")
    func replayStamps() throws {
        let report = try Replay.analyze(text: "T0|w(x)", plugins: [Stamped()])
        #expect(report.findings.map(\.plugin) == ["stamped", "stamped"])
        #expect(report.findings.map(report.variable(of:)) == ["x", nil])
        #expect(report.findings.map(\.kind) == ["identified", "claimed"])
    }
}
