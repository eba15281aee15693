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

    /// A two-lock inversion, and the same with a read that needs the first thread past its request.
    static let inversion = """
        T0|fork(T1)|main.swift:1
        T0|fork(T2)|main.swift:2
        T1|acq(A)|one.swift:10
        T1|acq(B)|one.swift:11
        T1|w(x)|one.swift:12
        T1|rel(B)|one.swift:13
        T1|rel(A)|one.swift:14
        T2|READ
        T2|acq(B)|two.swift:20
        T2|acq(A)|two.swift:21
        T2|rel(A)|two.swift:22
        T2|rel(B)|two.swift:23

        """

    @Test("--predict marks a potential deadlock a schedule confirms, in text, JSON and SARIF; one it refutes stays potential")
    func deadlocksConfirmed() throws {
        let directory = try TemporaryDirectory()
        let confirmable = try directory.write("c.trace", Self.inversion.replacingOccurrences(of: "T2|READ\n", with: ""))
        let plain = try CommandRunner.run("analyze", confirmable)
        #expect(plain.status == 1)
        #expect(plain.standardOutput.contains("WARNING: POTENTIAL DEADLOCK\npotential deadlock: lock-order cycle A → B → A"))
        #expect(!plain.standardOutput.contains("confirmed"))
        let text = try CommandRunner.run("analyze", confirmable, "--predict")
        #expect(text.status == 1)
        #expect(text.standardOutput.contains("WARNING: POTENTIAL DEADLOCK (CONFIRMED)\nconfirmed potential deadlock: lock-order cycle A → B → A taken by T1, T2"))
        #expect(text.standardOutput.contains("Confirmed: a schedule deadlocks here. Run, in the recorded order, T0's first 2 events, T1's first event, T2's first event;"))
        #expect(text.standardOutput.contains("deadlock: 1 potential deadlock (1 confirmed by a schedule)"))
        let json = try CommandRunner.run("analyze", confirmable, "--predict", "--format", "json")
        let root = try #require(try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [String: Any])
        let finding = try #require((root["findings"] as? [[String: Any]])?.first { $0["plugin"] as? String == "deadlock" })
        #expect(finding["confirmed"] as? Bool == true)
        #expect(finding["witness"] as? [String] == ["T0:2", "T1:1", "T2:1"])
        let sarif = try CommandRunner.run("analyze", confirmable, "--predict", "--format", "sarif")
        #expect(sarif.standardOutput.contains("confirmed potential deadlock: lock-order cycle A → B → A"))

        let refuted = try directory.write("r.trace", Self.inversion.replacingOccurrences(of: "T2|READ", with: "T2|r(x)|two.swift:19"))
        let notConfirmed = try CommandRunner.run("analyze", refuted, "--predict")
        #expect(notConfirmed.status == 1)
        #expect(notConfirmed.standardOutput.contains("WARNING: POTENTIAL DEADLOCK\npotential deadlock: lock-order cycle A → B → A"))
        #expect(notConfirmed.standardOutput.contains("Not confirmed: every schedule that keeps each lock's critical sections in their recorded order runs T1 past its request for B"))
        #expect(notConfirmed.standardOutput.contains("deadlock: 1 potential deadlock (0 confirmed by a schedule)"))
        let plugins = try CommandRunner.run("plugins")
        #expect(plugins.standardOutput.contains("locks taken twice (with analyze --predict, each cycle is checked for a schedule that deadlocks)"))
    }
}
