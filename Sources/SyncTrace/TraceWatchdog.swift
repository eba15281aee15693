import CSyncTraceRuntime
import SyncTraceFormat

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A session's watchdog: a thread that wakes a few times per limit, asks the ``BlockingMonitor``
/// who is blocked on what, and when the limits of ``TraceWatchdogOptions`` are passed, flushes the
/// trace, reports, and (if asked) ends the process. It exists only when the watchdog is enabled.
final class TraceWatchdog: @unchecked Sendable {
    // Safe to share: `stopped` and `lastReport` change only with `wake` held; the rest is immutable
    // or synchronizes itself (the monitor).
    let options: TraceWatchdogOptions
    let monitor = BlockingMonitor()
    private let wake = PlatformLock()
    private var stopped = false

    init(options: TraceWatchdogOptions) {
        self.options = options
    }

    /// Starts the watchdog's thread for `session`; it runs until ``stop()``.
    func start(session: RecordingSession) -> Bool {
        // Detached in effect: never joined, because the watchdog itself may stop the session.
        PlatformThread.spawn(blockingProcessSignals: true) { [self] in self.run(session: session) } != nil
    }

    /// Tells the thread to finish (it does at its next wake-up, which this brings forward).
    func stop() {
        self.wake.lock()
        self.stopped = true
        self.wake.broadcast()
        self.wake.unlock()
    }

    private func run(session: RecordingSession) {
        var lastReport: String?
        while true {
            self.wake.lock()
            if !self.stopped { _ = self.wake.wait(nanoseconds: self.options.checkIntervalNanoseconds) }
            let stopped = self.stopped
            self.wake.unlock()
            if stopped { return }

            guard self.verdict(session: session) != nil else {
                lastReport = nil
                continue
            }
            // Bring in what the threads recorded since the writer's last sweep, and look again.
            session.flush()
            guard let verdict = self.verdict(session: session) else { continue }
            let report = self.report(verdict, session: session)
            // One report per hang: the same threads blocked on the same things are not reported twice.
            guard report.signature != lastReport else { continue }
            lastReport = report.signature
            if let handler = self.options.reportHandler {
                handler(report.text)
            } else {
                var text = report.text
                text.withUTF8 { bytes in _ = write(2, bytes.baseAddress, bytes.count) }
            }
            if self.options.abortsProcess {
                TraceRecorder.stop()
                // exit(), not _exit(): the program's buffered output is flushed too.
                exit(self.options.exitStatus)
            }
        }
    }

    /// Why the watchdog should fire now, if it should.
    struct Verdict {
        var reason: String
        var now: UInt64
        var live: [UInt32]
        var views: [UInt32: BlockingMonitor.ThreadView]
    }

    func verdict(session: RecordingSession) -> Verdict? {
        let live = session.liveThreadIDs().sorted()
        guard !live.isEmpty else { return nil }
        let views = self.monitor.snapshot()
        let now = session.elapsedMicroseconds()
        func longer(_ since: UInt64, than seconds: Double) -> Bool {
            now > since && Double(now - since) / 1e6 > seconds
        }
        if let limit = self.options.allBlockedSeconds,
            live.allSatisfy({ thread in views[thread]?.blockedSince.map { longer($0, than: limit) } ?? false })
        {
            return Verdict(
                reason: "every traced thread (\(live.count)) has been blocked for more than \(Self.seconds(limit))",
                now: now,
                live: live,
                views: views
            )
        }
        if let limit = self.options.lockWaitSeconds {
            let kinds = Self.objectKinds(views)
            for thread in live {
                for wait in views[thread]?.waits ?? [] where longer(wait.since, than: limit) {
                    guard let kind = kinds[wait.object], kind == .lock || kind == .rwLock else { continue }
                    return Verdict(
                        reason: "\(Self.threadName(thread)) has waited for \(Self.objectName(wait.object)) "
                            + "for more than \(Self.seconds(limit))",
                        now: now,
                        live: live,
                        views: views
                    )
                }
            }
        }
        return nil
    }

    /// The report for people, and what identifies the hang it describes.
    func report(_ verdict: Verdict, session: RecordingSession) -> (text: String, signature: String) {
        var lines = ["SyncTrace watchdog: \(verdict.reason)."]
        var signature: [String] = []
        // Who holds each lock, to say whom a waiting thread waits for.
        var holders: [UInt32: [UInt32]] = [:]
        for (thread, view) in verdict.views where verdict.live.contains(thread) {
            for held in view.held where !(holders[held.object]?.contains(thread) ?? false) { holders[held.object, default: []].append(thread) }
        }
        for thread in verdict.live {
            let view = verdict.views[thread] ?? BlockingMonitor.ThreadView()
            var parts: [String] = []
            for held in view.held {
                parts.append("holds \(Self.objectName(held.object))\(held.reading ? " (read)" : "") (taken at \(held.site.text))")
            }
            for wait in view.waits {
                let waited = Self.seconds(Double(verdict.now &- wait.since) / 1e6)
                var part = "waits for \(Self.objectName(wait.object)) (at \(wait.site.text), for \(waited)"
                let others = (holders[wait.object] ?? []).filter { $0 != thread }
                if !others.isEmpty { part += "; held by \(others.map(Self.threadName).joined(separator: ", "))" }
                if holders[wait.object]?.contains(thread) == true { part += "; held by itself" }
                parts.append(part + ")")
                signature.append("\(thread):\(wait.object)@\(wait.since)")
            }
            if let joining = view.joining {
                parts.append("joins \(Self.threadName(joining.thread)) (for \(Self.seconds(Double(verdict.now &- joining.since) / 1e6)))")
                signature.append("\(thread):join\(joining.thread)@\(joining.since)")
            }
            if view.waits.isEmpty && view.joining == nil { parts.append("running (not blocked on anything traced)") }
            lines.append("  \(Self.threadName(thread)): " + parts.joined(separator: "; "))
        }
        lines.append("SyncTrace watchdog: the trace so far is in \(session.path) (run `synctrace analyze` on it).")
        if self.options.abortsProcess {
            lines.append("SyncTrace watchdog: ending the process with exit status \(self.options.exitStatus).")
        }
        return (lines.joined(separator: "\n") + "\n", signature.joined(separator: ","))
    }

    // MARK: Names

    private static func threadName(_ thread: UInt32) -> String {
        let name = ThreadRegistry.entry(thread)?.name ?? "thread \(thread)"
        return "thread \"\(name)\""
    }

    private static func objectName(_ object: UInt32) -> String {
        guard let entry = ObjectRegistry.entry(object) else { return "object \(object)" }
        return "\(entry.kind) \"\(entry.displayName)\""
    }

    private static func objectKinds(_ views: [UInt32: BlockingMonitor.ThreadView]) -> [UInt32: ObjectKind] {
        let waited = Set(views.values.flatMap { $0.waits.map(\.object) })
        return Dictionary(uniqueKeysWithValues: waited.compactMap { object in ObjectRegistry.entry(object).map { (object, $0.kind) } })
    }

    private static func seconds(_ value: Double) -> String {
        let tenths = (value * 10).rounded() / 10
        return "\(tenths) s"
    }
}
