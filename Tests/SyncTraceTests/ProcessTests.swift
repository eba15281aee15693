import Foundation
import SyncTrace
import SyncTraceFormat
import SyncTraceTestSupport
import Testing

/// Runs the `RecorderProbe` program (built beside the tests) in a child process.
enum Probe {
    static let executable = ChildProcess.builtProduct("RecorderProbe")

    typealias Result = ChildProcess.Result

    /// Runs `command` through `/bin/sh -c` with `$PROBE` set to the probe's path, in `directory`.
    static func run(_ command: String, environment: [String: String], in directory: URL) throws -> Result {
        var environment = environment
        environment["PROBE"] = Self.executable.path
        return try ChildProcess.run(URL(fileURLWithPath: "/bin/sh"), arguments: ["-c", command], environment: environment, in: directory)
    }

    static func temporaryDirectory() throws -> URL {
        try ChildProcess.temporaryDirectory(prefix: "probe")
    }

    static func read(_ path: String) throws -> (events: [TraceEvent], reader: BinaryTraceReader) {
        let reader = try BinaryTraceReader(path: path)
        var events: [TraceEvent] = []
        var batch: [TraceEvent] = []
        while try reader.nextBatch(into: &batch) { events.append(contentsOf: batch) }
        return (events, reader)
    }
}

extension RecorderTests {
    @Suite("Recording a whole program")
    struct ProcessTests {
        @Test("SYNCTRACE_OUTPUT switches recording on without code changes, and exit finishes the trace")
        func environmentActivation() throws {
            let directory = try Probe.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let result = try Probe.run("\"$PROBE\" counter 8", environment: ["SYNCTRACE_OUTPUT": "counter.synctrace"], in: directory)
            #expect(result.status == 0)
            #expect(result.error.isEmpty)
            let printed = try #require(Int(result.output.split(separator: " ").last?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""))
            let (events, reader) = try Probe.read(directory.appendingPathComponent("counter.synctrace").path)
            #expect(reader.ending == .complete)
            #expect(reader.header.program == "RecorderProbe")
            #expect(events.filter { $0.operation == .fork }.count == 8)
            #expect(events.filter { $0.operation == .join }.count == 8)
            #expect(events.filter { $0.operation == .write }.count == 8)
            // Eight reads by the incrementers and one by the final print.
            #expect(events.filter { $0.operation == .read }.count == 9)
            #expect(printed <= 8 && printed >= 1)
            let names = Set(reader.symbols.threads.map(\.name))
            #expect(names.contains("main"))
            #expect(names.contains("incrementer 7"))
        }

        @Test("a bad SYNCTRACE_OUTPUT gives one diagnostic and the program runs on unrecorded")
        func badEnvironment() throws {
            let directory = try Probe.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let result = try Probe.run(
                "\"$PROBE\" counter 4",
                environment: ["SYNCTRACE_OUTPUT": "/nonexistent-directory/x.synctrace"],
                in: directory
            )
            #expect(result.status == 0)
            #expect(result.output.hasPrefix("counter: "))
            let lines = result.error.split(separator: "\n")
            #expect(lines.count == 1)
            #expect(lines.first?.hasPrefix("SyncTrace: cannot record to SYNCTRACE_OUTPUT=/nonexistent-directory/x.synctrace") == true)
            #expect(result.error.contains("running unrecorded"))
        }

        @Test("without SYNCTRACE_OUTPUT nothing is recorded and no file is created")
        func offMode() throws {
            let directory = try Probe.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let result = try Probe.run("\"$PROBE\" counter 4", environment: [:], in: directory)
            #expect(result.status == 0)
            #expect(result.error.isEmpty)
            let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { !$0.hasPrefix(".") }
            #expect(files.isEmpty)
        }

        @Test("a write error mid-run is reported once, recording stops, the program runs on, the trace stays readable")
        func writeError() throws {
            let directory = try Probe.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            // A file-size limit of 512 KiB (a few frames: each event carries its µs timestamp) makes the writer's writes fail part-way (EFBIG); SIGXFSZ is
            // ignored so the failure is an error return, as a full disk would give.
            let result = try Probe.run(
                "ulimit -f 1024; trap '' XFSZ; exec \"$PROBE\" flood 4000000",
                environment: ["SYNCTRACE_OUTPUT": "flood.synctrace"],
                in: directory
            )
            #expect(result.status == 0)
            #expect(result.output == "flooded: 4000000 events, still running\n")
            let lines = result.error.split(separator: "\n")
            #expect(lines.count == 1)
            #expect(lines.first?.hasPrefix("SyncTrace: writing trace flood.synctrace failed, recording stopped:") == true)
            let (events, reader) = try Probe.read(directory.appendingPathComponent("flood.synctrace").path)
            #expect(events.count > 0)
            #expect(events.count < 4_000_000)
            if case .truncated = reader.ending {} else { Issue.record("expected a truncated trace, got \(reader.ending)") }
            // What was written is a prefix of the program's own order.
            #expect(events.map(\.sequence) == Array(0..<UInt64(events.count)))
        }
    }
}
