import SyncTraceFormat

/// Per object, the lowest sequence numbers among the events a ``TraceOrdering`` holds back, as one
/// scan of them found, with where those events wait: what decides whether a head waiting only for
/// its object's numbering may be resumed past a gap (nothing lower on its object waits).
///
/// Once the whole input is read, what waits only shrinks, until new events are delivered to a
/// queue (a logical thread's held runs), when the ordering drops the snapshot. So while it is kept,
/// a number it found is a lower bound of what waits now, and exact as long as its event still waits:
/// most stalls are decided from the snapshot, and only one whose deciding event has gone out since
/// needs a new scan. A trace with gaps everywhere costs a few scans of what waits, not one per gap.
struct LowestPendingNumbers {
    /// An event that waits: its number, its thread and its position in that thread's queue (thread
    /// -1 for an event held in a logical thread's run, which waits until the snapshot is dropped).
    struct Pending {
        var sequence: UInt64
        var thread: Int
        var position: UInt64
    }

    /// Per object: the lowest number waiting, and the lowest waiting in a thread other than that one's
    /// (what a lone candidate compares with: its own queue holds nothing lower on its object).
    private var lowest: [Int: (first: Pending, other: Pending?)] = [:]
    /// The thread whose queue the scan left out (the lone candidate's, whose own queue holds nothing
    /// lower on its object: a lone thread with many gaps costs a scan of the others only), if any.
    let skipped: Int?

    /// An empty snapshot, of a scan that leaves out `skipped`'s queue.
    init(skipping skipped: Int?) {
        self.skipped = skipped
    }

    /// Whether the snapshot can decide for `candidates`: it saw every queue, or left out only the
    /// queue of the one candidate.
    func serves(_ candidates: [Int]) -> Bool {
        self.skipped == nil || candidates == [self.skipped]
    }

    /// Notes a waiting event (one without a number counts for nothing).
    mutating func note(_ event: TraceEvent, thread: Int, position: UInt64) {
        guard event.operation.hasSequence else { return }
        let pending = Pending(sequence: event.sequence, thread: thread, position: position)
        let object = event.object.index
        guard var known = self.lowest[object] else {
            self.lowest[object] = (pending, nil)
            return
        }
        if pending.sequence < known.first.sequence {
            // The old lowest becomes the other threads' lowest if it is another thread's; if it is
            // the same thread's, the other threads' lowest stays what it was.
            if known.first.thread != thread { known.other = known.first }
            known.first = pending
        } else if known.first.thread != thread, known.other.map({ pending.sequence < $0.sequence }) ?? true {
            known.other = pending
        }
        self.lowest[object] = known
    }

    /// Whether `head`, the next event of `thread`, which waits only for its object's numbering, may
    /// go: nothing lower on its object waits (in other threads only, for a `lone` candidate). `nil`
    /// when the snapshot cannot tell any more (the event that decided it has gone out since).
    /// `taken` gives how many events a thread's queue has handed out.
    func mayResume(_ head: TraceEvent, of thread: Int, lone: Bool, taken: (Int) -> UInt64) -> Bool? {
        guard let known = self.lowest[head.object.index] else { return true }
        let deciding = lone && known.first.thread == thread ? known.other : known.first
        guard let deciding else { return true }
        if deciding.sequence >= head.sequence { return true }
        // Lower on the object: still waiting (so it still is the lowest bound), or gone out.
        if deciding.thread < 0 || deciding.position >= taken(deciding.thread) { return false }
        return nil
    }
}
