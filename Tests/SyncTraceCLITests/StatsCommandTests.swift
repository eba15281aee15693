import Foundation
import SyncTraceFormat
import Testing

@Suite("synctrace stats")
struct StatsCommandTests {
    @Test("reports events by operation, threads, objects by kind, sizes, ratio and a complete ending")
    func binaryStatistics() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("t.synctrace")
        let (events, bytes) = try TraceFixtures.lockedCounter(rounds: 100, path: path)
        let result = try CommandRunner.run("stats", path)
        #expect(result.status == 0, "\(result.standardError)")
        let output = result.standardOutput
        #expect(output.contains("ended:             complete\n"))
        #expect(output.contains("events:            \(events)\n"))
        #expect(output.contains("  acq   100 (24.9%)\n"))
        #expect(output.contains("  fork  1 (0.2%)\n"))
        #expect(output.contains("threads:           2\n"))
        #expect(output.contains("objects:           2 (lock 1, variable 1)\n"))
        #expect(output.contains("bytes on disk:     \(bytes.count)\n"))
        #expect(output.contains("bytes per event:   \(String(format: "%.2f", Double(bytes.count) / Double(events)))\n"))
        #expect(output.contains("compression ratio: "))
    }

    @Test("a truncated trace reports how many events its complete frames held")
    func truncated() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("t.synctrace")
        let (events, bytes) = try TraceFixtures.lockedCounter(rounds: 400, path: path)
        try bytes.prefix(bytes.count - 50).write(to: URL(fileURLWithPath: path))
        let result = try CommandRunner.run("stats", path, "--format", "json")
        #expect(result.status == 0)
        let json = try #require(
            try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any]
        )
        let read = try #require(json["events"] as? Int)
        #expect(read > 0 && read < events)
        #expect(json["complete"] as? Bool == false)
        #expect(json["ending"] as? String == "cut short")
        #expect(json.keys.contains("signal") && json["signal"] is NSNull)
        #expect((json["ended"] as? String)?.hasPrefix("cut short after \(read) events (") == true)
        #expect(result.standardError.contains("was cut short ("))
        #expect(result.standardError.contains("read \(read) events, and the recording went on past them"))
    }

    @Test("text traces report their events and size")
    func textStatistics() throws {
        let directory = try TemporaryDirectory()
        let text = try directory.write("t.std", "T0|acq(L)|1\nT0|w(V)|2\nT0|rel(L)|3\nT1|r(V)\n")
        let result = try CommandRunner.run("stats", text)
        #expect(result.status == 0)
        #expect(result.standardOutput.contains("(text)"))
        #expect(result.standardOutput.contains("events:            4\n"))
        #expect(result.standardOutput.contains("threads:           2\n"))
        #expect(result.standardOutput.contains("objects:           2 (lock 1, variable 1)\n"))
        #expect(!result.standardOutput.contains("compression ratio"))
    }
}
