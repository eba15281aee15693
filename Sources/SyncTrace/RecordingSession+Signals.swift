import CSyncTraceRuntime
import SyncTraceFormat

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// The writer thread's side of the recorder's signal handlers (synctrace_signals.c): a handler asks,
// the writer writes, the handler hands the signal on. All of it runs on the writer thread, which may
// allocate and take locks; only what it could wait for forever is bounded.

extension RecordingSession {
    /// How long the final snapshot tries to take the locks it needs before it gives up on a whole trace.
    static let snapshotPatience: UInt64 = 200_000_000

    /// A handler of signal `signal` asks for the trace to be finished: the process is about to die.
    ///
    /// Recording stops first (the session's epoch goes to zero), so that what the threads still
    /// write dwindles to the operations already under way. Then every recorder's hand-over lock is
    /// taken (draining the queue meanwhile, so that a thread waiting for room in it can finish its
    /// hand-over), so that no
    /// buffer changes hands; every buffer's published count is read twice in a row until the two
    /// reads agree, which makes the counts those of one instant — a consistent cut: an event whose
    /// predecessor (by sequence number) some other thread wrote is written only with that
    /// predecessor. Those events are encoded, and the end record names the signal.
    ///
    /// When a lock could not be had in time (a thread was stopped by the signal in the middle of a
    /// hand-over), the events are still written but the end record is not: the trace then reads as
    /// cut short, which is true, rather than as holding every event, which would not be.
    func finishForSignal(_ signal: Int32, failed: inout Bool) {
        synctrace_set_session_epoch(0)
        let deadline = synctrace_monotonic_nanoseconds() + Self.snapshotPatience
        // Threads that read the epoch just before it went to zero may still be registering.
        usleep(1000)
        var recorders: [ThreadRecorder]?
        while recorders == nil {
            recorders = self.state.withLockIfAvailable { state in Array(state.recorders.values) }
            if recorders == nil {
                if synctrace_monotonic_nanoseconds() >= deadline { break }
                usleep(200)
            }
        }
        var held = [Bool](repeating: false, count: recorders?.count ?? 0)
        var heldCount = 0
        while let recorders, heldCount < recorders.count {
            self.encodeQueued(failed: &failed)
            for index in recorders.indices where !held[index] && recorders[index].tryHoldForSnapshot() {
                held[index] = true
                heldCount += 1
            }
            if heldCount == recorders.count || synctrace_monotonic_nanoseconds() >= deadline { break }
            usleep(100)
        }
        // Every hand-over that finished before the locks were taken is queued by now.
        self.encodeQueued(failed: &failed)
        var whole = recorders != nil && heldCount == recorders!.count
        if let recorders {
            let candidates = recorders.indices.filter { held[$0] }
            var counts = candidates.map { recorders[$0].publishedCount }
            var stable = false
            for _ in 0..<1000 {
                let again = candidates.map { recorders[$0].publishedCount }
                if again == counts {
                    stable = true
                    break
                }
                counts = again
                usleep(50)
            }
            whole = whole && stable
            for (position, index) in candidates.enumerated() {
                if let chunk = recorders[index].takeSnapshot(upTo: counts[position]) { self.encode(chunk, failed: &failed) }
                recorders[index].releaseAfterSnapshot()
            }
        }
        // What the threads hand over from here on comes after the snapshot: it is not written.
        self.queue.close()
        synctrace_set_trace_descriptor(-1)
        if whole {
            self.write(failed: &failed) { () throws(TraceIOError) in try self.encoder.writer.finish(signal: signal) }
        } else {
            self.writeFrame(failed: &failed)
        }
        self.recordSummary()
    }

    /// A handler of SIGTERM or SIGINT asks for everything so far on disk before the app's own
    /// handler runs (which may end the process, or not): a flush, with recording going on.
    func flushForSignal(failed: inout Bool) {
        self.sweepIdleBuffers()
        self.encodeQueued(failed: &failed)
        self.writeFrame(failed: &failed)
    }

    /// Encodes every chunk queued now, without waiting for more.
    private func encodeQueued(failed: inout Bool) {
        let (chunks, _, _) = self.queue.takeAll(timeout: 0)
        for chunk in chunks { self.encode(chunk, failed: &failed) }
    }
}
