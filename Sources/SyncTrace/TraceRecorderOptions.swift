import CSyncTraceRuntime

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

    /// Events per thread buffer, at most: a thread's buffer starts at 256 events and doubles at each
    /// hand-over up to this. Bigger buffers hand over less often; each costs 40 bytes an event per
    /// recording thread.
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
    /// The longest that recorded events wait before they reach the file: while any are pending, the
    /// writer writes a frame at least this often, so that a process killed where no handler runs
    /// (SIGKILL) loses at most about this much (plus the 10 ms in which idle buffers are collected).
    /// `nil` writes a frame only when 1 MB of records has built up. Default 100 ms;
    /// `SYNCTRACE_FLUSH_INTERVAL_MS` overrides it for a recording started from the environment.
    public var flushInterval: Duration?
    /// Whether the recorder handles fatal signals (SIGSEGV, SIGBUS, SIGILL, SIGTRAP, SIGABRT, SIGFPE)
    /// and SIGTERM and SIGINT: its handler writes every thread's recorded events and finishes the
    /// trace, then hands the signal on to the handler installed before (Swift's backtracer, the
    /// app's own) or to the default action. Default `true`; `SYNCTRACE_HANDLE_SIGNALS=0` turns it off
    /// for a recording started from the environment.
    public var handlesSignals: Bool
    /// How many frames of the caller's stack each event a finding can show records (accesses, lock
    /// acquisitions and requests, atomics, and forks — a thread's creation stack), the traced
    /// operation's own frames included; 0 records none, and the trace is then what it was before
    /// stacks existed. At most ``maximumStackDepth``. Default ``defaultStackDepth``;
    /// `SYNCTRACE_STACK_DEPTH` overrides it for a recording started from the environment.
    ///
    /// Memory: each recording thread keeps a cache of 256 stacks (about 4.6 KB), and a session keeps
    /// at most 65,536 distinct (call site, stack) pairs with their frames; past that, new stacks are
    /// recorded as their call site only (a diagnostic says so once). Frames need frame pointers,
    /// which Swift keeps on Linux in optimized builds too; a frame of code built without them ends
    /// the walk early. A stack stops at the end of the thread's own stack, so an `async` function's
    /// callers across an `await` are not in it.
    public var stackDepth: Int

    /// The default ``stackDepth``: enough for the recorder's own frames of an unoptimized build
    /// (about six) and ten of the program's, at a cost measured in BENCHMARKS.md.
    public static let defaultStackDepth = 16
    /// The largest ``stackDepth``.
    public static let maximumStackDepth = Int(SYNCTRACE_MAX_STACK_DEPTH)

    /// Creates options; every parameter has a default suited to leaving recording on in tests.
    public init(
        bufferCapacity: Int = 4096,
        maximumQueuedBuffers: Int = 64,
        overflowPolicy: OverflowPolicy = .wait,
        programName: String? = nil,
        errorHandler: (@Sendable (TraceRecorderError) -> Void)? = nil,
        watchdog: TraceWatchdogOptions? = nil,
        flushInterval: Duration? = .milliseconds(100),
        handlesSignals: Bool = true,
        stackDepth: Int = TraceRecorderOptions.defaultStackDepth
    ) {
        self.stackDepth = min(max(stackDepth, 0), Self.maximumStackDepth)
        self.flushInterval = flushInterval
        self.handlesSignals = handlesSignals
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
    /// Another process is recording to the same file (it holds the file's lock); its trace was left
    /// alone. Give each process a file of its own, for instance with `%p` (the process id) in the path.
    case pathInUse(path: String)

    public var description: String {
        switch self {
        case .cannotCreate(let path, let reason): "cannot create trace \(path): \(reason)"
        case .alreadyRecording(let path): "a recording is already running (to \(path))"
        case .writeFailed(let path, let reason): "writing trace \(path) failed, recording stopped: \(reason)"
        case .pathInUse(let path): "another process is recording to \(path); use %p in the path for a file per process"
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
