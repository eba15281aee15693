import Foundation
import SyncTrace
import SyncTraceFormat
import Testing

/// Processes that share a trace path, fork while recording, or hit a file-size limit.
extension RecorderTests {
    @Suite("Processes sharing, forking, limited")
    struct ProcessSharingTests {
        @Test("a second process recording to the same path gets one diagnostic and runs on; the first trace is whole")
        func twoProcessesOnePath() throws {
            let directory = try Probe.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let result = try Probe.run(
                "\"$PROBE\" pid 800 > first.out & sleep 0.3; \"$PROBE\" pid 100 > second.out 2> second.err; wait",
                environment: ["SYNCTRACE_OUTPUT": "same.synctrace"],
                in: directory
            )
            #expect(result.status == 0)
            let second = try String(contentsOf: directory.appendingPathComponent("second.err"), encoding: .utf8)
            #expect(second == "SyncTrace: cannot record to SYNCTRACE_OUTPUT=same.synctrace: another process is recording to same.synctrace; use %p in the path for a file per process; running unrecorded\n")
            let secondOutput = try String(contentsOf: directory.appendingPathComponent("second.out"), encoding: .utf8)
            #expect(secondOutput.hasSuffix("pid done\n"))
            let firstOutput = try String(contentsOf: directory.appendingPathComponent("first.out"), encoding: .utf8)
            let firstPID = try #require(firstOutput.split(separator: "\n").first.map { $0.dropFirst("pid ".count) })
            let (events, reader) = try Probe.read(directory.appendingPathComponent("same.synctrace").path)
            #expect(reader.ending == .complete)
            #expect(events.count > 1000)
            // Only the first process's lock, numbered without a gap: nothing of the second got in.
            #expect(reader.symbols.objects.map(\.name) == ["pid lock"])
            let sequences = events.filter { $0.operation == .acquire || $0.operation == .release }.map(\.sequence)
            #expect(sequences == Array(0..<UInt64(sequences.count)))
            #expect(!firstPID.isEmpty)
        }

        @Test("%p in SYNCTRACE_OUTPUT becomes the process id, so processes on one command line get a trace each")
        func processIDInPath() throws {
            let directory = try Probe.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let result = try Probe.run(
                "\"$PROBE\" pid 300 > a.out & \"$PROBE\" pid 300 > b.out; wait",
                environment: ["SYNCTRACE_OUTPUT": "trace-%p.synctrace"],
                in: directory
            )
            #expect(result.status == 0)
            #expect(result.error.isEmpty)
            for name in ["a.out", "b.out"] {
                let output = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
                let pid = try #require(output.split(separator: "\n").first).dropFirst("pid ".count)
                let (events, reader) = try Probe.read(directory.appendingPathComponent("trace-\(pid).synctrace").path)
                #expect(reader.ending == .complete)
                #expect(events.count > 100)
            }
        }

        @Test("fork() while recording: the child runs unrecorded and exits at once; the parent's trace is whole")
        func forkWhileRecording() throws {
            let directory = try Probe.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            for _ in 0..<3 {
                let result = try Probe.run(
                    "timeout -s KILL 30 \"$PROBE\" fork 20000",
                    // Under AddressSanitizer, a forked child's exit would report as leaked whatever only
                    // the parent's other threads referenced (they do not exist in the child).
                    environment: ["SYNCTRACE_OUTPUT": "fork.synctrace", "ASAN_OPTIONS": "detect_leaks=0"],
                    in: directory
                )
                #expect(result.status == 0, "\(result.output) \(result.error)")
                let lines = result.output.split(separator: "\n")
                #expect(lines.filter { $0.hasPrefix("child ") && $0.hasSuffix("done, recording: false") }.count == 3)
                #expect(lines.filter { $0 == "child exited with 0" }.count == 3)
                // The children's increments stay in their own copies of the counter.
                #expect(lines.last == "parent done: 40000")
                let (events, reader) = try Probe.read(directory.appendingPathComponent("fork.synctrace").path)
                #expect(reader.ending == .complete)
                // Nothing of the children: their lock never appears, and the parent's numbering is whole.
                #expect(!reader.symbols.objects.map(\.name).contains("child lock"))
                #expect(events.filter { $0.operation == .write }.count == 40000)
            }
        }

        @Test("a file-size limit stops recording like a full disk: one diagnostic, the program runs on, no SIGXFSZ")
        func fileSizeLimit() throws {
            let directory = try Probe.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            // No `trap '' XFSZ`: the recorder's writer blocks SIGXFSZ itself, so the write fails with EFBIG.
            let result = try Probe.run(
                "ulimit -f 1024; exec \"$PROBE\" flood 4000000",
                environment: ["SYNCTRACE_OUTPUT": "limited.synctrace"],
                in: directory
            )
            #expect(result.status == 0)
            #expect(result.output == "flooded: 4000000 events, still running\n")
            #expect(result.error == "SyncTrace: writing trace limited.synctrace failed, recording stopped: cannot write limited.synctrace: the file-size limit (ulimit -f) is reached\n")
            let (events, reader) = try Probe.read(directory.appendingPathComponent("limited.synctrace").path)
            #expect(events.count > 0 && events.count < 4_000_000)
            if case .truncated = reader.ending {} else { Issue.record("expected a cut-short trace, got \(reader.ending)") }
        }
    }
}
