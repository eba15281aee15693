import CSyncTraceRuntime

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Starts and stops recording.
///
/// While a recording runs, every traced primitive (``TracedMutex``, ``TracedVar``, ``TracedChannel``…)
/// appends an event to its thread's buffer, and a background thread encodes, LZ4-compresses and
/// writes the buffers to the trace file. With no recording running, the traced primitives behave
/// exactly like the plain ones at the cost of one predictable branch.
///
/// ```swift
/// try TraceRecorder.start(path: "app.synctrace")
/// defer { TraceRecorder.stop() }
/// ```
///
/// Or, without changing code, run the program with `SYNCTRACE_OUTPUT=app.synctrace` in its
/// environment: recording starts when the program first creates a traced object and stops at exit.
/// Then analyse the trace with `synctrace analyze app.synctrace`.
///
/// A process that dies still leaves a trace that says so: on a crash (SIGSEGV, SIGBUS, SIGILL,
/// SIGTRAP, SIGABRT, SIGFPE) or SIGTERM/SIGINT, a signal handler has the writer thread write every
/// thread's recorded events and end the trace naming the signal, then hands the signal on (see
/// ``TraceRecorderOptions/handlesSignals``); where no handler can run (SIGKILL), the periodic write
/// (``TraceRecorderOptions/flushInterval``) bounds what is lost, and the trace reads as cut short.
/// A forked child stops recording; the trace file is locked against a second process.
public enum TraceRecorder {
    /// The environment variable that switches recording on without code changes.
    public static let outputEnvironmentVariable = "SYNCTRACE_OUTPUT"
    /// The environment variable that sets ``TraceRecorderOptions/stackDepth`` for a recording started
    /// from the environment (0 records no stacks).
    public static let stackDepthEnvironmentVariable = "SYNCTRACE_STACK_DEPTH"

    private struct Sessions {
        var current: RecordingSession?
        var lastEpoch: UInt64 = 0
        var exitHandlerInstalled = false
        /// In a forked child: the parent's session, kept for good (see `withSessions`).
        var abandoned: [RecordingSession] = []
    }
    private static let sessions = PlatformLocked(forkSafe: Sessions())

    /// Starts recording to `path`, replacing the file if it exists.
    ///
    /// Every `%p` in `path` becomes the process id (`app-%p.synctrace`), so that processes started
    /// from one command line each write a trace of their own. The file stays locked while the
    /// session writes it: another process recording to the same path at the same time gets
    /// ``TraceRecorderError/pathInUse(path:)`` and this trace is left alone.
    ///
    /// - Throws: ``TraceRecorderError/cannotCreate(path:reason:)`` when the file cannot be created,
    ///   ``TraceRecorderError/pathInUse(path:)`` when another process records to it,
    ///   ``TraceRecorderError/alreadyRecording(path:)`` when a recording is running.
    public static func start(path: String, options: TraceRecorderOptions = TraceRecorderOptions()) throws(TraceRecorderError) {
        Self.installExitHandlers()
        if options.handlesSignals { _ = synctrace_install_signal_handlers() }
        let path = TraceFileLock.expand(path)
        let result: Result<Void, TraceRecorderError> = Self.withSessions { sessions in
            if let current = sessions.current { return .failure(.alreadyRecording(path: current.path)) }
            do throws(TraceRecorderError) {
                let session = try RecordingSession(path: path, options: options, epoch: sessions.lastEpoch + 1)
                sessions.lastEpoch += 1
                sessions.current = session
                synctrace_set_session_epoch(session.epoch)
                return .success(())
            } catch {
                return .failure(error)
            }
        }
        try result.get()
    }

    /// Records `body` to `path`: starts a recording, runs `body`, stops, and returns `body`'s result
    /// with what was written.
    ///
    /// Recordings made with this function wait for one another, process-wide: tests that each record
    /// their own trace (Swift Testing runs them in parallel) get one trace each instead of failing with
    /// ``TraceRecorderError/alreadyRecording(path:)``. A recording started with ``start(path:options:)``
    /// elsewhere still makes this throw.
    ///
    /// - Throws: what ``start(path:options:)`` throws, or what `body` throws (recording is stopped first).
    public static func record<Result>(
        to path: String,
        options: TraceRecorderOptions = TraceRecorderOptions(),
        _ body: () throws -> Result
    ) throws -> (result: Result, summary: TraceRecordingSummary) {
        Self.recordingGate.enter()
        defer { Self.recordingGate.leave() }
        try Self.start(path: path, options: options)
        let result: Result
        do {
            result = try body()
        } catch {
            Self.stop()
            throw error
        }
        // `body` may have stopped the recording itself; its summary is then lost, so report an empty one.
        let summary = Self.stop() ?? TraceRecordingSummary(path: path, eventCount: 0, droppedEventCount: 0, byteCount: 0, error: nil)
        return (result, summary)
    }

    /// Records the asynchronous `body` to `path`, as ``record(to:options:_:)`` does: for code that
    /// starts tasks (``TracedTask``, ``withTracedTaskGroup(of:returning:isolation:fileID:line:body:)``).
    /// `body` runs as a traced task of its own, "main task" (see
    /// ``withTracedTask(name:isolation:fileID:line:_:)``), so that its events form one thread in the
    /// trace whichever OS threads run it.
    public static func record<Result>(
        to path: String,
        options: TraceRecorderOptions = TraceRecorderOptions(),
        isolation: isolated (any Actor)? = #isolation,
        _ body: () async throws -> Result
    ) async throws -> (result: Result, summary: TraceRecordingSummary) {
        // The gate is not a thread's lock: the task may leave it on another thread than it entered on.
        Self.recordingGate.enter()
        defer { Self.recordingGate.leave() }
        try Self.start(path: path, options: options)
        let result: Result
        do {
            result = try await withTracedTask(name: "main task") { try await body() }
        } catch {
            Self.stop()
            throw error
        }
        let summary = Self.stop() ?? TraceRecordingSummary(path: path, eventCount: 0, droppedEventCount: 0, byteCount: 0, error: nil)
        return (result, summary)
    }

    /// Serializes ``record(to:options:_:)``: a flag under a lock rather than the lock itself, so that
    /// an asynchronous recording may end on another thread than the one it started on.
    private static let recordingGate = RecordingGate()

    /// Stops recording: flushes every thread's events, finishes the trace file and returns what was
    /// written; `nil` when nothing was recording.
    @discardableResult
    public static func stop() -> TraceRecordingSummary? {
        // While the session still runs: the rendezvous hand-overs under way record both halves, and
        // no new one begins (a trace holds a hand-over whole or not at all). Outside the sessions'
        // lock, which a sender registering its thread may need.
        if let epoch = Self.withSessions({ $0.current?.epoch }) {
            _ = synctrace_rendezvous_close(epoch, Self.rendezvousWaitLimit)
        }
        let session: RecordingSession? = Self.withSessions { sessions in
            let session = sessions.current
            sessions.current = nil
            if session != nil { synctrace_set_session_epoch(0) }
            return session
        }
        return session?.stop()
    }

    /// How long stop() waits for the rendezvous hand-overs under way (their senders were woken and
    /// record within microseconds unless the system stopped them).
    static let rendezvousWaitLimit: UInt64 = 1_000_000_000

    /// Writes everything recorded so far to the trace file and waits until it is there, so that the
    /// file read now (as a trace without an end record yet) holds every event recorded before the
    /// call. Recording goes on. Does nothing when nothing is recording.
    public static func flush() {
        let session = Self.withSessions { $0.current }
        session?.flush()
    }

    /// Whether a recording is running.
    public static var isRecording: Bool { synctrace_session_epoch() != 0 }

    /// The running session with the given epoch, if it is still the running one.
    static func session(epoch: UInt64) -> RecordingSession? {
        Self.withSessions { sessions in sessions.current?.epoch == epoch ? sessions.current : nil }
    }

    /// A session hit a write error: recording stops (its stop() still finishes what it can).
    static func sessionFailed(_ session: RecordingSession) {
        Self.withSessions { sessions in
            if sessions.current === session { synctrace_set_session_epoch(0) }
        }
    }

    // MARK: Starting from the environment

    private static let environmentStart: Void = {
        guard let raw = getenv(TraceRecorder.outputEnvironmentVariable) else { return }
        let path = String(cString: raw)
        guard !path.isEmpty else {
            printDiagnostic("\(TraceRecorder.outputEnvironmentVariable) is set but empty; running unrecorded")
            return
        }
        var options = TraceRecorderOptions()
        if let raw = getenv("SYNCTRACE_HANDLE_SIGNALS"), String(cString: raw) == "0" { options.handlesSignals = false }
        if let raw = getenv(TraceRecorder.stackDepthEnvironmentVariable) {
            if let depth = Int(String(cString: raw)), depth >= 0 {
                options.stackDepth = min(depth, TraceRecorderOptions.maximumStackDepth)
            } else {
                printDiagnostic("\(TraceRecorder.stackDepthEnvironmentVariable)=\(String(cString: raw)) is no depth (0...\(TraceRecorderOptions.maximumStackDepth)); recording \(options.stackDepth) frames")
            }
        }
        if let raw = getenv("SYNCTRACE_FLUSH_INTERVAL_MS"), let milliseconds = Int(String(cString: raw)) {
            options.flushInterval = milliseconds > 0 ? .milliseconds(milliseconds) : nil
        }
        do {
            try TraceRecorder.start(path: path, options: options)
        } catch {
            printDiagnostic("cannot record to \(TraceRecorder.outputEnvironmentVariable)=\(path): \(error); running unrecorded")
        }
    }()

    /// Starts recording if `SYNCTRACE_OUTPUT` says so; only the first call does anything. Every traced
    /// object's creation calls it, so a program records without code changes.
    static func startFromEnvironmentOnce() {
        _ = Self.environmentStart
    }

    // MARK: Exit

    private static func installExitHandlers() {
        let install = Self.withSessions { sessions in
            defer { sessions.exitHandlerInstalled = true }
            return !sessions.exitHandlerInstalled
        }
        guard install else { return }
        // A thread's last events are handed over when it exits, however it was started.
        _ = synctrace_install_thread_exit_handler { value in
            guard let value else { return }
            let recorder = Unmanaged<ThreadRecorder>.fromOpaque(value).takeRetainedValue()
            recorder.session.threadExited(recorder)
        }
        // A normal exit finishes the trace, so `SYNCTRACE_OUTPUT` needs no stop() in the program.
        atexit {
            // Nothing records (none started, or this is a forked child, whose recording stopped at
            // the fork): nothing to finish, and no Swift code to run — in a forked child a runtime
            // lock (the metadata cache's) may be held for good by a thread the child does not have.
            guard synctrace_session_epoch() != 0 else { return }
            TraceRecorder.stop()
        }
    }

    // MARK: Fork

    /// The sessions, with a session another process started forgotten first.
    ///
    /// In the child of a fork the recording stops: the fork handlers (in C, see `PlatformLocked.init(forkSafe:)`)
    /// set the epoch to zero and close the child's copy of the trace file, and here the child forgets
    /// the parent's session without stopping it (its writer thread is the parent's), keeping it for
    /// good (releasing it would close the descriptor number again). The child runs unrecorded and
    /// may start a recording of its own.
    private static func withSessions<Result>(_ body: (inout Sessions) throws -> Result) rethrows -> Result {
        try Self.sessions.withLock { sessions in
            if let current = sessions.current, !current.isOwnedByThisProcess {
                sessions.current = nil
                sessions.abandoned.append(current)
            }
            return try body(&sessions)
        }
    }
}
