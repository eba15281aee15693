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

extension SessionWriter {
    /// How long the final snapshot tries to take the locks it needs before it gives up on a whole trace.
    static let snapshotPatience: UInt64 = 200_000_000

    /// How long the recorded waits get to end (see ``settleRecordedWaits(for:)``) while none of
    /// them does: past that, the threads still waiting are taken to be stuck (a hang, or a wait for
    /// what the thread that got the signal holds). Generous because a waiter can starve: a thread
    /// that takes and releases a lock in a tight loop takes it again before a woken waiter runs,
    /// and on a loaded machine the waiter gets its turn only when that thread is preempted.
    static let settleQuietLimit: UInt64 = 250_000_000
    /// How long the recorded waits get to end at most, however many of them end meanwhile (the
    /// handler waits ``signalWaitLimit`` for all of the writer's work).
    static let settleLimit: UInt64 = 1_000_000_000
    /// How long the snapshot waits for a thread that passed the check of an append to publish it.
    static let appendPatience: UInt64 = 20_000_000

    /// A handler of signal `signal` asks for the trace to be finished: the process is about to die.
    ///
    /// First the waits already recorded get to end (``settleRecordedWaits(for:)``): a thread of
    /// a correctly synchronized program that had just asked for a lock when the signal came would
    /// otherwise end the trace waiting, as if it hung. Then recording stops (the session's epoch goes
    /// to zero and every thread passes a barrier): an append from then on is refused, and, since
    /// numbered events are appended with their object's synchronization held, the events appended
    /// before form a consistent cut — an event whose predecessor (by sequence number) some other
    /// thread wrote is in it only with that predecessor. Then every recorder's hand-over lock is
    /// taken (draining the queue meanwhile, so that a thread waiting for room in it can finish its
    /// hand-over), so that no buffer changes hands; every buffer's published count is read twice in
    /// a row until the two reads agree (an append that passed its check just before the epoch
    /// changed publishes within instructions). Those events are encoded, and the end record names
    /// the signal.
    ///
    /// When a lock could not be had in time (a thread was stopped by the signal in the middle of a
    /// hand-over), the events are still written but the end record is not: the trace then reads as
    /// cut short, which is true, rather than as holding every event, which would not be.
    func finishForSignal(_ signal: Int32, for session: RecordingSession) {
        self.settleRecordedWaits(for: session)
        synctrace_set_session_epoch(0)
        synctrace_process_barrier()
        let deadline = synctrace_monotonic_nanoseconds() + Self.snapshotPatience
        let recorders = self.recordersWhenAvailable(of: session, until: deadline)
        var held = [Bool](repeating: false, count: recorders?.count ?? 0)
        var heldCount = 0
        while let recorders, heldCount < recorders.count {
            self.encodeQueued(for: session)
            for index in recorders.indices where !held[index] && recorders[index].tryHoldForSnapshot() {
                held[index] = true
                heldCount += 1
            }
            if heldCount == recorders.count || synctrace_monotonic_nanoseconds() >= deadline { break }
            usleep(100)
        }
        // Every hand-over that finished before the locks were taken is queued by now.
        self.encodeQueued(for: session)
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
                if let chunk = recorders[index].takeSnapshot(upTo: counts[position]) { self.encode(chunk, for: session) }
                recorders[index].releaseAfterSnapshot()
            }
        }
        // What the threads hand over from here on comes after the snapshot: it is not written.
        self.queue.close()
        synctrace_set_trace_descriptor(-1)
        if whole {
            self.write(for: session) { () throws(TraceIOError) in try self.traceWriter.finish(signal: signal) }
        } else {
            self.writeFrame(for: session)
        }
        session.recordSummary(of: self.traceWriter)
    }

    /// A handler of SIGTERM or SIGINT asks for everything so far on disk before the app's own
    /// handler runs (which may end the process, or not): a flush, with recording going on.
    func flushForSignal(for session: RecordingSession) {
        session.sweepIdleBuffers()
        self.encodeQueued(for: session)
        self.writeFrame(for: session)
    }

    /// Lets the waits recorded so far end before the final snapshot: `req` events are withheld from
    /// now on (a new wait is not recorded, its grant still is, a `req` being optional before it), and
    /// the writer watches every thread's last event until none is a `req`, or none has ended for
    /// ``settleQuietLimit``, or ``settleLimit`` has passed. Everything else goes on being recorded,
    /// so the threads that hold what the waiting ones wait for record giving it up.
    ///
    /// A thread still waiting after that is reported waiting at the signal, which is then true as
    /// far as the trace can tell: nothing gave it what it waits for, in a quarter of a second.
    private func settleRecordedWaits(for session: RecordingSession) {
        synctrace_withhold_requests(session.epoch)
        // After the barrier, an append that did not see the withheld requests has passed its check:
        // the wait below lets those publish, so that the watch sees every `req` there will be.
        synctrace_process_barrier()
        let start = synctrace_monotonic_nanoseconds()
        guard let recorders = self.recordersWhenAvailable(of: session, until: start + Self.snapshotPatience) else { return }
        for recorder in recorders { _ = recorder.waitForAppend(epoch: session.epoch, deadline: start + Self.appendPatience) }
        var fewestWaiting = Int.max
        var lastEnded = start
        while true {
            self.encodeQueued(for: session)
            // A recorder handing over a buffer may be about to record a wait: counted as waiting.
            let waiting = recorders.count { $0.endsWaiting() ?? true }
            if waiting == 0 { return }
            let now = synctrace_monotonic_nanoseconds()
            if waiting < fewestWaiting {
                fewestWaiting = waiting
                lastEnded = now
            }
            if now &- lastEnded >= Self.settleQuietLimit || now &- start >= Self.settleLimit { return }
            usleep(100)
        }
    }

    /// The session's recorders, unless its lock stays taken until `deadline` (the signal stopped a
    /// thread holding it).
    private func recordersWhenAvailable(of session: RecordingSession, until deadline: UInt64) -> [ThreadRecorder]? {
        while true {
            if let recorders = session.state.withLockIfAvailable({ state in Array(state.recorders.values) }) { return recorders }
            if synctrace_monotonic_nanoseconds() >= deadline { return nil }
            usleep(200)
        }
    }

    /// Encodes every chunk queued now, without waiting for more.
    private func encodeQueued(for session: RecordingSession) {
        let (chunks, _, _) = self.queue.takeAll(timeout: 0)
        for chunk in chunks { self.encode(chunk, for: session) }
    }
}
