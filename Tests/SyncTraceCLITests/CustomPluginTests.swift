import Foundation
import Testing

/// `synctrace` built with a plugin of its own (`Examples/LocksetPlugin`): the example plugin runs
/// beside the shipped ones and finds what they do not.
@Suite("A custom build of synctrace with the example lockset plugin")
struct CustomPluginTests {
    /// z is handed from T1 to T2 over a channel (ordered: no race) but no lock protects it; y is
    /// accessed under M by T1 and under L by T2; x is always under L; config is written before the
    /// threads start and only read after.
    static let trace = """
        T0|w(config)|main.swift:1
        T0|chan(C, 1)
        T0|fork(T1)
        T0|fork(T2)
        T1|acq(L)
        T1|w(x)|a.swift:1
        T1|rel(L)
        T2|acq(L)
        T2|w(x)|b.swift:1
        T2|rel(L)
        T1|w(z)|a.swift:2
        T1|send(C)
        T2|recv(C)
        T2|w(z)|b.swift:2
        T1|acq(M)
        T1|w(y)|a.swift:3
        T1|rel(M)
        T2|acq(L)
        T2|w(y)|b.swift:3
        T2|rel(L)
        T1|acq(M)
        T1|r(y)|a.swift:5
        T1|rel(M)
        T1|r(config)|a.swift:4
        T2|r(config)|b.swift:4

        """

    static func run(_ arguments: String...) throws -> CommandResult {
        try CommandRunner.run(CommandRunner.executable.deletingLastPathComponent().appendingPathComponent("synctrace-lockset"), arguments)
    }

    @Test("plugins lists the example plugin after the shipped ones")
    func listed() throws {
        let result = try Self.run("plugins")
        #expect(result.status == 0)
        // A plugin's line starts with its name; its options' lines are indented below it.
        let names = result.standardOutput.split(separator: "\n").filter { !$0.hasPrefix(" ") }.map { String($0.prefix { $0 != " " }) }
        #expect(names == ["race", "predicted-race", "deadlock", "lost-update", "lockset"])
    }

    @Test("the lockset plugin reports z (ordered, but unlocked) and y (no lock in common); the race detector only y")
    func findings() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("t.trace", Self.trace)
        let result = try Self.run("analyze", path, "--plugin", "lockset", "--plugin", "race", "--format", "json")
        #expect(result.status == 1)
        let root = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
        let findings = try #require(root["findings"] as? [[String: Any]])
        let lockset = findings.filter { $0["plugin"] as? String == "lockset" }.compactMap { $0["variable"] as? String }
        let races = findings.filter { $0["plugin"] as? String == "race" }.compactMap { $0["variable"] as? String }
        #expect(Set(lockset) == ["z", "y"])
        #expect(Set(races) == ["y"])
    }

    @Test("the compiled-in plugin's option is listed and reaches it: read-shared adds config, read by two threads without a lock")
    func option() throws {
        let listed = try Self.run("plugins")
        #expect(listed.standardOutput.contains("\n    --option lockset.read-shared=BOOLEAN  "))
        let directory = try TemporaryDirectory()
        let path = try directory.write("t.trace", Self.trace)
        let result = try Self.run("analyze", path, "--plugin", "lockset", "--option", "lockset.read-shared=yes", "--format", "json")
        #expect(result.status == 1, "\(result.standardError)")
        let root = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
        let findings = try #require(root["findings"] as? [[String: Any]])
        #expect(Set(findings.compactMap { $0["variable"] as? String }) == ["z", "y", "config"])
    }

    @Test("every other verb works as in synctrace, and an unknown plugin names the custom one among the known")
    func sameTool() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("t.trace", Self.trace)
        #expect(try Self.run("stats", path).standardOutput.contains("events:            25\n"))
        let unknown = try CommandRunner.run("analyze", path, "--plugin", "lockset")
        #expect(unknown.status == 2, "the stock synctrace does not have the example plugin")
    }
}
