import DeadlockDetector
import Foundation
import LostUpdateCounter
import RaceDetector
import SyncTrace
import SyncTraceFormat
import SyncTraceReplay
import SyncTraceTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// What a recorded process that dies leaves behind: the probe (`RecorderProbe crash HOW PHASE`)
/// says how many events of each operation it recorded, then dies; the trace must hold them all.
extension RecorderTests {
    @Suite("Recording a process that dies")
    struct CrashRecordingTests {
        /// Every way to die the probe knows, and the signal it dies of (nil: none, it exits).
        static let deaths: [(how: String, signal: Int32?)] = [
            ("fatalError", nil), ("forceUnwrap", nil), ("nullWrite", SIGSEGV), ("segv", SIGSEGV), ("bus", SIGBUS),
            ("ill", SIGILL), ("trap", SIGTRAP), ("fpe", SIGFPE), ("abort", SIGABRT), ("term", SIGTERM),
            ("int", SIGINT), ("kill", SIGKILL), ("exit", nil), ("termHandled", nil),
        ]

        /// The counts the probe printed: "recorded acq=20000 rel=… req(gate)=4".
        static func printedCounts(_ output: String) throws -> [String: Int] {
            let line = try #require(output.split(separator: "\n").first { $0.hasPrefix("recorded ") })
            var counts: [String: Int] = [:]
            for field in line.dropFirst("recorded ".count).split(separator: " ") {
                let parts = field.split(separator: "=")
                counts[String(parts[0])] = Int(parts[1])
            }
            return counts
        }

        /// The same counts, from the trace.
        static func traceCounts(_ events: [TraceEvent], symbols: TraceSymbols) -> [String: Int] {
            var counts: [String: Int] = [:]
            for event in events {
                counts[event.operation.textName, default: 0] += 1
                if event.operation == .request, symbols.objects[event.object.index].name == "gate" {
                    counts["req(gate)", default: 0] += 1
                }
            }
            return counts
        }

        /// Environment for a probe that is to die of its signals as a plain program does: Swift's
        /// backtracer (which lets a raised SIGSEGV return) off, and, in a build with AddressSanitizer,
        /// its fault handlers too (they would end the process with status 1 instead).
        static let plainDeath = [
            "SWIFT_BACKTRACE": "enable=no",
            "ASAN_OPTIONS": "handle_segv=0:handle_sigbus=0:handle_abort=0:handle_sigill=0:handle_sigfpe=0:detect_leaks=0",
        ]

        /// The signal a `/bin/sh` exit status says its command died of (128 + N), if it died of one.
        static func signal(fromShellStatus status: Int32) -> Int32? { status > 128 ? status - 128 : nil }

        @Test(
            "every event recorded before the process died is in the trace, and the trace says how it ended",
            arguments: ["joined", "alive"]
        )
        func everyEventKept(phase: String) throws {
            let directory = try Probe.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            for death in Self.deaths {
                let trace = "\(death.how)-\(phase).synctrace"
                // Swift's backtracer would swallow a raised SIGSEGV (and take its time): these runs
                // check the trace; `sameDeath` below checks the backtracer's part.
                let result = try Probe.run(
                    "timeout -s KILL 30 \"$PROBE\" crash \(death.how) \(phase)",
                    environment: Self.plainDeath.merging(["SYNCTRACE_OUTPUT": trace]) { $1 },
                    in: directory
                )
                let died = Self.signal(fromShellStatus: result.status)
                if death.how == "exit" {
                    #expect(result.status == 3, "\(death.how) \(phase)")
                } else if death.how == "termHandled" {
                    #expect(result.status == 5, "\(death.how) \(phase)")
                    #expect(result.output.hasSuffix("app handler\n"), "\(death.how) \(phase)")
                } else {
                    #expect(died != nil && died != SIGKILL || death.how == "kill", "\(death.how) \(phase): status \(result.status)")
                    if let expected = death.signal { #expect(died == expected, "\(death.how) \(phase): status \(result.status)") }
                }
                let expected = try Self.printedCounts(result.output)
                let (events, reader) = try Probe.read(directory.appendingPathComponent(trace).path)
                let found = Self.traceCounts(events, symbols: reader.symbols)
                for (operation, count) in expected {
                    #expect(found[operation, default: 0] == count, "\(death.how) \(phase): \(operation) in the trace")
                }
                switch death.how {
                case "kill", "termHandled":
                    // No handler runs (or the app's own ends the process after the recorder's flush):
                    // the file holds everything, without an end record.
                    #expect(reader.ending == .truncated(droppedBytes: 0), "\(death.how) \(phase)")
                case "exit":
                    #expect(reader.ending == .complete, "\(death.how) \(phase)")
                default:
                    #expect(reader.ending == .signal(died ?? -1), "\(death.how) \(phase): \(reader.ending)")
                }
            }
        }

        /// Whether this process (and so the probe, built alike) runs under AddressSanitizer, whose own
        /// fault handlers and Swift's backtracer together hang the backtracer's child for minutes.
        static let underAddressSanitizer = dlsym(nil, "__asan_init") != nil

        @Test(
            "the program dies as it would without SyncTrace: the same status, Swift's own backtrace",
            .disabled(if: Self.underAddressSanitizer, "Swift's backtracer hangs under AddressSanitizer, with or without SyncTrace")
        )
        func sameDeath() throws {
            let directory = try Probe.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            for how in ["fatalError", "forceUnwrap", "nullWrite", "abort", "segv", "term", "int"] {
                let command = "timeout -s KILL 60 \"$PROBE\" crash \(how) joined"
                let plain = try Probe.run(command, environment: [:], in: directory)
                let recorded = try Probe.run(command, environment: ["SYNCTRACE_OUTPUT": "\(how).synctrace"], in: directory)
                #expect(recorded.status == plain.status, "\(how): \(recorded.status) recorded, \(plain.status) plain")
                let crashed = "*** Program crashed"
                #expect(recorded.error.contains(crashed) == plain.error.contains(crashed), "\(how)")
                if how == "fatalError" {
                    #expect(plain.error.contains("Fatal error: the probe's fatalError"))
                    #expect(recorded.error.contains("Fatal error: the probe's fatalError"))
                    #expect(recorded.error.contains(crashed))
                }
                // The handler says nothing of its own.
                #expect(!recorded.error.contains("SyncTrace:"), "\(how): \(recorded.error)")
            }
        }

        @Test("SYNCTRACE_HANDLE_SIGNALS=0: no handler, so a crash leaves the trace cut short at its last periodic write")
        func handlersOff() throws {
            let directory = try Probe.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let result = try Probe.run(
                "timeout -s KILL 30 \"$PROBE\" crash abort joined",
                environment: Self.plainDeath.merging(["SYNCTRACE_OUTPUT": "off.synctrace", "SYNCTRACE_HANDLE_SIGNALS": "0"]) { $1 },
                in: directory
            )
            #expect(Self.signal(fromShellStatus: result.status) == SIGABRT)
            let (_, reader) = try Probe.read(directory.appendingPathComponent("off.synctrace").path)
            if case .truncated = reader.ending {} else { Issue.record("expected a cut-short trace, got \(reader.ending)") }
        }

        @Test(
            "killed mid-run from outside, a correctly locked program's trace is readable and has no finding",
            arguments: [SIGKILL, SIGTERM, SIGINT, SIGSEGV, SIGABRT, SIGBUS, SIGQUIT]
        )
        func killedMidRun(signal: Int32) throws {
            let directory = try Probe.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            for delay in [200_000, 450_000] as [UInt32] {
                let result = try ChildProcess.run(
                    Probe.executable,
                    arguments: ["crash", "none", "run"],
                    // Swift's backtracer would let the process live on after a SIGSEGV sent from outside.
                    environment: Self.plainDeath.merging(["SYNCTRACE_OUTPUT": "killed.synctrace"]) { $1 },
                    in: directory,
                    timeout: 20
                ) { child in
                    // Mid-run: once the recording has begun (on two loaded cores the process can
                    // take longer than the delay just to start), then after the delay.
                    let trace = directory.appendingPathComponent("killed.synctrace").path
                    for _ in 0..<1000 where !FileManager.default.fileExists(atPath: trace) { usleep(10_000) }
                    usleep(delay)
                    kill(child, signal)
                }
                if result.timedOut { Issue.record("signal \(signal) did not end the probe") }
                #expect(result.signaled && result.status == signal)
                let path = directory.appendingPathComponent("killed.synctrace").path
                let (events, reader) = try Probe.read(path)
                switch signal {
                case SIGKILL, SIGQUIT:
                    // No handler runs (the recorder does not handle SIGQUIT: its default action dumps core).
                    if case .truncated = reader.ending {} else { Issue.record("expected a cut-short trace, got \(reader.ending)") }
                default:
                    // The handler waits at most 2 s for the writer; an instrumented build on two
                    // loaded cores can take longer, and the trace then honestly reads as cut short.
                    if case .truncated = reader.ending, Self.underAddressSanitizer {} else {
                        #expect(reader.ending == .signal(signal))
                    }
                }
                // The workers record flat out: a handler writes all of it, a SIGKILL what the last
                // periodic write had (on 2 busy cores, possibly nothing yet: then the trace is a
                // header, analysed as cut short with no events).
                if reader.ending.holdsEveryEvent { #expect(events.count > 1000, "signal \(signal) after \(delay) µs") }
                // The workers hold `m` for every access to `v`: whatever was cut, nothing may be reported.
                let report = try TraceAnalysis.run(path: path, plugins: [RaceDetector(), DeadlockDetector(), LostUpdateCounter()])
                #expect(report.findings.isEmpty, "signal \(signal) after \(delay) µs: \(report.findings.map(\.title))")
            }
        }
    }
}
