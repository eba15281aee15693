import SyncTraceFormat
import _SyncTraceDataStructures

/// The happens-before edges between threads that the views draw as arrows (the Perfetto export, the
/// HTML report's timelines): for each event it is shown, the edge that ends there, if one does.
///
/// The edges are the ones a reader follows by eye: release → the next acquisition of the lock (by
/// another thread), send → its receive, close → a receive that found the channel closed, fork → the
/// child's first event, the child's last event → join, done (or an `add` of a negative count) →
/// wait, signal or broadcast → a condition's wait, and a semaphore's signal → the wait it let
/// through. They are the synchronization the replay orders by, pairing each operation with the one
/// it synchronizes with the way the trace's rules do (FIFO for a channel's sends and a semaphore's
/// signals); what the happens-before engine derives from them (transitivity, atomics) is not drawn.
///
/// `Mark` is whatever the view needs to draw an arrow's end (a display time, a replay index).
/// Events must be shown in replay order, each thread's in its program order; a view that draws a
/// window shows only the events it draws, and the edges then join drawn events only.
struct CrossThreadEdges<Mark> {
    /// One end of an edge: the event's thread and the view's mark of it.
    struct End {
        var thread: ThreadID
        var mark: Mark
    }

    /// Which edge: its arrow's name.
    enum Kind: String {
        case releaseAcquire = "release → acquire"
        case sendReceive = "send → receive"
        case closeReceive = "close → receive"
        case forkFirst = "fork → first event"
        case lastJoin = "last event → join"
        case doneWait = "done → wait"
        case signalWait = "signal → wait"
    }

    private struct ThreadState {
        var started = false
        /// The thread's last event shown, where a `join`'s edge starts.
        var last: End?
        /// A fork's end, waiting for the thread's first event.
        var forkedAt: End?
    }

    private var threads: [ThreadState] = []
    /// Per object: the last release of a lock, `done` of a wait group, signal of a condition.
    private var lastRelease: [ObjectID: End] = [:]
    /// Per channel: where it was closed.
    private var closed: [ObjectID: End] = [:]
    /// Per channel, the sends not yet received; per semaphore, the signals not yet waited for.
    private var pending: [ObjectID: FIFOQueue<End>] = [:]

    /// No edges yet.
    init() {}

    /// Shows `event` (on its thread, at `mark`): calls `edge` with the start and kind of each edge
    /// that ends at it (a thread's first event after a fork, then the event's own synchronization).
    mutating func show(_ event: TraceEvent, at mark: Mark, _ edge: (End, Kind) -> Void) {
        let thread = event.thread
        if thread.index >= self.threads.count {
            self.threads.append(contentsOf: repeatElement(ThreadState(), count: thread.index + 1 - self.threads.count))
        }
        let here = End(thread: thread, mark: mark)
        if !self.threads[thread.index].started {
            self.threads[thread.index].started = true
            if let fork = self.threads[thread.index].forkedAt { edge(fork, .forkFirst) }
        }
        self.threads[thread.index].last = here
        let object = event.object
        switch event.operation {
        case .acquire, .readAcquire:
            if let release = self.lastRelease[object], release.thread != thread { edge(release, .releaseAcquire) }
        case .release, .readRelease, .waitGroupDone, .conditionSignal, .conditionBroadcast:
            self.lastRelease[object] = here
        case .waitGroupAdd:
            if event.argument < 0 { self.lastRelease[object] = here }
        case .fork:
            let child = event.otherThread
            if child.index >= self.threads.count {
                self.threads.append(contentsOf: repeatElement(ThreadState(), count: child.index + 1 - self.threads.count))
            }
            self.threads[child.index].forkedAt = here
        case .join:
            let child = event.otherThread
            if child.index < self.threads.count, let last = self.threads[child.index].last { edge(last, .lastJoin) }
        case .send, .semaphoreSignal:
            self.pending[object, default: FIFOQueue()].append(here)
        case .receive:
            if let send = self.pending[object]?.popFirst() {
                if send.thread != thread { edge(send, .sendReceive) }
            } else if let close = self.closed[object], close.thread != thread {
                edge(close, .closeReceive)
            }
        case .close:
            self.closed[object] = here
        case .waitGroupWait, .conditionWait:
            if let done = self.lastRelease[object], done.thread != thread {
                edge(done, event.operation == .waitGroupWait ? .doneWait : .signalWait)
            }
        case .semaphoreWait:
            if let signal = self.pending[object]?.popFirst(), signal.thread != thread { edge(signal, .signalWait) }
        default:
            break
        }
    }
}
