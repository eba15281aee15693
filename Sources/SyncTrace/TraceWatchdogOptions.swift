#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// When the recorder's watchdog steps in: a hung program ends with a diagnosis and a trace instead
/// of freezing a CI job.
///
/// When every live traced thread has been blocked (waiting for a lock, a channel, a wait group, a
/// semaphore, a condition, or joining a thread) for longer than ``allBlockedSeconds``, or one thread
/// has waited for one lock for longer than ``lockWaitSeconds``, the watchdog flushes the trace, prints
/// to stderr what each thread holds and waits for, and, with ``abortsProcess``, finishes the trace and
/// exits with ``exitStatus``.
///
/// Off unless asked for: `TraceRecorderOptions(watchdog: TraceWatchdogOptions(allBlockedSeconds: 5))`,
/// or the environment (which applies to any recording whose options set no watchdog):
///
/// | variable | meaning |
/// | --- | --- |
/// | `SYNCTRACE_WATCHDOG=SECONDS` | every thread blocked for longer than SECONDS; also the lock-wait limit unless the next one is set |
/// | `SYNCTRACE_WATCHDOG_LOCK=SECONDS` | one thread waiting for one lock for longer than SECONDS |
/// | `SYNCTRACE_WATCHDOG_ABORT=1` | exit after the report (status 86, or `SYNCTRACE_WATCHDOG_EXIT_STATUS`) |
public struct TraceWatchdogOptions: Sendable {
    /// The exit status of a process the watchdog ends, unless set otherwise: distinct from a crash
    /// (134), a test failure (1) and ThreadSanitizer's 66.
    public static let defaultExitStatus: Int32 = 86

    /// Fire when every live traced thread has been blocked for longer than this (`nil`: never).
    public var allBlockedSeconds: Double?
    /// Fire when one thread has waited for one lock for longer than this (`nil`: never).
    public var lockWaitSeconds: Double?
    /// After the report, finish the trace and exit with ``exitStatus``.
    public var abortsProcess: Bool
    /// The exit status when aborting.
    public var exitStatus: Int32
    /// Receives the report instead of stderr (for tests and custom logging); called on the watchdog's thread.
    public var reportHandler: (@Sendable (String) -> Void)?

    /// Creates watchdog options; give at least one of the two limits.
    public init(
        allBlockedSeconds: Double? = nil,
        lockWaitSeconds: Double? = nil,
        abortsProcess: Bool = false,
        exitStatus: Int32 = TraceWatchdogOptions.defaultExitStatus,
        reportHandler: (@Sendable (String) -> Void)? = nil
    ) {
        self.allBlockedSeconds = allBlockedSeconds
        self.lockWaitSeconds = lockWaitSeconds
        self.abortsProcess = abortsProcess
        self.exitStatus = exitStatus
        self.reportHandler = reportHandler
    }

    /// The environment variables' names.
    public static let environmentVariable = "SYNCTRACE_WATCHDOG"
    public static let lockEnvironmentVariable = "SYNCTRACE_WATCHDOG_LOCK"
    public static let abortEnvironmentVariable = "SYNCTRACE_WATCHDOG_ABORT"
    public static let exitStatusEnvironmentVariable = "SYNCTRACE_WATCHDOG_EXIT_STATUS"

    /// The watchdog the environment asks for, if any.
    public static func fromEnvironment() -> TraceWatchdogOptions? {
        func value(_ name: String) -> String? { getenv(name).map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } }
        let allBlocked = value(Self.environmentVariable).flatMap(Double.init).flatMap { $0 > 0 ? $0 : nil }
        let lockWait = value(Self.lockEnvironmentVariable).flatMap(Double.init).flatMap { $0 > 0 ? $0 : nil } ?? allBlocked
        guard allBlocked != nil || lockWait != nil else { return nil }
        let abort = value(Self.abortEnvironmentVariable).map { !["0", "false", "no"].contains($0.lowercased()) } ?? false
        let status = value(Self.exitStatusEnvironmentVariable).flatMap { Int32($0) } ?? Self.defaultExitStatus
        return TraceWatchdogOptions(allBlockedSeconds: allBlocked, lockWaitSeconds: lockWait, abortsProcess: abort, exitStatus: status)
    }

    /// How often the watchdog looks: often enough to fire within about a tenth of the shortest limit.
    var checkIntervalNanoseconds: UInt64 {
        let shortest = [self.allBlockedSeconds, self.lockWaitSeconds].compactMap { $0 }.min() ?? 1
        return UInt64(min(max(shortest / 10, 0.01), 0.5) * 1e9)
    }
}
