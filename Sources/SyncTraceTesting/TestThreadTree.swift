import SyncTraceFormat

/// The threads of a trace that belong to one traced test: its root (the thread its body ran as)
/// and every thread forked from one of them — ``TracedThread``s, ``TracedTask``s, task-group
/// children and ``TracedDispatchQueue`` work items, however deep — as the trace's thread
/// declarations record each thread's parent.
///
/// Threads not forked through a traced primitive (a plain `Task {}`, `DispatchQueue.global().async`)
/// are recorded as the OS threads that ran them, which belong to no test: their events count for a
/// test only through a finding that also has an event on one of the test's threads.
struct TestThreadTree {
    private var members: Set<ThreadID>

    /// The threads descended from `root` in `symbols` (including `root`).
    init(root: ThreadID, symbols: TraceSymbols) {
        var children: [ThreadID: [ThreadID]] = [:]
        for thread in symbols.threads {
            if let parent = thread.parent, parent != thread.id { children[parent, default: []].append(thread.id) }
        }
        var members: Set<ThreadID> = [root]
        var pending = [root]
        while let thread = pending.popLast() {
            for child in children[thread] ?? [] where members.insert(child).inserted { pending.append(child) }
        }
        self.members = members
    }

    /// Whether `thread` is one of the test's threads.
    func contains(_ thread: ThreadID) -> Bool { self.members.contains(thread) }
}
