import SyncTraceFormat
import _SyncTraceDataStructures

// Merging: sending out the events that are ready, in file order where it is a valid one.
extension TraceOrdering {
    /// Sends out every event that is ready until none is: in file order while the file's order is a
    /// valid one (a text trace converted to binary keeps its order exactly, and so do the stretches of
    /// a recorded trace whose batches happen to be in step), otherwise from any thread that can go
    /// on, until the file order can resume.
    func drainReady(into events: inout [TraceEvent], limit: Int) throws(TraceFormatError) {
        while events.count < limit {
            if let thread = self.readyArrival() {
                // The earliest events in file order are the rest of this thread's run: take them as
                // long as they are ready (each is then the earliest arrival in turn).
                let run = self.threads.arrivals.first!
                try self.take(from: thread, upTo: Int(run.end - self.threads.taken[thread]), into: &events, limit: limit)
                continue
            }
            guard let thread = self.threads.active.first(where: { self.threads.queues[$0].first.map(self.isReady) == true }) else { break }
            // Go on with this thread until the earliest arrival (another thread's head, which only
            // that thread can take) becomes ready.
            let awaited = self.threads.arrivals.first.flatMap { self.threads.queues[$0.thread].first }
            try self.take(from: thread, upTo: Int.max, into: &events, limit: limit, until: awaited)
        }
        self.threads.active.removeAll { thread in
            guard self.threads.queues[thread].isEmpty else { return false }
            self.threads.isActive[thread] = false
            return true
        }
    }

    /// The thread of the earliest buffered event in file order, if that event is ready to go out.
    func readyArrival() -> Int? {
        while let run = self.threads.arrivals.first {
            let taken = self.threads.taken[run.thread]
            if run.end <= taken {
                self.threads.arrivals.removeFirst(1)
                continue
            }
            if run.start < taken { self.threads.arrivals.modify(at: 0) { $0.start = taken } }
            // The earliest untaken event of a thread is its queue's head.
            guard let head = self.threads.queues[run.thread].first, self.isReady(head) else { return nil }
            return run.thread
        }
        return nil
    }

    /// Takes the thread's head events while they are ready, at most `maximum` of them (and up to
    /// `limit` events in all), the head known to be ready.
    /// Stops early, after an event, once `awaited` is ready.
    func take(
        from thread: Int,
        upTo maximum: Int,
        into events: inout [TraceEvent],
        limit: Int,
        until awaited: TraceEvent? = nil
    ) throws(TraceFormatError) {
        let count = min(maximum, limit - events.count)
        let taken = self.threads.queues[thread].withPending { pending -> Int in
            let end = min(count, pending.count)
            var taken = 0
            while taken < end {
                let event = pending[taken]
                if ObjectProgress.plainSequenced & (1 << UInt64(event.operation.rawValue)) != 0 {
                    let object = Int(event.target)
                    guard event.sequence == self.objects.nextSequence[object] else { break }
                    self.objects.nextSequence[object] = event.sequence &+ 1
                } else {
                    guard self.isReady(event) else { break }
                    self.emitted(event)
                    // A rendezvous send blocks its thread until the receive: the fast path above
                    // does not look at that, so stop here.
                    if self.objects.blockedInSend[thread] {
                        taken += 1
                        break
                    }
                }
                taken += 1
                if let awaited {
                    let plain = ObjectProgress.plainSequenced & (1 << UInt64(awaited.operation.rawValue)) != 0
                    if (!plain || awaited.sequence == self.objects.nextSequence[Int(awaited.target)]) && self.isReady(awaited) { break }
                }
            }
            events.append(contentsOf: UnsafeBufferPointer(rebasing: pending[..<taken]))
            return taken
        }
        self.spilled -= try self.threads.queues[thread].removeFirst(taken, refill: self.evenShare, from: self.spillFile)
        self.threads.taken[thread] += UInt64(taken)
        self.threads.buffered -= taken
    }

    func isReady(_ event: TraceEvent) -> Bool {
        let thread = event.thread.index
        if self.objects.blockedInSend[thread] || !self.threads.forked[thread] { return false }
        let operation = event.operation
        if operation.hasSequence {
            return event.sequence == self.objects.nextSequence[event.object.index]
        }
        if operation == .join {
            // Every event of the joined thread goes first. The recorder hands an OS thread's last
            // events over before the join that waits for it returns, so they are already read; a
            // logical thread's may come later in the file, so its join waits for its `exit`.
            let joined = event.otherThread.index
            return self.threads.queues[joined].isEmpty && (!self.logicalThreads.isLogical[joined] || self.logicalThreads.isFinished[joined])
        }
        return true
    }

    func emitted(_ event: TraceEvent) {
        let operation = event.operation
        if operation.hasSequence {
            let object = event.object.index
            self.objects.nextSequence[object] = event.sequence &+ 1
            switch operation {
            case .makeChannel:
                self.objects.channels[object] = ChannelRules(capacity: Int(clamping: event.argument))
            case .send where self.objects.channels[object].isRendezvous:
                self.objects.pendingSenders[object, default: FIFOQueue()].append(event.thread)
                self.objects.blockedInSend[event.thread.index] = true
            case .receive where self.objects.channels[object].isRendezvous:
                if let sender = self.objects.pendingSenders[object]?.popFirst() {
                    self.objects.blockedInSend[sender.index] = false
                }
            default:
                break
            }
        } else if operation == .fork {
            self.startForked(event.otherThread.index)
        }
    }
}
