import Foundation
import LostUpdateCounter
import RaceDetector
import Synchronization
import SyncTrace
import SyncTraceReplay

/// Correctly synchronized traced work that goes on while recording sessions start and stop around
/// it, and the verdict on the traces those sessions wrote.
///
/// Every shared variable is only touched with its lock held (or is an atomic), so any race or lost
/// update found in one of the traces is false, and so is any contradiction in a trace's orders or
/// any gap in an object's numbering: each session numbers every object from zero, and a session's
/// trace must hold every event of it that a later event of it depends on.
final class ChurnWorkload: Sendable {
    let lock = TracedLock(name: "churn lock")
    /// Touched only with `lock` held.
    let lockGuarded = TracedVar(0, name: "lock guarded")
    let mutex = TracedMutex(0, name: "churn mutex")
    /// Touched only with `mutex` held.
    let mutexGuarded = TracedVar(0, name: "mutex guarded")
    let atomic = TracedAtomic(0, name: "churn atomic")
    private let running = Atomic<Bool>(true)
    /// Where the traces go, one file per session.
    let directory: URL
    private let sessionCount = Atomic<Int>(0)

    init() throws {
        self.directory = FileManager.default.temporaryDirectory.appendingPathComponent("churn-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: self.directory, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: self.directory)
    }

    /// One round of traced operations: each kind of access the churn mixes.
    func step() {
        self.lock.withLock { self.lockGuarded.value += 1 }
        self.mutex.withLock { count in
            count += 1
            self.mutexGuarded.value += 1
        }
        self.atomic.wrappingAdd(1)
        _ = self.atomic.load()
    }

    /// Steps until ``finish()``.
    func runUntilFinished() {
        while self.running.load(ordering: .relaxed) { self.step() }
    }

    /// Steps `count` times, or fewer if ``finish()`` comes first.
    func run(steps count: Int) {
        for _ in 0..<count where self.running.load(ordering: .relaxed) { self.step() }
    }

    var isRunning: Bool { self.running.load(ordering: .relaxed) }

    /// Tells every worker to stop stepping.
    func finish() {
        self.running.store(false, ordering: .relaxed)
    }

    /// Starts a session writing the next trace file.
    func startSession() throws {
        let index = self.sessionCount.wrappingAdd(1, ordering: .relaxed).oldValue
        try TraceRecorder.start(path: self.directory.appendingPathComponent("session-\(index).synctrace").path)
    }

    /// Lets the workers run for a while that varies from session to session (a session of no time at
    /// all among them), so that starts and stops fall at every point of their operations.
    func pause(_ round: Int) {
        let microseconds = [0, 20, 100, 400][round % 4]
        if microseconds > 0 { usleep(UInt32(microseconds)) }
    }

    /// Starts and stops `count` sessions from the calling thread, then tells the workers to finish.
    func churn(sessions count: Int) throws {
        for round in 0..<count {
            try self.startSession()
            self.pause(round)
            TraceRecorder.stop()
            self.pause(round + 1)
        }
        self.finish()
    }

    /// What analysing every trace written found wrong; empty when every trace is consistent.
    struct Verdict: CustomStringConvertible {
        var traces = 0
        var events: UInt64 = 0
        /// Traces the replay rejected, with the first few reasons.
        var rejected = 0
        var reasons: [String] = []
        /// Traces with findings (all false here), and the first few.
        var withFindings = 0
        var findings: [String] = []
        /// Traces in which an object's numbering had a gap or did not start at zero.
        var withGaps = 0
        /// Traces that did not end complete.
        var incomplete = 0

        var isClean: Bool { self.rejected == 0 && self.withFindings == 0 && self.withGaps == 0 && self.incomplete == 0 }

        var description: String {
            "\(self.traces) traces, \(self.events) events: \(self.rejected) rejected, \(self.withFindings) with findings, "
                + "\(self.withGaps) with numbering gaps, \(self.incomplete) not complete; "
                + (self.reasons + self.findings).prefix(6).joined(separator: " | ")
        }
    }

    /// Analyses every trace the sessions wrote.
    func verdict() throws -> Verdict {
        var verdict = Verdict()
        let files = try FileManager.default.contentsOfDirectory(atPath: self.directory.path).filter { $0.hasSuffix(".synctrace") }
        for file in files.sorted() {
            verdict.traces += 1
            let path = self.directory.appendingPathComponent(file).path
            do {
                let report = try TraceAnalysis.run(path: path, plugins: [RaceDetector(), LostUpdateCounter()])
                verdict.events += report.trace.analysedEvents
                if !report.findings.isEmpty {
                    verdict.withFindings += 1
                    if verdict.findings.count < 3 { verdict.findings.append("\(file): \(report.findings[0].title)") }
                }
                if report.trace.sequenceGaps > 0 { verdict.withGaps += 1 }
                if report.trace.ending != .complete { verdict.incomplete += 1 }
            } catch {
                verdict.rejected += 1
                if verdict.reasons.count < 3 { verdict.reasons.append("\(file): \(error)") }
            }
        }
        return verdict
    }
}
