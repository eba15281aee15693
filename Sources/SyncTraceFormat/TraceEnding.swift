#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How a trace's input ended, as far as it has been read.
///
/// A reader tells three endings apart once it has read to the end: ``complete`` (the recording was
/// stopped cleanly), ``signal(_:)`` (the recorded process was ending by a signal and the recorder's
/// handler wrote every event recorded before it), and ``truncated(droppedBytes:)`` (the file stops
/// early: the process was killed where no handler runs, SIGKILL or a power cut, or the file was cut).
public enum TraceEnding: Hashable, Sendable {
    /// Not read to the end yet.
    case open
    /// The whole trace was read: a text trace's last line, or a binary trace's end record.
    case complete
    /// A binary trace finished by the recorder's signal handler: the recorded process was ending by
    /// signal `signal` (a crash, or SIGTERM/SIGINT), and the handler wrote every event recorded before
    /// it. The trace is whole; the program did not end normally.
    case signal(Int32)
    /// A binary trace that stops early (the recording program was killed where no handler runs, or
    /// the file was cut): every complete frame was read, and `droppedBytes` bytes of an incomplete
    /// frame were not.
    case truncated(droppedBytes: Int)

    /// Whether the file holds every event the recorder took: a complete trace, or one a signal
    /// handler finished. A truncated trace may be missing any of its last events.
    public var holdsEveryEvent: Bool {
        switch self {
        case .open, .complete, .signal: true
        case .truncated: false
        }
    }

    /// The signal a signal handler's ending names.
    public var signal: Int32? {
        if case .signal(let signal) = self { return signal }
        return nil
    }

    /// One word for tools (JSON): "complete", "signal" or "cut short".
    public var kind: String {
        switch self {
        case .open, .complete: "complete"
        case .signal: "signal"
        case .truncated: "cut short"
        }
    }

    /// The ending in a phrase for people: "complete", "the process died of signal 11 (SIGSEGV) with
    /// every recorded event written", "cut short (no end record)".
    public var summary: String {
        switch self {
        case .open, .complete:
            return "complete"
        case .signal(let signal):
            return "the process died of \(Self.describe(signal: signal)) with every recorded event written"
        case .truncated(let dropped) where dropped > 0:
            return "cut short (\(dropped) bytes of an incomplete last frame dropped)"
        case .truncated:
            return "cut short (no end record)"
        }
    }

    /// "signal 11 (SIGSEGV)", or "signal 42" for a signal without a well-known name.
    public static func describe(signal: Int32) -> String {
        guard let name = Self.signalName(signal) else { return "signal \(signal)" }
        return "signal \(signal) (\(name))"
    }

    /// The conventional name of `signal` ("SIGSEGV") on this platform, if it has one.
    private static func signalName(_ signal: Int32) -> String? {
        let names: [(Int32, String)] = [
            (SIGHUP, "SIGHUP"), (SIGINT, "SIGINT"), (SIGQUIT, "SIGQUIT"), (SIGILL, "SIGILL"), (SIGTRAP, "SIGTRAP"),
            (SIGABRT, "SIGABRT"), (SIGBUS, "SIGBUS"), (SIGFPE, "SIGFPE"), (SIGKILL, "SIGKILL"), (SIGUSR1, "SIGUSR1"),
            (SIGSEGV, "SIGSEGV"), (SIGUSR2, "SIGUSR2"), (SIGPIPE, "SIGPIPE"), (SIGALRM, "SIGALRM"), (SIGTERM, "SIGTERM"),
            (SIGXCPU, "SIGXCPU"), (SIGXFSZ, "SIGXFSZ"), (SIGSYS, "SIGSYS"),
        ]
        return names.first { $0.0 == signal }?.1
    }
}
