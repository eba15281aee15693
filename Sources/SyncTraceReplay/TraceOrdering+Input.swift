import SyncTraceFormat

// Placing what is read: each thread's events into its queue, a logical thread's runs in program order.
extension TraceOrdering {
    func readMore() throws(TraceFormatError) {
        guard try self.source.nextBatch(into: &self.incoming) else {
            self.inputExhausted = true
            return
        }
        let symbols = self.source.symbols
        self.grow(threads: symbols.threads.count, objects: symbols.objects.count, symbols: symbols)
        try self.incoming.withUnsafeBufferPointer { (incoming) throws(TraceFormatError) in
            var start = 0
            while start < incoming.count {
                // A batch holds one thread's events, or runs of several threads' (converted traces).
                let thread = incoming[start].thread.index
                var end = start + 1
                while end < incoming.count && incoming[end].thread.index == thread { end += 1 }
                let run = UnsafeBufferPointer(rebasing: incoming[start..<end])
                if self.logicalThreads.isLogical[thread] || run.contains(where: { $0.operation == .resume }) {
                    try self.placeLogical(run, of: thread)
                } else {
                    self.deliver(run, to: thread)
                }
                start = end
            }
        }
    }

    /// Appends a thread's next events in program order to its queue.
    func deliver(_ events: UnsafeBufferPointer<TraceEvent>, to thread: Int) {
        guard !events.isEmpty else { return }
        // More waits now: a kept pass no longer bounds what waits.
        if self.lowestAtLastScan != nil { self.lowestAtLastScan = nil }
        if self.logicalThreads.isLogical[thread] {
            self.logicalThreads.logical[thread, default: LogicalThreadSegments()].nextPosition += UInt64(events.count)
            // A join of the thread goes out after its `exit` does (the queue is empty by then).
            if events.last?.operation == .exit { self.logicalThreads.isFinished[thread] = true }
        }
        self.threads.queues[thread].append(contentsOf: events)
        let first = self.threads.appended[thread]
        self.threads.appended[thread] = first + UInt64(events.count)
        self.threads.arrivals.append(ThreadQueues.ArrivalRun(thread: thread, start: first, end: self.threads.appended[thread]))
        if !self.threads.isActive[thread] {
            self.threads.isActive[thread] = true
            // A thread waiting for its fork cannot go on: it waits aside, so that the search for a
            // ready thread does not look at it again and again (a task group's children, whose events
            // may all come before the fork that starts them).
            if self.threads.forked[thread] {
                self.threads.active.append(thread)
            } else {
                self.threads.isAwaitingFork[thread] = true
                self.threads.awaitingFork.append(thread)
                self.threads.awaitingForkCount += 1
            }
        }
        self.threads.buffered += events.count
    }

    /// Places a run of a logical thread's events: each `resume` says at which position of the
    /// thread's program order the events after it belong; those that come too early are held until
    /// the events before them have arrived.
    func placeLogical(_ run: UnsafeBufferPointer<TraceEvent>, of thread: Int) throws(TraceFormatError) {
        self.logicalThreads.isLogical[thread] = true
        var index = 0
        while index < run.count {
            if run[index].operation == .resume {
                self.logicalThreads.logical[thread, default: LogicalThreadSegments()].resume(at: UInt64(clamping: run[index].argument))
                index += 1
                continue
            }
            var end = index
            while end < run.count && run[end].operation != .resume { end += 1 }
            let span = UnsafeBufferPointer(rebasing: run[index..<end])
            index = end
            // The positions only, not a copy of the segments: the held runs are changed in place
            // below, and a copy would make each change copy the run (and a long held run quadratic).
            let segments = self.logicalThreads.logical[thread].map { (cursor: $0.cursor, next: $0.nextPosition, filling: $0.fillingKey, holds: !$0.held.isEmpty) }
                ?? (cursor: 0, next: 0, filling: nil, holds: false)
            if self.logicalThreads.isFinished[thread] && !segments.holds {
                let name = self.source.symbols.threads[thread].name
                throw TraceFormatError(file: "", position: .input, reason: "\(name) has events after its exit")
            }
            if segments.cursor == segments.next {
                self.logicalThreads.logical[thread, default: LogicalThreadSegments()].cursor += UInt64(span.count)
                self.deliver(span, to: thread)
                try self.releaseHeld(of: thread)
            } else if segments.cursor > segments.next, let key = segments.filling {
                self.logicalThreads.logical[thread]!.held[key, default: EventQueue()].append(contentsOf: span)
                self.logicalThreads.logical[thread]!.cursor += UInt64(span.count)
                self.logicalThreads.heldSegments += span.count
            } else {
                let name = self.source.symbols.threads[thread].name
                throw TraceFormatError(
                    file: "",
                    position: .input,
                    reason: "\(name)'s events from position \(segments.cursor) appear twice in the trace (it is already at \(segments.next))"
                )
            }
        }
        // A finished thread's runs are all in: what is left to know of it is that it finished.
        if self.logicalThreads.isFinished[thread], self.logicalThreads.logical[thread]?.held.isEmpty ?? false {
            self.logicalThreads.logical[thread] = nil
        }
    }

    /// Delivers the held runs of a logical thread that now come next in its program order: in
    /// pieces, what is in memory and then what comes back from the spill file, spilling again if the
    /// thread's queue grows past the budget (a run held back long may be mostly in the file).
    func releaseHeld(of thread: Int) throws(TraceFormatError) {
        while let next = self.logicalThreads.logical[thread]?.nextPosition, var held = self.logicalThreads.logical[thread]!.held.removeValue(forKey: next) {
            if self.logicalThreads.logical[thread]!.fillingKey == next { self.logicalThreads.logical[thread]!.fillingKey = nil }
            while !held.isEmpty {
                let piece = held.withPending { pending in
                    self.deliver(pending, to: thread)
                    return pending.count
                }
                self.logicalThreads.heldSegments -= piece
                self.spilled -= try held.removeFirst(piece, refill: self.evenShare, from: self.spillFile)
                if self.inMemoryEventCount > self.memoryBudget { try self.spill() }
            }
        }
    }

    /// Makes room for the threads and objects the source has declared so far.
    func grow(threads: Int, objects: Int, symbols: TraceSymbols) {
        while self.threads.count < threads {
            // A thread with a known parent was started by a recorded fork: it waits for it.
            self.threads.add(forked: symbols.threads[self.threads.count].parent == nil)
            self.objects.blockedInSend.append(false)
            self.logicalThreads.add()
        }
        while self.objects.channels.count < objects {
            self.objects.channels.append(ChannelRules(capacity: symbols.objects[self.objects.channels.count].capacity))
        }
        self.objects.nextSequence.grow(to: objects, filling: 0)
    }
}
