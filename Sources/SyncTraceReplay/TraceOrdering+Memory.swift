import SyncTraceFormat

// Memory: what waits beyond the budget goes to the spill file.
extension TraceOrdering {
    /// Events held back in memory: in the queues and in logical threads' held runs, but not in the
    /// spill file.
    var inMemoryEventCount: Int { self.threads.buffered + self.logicalThreads.heldSegments - self.spilled }

    /// Each waiting thread's even share of a quarter of the budget: what its queue keeps in memory at
    /// a spill, and brings back from the spill file at a time (so that what comes back stays within
    /// the budget).
    var evenShare: Int { max(16, self.memoryBudget / 4 / max(1, self.threads.active.count + self.threads.awaitingForkCount)) }

    /// What a held run keeps in memory at a spill.
    static let heldKept = 16

    /// More than ``memoryBudget`` events wait in memory: every queue keeps its oldest events (its
    /// ``evenShare``, so the merge can go on where it is) and moves the rest to the spill file, to
    /// come back when the merge reaches them.
    func spill() throws(TraceFormatError) {
        if self.spillFile == nil { self.spillFile = try SpillFile(directory: self.spillDirectory) }
        let file = self.spillFile!
        let keep = self.evenShare
        for thread in self.threads.waitingThreads {
            let moved = try self.threads.queues[thread].spill(keeping: keep, to: file)
            self.spilled += moved
            self.spilledEventCount += UInt64(moved)
        }
        // Held runs wait for events before them, not to be merged: each keeps only a few in memory.
        for thread in Array(self.logicalThreads.logical.keys) {
            for key in Array(self.logicalThreads.logical[thread]!.held.keys) {
                let moved = try self.logicalThreads.logical[thread]!.held[key]!.spill(keeping: Self.heldKept, to: file)
                self.spilled += moved
                self.spilledEventCount += UInt64(moved)
            }
        }
    }
}
