import Foundation
import Testing

/// `synctrace analyze --option PLUGIN.KEY=VALUE`: a value reaches the plugin, and every wrong
/// setting is bad usage (2) that names what is known, before the trace is read; `synctrace plugins`
/// lists each plugin's options.
@Suite("plugin options")
struct PluginOptionTests {
    /// Three threads take three locks in a cycle, A → B → C → A: a potential deadlock that only the
    /// search for cycles longer than two finds.
    static let threeLockCycle: String = {
        var lines = ["T0|fork(T1)", "T0|fork(T2)", "T0|fork(T3)"]
        for (thread, held, wanted) in [("T1", "A", "B"), ("T2", "B", "C"), ("T3", "C", "A")] {
            lines.append("\(thread)|acq(\(held))|\(thread).swift:1")
            lines.append("\(thread)|acq(\(wanted))|\(thread).swift:2")
            lines.append("\(thread)|rel(\(wanted))")
            lines.append("\(thread)|rel(\(held))")
        }
        return lines.joined(separator: "\n") + "\n"
    }()

    @Test("deadlock.search-steps=0 stops the search before the three-lock cycle, and the summary says so")
    func valueReachesThePlugin() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("cycle.trace", Self.threeLockCycle)
        let found = try CommandRunner.run("analyze", path, "--plugin", "deadlock")
        #expect(found.status == 1)
        #expect(found.standardOutput.contains("POTENTIAL DEADLOCK"))
        let limited = try CommandRunner.run("analyze", path, "--plugin", "deadlock", "--option", "deadlock.search-steps=0")
        #expect(limited.status == 0, "\(limited.standardError)")
        #expect(limited.standardError.isEmpty)
        #expect(limited.standardOutput.contains("0 cycles examined (search stopped at its limit: more cycles may exist)"))
        // The last value of a key wins.
        let again = try CommandRunner.run(
            "analyze", path, "--plugin", "deadlock", "--option", "deadlock.search-steps=0", "--option", "deadlock.search-steps=1000"
        )
        #expect(again.status == 1)
    }

    /// Runs analyze with `option` on a clean trace and expects bad usage with exactly `message`.
    func expectUsageError(_ option: String, _ message: String) throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("fixed.trace", AnalyzeCommandTests.fixed)
        let result = try CommandRunner.run("analyze", path, "--option", option)
        #expect(result.status == 2, "\(option)")
        #expect(result.standardOutput.isEmpty)
        #expect(result.standardError == "synctrace: \(message)\n")
    }

    @Test("an unknown plugin names the known ones")
    func unknownPlugin() throws {
        try self.expectUsageError(
            "deadlok.max-cycles=5",
            "--option 'deadlok.max-cycles=5': unknown plugin 'deadlok' (known plugins: race, predicted-race, deadlock, lost-update)"
        )
    }

    @Test("an unknown key names the plugin's keys, or says it has none")
    func unknownKey() throws {
        try self.expectUsageError(
            "deadlock.max-cycle=5",
            "plugin 'deadlock' has no option 'max-cycle' (its options: max-cycles, search-steps, assignment-budget)"
        )
        try self.expectUsageError("race.limit=5", "plugin 'race' has no option 'limit' (it has no options)")
    }

    @Test("a value of the wrong type or out of range names plugin, key and value, and what is expected")
    func badValue() throws {
        try self.expectUsageError(
            "deadlock.max-cycles=abc",
            "invalid value 'abc' for option 'max-cycles' of plugin 'deadlock': expected an integer of at least 1"
        )
        try self.expectUsageError(
            "deadlock.max-cycles=0",
            "invalid value '0' for option 'max-cycles' of plugin 'deadlock': expected an integer of at least 1"
        )
        try self.expectUsageError(
            "deadlock.search-steps=",
            "invalid value '' for option 'search-steps' of plugin 'deadlock': expected an integer of at least 0"
        )
    }

    @Test("a setting not of the form PLUGIN.KEY=VALUE", arguments: ["deadlock", "deadlock.max-cycles", "deadlock.=3", "=3"])
    func malformed(setting: String) throws {
        try self.expectUsageError(setting, "--option '\(setting)': expected PLUGIN.KEY=VALUE, e.g. deadlock.max-cycles=100")
    }

    @Test("options of a known plugin that does not run are ignored with a warning")
    func pluginNotRunning() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("racy.trace", AnalyzeCommandTests.racy)
        let result = try CommandRunner.run("analyze", path, "--plugin", "race", "--option", "deadlock.max-cycles=3")
        #expect(result.status == 1)
        #expect(
            result.standardError
                == "synctrace: warning: the options of plugin 'deadlock' are ignored: it does not run (--plugin names the plugins that do)\n"
        )
    }

    @Test("plugins lists each option under its plugin, with its type, help, default and accepted values")
    func listed() throws {
        let result = try CommandRunner.run("plugins")
        #expect(result.status == 0)
        let lines = result.standardOutput.split(separator: "\n").map(String.init)
        let deadlock = try #require(lines.firstIndex { $0.hasPrefix("deadlock ") })
        #expect(
            lines[deadlock + 1]
                == "    --option deadlock.max-cycles=INTEGER  lock-order cycles examined at most (default: 10000; an integer of at least 1)"
        )
        #expect(lines[deadlock + 2].hasPrefix("    --option deadlock.search-steps=INTEGER  "))
        #expect(lines[deadlock + 3].hasPrefix("    --option deadlock.assignment-budget=INTEGER  "))
        #expect(lines[deadlock + 4].hasPrefix("lost-update "))
    }
}
