import Foundation
import SyncTraceTestSupport
import Testing

/// One finding per bug, end to end: recorded programs whose one bug repeats (fifty variables at two
/// lines, a bank's transfers between every pair of accounts) analysed by `synctrace analyze`.
@Suite("One finding per bug", .serialized)
struct GroupedFindingsTests {
    /// Records `RecorderProbe ARGUMENTS` into `directory` and returns the trace's path.
    static func record(_ arguments: [String], in directory: TemporaryDirectory) throws -> String {
        let trace = directory.path("probe-\(arguments[0]).synctrace")
        let result = try ChildProcess.run(ChildProcess.builtProduct("RecorderProbe"), arguments: arguments, environment: ["SYNCTRACE_OUTPUT": trace])
        #expect(result.status == 0, "stderr: \(result.error)")
        return trace
    }

    /// The findings of `synctrace analyze TRACE --format json` with `arguments`.
    static func findings(_ trace: String, _ arguments: String...) throws -> [[String: Any]] {
        let result = try CommandRunner.run(["analyze", trace, "--format", "json"] + arguments)
        #expect(result.status == 1, "stderr: \(result.standardError)")
        let root = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
        return try #require(root["findings"] as? [[String: Any]])
    }

    @Test("fifty variables racing at the same two lines: one finding listing them all")
    func fiftyVariables() throws {
        let directory = try TemporaryDirectory()
        let trace = try Self.record(["grouped", "50"], in: directory)
        let findings = try Self.findings(trace, "--plugin", "race")
        let race = try #require(findings.only)
        let variables = try #require(race["variables"] as? [String])
        #expect(Set(variables) == Set((0..<50).map { "cell \($0)" }))
        #expect((race["objects"] as? [[String: Any]])?.count == 50)
        #expect(race["racingPairs"] as? Int == 50)

        let text = try CommandRunner.run("analyze", trace, "--plugin", "race")
        #expect(text.standardOutput.components(separatedBy: "WARNING: DATA RACE").count == 2, "one block:\n\(text.standardOutput)")
        #expect(text.standardOutput.contains("data race on 50 variables at the same two places (cell 0, cell 1, cell 2, …)"))
        #expect(text.standardOutput.contains("race: 50 racing variables, 50 racing pairs at 1 distinct pair of source locations"))
    }

    @Test("a bank whose transfers lock two accounts in argument order: one deadlock finding")
    func bank() throws {
        let directory = try TemporaryDirectory()
        let trace = try Self.record(["bank", "4"], in: directory)
        let findings = try Self.findings(trace, "--plugin", "deadlock")
        let deadlock = try #require(findings.only, "\(findings.map { $0["message"] ?? "" })")
        #expect(deadlock["kind"] as? String == "potential")
        // Four accounts: six pairs taken both ways, and cycles through three and four accounts.
        let cycles = try #require(deadlock["cycles"] as? Int)
        #expect(cycles >= 6)
        let events = try #require(deadlock["events"] as? [[String: Any]])
        let sites = Set(events.compactMap { $0["location"] as? String })
        #expect(sites.count == 2 && sites.allSatisfy { $0.hasPrefix("RecorderProbe/FindingsProbe.swift:") }, "\(sites)")

        let text = try CommandRunner.run("analyze", trace, "--plugin", "deadlock")
        #expect(text.standardOutput.contains("deadlock: 1 potential deadlock (\(cycles) lock-order cycles)"), "\(text.standardOutput)")
        #expect(text.standardOutput.contains("The same call sites take \(cycles - 1) more lock-order cycles"))
    }

    @Test("two wallets' balances: a race on one and lost updates on the other are two findings, not cross-referenced")
    func sameNamedObjects() throws {
        let directory = try TemporaryDirectory()
        let trace = try Self.record(["wallets", "0"], in: directory)
        let findings = try Self.findings(trace, "--plugin", "race", "--plugin", "lost-update")
        let race = try #require(findings.first { $0["plugin"] as? String == "race" })
        let lost = try #require(findings.first { $0["plugin"] as? String == "lost-update" })
        #expect(findings.count == 2)
        #expect(race["variable"] as? String == "balance" && lost["variable"] as? String == "balance")
        let raceID = try #require(race["variableId"] as? Int)
        let lostID = try #require(lost["variableId"] as? Int)
        #expect(raceID != lostID)
        #expect(race["alsoReportedBy"] == nil && lost["alsoReportedBy"] == nil)

        let text = try CommandRunner.run("analyze", trace, "--plugin", "race", "--plugin", "lost-update").standardOutput
        #expect(text.contains("This balance is object #\(raceID)"))
        #expect(text.contains("This balance is object #\(lostID)"))
        #expect(!text.contains("Also reported on"))
    }
}

