import SyncTraceFormat
import _SyncTraceDataStructures

/// One thread's events waiting in the ordering, oldest first: the oldest in memory, and when the
/// ordering holds back more than its memory budget, later ones in its ``SpillFile``.
///
/// The queue is three runs in program order: ``head`` in memory (what the merge takes from), then
/// segments in the spill file, then a tail in memory that collects what arrives while segments wait
/// (written out at the next spill). Whenever events are pending, the head holds at least one of them:
/// taking the head's last event reads the next segment back (or moves the tail up), so ``first`` is
/// always the thread's next event without touching the file.
struct EventQueue {
    /// The oldest pending events, in memory.
    private var head = FIFOQueue<TraceEvent>()
    private var segments = FIFOQueue<SpillFile.Segment>()
    private var tail: [TraceEvent] = []
    /// All pending events: in memory and in the spill file.
    private(set) var count = 0

    /// Whether no event is pending.
    var isEmpty: Bool { self.count == 0 }

    /// The thread's next event.
    var first: TraceEvent? { self.head.first }

    /// Appends a run of the thread's next events.
    mutating func append(contentsOf events: UnsafeBufferPointer<TraceEvent>) {
        if self.segments.isEmpty && self.tail.isEmpty {
            self.head.append(contentsOf: events)
        } else {
            self.tail.append(contentsOf: events)
        }
        self.count += events.count
    }

    /// Calls `body` with the pending events in memory at the front, oldest first, without copying.
    func withPending<Result>(_ body: (UnsafeBufferPointer<TraceEvent>) -> Result) -> Result {
        self.head.withPending(body)
    }

    /// Drops the `count` oldest events (all in the head); refills the head from the spill file, up to
    /// `refill` events, when it runs empty. Returns how many events came back from the file.
    mutating func removeFirst(_ count: Int, refill: Int, from file: SpillFile?) throws(TraceFormatError) -> Int {
        self.head.removeFirst(count)
        self.count -= count
        guard self.head.isEmpty, self.count > 0 else { return 0 }
        if !self.segments.isEmpty, let file {
            let events = try self.segments.modify(at: 0) { (segment) throws(TraceFormatError) in
                try file.read(&segment, upTo: refill, as: TraceEvent.self)
            }
            if self.segments.first!.count == 0 { self.segments.removeFirst(1) }
            self.head.append(contentsOf: events)
            return events.count
        }
        self.head.append(contentsOf: self.tail)
        self.tail.removeAll(keepingCapacity: false)
        return 0
    }

    /// Moves every pending event but the oldest `keep` out of memory into `file`; returns how many
    /// moved.
    mutating func spill(keeping keep: Int, to file: SpillFile) throws(TraceFormatError) -> Int {
        var moved = 0
        if self.segments.isEmpty && self.tail.isEmpty {
            // Only the head: its events beyond the first `keep` go out, and the head keeps the front.
            guard self.head.count > keep else { return 0 }
            let segment = try self.head.withPending { (pending) throws(TraceFormatError) in
                try file.write(UnsafeBufferPointer(rebasing: pending[keep...]))
            }
            moved = self.head.count - keep
            self.head.removeLast(moved)
            self.head.shrinkToFit()
            self.segments.append(segment)
        } else if !self.tail.isEmpty {
            self.head.shrinkToFit()
            let segment = try self.tail.withUnsafeBufferPointer { (tail) throws(TraceFormatError) in try file.write(tail) }
            moved = self.tail.count
            self.tail.removeAll(keepingCapacity: false)
            self.segments.append(segment)
        }
        return moved
    }

    /// Calls `body` with every pending event, oldest first, reading spilled ones back in pieces
    /// (without taking them out of the file).
    func forEachPending(in file: SpillFile?, _ body: (TraceEvent) -> Void) throws(TraceFormatError) {
        self.head.withPending { pending in pending.forEach(body) }
        if let file {
            for var segment in self.segments.pending {
                while segment.count > 0 {
                    try file.peek(&segment, upTo: 1 << 16, as: TraceEvent.self).forEach(body)
                }
            }
        }
        self.tail.forEach(body)
    }
}
