import Foundation
import SyncTraceFormat
import Testing

@Suite("synctrace analyze and plugins")
struct AnalyzeCommandTests {
    static let racy = """
        T0|fork(T1)|main.swift:9
        T0|fork(T2)|main.swift:9
        T1|r(counter)|main.swift:12
        T2|r(counter)|main.swift:12
        T1|w(counter)|main.swift:12
        T2|w(counter)|main.swift:12

        """

    static let fixed = """
        T0|fork(T1)|main.swift:9
        T0|fork(T2)|main.swift:9
        T1|acq(L)|main.swift:11
        T1|r(counter)|main.swift:12
        T1|w(counter)|main.swift:12
        T1|rel(L)|main.swift:13
        T2|acq(L)|main.swift:11
        T2|r(counter)|main.swift:12
        T2|w(counter)|main.swift:12
        T2|rel(L)|main.swift:13

        """

    @Test("a race prints a Go-style block and a summary, exit status 1")
    func racyText() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("racy.trace", Self.racy)
        let result = try CommandRunner.run("analyze", path, "--plugin", "race")
        #expect(result.status == 1)
        #expect(result.standardError.isEmpty)
        let expected = """
            ==================
            WARNING: DATA RACE
            data race on counter: write by T1 races with read by T2

            Write at counter by thread T1:
              main.swift:12

            Previous read at counter by thread T2:
              main.swift:12

            Thread T1 created by T0

            Thread T2 created by T0

            Locks held: by T1 at the write, no lock; by T2 at the read, no lock.
            2 racing pairs of accesses at these places.
            ==================
            SyncTrace: analysed \(path): 6 events, 3 threads, 1 object (complete)
            race: 1 racing variable, 2 racing pairs at 1 distinct pair of source locations
            Found 1 finding.

            """
        #expect(result.standardOutput == expected)
    }

    @Test("no findings: exit status 0, and the summary says so")
    func clean() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("fixed.trace", Self.fixed)
        let result = try CommandRunner.run("analyze", path)
        #expect(result.status == 0)
        #expect(result.standardOutput.contains("\nrace: no data races\n"))
        #expect(result.standardOutput.contains("\nlost-update: no lost updates (2 updates)\n"))
        #expect(result.standardOutput.hasSuffix("No findings.\n"))
    }

    @Test("the JSON contract: trace, plugins, findings with plugin, variable, first and second")
    func json() throws {
        let directory = try TemporaryDirectory()
        let text = try directory.write("racy.trace", Self.racy)
        let binary = directory.path("racy.synctrace")
        #expect(try CommandRunner.run("convert", text, binary).status == 0)
        let result = try CommandRunner.run("analyze", binary, "--format", "json", "--plugin", "race")
        #expect(result.status == 1)
        let root = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
        let trace = try #require(root["trace"] as? [String: Any])
        #expect(trace["events"] as? Int == 6)
        #expect(trace["threads"] as? Int == 3)
        #expect(trace["form"] as? String == "binary")
        #expect(trace["complete"] as? Bool == true)
        #expect(root["plugins"] as? [String] == ["race"])
        let findings = try #require(root["findings"] as? [[String: Any]])
        #expect(findings.count == 1)
        let finding = try #require(findings.first)
        #expect(finding["plugin"] as? String == "race")
        #expect(finding["variable"] as? String == "counter")
        let first = try #require(finding["first"] as? [String: Any])
        let second = try #require(finding["second"] as? [String: Any])
        #expect(first["thread"] as? String == "T2")
        #expect(first["operation"] as? String == "r")
        #expect(first["location"] as? String == "main.swift:12")
        #expect(second["thread"] as? String == "T1")
        #expect(second["operation"] as? String == "w")
        #expect(second["threadCreation"] as? String == "by T0")
    }

    @Test("an unknown plugin is bad usage, and the message lists the known ones")
    func unknownPlugin() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("racy.trace", Self.racy)
        let result = try CommandRunner.run("analyze", path, "--plugin", "nope")
        #expect(result.status == 2)
        #expect(result.standardError.hasPrefix("synctrace: unknown plugin 'nope' (known plugins: race, "))
        #expect(result.standardError.contains("lost-update"))
        #expect(result.standardError.split(separator: "\n").count == 1)
    }

    @Test("a malformed trace is exit status 2 with the line")
    func malformed() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("bad.trace", "T0|recv(C)\n")
        let result = try CommandRunner.run("analyze", path)
        #expect(result.status == 2)
        #expect(result.standardError.hasPrefix("synctrace: \(path):1: recv(C) with no send to receive"))
        #expect(result.standardOutput.isEmpty)
    }

    @Test("plugins lists every built-in plugin with what it finds")
    func plugins() throws {
        let result = try CommandRunner.run("plugins")
        #expect(result.status == 0)
        let names = result.standardOutput.split(separator: "\n").map { $0.split(separator: " ").first.map(String.init) ?? "" }
        #expect(names.contains("race"))
        #expect(names.contains("lost-update"))
    }
}

extension AnalyzeCommandTests {
    @Test("lost-update findings in JSON: plugin, variable, lost, updates, and the race cross-reference")
    func lostUpdateJSON() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("racy.trace", Self.racy)
        let result = try CommandRunner.run("analyze", path, "--format", "json", "--plugin", "race", "--plugin", "lost-update")
        #expect(result.status == 1)
        let root = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
        let findings = try #require(root["findings"] as? [[String: Any]])
        let lost = try #require(findings.first { $0["plugin"] as? String == "lost-update" })
        #expect(lost["variable"] as? String == "counter")
        #expect(lost["lost"] as? Int == 1)
        #expect(lost["updates"] as? Int == 2)
        #expect(lost["alsoReportedBy"] as? [String] == ["race"])
        let summary = try #require(root["summary"] as? [String: [String]])
        #expect(summary["lost-update"] == ["counter: 2 updates, 1 lost (50.0%)"])
    }
}
