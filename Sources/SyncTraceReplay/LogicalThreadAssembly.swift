import SyncTraceFormat

/// ``TraceOrdering``'s state for logical threads (traced tasks, dispatched work items), whose runs
/// the file may hold out of program order: which threads are logical, which have finished, and the
/// runs held until the events before them arrive.
struct LogicalThreadAssembly {
    /// Per thread: whether it is a logical thread (its batches carry `resume` positions).
    var isLogical: [Bool] = []
    /// Per thread: whether its `exit` went out (a join of it may go then).
    var isFinished: [Bool] = []
    /// Per logical thread, where its batches go.
    var logical: [Int: LogicalThreadSegments] = [:]
    /// Events of logical threads held back until the events before them in program order arrive.
    var heldSegments = 0

    /// Adds the next thread (not known to be logical until a run of it carries a `resume`).
    mutating func add() {
        self.isLogical.append(false)
        self.isFinished.append(false)
    }
}
