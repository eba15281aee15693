import SyncTraceFormat

/// Where a logical thread's batches go while ``TraceOrdering`` puts them back in program order.
///
/// A logical thread (a traced Swift task, a dispatched work item) runs on several OS threads, each
/// handing its events to the recorder's writer on its own schedule, so the file may hold a later
/// run of the thread's events before an earlier one. Every run starts with a `resume` naming its
/// position in the thread's program order; runs that arrive too early wait here.
struct LogicalThreadSegments {
    /// How many of the thread's events (counting its `exit`) went into its queue, in order.
    var nextPosition: UInt64 = 0
    /// The position of the thread's next event in the file (set by each `resume`).
    var cursor: UInt64 = 0
    /// The held run the thread's next events in the file extend, when they come too early.
    var fillingKey: UInt64?
    /// Runs that came too early, by the position of their first event: queues like the threads'
    /// own, so that beyond the ordering's memory budget they go to its spill file too.
    var held: [UInt64: EventQueue] = [:]

    /// The thread's next events in the file are its events from `position` on.
    mutating func resume(at position: UInt64) {
        self.cursor = position
        self.fillingKey = position > self.nextPosition ? position : nil
    }

    /// The lowest position held, if any.
    var lowestHeld: UInt64? { self.held.keys.min() }
}
