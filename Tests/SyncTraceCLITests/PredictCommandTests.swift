import Foundation
import Testing

/// `synctrace analyze --predict`: the race predictor joins the default plugins, its findings are
/// their own kind in text, JSON and SARIF, and without the flag it does not run.
@Suite("synctrace analyze --predict")
struct PredictCommandTests {
    /// The lock-ordered race: A's write is ordered before B's read only by L's hand-over.
    static let lockOrdered = """
        T0|fork(A)|main.swift:1
        T0|fork(B)|main.swift:2
        A|w(x)|a.swift:10
        A|acq(L)|a.swift:11
        A|rel(L)|a.swift:13
        B|acq(L)|b.swift:20
        B|rel(L)|b.swift:22
        B|r(x)|b.swift:23

        """

    @Test("without --predict nothing is found; with it, one predicted race and status 1")
    func predictAddsThePlugin() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("t.trace", Self.lockOrdered)
        let plain = try CommandRunner.run("analyze", path)
        #expect(plain.status == 0)
        #expect(!plain.standardOutput.contains("predicted"))
        let predicted = try CommandRunner.run("analyze", path, "--predict")
        #expect(predicted.status == 1)
        #expect(predicted.standardOutput.contains("WARNING: PREDICTED DATA RACE\npredicted data race on x: read by B would race with write by A in another schedule"))
        #expect(predicted.standardOutput.contains("race: no data races"))
        #expect(predicted.standardOutput.contains("deadlock: no deadlocks"))
        #expect(predicted.standardOutput.contains("predicted-race: 1 predicted racing variable"))
    }

    @Test("JSON: kind, plugin, the two accesses and the lock that ordered them; SARIF: a rule of its own")
    func machineReadable() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("t.trace", Self.lockOrdered)
        let json = try CommandRunner.run("analyze", path, "--predict", "--format", "json")
        let root = try #require(try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [String: Any])
        #expect(root["plugins"] as? [String] == ["race", "deadlock", "lost-update", "predicted-race"])
        let finding = try #require((root["findings"] as? [[String: Any]])?.first)
        #expect(finding["plugin"] as? String == "predicted-race")
        #expect(finding["kind"] as? String == "predicted data race")
        #expect(finding["orderedBy"] as? String == "L")
        #expect((finding["first"] as? [String: Any])?["location"] as? String == "a.swift:10")
        #expect((finding["second"] as? [String: Any])?["location"] as? String == "b.swift:23")
        let sarif = try CommandRunner.run("analyze", path, "--predict", "--format", "sarif")
        let log = try #require(try JSONSerialization.jsonObject(with: Data(sarif.standardOutput.utf8)) as? [String: Any])
        let run = try #require((log["runs"] as? [[String: Any]])?.first)
        let results = try #require(run["results"] as? [[String: Any]])
        #expect(results.map { $0["ruleId"] as? String } == ["predicted-race/predicted-data-race"])
    }

    @Test("--plugin predicted-race alone runs it alone")
    func alone() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("t.trace", Self.lockOrdered)
        let json = try CommandRunner.run("analyze", path, "--plugin", "predicted-race", "--format", "json")
        let root = try #require(try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [String: Any])
        #expect(root["plugins"] as? [String] == ["predicted-race"])
    }
}
