/// How a recording session records.
public struct TraceRecorderOptions: Sendable {
    /// What a recording thread does when the writer has fallen behind and its queue is full.
    public enum OverflowPolicy: Sendable {
        /// Wait for the writer (the default): nothing is ever dropped, the program slows down instead.
        case wait
        /// Drop the full buffer's events and count them; the writer keeps up or the trace says how
        /// many events each thread lost.
        case dropEvents
    }

    /// Events per thread buffer. Bigger buffers hand over less often; each costs 48 bytes an event
    /// per recording thread.
    public var bufferCapacity: Int
    /// Full buffers that may wait for the writer before recording threads wait (or drop).
    public var maximumQueuedBuffers: Int
    /// What to do when that queue is full.
    public var overflowPolicy: OverflowPolicy
    /// The program name written in the trace's header (default: the process's executable name).
    public var programName: String?
    /// Called once, on the writer thread, when recording stops because the trace cannot be written
    /// (disk full, file removed…). The default prints one line to stderr. The program keeps running,
    /// unrecorded, and the trace holds every frame written before the error.
    public var errorHandler: (@Sendable (TraceRecorderError) -> Void)?
    /// The watchdog that reports (and may end) a hung program; `nil` leaves it to the environment
    /// (`SYNCTRACE_WATCHDOG`…, see ``TraceWatchdogOptions``), which by default asks for none.
    public var watchdog: TraceWatchdogOptions?

    /// Creates options; every parameter has a default suited to leaving recording on in tests.
    public init(
        bufferCapacity: Int = 4096,
        maximumQueuedBuffers: Int = 64,
        overflowPolicy: OverflowPolicy = .wait,
        programName: String? = nil,
        errorHandler: (@Sendable (TraceRecorderError) -> Void)? = nil,
        watchdog: TraceWatchdogOptions? = nil
    ) {
        self.bufferCapacity = max(bufferCapacity, 16)
        self.maximumQueuedBuffers = max(maximumQueuedBuffers, 2)
        self.overflowPolicy = overflowPolicy
        self.programName = programName
        self.errorHandler = errorHandler
        self.watchdog = watchdog
    }
}

/// Why recording could not start or had to stop.
public enum TraceRecorderError: Error, Sendable, CustomStringConvertible {
    /// The trace file could not be created.
    case cannotCreate(path: String, reason: String)
    /// A session is already recording (to the given path).
    case alreadyRecording(path: String)
    /// Writing the trace failed; recording stopped.
    case writeFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case .cannotCreate(let path, let reason): "cannot create trace \(path): \(reason)"
        case .alreadyRecording(let path): "a recording is already running (to \(path))"
        case .writeFailed(let path, let reason): "writing trace \(path) failed, recording stopped: \(reason)"
        }
    }
}

/// What a finished recording wrote.
public struct TraceRecordingSummary: Sendable {
    /// The trace file.
    public var path: String
    /// Events written to it.
    public var eventCount: UInt64
    /// Events dropped under ``TraceRecorderOptions/OverflowPolicy/dropEvents`` (0 otherwise).
    public var droppedEventCount: UInt64
    /// Bytes written to the file.
    public var byteCount: Int
    /// The error that stopped recording early, if one did.
    public var error: TraceRecorderError?
}
