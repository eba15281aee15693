import Foundation
import SyncTraceTestSupport
import Testing

/// Living with known findings, end to end on recorded programs: suppression files, baselines, the
/// cap on findings printed, and what each does to the exit status; SARIF from the command line.
@Suite("Suppressions, baselines and SARIF through the CLI", .serialized)
struct FindingSelectionTests {
    /// The wallets program: a race on one `balance`, lost updates on another.
    static func wallets(_ directory: TemporaryDirectory, _ name: String = "wallets") throws -> String {
        let trace = directory.path("\(name).synctrace")
        let result = try ChildProcess.run(ChildProcess.builtProduct("RecorderProbe"), arguments: ["wallets", "0"], environment: ["SYNCTRACE_OUTPUT": trace])
        #expect(result.status == 0, "stderr: \(result.error)")
        return trace
    }

    static let plugins = ["--plugin", "race", "--plugin", "lost-update"]

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test("a suppression file removes exactly the findings it names, counted per rule; all removed, the run passes")
    func suppressions() throws {
        let directory = try TemporaryDirectory()
        let trace = try Self.wallets(directory)
        let onlyRace = try directory.write("race.supp", "# the spender is known to race\nrace:FindingsProbe.swift\nrace:no-such-place\n")
        let some = try CommandRunner.run(["analyze", trace, "--suppressions", onlyRace] + Self.plugins)
        #expect(some.status == 1)
        #expect(!some.standardOutput.contains("WARNING: DATA RACE") && some.standardOutput.contains("WARNING: LOST UPDATES"))
        #expect(some.standardOutput.contains("SyncTrace: 1 finding suppressed (race:FindingsProbe.swift ×1)\n"))
        #expect(some.standardOutput.hasSuffix("Found 1 finding.\n"))

        let both = try directory.write("both.supp", "race:*\nlost-update:^balance$\n")
        let none = try CommandRunner.run(["analyze", trace, "--suppressions", both, "--exit-code", "5"] + Self.plugins)
        #expect(none.status == 0, "suppressed findings do not fail the run")
        #expect(none.standardOutput.contains("SyncTrace: 2 findings suppressed (race:* ×1, lost-update:^balance$ ×1)\n"))
        #expect(none.standardOutput.hasSuffix("No findings.\n"))

        let json = try Self.json(try CommandRunner.run(["analyze", trace, "--suppressions", onlyRace, "--format", "json"] + Self.plugins).standardOutput)
        let omitted = try #require(json["omitted"] as? [String: Any])
        let suppressed = try #require(omitted["suppressed"] as? [[String: Any]])
        #expect(suppressed.count == 1 && suppressed[0]["rule"] as? String == "race:FindingsProbe.swift" && suppressed[0]["line"] as? Int == 2)
    }

    @Test("a wrong suppression file is bad usage, named with its line, before the trace is read")
    func badSuppressions() throws {
        let directory = try TemporaryDirectory()
        let typo = try directory.write("typo.supp", "race:x\nracee:y\n")
        let missingTrace = directory.path("none.synctrace")
        let result = try CommandRunner.run("analyze", missingTrace, "--suppressions", typo)
        #expect(result.status == 2)
        #expect(result.standardError.contains("typo.supp:2: no plugin is named 'racee' (race, predicted-race, deadlock, lost-update)"), "\(result.standardError)")
        let malformed = try directory.write("bad.supp", "just words\n")
        #expect(try CommandRunner.run("analyze", missingTrace, "--suppressions", malformed).standardError.contains("bad.supp:1: expected TYPE:PATTERN"))
        let absent = try CommandRunner.run("analyze", missingTrace, "--suppressions", directory.path("absent.supp"))
        #expect(absent.status == 2 && absent.standardError.contains("cannot read the suppression file"))
    }

    @Test("a baseline from one run hides the same bugs in another run of the same program, and nothing else")
    func baseline() throws {
        let directory = try TemporaryDirectory()
        let first = try Self.wallets(directory, "first")
        let baseline = directory.path("baseline.json")
        #expect(try CommandRunner.run(["analyze", first, "--format", "json", "--output", baseline] + Self.plugins).status == 1)

        // Another run of the same code: other ids, maybe another schedule; the same fingerprints.
        let second = try Self.wallets(directory, "second")
        let again = try CommandRunner.run(["analyze", second, "--baseline", baseline] + Self.plugins)
        #expect(again.status == 0, "\(again.standardOutput)")
        #expect(again.standardOutput.contains("SyncTrace: 2 findings also in the baseline \(baseline) not shown\n"))

        // New bugs are still reported: the bank's deadlock is in no baseline of the wallets.
        let bank = directory.path("bank.synctrace")
        _ = try ChildProcess.run(ChildProcess.builtProduct("RecorderProbe"), arguments: ["bank", "3"], environment: ["SYNCTRACE_OUTPUT": bank])
        let new = try CommandRunner.run("analyze", bank, "--baseline", baseline, "--plugin", "deadlock")
        #expect(new.status == 1 && new.standardOutput.contains("WARNING: POTENTIAL DEADLOCK"))

        // A SARIF log is a baseline too.
        let sarif = directory.path("first.sarif")
        #expect(try CommandRunner.run(["analyze", first, "--format", "sarif", "--output", sarif] + Self.plugins).status == 1)
        #expect(try CommandRunner.run(["analyze", second, "--baseline", sarif] + Self.plugins).status == 0)
    }

    @Test("a file that is not a report is refused as a baseline")
    func badBaseline() throws {
        let directory = try TemporaryDirectory()
        let trace = try Self.wallets(directory)
        for (name, text, reason) in [
            ("text.json", "not json", "not a JSON object"),
            ("other.json", "{\"x\": 1}", "a JSON report has \"findings\""),
            ("old.json", "{\"findings\": [{\"plugin\": \"race\"}]}", "finding 1 has no fingerprint"),
        ] {
            let path = try directory.write(name, text)
            let result = try CommandRunner.run("analyze", trace, "--baseline", path)
            #expect(result.status == 2, "\(name)")
            #expect(result.standardError.contains(reason), "\(name): \(result.standardError)")
        }
    }

    @Test("--max-findings prints the first N and counts the rest, which still fail the run")
    func cap() throws {
        let directory = try TemporaryDirectory()
        let trace = try Self.wallets(directory)
        let text = try CommandRunner.run(["analyze", trace, "--max-findings", "1"] + Self.plugins)
        #expect(text.status == 1)
        #expect(text.standardOutput.components(separatedBy: "WARNING: ").count == 2)
        #expect(text.standardOutput.contains("SyncTrace: 1 more finding not shown (the first 1 are: --max-findings)\n"))
        #expect(text.standardOutput.hasSuffix("Found 2 findings.\n"))
        let json = try Self.json(try CommandRunner.run(["analyze", trace, "--max-findings", "0", "--format", "json"] + Self.plugins).standardOutput)
        #expect((json["findings"] as? [Any])?.isEmpty == true)
        #expect((json["omitted"] as? [String: Any])?["notShown"] as? Int == 2)
        #expect(try CommandRunner.run("analyze", trace, "--max-findings", "-1").status == 2)
    }

    @Test("SARIF from the CLI: locations relative to --source-root, which only SARIF takes")
    func sarif() throws {
        let directory = try TemporaryDirectory()
        let trace = try Self.wallets(directory)
        // This package's root: Tests/SyncTraceCLITests/ is two levels below it.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
        let result = try CommandRunner.run(["analyze", trace, "--format", "sarif", "--source-root", root] + Self.plugins)
        #expect(result.status == 1)
        let log = try Self.json(result.standardOutput)
        let run = try #require((log["runs"] as? [[String: Any]])?.only)
        let results = try #require(run["results"] as? [[String: Any]])
        #expect(results.compactMap { $0["ruleId"] as? String }.sorted() == ["lost-update/lost-update", "race/data-race"])
        let artifacts = results.flatMap { result in
            ((result["locations"] as? [[String: Any]]) ?? []).compactMap { ($0["physicalLocation"] as? [String: Any])?["artifactLocation"] as? [String: Any] }
        }
        #expect(!artifacts.isEmpty)
        #expect(artifacts.allSatisfy { $0["uri"] as? String == "Tests/Programs/RecorderProbe/FindingsProbe.swift" && $0["uriBaseId"] as? String == "SRCROOT" })
        let wrong = try CommandRunner.run("analyze", trace, "--source-root", root)
        #expect(wrong.status == 2 && wrong.standardError.contains("--source-root is for --format sarif"))
    }
}
