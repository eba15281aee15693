import SyncTraceFormat
import _SyncTraceDataStructures

/// ``TraceOrdering``'s per-thread state: each thread's queue of events read and not yet gone out,
/// which threads can go on, which wait for their `fork`, and the file order of what is buffered.
struct ThreadQueues: ~Copyable {
    /// Per thread, its queue: in a flat array, whose elements are read in place (an array's element
    /// is copied out to be read, three retains and releases of its storage for each look at a head).
    var queues = FlatArray<EventQueue>()
    /// Threads with a non-empty queue.
    var active: [Int] = []
    var isActive: [Bool] = []
    /// Threads with events that wait for their `fork` to go out (they are not in ``active``
    /// meanwhile): a list, whose entries are stale once the flag is cleared.
    var awaitingFork: [Int] = []
    var isAwaitingFork: [Bool] = []
    var awaitingForkCount = 0
    /// Per thread: whether its `fork` went out (or it has no recorded parent).
    var forked: [Bool] = []
    /// Events in the queues (in memory or spilled).
    var buffered = 0
    /// The buffered events in file order, as runs of consecutive events of one thread (a batch's),
    /// each run by its thread and the positions of its events in that thread's queue; and per thread,
    /// how many events were appended and taken (runs, or their starts, whose positions were taken
    /// are stale).
    var arrivals = FIFOQueue<ArrivalRun>()
    var appended: [UInt64] = []
    var taken: [UInt64] = []

    /// Consecutive events of one thread in the file: positions `start..<end` of its queue.
    struct ArrivalRun {
        var thread: Int
        var start: UInt64
        var end: UInt64
    }

    /// The number of threads known.
    var count: Int { self.queues.count }

    /// Adds the next thread: `forked` when it has no recorded parent (nothing to wait for).
    mutating func add(forked: Bool) {
        self.queues.append(EventQueue())
        self.isActive.append(false)
        self.appended.append(0)
        self.taken.append(0)
        self.forked.append(forked)
        self.isAwaitingFork.append(false)
    }

    /// The threads with events waiting: those that can go on, and those waiting for their fork.
    var waitingThreads: [Int] { self.active + self.awaitingFork.filter { self.isAwaitingFork[$0] } }
}
