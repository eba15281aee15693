import DeadlockDetector
import Foundation
import SyncTrace
import SyncTraceFormat
import SyncTraceReplay
import SyncTraceTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The recorded programs run in child processes (``ChildProcess``): recording is process-wide, and a
/// recording in this process would take in the events of other test modules' threads running beside
/// it. Serialized all the same, so that the children do not compete with one another for time.
@Suite("Recorded deadlocks", .serialized)
struct RecordedDeadlockTests {
    /// Runs `RecorderProbe ARGUMENTS` recording to a temporary trace, and analyses the trace.
    static func recordProbe(
        _ arguments: [String],
        environment: [String: String] = [:]
    ) throws -> (result: ChildProcess.Result, report: AnalysisReport) {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("deadlock-probe-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let trace = directory.appendingPathComponent("probe.synctrace").path
        var environment = environment
        environment["SYNCTRACE_OUTPUT"] = trace
        let result = try ChildProcess.run(ChildProcess.builtProduct("RecorderProbe"), arguments: arguments, environment: environment)
        return (result, try TraceAnalysis.run(path: trace, plugins: [DeadlockDetector()]))
    }

    @Test("An AB/BA inversion that happened not to hang is reported as a potential deadlock")
    func inversionThatDidNotHang() throws {
        let (result, report) = try Self.recordProbe(["inversion", "0"])
        #expect(result.status == 0)
        #expect(report.trace.ending == .complete)
        let finding = try #require(report.findings.only)
        #expect(finding.kind == "potential")
        #expect(report.locks(finding) == ["accounts", "ledger"])
        #expect(Set(report.threads(finding)) == ["transfer", "audit"])
        // Every edge names where the held lock was taken and where the next was asked for.
        #expect(finding.events.count == 4)
        #expect(finding.events.allSatisfy { report.location(of: $0)?.hasPrefix("RecorderProbe/main.swift:") == true })
    }

    @Test("The same inversion ordered by join is not reported")
    func inversionOrderedByJoin() throws {
        let (result, report) = try Self.recordProbe(["inversion", "1"])
        #expect(result.status == 0)
        #expect(report.findings.isEmpty)
    }

    @Test("The watchdog reports a thread that waited too long for a lock, with who holds it, and lets it run on")
    func watchdogLockWait() throws {
        let (result, report) = try Self.recordProbe(["lockwait", "600"], environment: ["SYNCTRACE_WATCHDOG_LOCK": "0.2"])
        #expect(result.status == 0)
        #expect(result.output.contains("lock wait done"))
        #expect(report.findings.isEmpty)
        let text = result.error
        // One report for the lock wait (a loaded machine may add one for the join that follows,
        // if the holder is slow to finish: that is the watchdog doing its job, not a second report
        // of the same wait).
        #expect(text.components(separatedBy: "has waited for lock \"slow\"").count == 2, "\(text)")
        #expect(text.contains("thread \"main\" has waited for lock \"slow\" for more than 0.2 s"))
        #expect(text.contains("thread \"holder\": holds lock \"slow\""))
        #expect(text.contains("waits for lock \"slow\""))
        #expect(text.contains("held by thread \"holder\""))
        #expect(!text.contains("ending the process"))
    }

    @Test("A program that really deadlocks is ended by the watchdog: exit status, report, a complete trace")
    func watchdogEndsARealDeadlock() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("deadlock-probe-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let trace = directory.appendingPathComponent("hung.synctrace").path
        let result = try ChildProcess.run(
            ChildProcess.builtProduct("RecorderProbe"),
            arguments: ["deadlock", "2"],
            environment: [
                "SYNCTRACE_OUTPUT": trace,
                "SYNCTRACE_WATCHDOG": "0.5",
                "SYNCTRACE_WATCHDOG_ABORT": "1",
            ]
        )
        #expect(result.status == TraceWatchdogOptions.defaultExitStatus)
        #expect(result.output.contains("started 2 philosophers"))
        // SYNCTRACE_WATCHDOG sets both limits: on a loaded machine the lock-wait one may pass first.
        #expect(
            result.error.contains("SyncTrace watchdog: every traced thread (3) has been blocked for more than 0.5 s.")
                || result.error.contains("has waited for lock \"lock")
        )
        #expect(result.error.contains("thread \"main\": joins thread \"philosopher 0\""))
        #expect(result.error.contains("thread \"philosopher 0\": holds lock \"lock0\""))
        #expect(result.error.contains("waits for lock \"lock1\""))
        #expect(result.error.contains("ending the process with exit status 86"))

        let report = try TraceAnalysis.run(path: trace, plugins: [DeadlockDetector()])
        #expect(report.trace.ending == .complete)
        let finding = try #require(report.findings.only)
        #expect(finding.kind == "actual")
        #expect(finding.title == "DEADLOCK")
        #expect(Set(report.locks(finding)) == ["lock0", "lock1"])
        #expect(Set(report.threads(finding)) == ["philosopher 0", "philosopher 1"])
    }
}
