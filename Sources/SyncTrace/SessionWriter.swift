import CSyncTraceRuntime
import SyncTraceFormat

/// The writer thread of a recording session: takes the chunks the recording threads hand over,
/// encodes and compresses them into the trace, writes a frame when one fills, when a flush asks for
/// it and at least every flush interval, sweeps the events idle threads hold, recalibrates the clock
/// the events are stamped from, and finishes the trace once the session closes the queue.
///
/// Everything here but ``queue`` runs on the writer thread (the signal handlers' requests too, see
/// `SessionWriter+Signals.swift`), so it keeps its state without a lock.
final class SessionWriter {
    /// Where the recording threads hand their chunks over.
    let queue: HandoffQueue
    let encoder: SessionEncoder
    /// The options' flush interval in nanoseconds (nil: frames are written only when full).
    private let flushIntervalNanoseconds: UInt64?
    /// Whether writing has failed: every later step is skipped (the first error stopped recording).
    private var failed = false

    /// How long a signal handler waits for the writer before handing the signal on regardless.
    static let signalWaitLimit: UInt64 = 2_000_000_000

    /// How often the writer takes the events sitting in threads' partly filled buffers (see
    /// ``RecordingSession/sweepIdleBuffers()``).
    static let sweepInterval: UInt64 = 10_000_000

    init(queue: HandoffQueue, writer: TraceWriter, epoch: UInt64, clock: EventClock, flushInterval: Duration?) {
        self.queue = queue
        self.encoder = SessionEncoder(writer: writer, epoch: epoch, clock: clock)
        self.flushIntervalNanoseconds = flushInterval.map { interval in
            let (seconds, attoseconds) = interval.components
            return UInt64(max(seconds, 0)) * 1_000_000_000 + UInt64(max(attoseconds, 0) / 1_000_000_000)
        }
    }

    /// The trace writer (the writer thread's).
    var traceWriter: TraceWriter { self.encoder.writer }

    /// The writer thread's body: runs until the session closes the queue and everything queued is
    /// written, or a signal handler asks for the trace to be finished.
    func run(for session: RecordingSession) {
        synctrace_writer_started()
        defer { synctrace_writer_stopped() }
        var flushesHandled: UInt64 = 0
        var lastSweep = synctrace_monotonic_nanoseconds()
        // The header goes to disk at once: a process that dies before its first frame fills leaves a
        // trace that says so (cut short, or ended by its signal), never an empty file.
        self.writeFrame(for: session)
        var lastFrame = synctrace_monotonic_nanoseconds()
        while true {
            var finishing: Int32 = 0
            let signal = synctrace_pending_signal_request(&finishing)
            if signal != 0 {
                if finishing != 0 {
                    self.finishForSignal(signal, for: session)
                    synctrace_complete_signal_request()
                    return
                }
                self.flushForSignal(for: session)
                synctrace_complete_signal_request()
            }
            // Sweep before taking: what the sweep queues is taken in this same pass, so the pass that
            // finds the queue closed and empty (and ends the loop) cannot leave a swept chunk behind.
            let now = synctrace_monotonic_nanoseconds()
            if now &- lastSweep >= Self.sweepInterval {
                lastSweep = now
                session.sweepIdleBuffers()
            }
            let (chunks, flushRequest, closed) = self.queue.takeAll(timeout: 1_000_000)
            self.encoder.clock.recalibrate()
            for chunk in chunks {
                session.watchdog?.monitor.observe(chunk, clock: self.encoder.clock)
                self.encode(chunk, for: session)
            }
            // A flush is complete once a pass finds nothing more queued before it.
            if chunks.isEmpty && flushRequest > flushesHandled {
                self.writeFrame(for: session)
                flushesHandled = flushRequest
                self.queue.finishedFlush(flushRequest)
            }
            if chunks.isEmpty && closed { break }
            // Bounded loss where nothing runs at the end (SIGKILL, power loss): what is encoded goes
            // to the file at least every `flushInterval`.
            if let interval = self.flushIntervalNanoseconds, self.traceWriter.pendingByteCount > 0 {
                let now = synctrace_monotonic_nanoseconds()
                if now &- lastFrame >= interval {
                    self.writeFrame(for: session)
                    lastFrame = now
                }
            }
        }
        // Before the writer closes it: a fork after the close must not close that number again.
        synctrace_set_trace_descriptor(-1)
        self.write(for: session) { () throws(TraceIOError) in
            try self.encoder.writeSymbols()
            try self.traceWriter.finish()
        }
        session.recordSummary(of: self.traceWriter)
    }

    /// Runs one step of writing the trace unless writing has failed already; the first error stops
    /// the session's recording (reported once, see ``RecordingSession/fail(reason:)``) and every
    /// later step is skipped.
    func write(for session: RecordingSession, _ step: () throws(TraceIOError) -> Void) {
        guard !self.failed else { return }
        do {
            try step()
        } catch {
            self.failed = true
            session.fail(reason: error.reason)
        }
    }

    /// Encodes a chunk (unless writing has failed) and gives its storage back.
    func encode(_ chunk: EventChunk, for session: RecordingSession) {
        self.write(for: session) { () throws(TraceIOError) in try self.encoder.encode(chunk) }
        session.release(chunk)
    }

    /// Writes the frame built so far to the file, unless writing has failed.
    func writeFrame(for session: RecordingSession) {
        self.write(for: session) { () throws(TraceIOError) in try self.traceWriter.flush() }
    }
}
