import Foundation
import RaceDetector
import SyncTrace
import SyncTraceFormat
import SyncTraceReplay
import SyncTraceTestSupport
import Testing

extension RecorderTests {
    /// Call stacks, end to end: `RecorderProbe stacks HOW` races in a helper that three threads
    /// reach through three different callers.
    @Suite("Recorded call stacks")
    struct RecordedStackTests {
        /// Records the probe ending `how`, with `environment` added; the trace's path and the run.
        static func record(_ how: String, probe: String = "\"$PROBE\"", environment: [String: String] = [:], in directory: URL) throws -> (String, Probe.Result) {
            let path = directory.appendingPathComponent("stacks.synctrace").path
            var variables = environment
            variables["SYNCTRACE_OUTPUT"] = path
            // The `signal` ending aborts: without these, Swift's crash backtracer (and, in an
            // AddressSanitizer build, ASan's abort handler) takes over the dying probe, and the
            // backtracer, holding the probe's stderr open, can outlive it and hang the test.
            variables["SWIFT_BACKTRACE"] = "enable=no"
            variables["ASAN_OPTIONS"] = "detect_leaks=0:abort_on_error=0:handle_abort=0"
            let command = how == "kill"
                // Killed once it has flushed: no handler runs, nothing symbolizes the frames.
                ? "\(probe) stacks kill > out.txt & pid=$!; while ! grep -q flushed out.txt; do sleep 0.05; done; kill -9 $pid; wait $pid; true"
                : "\(probe) stacks \(how)"
            return (path, try Probe.run(command, environment: variables, in: directory))
        }

        /// Records a copy of the probe (`ProbeCopy` in `directory`) killed by SIGKILL, then removes
        /// the copy: a trace of raw frames whose binary is gone. The trace's path.
        static func recordKilledCopy(in directory: URL) throws -> String {
            let copy = directory.appendingPathComponent("ProbeCopy")
            try FileManager.default.copyItem(at: Probe.executable, to: copy)
            let (path, _) = try Self.record("kill", probe: "./ProbeCopy", in: directory)
            try FileManager.default.removeItem(at: copy)
            return path
        }

        /// The race findings of a trace, and its report.
        static func races(_ path: String) throws -> (findings: [Finding], report: AnalysisReport) {
            let report = try TraceAnalysis.run(path: path, plugins: [RaceDetector()])
            return (report.findings.filter { $0.plugin == "race" }, report)
        }

        /// The callers the helper was reached from in `findings`' events: each stack's frame
        /// in `fromAlpha`, `fromBeta` or `fromGamma` (after `bump`'s, which an optimized build
        /// inlines into them).
        static func callers(_ findings: [Finding], in report: AnalysisReport) -> Set<String> {
            Set(findings.flatMap(\.events).compactMap { Self.caller(in: report.stack(of: $0)) })
        }

        static func caller(in stack: [StackFrame]) -> String? {
            for name in ["fromAlpha", "fromBeta", "fromGamma"] where stack.contains(where: { $0.function?.contains("StackProbe.\(name)(") == true }) {
                return name
            }
            return nil
        }

        @Test("a helper called from three places gives three caller stacks, with their functions and lines")
        func threeCallers() throws {
            let directory = try Probe.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let (path, result) = try Self.record("exit", in: directory)
            #expect(result.status == 0, "\(result.error)")
            let (findings, report) = try Self.races(path)
            #expect(findings.count == 1, "one race finding on `shared`")
            // The finding shows every stack met at the helper's one call site: the three callers.
            let all: Set<String> = ["fromAlpha", "fromBeta", "fromGamma"]
            let callers = Self.callers(findings, in: report)
            #expect(callers == all, "\(callers)")
            // The recorder's own frames are left out: every stack starts at the helper.
            for event in findings.flatMap(\.events) {
                #expect(report.stack(of: event).first?.function == "static StackProbe.bump(_:by:)", "\(report.stack(of: event))")
            }
            let reader = try BinaryTraceReader(path: path)
            var batch: [TraceEvent] = []
            while try reader.nextBatch(into: &batch) {}
            let helperStacks = reader.symbols.stacks.filter { reader.symbols.string($0.location) == "RecorderProbe/StackProbe.swift:16" }
            #expect(Set(helperStacks.compactMap { Self.caller(in: reader.symbols.stack($0.location)) }) == all)
            let rendered = TextReportRenderer.render(try #require(findings.first), symbols: report.symbols)
            // The first frame is the helper at its own line, the next its caller at the caller's.
            #expect(rendered.contains("static StackProbe.bump(_:by:)\n  \t"))
            #expect(rendered.contains("StackProbe.swift:16\n"))
            let callerLines = ["StackProbe.swift:21", "StackProbe.swift:22", "StackProbe.swift:23"].filter { rendered.contains($0) }
            #expect(callerLines.count == 3, "\(rendered)")
            // Each thread's creation stack: run(how:) at the spawn line, by main.
            #expect(rendered.contains(" created by main at:\n  static StackProbe.run(how:)\n"))
            // The trace is self-contained: symbolized at the end of recording, nothing raw.
            #expect(reader.header.formatVersion == TraceHeader.currentFormatVersion)
            #expect(!reader.symbols.frames.isEmpty && !reader.symbols.hasUnsymbolizedFrames)
        }

        @Test("the three callers are in the report's JSON as frames")
        func json() throws {
            let directory = try Probe.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let (path, _) = try Self.record("exit", in: directory)
            let (_, report) = try Self.races(path)
            let json = JSONReportRenderer.render(report)
            #expect(json.contains("\"stack\" : [") || json.contains("\"stack\": ["))
            #expect(json.contains("\"function\"") && json.contains("StackProbe.bump(_:by:)"))
            #expect(json.contains("\"threadCreationStack\""))
        }

        /// The probe built with `-c release` (-O, whole-module): built the first time into a scratch
        /// directory beside this build's, since the running `swift test` holds this one's lock.
        static func releaseProbe() throws -> URL {
            // …/SCRATCH/<triple>/debug/RecorderProbe
            let debug = Probe.executable.deletingLastPathComponent()
            let scratch = debug.deletingLastPathComponent().deletingLastPathComponent()
            let releaseScratch = scratch.path + "-release-probe"
            let built = URL(fileURLWithPath: releaseScratch).appendingPathComponent("release/RecorderProbe")
            // Built every time: an incremental build of nothing changed takes a second, and a probe
            // left from older sources would test the old recorder.
            let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            let result = try ChildProcess.run(
                URL(fileURLWithPath: "/bin/sh"),
                arguments: ["-c", "swift build -c release --product RecorderProbe --scratch-path \"\(releaseScratch)\""],
                inheritingEnvironment: true,
                in: root,
                timeout: 1200
            )
            try #require(
                result.status == 0 && FileManager.default.isExecutableFile(atPath: built.path),
                "the release build of RecorderProbe failed: \(result.error.suffix(2000))"
            )
            return built
        }

        @Test("a program built with -O still shows the helper's callers", .timeLimit(.minutes(20)))
        func optimized() throws {
            let probe = try Self.releaseProbe()
            let directory = try Probe.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let (path, result) = try Self.record("exit", probe: "\"\(probe.path)\"", in: directory)
            #expect(result.status == 0, "\(result.error)")
            let (findings, report) = try Self.races(path)
            let callers = Self.callers(findings, in: report)
            let all: Set<String> = ["fromAlpha", "fromBeta", "fromGamma"]
            #expect(callers == all, "\(findings.map { TextReportRenderer.render($0, symbols: report.symbols) })")
            // The recorder's own (specialized) frames are left out: each stack starts at `bump`
            // (from the inline tables) or in the caller it is inlined into.
            for event in findings.flatMap(\.events) {
                let first = try #require(report.stack(of: event).first)
                #expect(Self.caller(in: [first]) != nil || first.function?.contains("StackProbe.bump(") == true, "\(report.stack(of: event))")
            }
        }

        @Test("depth 0 records no stacks: a trace of the current version with no stack records, and reports as before")
        func depthZero() throws {
            let directory = try Probe.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let (path, result) = try Self.record("exit", environment: ["SYNCTRACE_STACK_DEPTH": "0"], in: directory)
            #expect(result.status == 0)
            let (events, reader) = try Probe.read(path)
            #expect(reader.header.formatVersion == TraceHeader.currentFormatVersion)
            #expect(reader.symbols.frames.isEmpty && reader.symbols.stacks.isEmpty && reader.symbols.images.isEmpty)
            #expect(events.contains { $0.operation == .write && reader.symbols.location($0.location) == "RecorderProbe/StackProbe.swift:16" })
            let (findings, report) = try Self.races(path)
            #expect(findings.allSatisfy { $0.events.allSatisfy { report.stack(of: $0).isEmpty && report.threadCreationStack(of: $0).isEmpty } })
            #expect(TextReportRenderer.render(try #require(findings.first), symbols: report.symbols).contains("\n  RecorderProbe/StackProbe.swift:16\n"))
        }

        @Test("a trace a signal ended, or SIGKILL cut, has raw frames that analyze symbolizes from the binary", arguments: ["signal", "kill"])
        func offlineSymbolization(how: String) throws {
            let directory = try Probe.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let (path, _) = try Self.record(how, in: directory)
            let (_, reader) = try Probe.read(path)
            #expect(!reader.symbols.frames.isEmpty)
            #expect(reader.symbols.frames.allSatisfy { $0.symbols == nil }, "no symbol records: the process did not end cleanly")
            let (findings, report) = try Self.races(path)
            #expect(report.stackNotes.isEmpty, "\(report.stackNotes)")
            #expect(Self.callers(findings, in: report).count >= 2)
        }

        @Test("with the binary gone, the report shows image+offset frames and says why")
        func binaryGone() throws {
            let directory = try Probe.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let path = try Self.recordKilledCopy(in: directory)
            let (findings, report) = try Self.races(path)
            #expect(report.stackNotes.contains { $0.contains("ProbeCopy is gone") }, "\(report.stackNotes)")
            let rendered = TextReportRenderer.render(report)
            #expect(rendered.contains("SyncTrace: stacks: ") && rendered.contains("ProbeCopy+0x"))
            #expect(findings.flatMap(\.events).allSatisfy { !report.stack(of: $0).isEmpty })
        }

        @Test("a binary rebuilt since the recording (another build id) is not read: raw frames, and the report says so")
        func binaryRebuilt() throws {
            let directory = try Probe.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let path = try Self.recordKilledCopy(in: directory)
            // Another executable at the same path: its build id is not the recorded one.
            try FileManager.default.copyItem(at: ChildProcess.builtProduct("synctrace"), to: directory.appendingPathComponent("ProbeCopy"))
            let (findings, report) = try Self.races(path)
            #expect(report.stackNotes.contains { $0.contains("ProbeCopy was rebuilt since the recording") }, "\(report.stackNotes)")
            let probeFrames = findings.flatMap(\.events).flatMap(report.stack(of:)).filter { $0.image?.hasSuffix("ProbeCopy") == true }
            #expect(!probeFrames.isEmpty && probeFrames.allSatisfy { $0.function == nil })
        }
    }
}
