import SyncTraceFormat

// Stalls: nothing can go out and nothing more can be read.
extension TraceOrdering {
    /// Per object, the lowest numbers among the events read but not gone out, and where they wait:
    /// in the queues (but `skipped`'s), in the queues of threads waiting for their fork, and in
    /// logical threads' held runs.
    func scanPendingNumbers(skipping skipped: Int?) throws(TraceFormatError) -> LowestPendingNumbers {
        var lowest = LowestPendingNumbers(skipping: skipped)
        func scan(_ thread: Int) throws(TraceFormatError) {
            // Positions count from the thread's first event: the one at the head is `taken[thread]`.
            var position = self.threads.taken[thread]
            try self.threads.queues[thread].forEachPending(in: self.spillFile) { event in
                lowest.note(event, thread: thread, position: position)
                position += 1
            }
        }
        for thread in self.threads.active where thread != skipped { try scan(thread) }
        for thread in self.threads.awaitingFork where self.threads.isAwaitingFork[thread] { try scan(thread) }
        for segments in self.logicalThreads.logical.values {
            for run in segments.held.values {
                try run.forEachPending(in: self.spillFile) { lowest.note($0, thread: -1, position: 0) }
            }
        }
        self.pendingScans += 1
        return lowest
    }

    /// `thread`'s fork went out (or will never come): its events may go.
    func startForked(_ thread: Int) {
        self.threads.forked[thread] = true
        guard self.threads.isAwaitingFork[thread] else { return }
        self.threads.isAwaitingFork[thread] = false
        self.threads.awaitingForkCount -= 1
        self.threads.active.append(thread)
        if self.threads.awaitingFork.count > 64 && self.threads.awaitingFork.count > 2 * self.threads.awaitingForkCount {
            self.threads.awaitingFork.removeAll { !self.threads.isAwaitingFork[$0] }
        }
    }

    /// Nothing can go out and nothing more can be read: resume an object past a gap in its numbers,
    /// or report the contradiction.
    func resolveStall() throws(TraceFormatError) {
        // Once the whole file is read, a logical thread with events missing before a held run (they
        // were dropped under the recorder's drop policy) goes on from the held run. First: the held
        // events may hold numbers the objects' gaps below would otherwise skip.
        if self.inputExhausted, let (thread, segments) = self.logicalThreads.logical.first(where: { !$0.value.held.isEmpty }),
            let lowest = segments.lowestHeld
        {
            self.sequenceGaps += 1
            self.logicalThreads.logical[thread]!.nextPosition = lowest
            try self.releaseHeld(of: thread)
            return
        }
        // Heads that wait only for their object's numbering, each holding its object's lowest pending
        // number: everything before it is missing from the trace, so it may go. One pass over what is
        // held finds every object's lowest pending number, and every such head goes at once.
        let candidates = self.threads.active.filter { thread in
            guard let head = self.threads.queues[thread].first, head.operation.hasSequence,
                !self.objects.blockedInSend[thread], self.threads.forked[thread]
            else { return false }
            return head.sequence > self.objects.nextSequence[head.object.index]
        }
        var resumed = false
        if !candidates.isEmpty {
            // The candidate's own queue holds nothing lower on its object (program order), so with one
            // candidate the pass leaves its queue out: a lone thread with many gaps (drops) costs little.
            let lone = candidates.count == 1
            // Once the whole file is read, the last pass decides while it can (see LowestPendingNumbers);
            // before, what waits grows as the file is read, and every stall needs a pass of its own.
            let taken = { (thread: Int) in self.threads.taken[thread] }
            if !self.inputExhausted || self.lowestAtLastScan.map({ lowest in
                !lowest.serves(candidates) || candidates.contains { lowest.mayResume(self.threads.queues[$0].first!, of: $0, lone: lone, taken: taken) == nil }
            }) ?? true {
                self.lowestAtLastScan = try self.scanPendingNumbers(skipping: lone ? candidates[0] : nil)
            }
            let lowest = self.lowestAtLastScan!
            if !self.inputExhausted { self.lowestAtLastScan = nil }
            for thread in candidates {
                let head = self.threads.queues[thread].first!
                // A fresh pass always decides; a kept one was checked to, above.
                if lowest.mayResume(head, of: thread, lone: lone, taken: taken) ?? false {
                    self.sequenceGaps += 1
                    self.objects.nextSequence[head.object.index] = head.sequence
                    resumed = true
                }
            }
        }
        if resumed { return }
        if self.inputExhausted {
            // A join of a logical thread whose `exit` is not in the trace (the recording was cut).
            for thread in self.threads.active {
                guard let head = self.threads.queues[thread].first, head.operation == .join else { continue }
                let joined = head.otherThread.index
                if self.logicalThreads.isLogical[joined], self.threads.queues[joined].isEmpty, !self.logicalThreads.isFinished[joined] {
                    self.logicalThreads.isFinished[joined] = true
                    return
                }
            }
        }
        // A thread whose fork is not in the trace (lost, or the recording started after it).
        if self.inputExhausted, let thread = self.threads.awaitingFork.first(where: { self.threads.isAwaitingFork[$0] }) {
            self.startForked(thread)
            return
        }
        throw self.contradiction()
    }
}
