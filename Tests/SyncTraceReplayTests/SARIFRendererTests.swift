import DeadlockDetector
import Foundation
import RaceDetector
import SyncTraceFormat
import SyncTraceReplay
import SyncTraceTestSupport
import Testing

/// The SARIF log's shape: what code scanning reads from it.
@Suite("SARIF renderer")
struct SARIFRendererTests {
    static func log(_ report: AnalysisReport, maxFindings: Int? = nil) throws -> [String: Any] {
        let text = SARIFReportRenderer.render(
            report,
            toolVersion: "1.2.3",
            sourceRoot: "/src/my app",
            locate: { file in file.hasPrefix("App/") ? "Sources/" + file : nil },
            maxFindings: maxFindings
        )
        return try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test("one run, one rule per plugin and kind, one result per finding with locations, thread flows and a fingerprint")
    func shape() throws {
        let trace = """
            T0|fork(T1)|App/main.swift:1
            T1|w(x)|App/Model.swift:10
            T0|r(x)|Lib/Other.swift:20
            T1|acq(A)|App/Bank.swift:1
            T1|acq(B)|App/Bank.swift:2
            T1|rel(B)
            T1|rel(A)
            T0|acq(B)|App/Bank.swift:1
            T0|acq(A)|App/Bank.swift:2
            T0|rel(A)
            T0|rel(B)
            """
        let report = try TestAnalysis.analyze(text: trace, plugins: [RaceDetector(), DeadlockDetector()])
        let log = try Self.log(report)
        #expect(log["version"] as? String == "2.1.0")
        let runs = try #require(log["runs"] as? [[String: Any]])
        let run = try #require(runs.only)
        let driver = try #require((run["tool"] as? [String: Any])?["driver"] as? [String: Any])
        #expect(driver["name"] as? String == "SyncTrace" && driver["version"] as? String == "1.2.3")
        let rules = try #require(driver["rules"] as? [[String: Any]])
        #expect(rules.compactMap { $0["id"] as? String } == ["race/data-race", "deadlock/potential"])
        let base = try #require((run["originalUriBaseIds"] as? [String: Any])?["SRCROOT"] as? [String: Any])
        #expect(base["uri"] as? String == "file:///src/my%20app/")

        let results = try #require(run["results"] as? [[String: Any]])
        #expect(results.count == 2)
        let race = results[0]
        #expect(race["ruleId"] as? String == "race/data-race" && race["ruleIndex"] as? Int == 0 && race["level"] as? String == "error")
        #expect((race["message"] as? [String: Any])?["text"] as? String == "data race on x: read by T0 races with write by T1")
        let fingerprint = try #require((race["partialFingerprints"] as? [String: Any])?["syncTraceFinding/v1"] as? String)
        #expect(fingerprint == report.fingerprint(of: report.findings[0]).description)
        // The read (first event) is in Lib/, not under the source root: its URI is the trace's own.
        let primary = try #require((race["locations"] as? [[String: Any]])?.only?["physicalLocation"] as? [String: Any])
        let artifact = try #require(primary["artifactLocation"] as? [String: Any])
        #expect(artifact["uri"] as? String == "Lib/Other.swift" && artifact["uriBaseId"] == nil)
        #expect((primary["region"] as? [String: Any])?["startLine"] as? Int == 20)
        let related = try #require(race["relatedLocations"] as? [[String: Any]])
        let relatedArtifact = try #require((related.only?["physicalLocation"] as? [String: Any])?["artifactLocation"] as? [String: Any])
        #expect(relatedArtifact["uri"] as? String == "Sources/App/Model.swift" && relatedArtifact["uriBaseId"] as? String == "SRCROOT")
        let flows = try #require((race["codeFlows"] as? [[String: Any]])?.only?["threadFlows"] as? [[String: Any]])
        #expect(flows.count == 2, "one thread flow per thread")
        #expect(flows.allSatisfy { ($0["locations"] as? [[String: Any]])?.count == 1 })

        let deadlock = results[1]
        #expect(deadlock["level"] as? String == "warning")
        let deadlockFlows = try #require((deadlock["codeFlows"] as? [[String: Any]])?.only?["threadFlows"] as? [[String: Any]])
        #expect(deadlockFlows.map { ($0["locations"] as? [[String: Any]])?.count } == [2, 2])
    }

    @Test("results are capped, and the run counts what it left out")
    func capped() throws {
        var lines = ["T0|fork(T1)"]
        for index in 0..<30 { lines += ["T1|w(v\(index))|App/A.swift:\(index + 1)", "T0|w(v\(index))|App/B.swift:\(index + 1)"] }
        let report = try TestAnalysis.analyze(text: lines.joined(separator: "\n"), plugins: [RaceDetector()])
        #expect(report.findings.count == 30)
        let log = try Self.log(report, maxFindings: 10)
        let run = try #require((log["runs"] as? [[String: Any]])?.only)
        #expect((run["results"] as? [[String: Any]])?.count == 10)
        #expect((run["properties"] as? [String: Any])?["findingsNotShown"] as? Int == 20)
    }
}
