import Foundation
import SyncTraceTestSupport
import Testing

/// `synctrace stats --waits`: where threads waited, per object and call site.
@Suite("synctrace stats --waits")
struct WaitProfileTests {
    /// The `"waits"` array of `stats --waits --format json` of `path`.
    static func waits(_ path: String) throws -> [[String: Any]] {
        let result = try CommandRunner.run("stats", path, "--waits", "--format", "json")
        #expect(result.status == 0, "\(result.standardError)")
        let root = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
        return try #require(root["waits"] as? [[String: Any]])
    }

    @Test("a lock held for 20 ms while another thread waits: one wait of about 20 ms, at the waiter's call site")
    func recordedWait() throws {
        let directory = try TemporaryDirectory()
        let trace = directory.path("held.synctrace")
        let run = try ChildProcess.run(
            ChildProcess.builtProduct("SeedPrograms"),
            arguments: ["held-lock"],
            environment: ["SYNCTRACE_OUTPUT": trace],
            inheritingEnvironment: true
        )
        #expect(run.status == 0, "\(run.error)")
        let waits = try Self.waits(trace)
        let cache = try #require(waits.first { $0["name"] as? String == "cache" })
        #expect(cache["kind"] as? String == "lock")
        #expect(cache["operations"] as? Int == 2)
        #expect(cache["waited"] as? Int == 1)
        let total = try #require(cache["totalMicroseconds"] as? Int)
        // The 20 ms the holder sleeps, less the moment between its announcement and the reader's
        // request (which a loaded machine can stretch to milliseconds); more on a loaded machine.
        #expect(total >= 10_000 && total <= 5_000_000, "waited \(total) µs for a lock held 20 ms")
        #expect(cache["longestMicroseconds"] as? Int == total)
        let site = try #require((cache["sites"] as? [[String: Any]])?.only)
        #expect((site["location"] as? String)?.hasPrefix("SeedPrograms/HeldLock.swift:") == true)
        #expect(site["waits"] as? Int == 1)
        let text = try CommandRunner.run("stats", trace, "--waits")
        #expect(text.standardOutput.contains("waits:             1 object waited for"))
        #expect(text.standardOutput.contains("  lock cache: 2 completed, 1 waited, "))
    }

    @Test("waits are per object and call site, longest first; a thread the trace ends in is still waiting")
    func textTrace() throws {
        let directory = try TemporaryDirectory()
        // Text traces have no timestamps: every wait is 0 µs, and the counts are what is checked.
        let trace = try directory.write(
            "waits.trace",
            """
            T0|fork(A)|m:1
            T0|fork(B)|m:2
            A|acq(L)|a:1
            B|req(L)|b:1
            A|rel(L)|a:2
            B|acq(L)|b:1
            B|rel(L)|b:2
            A|chan(c, 0)|a:3
            A|req(c)|a:4
            A|send(c)|a:4
            B|recv(c)|b:3
            B|req(g)|b:4
            A|wgadd(g, 1)|a:5
            A|wgdone(g)|a:6
            B|wgwait(g)|b:4
            B|acq(M)|b:5
            A|req(M)|a:7

            """
        )
        let waits = try Self.waits(trace)
        func entry(_ name: String) throws -> [String: Any] { try #require(waits.first { $0["name"] as? String == name }) }
        #expect(try entry("L")["operations"] as? Int == 2)
        #expect(try entry("L")["waited"] as? Int == 1)
        #expect(try entry("c")["operations"] as? Int == 2)
        #expect(try entry("c")["waited"] as? Int == 1)
        #expect(try entry("g")["waited"] as? Int == 1)
        #expect(try entry("M")["stillWaiting"] as? Int == 1)
        #expect(try entry("M")["waited"] as? Int == 0)
    }

    @Test("--waits needs a file: standard input is refused with status 2")
    func standardInput() throws {
        let result = try CommandRunner.shell("printf 'T0|acq(L)|a\\n' | \"$SYNCTRACE\" stats --waits -")
        #expect(result.status == 2)
        #expect(result.standardError.contains("--waits replays the trace after reading it: give a file, not standard input"))
    }
}
