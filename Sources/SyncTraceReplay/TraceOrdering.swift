public import SyncTraceFormat

/// Merges a binary trace's per-thread batches into one stream that respects every recorded order:
/// each thread's program order, each object's own sequence numbers, a thread's events after its
/// `fork` and before a `join` of it, and a rendezvous sender's wait for its receiver.
///
/// The recorder writes each thread's events in batches, in whatever order the threads handed them
/// over; timestamps say little about order across threads, sequence numbers say everything. The
/// merge holds back an event until its object's previous operations have gone out, reading further
/// batches when nothing can go out.
///
/// ## Memory
///
/// How far a thread's batch can lag behind the others in the file has no bound: a thread that holds
/// its events while the others go on (it is descheduled on a loaded machine, or its buffer is not full
/// yet) can come a few million events late. The ordering holds back whatever it must, however much:
/// beyond ``memoryBudget`` events in memory, every waiting thread keeps an even share of its oldest
/// events and the rest moves to a temporary file (`SpillFile`, in `$TMPDIR`), to be read back when
/// the merge reaches it. So memory stays near the budget whatever the lag, and the file holds what
/// waits.
///
/// A trace whose orders contradict each other (two events each waiting for the other) is malformed:
/// ``nextBatch(into:maximumCount:)`` throws, naming the events and objects involved. An object whose numbering
/// does not start at zero (it was used before recording started) or has a gap (events dropped under
/// the recorder's drop policy) is resumed at its next recorded number once nothing else can proceed
/// and the file is read (or, in a trace whose recorder reported lost events, once more than
/// ``readAheadLimit`` events wait); ``sequenceGaps`` counts those resumptions. So are a logical
/// thread's missing runs, a join of one whose `exit` is missing, and a thread whose `fork` is
/// missing, once the whole file is read.
///
/// ## A trace cut short
///
/// A trace without an end record (`TraceEnding.truncated(droppedBytes:)`: the process was killed
/// where no handler runs, or the file was cut) lost events the file cannot show, and any gap left
/// once the file is read may be one of them. So the ordering resolves no gap at the end of such a
/// trace: it hands out the trace's consistent cut — every event whose happens-before predecessors
/// (program order, its object's earlier numbers, the fork of its thread, the `exit` a join waits
/// for, the receive a rendezvous sender waits for) are all in the file — and stops
/// (``stoppedAtCut``); the events read but left waiting behind the first gap are counted in
/// ``leftOutEventCount``. Nothing after a gap is handed out, so nothing an analysis reports can
/// depend on an event that is missing.
///
/// A trace that both lost events under the drop policy and was cut short is treated as cut: at the
/// end of the file a gap of the drops cannot be told from one of the cut, and resuming past the
/// cut's is what makes false findings (a race through a lock whose release was lost, say). Gaps
/// resolved before the end of the file (when more than ``readAheadLimit`` events wait) stay resolved.
/// Complete traces, and traces a signal handler finished (every recorded event is in them), are
/// resolved as before.
public final class TraceOrdering {
    // One caller drives an ordering from one thread and nothing else reaches its state, so no two
    // accesses to these properties can overlap: the runtime's exclusivity checks (a call and a
    // thread-local lookup per access, several per event) are switched off for them.

    /// Events held back in memory, at most (about): beyond it, the ordering moves what waits longest
    /// to a temporary file (see "Memory" above).
    public let memoryBudget: Int
    /// For a trace whose recorder reported lost events: how many events may wait before the ordering
    /// resumes an object past a gap in its numbers rather than reading on for the missing number.
    public let readAheadLimit: Int
    /// Where held-back events go beyond ``memoryBudget``; made at the first spill.
    private var spillFile: SpillFile?
    private let spillDirectory: String?
    /// Pending events (in the threads' queues and in logical threads' held runs) that are in the
    /// spill file rather than in memory.
    @exclusivity(unchecked) private var spilled = 0
    /// Events moved to the spill file, in all.
    public private(set) var spilledEventCount: UInt64 = 0
    /// The most pending events held in memory at once (after any spill their arrival caused).
    private(set) var peakInMemoryEventCount = 0
    private let source: any TraceEventSource
    /// Per thread, its queue: in a flat array, whose elements are read in place (an array's element
    /// is copied out to be read, three retains and releases of its storage for each look at a head).
    @exclusivity(unchecked) private var queues = FlatArray<EventQueue>()
    /// Threads with a non-empty queue.
    @exclusivity(unchecked) private var active: [Int] = []
    @exclusivity(unchecked) private var isActive: [Bool] = []
    /// Threads with events that wait for their `fork` to go out (they are not in ``active``
    /// meanwhile): a list, whose entries are stale once the flag is cleared.
    @exclusivity(unchecked) private var awaitingFork: [Int] = []
    @exclusivity(unchecked) private var isAwaitingFork: [Bool] = []
    @exclusivity(unchecked) private var awaitingForkCount = 0
    @exclusivity(unchecked) private var buffered = 0
    /// The buffered events in file order, as runs of consecutive events of one thread (a batch's),
    /// each run by its thread and the positions of its events in that thread's queue; and per thread,
    /// how many events were appended and taken (runs, or their starts, whose positions were taken
    /// are stale).
    @exclusivity(unchecked) private var arrivals = FIFOQueue<ArrivalRun>()
    @exclusivity(unchecked) private var appended: [UInt64] = []
    @exclusivity(unchecked) private var taken: [UInt64] = []
    @exclusivity(unchecked) private var inputExhausted = false
    @exclusivity(unchecked) private var incoming: [TraceEvent] = []

    /// Per object, the sequence number of its next operation (`objectCount` of them, in memory this
    /// ordering owns so that the per-event check is a plain load). Numbering starts at zero, so an
    /// object's operation #0 goes out as soon as its thread is ready, without waiting to see whether
    /// the rest of the file holds an earlier one (it cannot); an object whose first recorded number
    /// is higher is resumed there by ``resolveStall()``.
    @exclusivity(unchecked) private var nextSequence = FlatArray<UInt64>()
    @exclusivity(unchecked) private var forked: [Bool] = []
    @exclusivity(unchecked) private var blockedInSend: [Bool] = []
    /// Per channel: capacity, and the senders of rendezvous sends not yet received.
    @exclusivity(unchecked) private var channelCapacity: [Int] = []
    private var pendingSenders: [Int: [ThreadID]] = [:]
    /// Per thread: whether it is a logical thread (its batches carry `resume` positions), and for
    /// those, where their batches go.
    @exclusivity(unchecked) private var isLogical: [Bool] = []
    /// Per thread: whether its `exit` went out (a join of it may go then).
    @exclusivity(unchecked) private var isFinished: [Bool] = []
    private var logical: [Int: LogicalThreadSegments] = [:]
    /// Events of logical threads held back until the events before them in program order arrive.
    @exclusivity(unchecked) private var heldSegments = 0

    /// Consecutive events of one thread in the file: positions `start..<end` of its queue.
    private struct ArrivalRun {
        var thread: Int
        var start: UInt64
        var end: UInt64
    }

    /// Operations whose only ordering rule is their object's sequence number and whose emission only
    /// advances it: the per-event fast path. Channel operations, `fork`, `join` and those without a
    /// sequence number take the general path.
    private static let plainSequenced: UInt64 = TraceOperation.allCases.reduce(0) { mask, operation in
        operation.hasSequence && ![.makeChannel, .send, .receive].contains(operation)
            ? mask | 1 << UInt64(operation.rawValue) : mask
    }

    /// Objects resumed past a gap in their sequence numbers.
    public private(set) var sequenceGaps = 0

    /// What the last pass over the waiting events found, kept once the whole file is read (see
    /// ``LowestPendingNumbers``); dropped when events are delivered to a queue.
    private var lowestAtLastScan: LowestPendingNumbers?
    /// Passes over every waiting event to find the objects' lowest pending numbers, for the tests
    /// that gaps are resolved in linear-ish time.
    private(set) var pendingScans = 0

    /// Whether the ordering stopped at the first gap of a trace cut short, leaving out the events
    /// that wait behind it (see "A trace cut short" above).
    public private(set) var stoppedAtCut = false

    /// Events read from the source but never handed out, because they wait for events the cut lost:
    /// 0 unless ``stoppedAtCut``. (Recorder-only `resume` markers are consumed as they are read and
    /// never counted; `exit` markers are events like any other here.)
    public private(set) var leftOutEventCount: UInt64 = 0

    /// Orders the events of `source`, holding about `memoryBudget` events in memory at most and the
    /// rest of what waits in a temporary file in `spillDirectory` (default: `$TMPDIR`, else `/tmp`).
    public init(
        source: any TraceEventSource,
        memoryBudget: Int = 1 << 20,
        readAheadLimit: Int = 1 << 20,
        spillDirectory: String? = nil
    ) {
        self.source = source
        self.memoryBudget = max(memoryBudget, 1024)
        self.readAheadLimit = readAheadLimit
        self.spillDirectory = spillDirectory
    }

    /// The source's names (complete for every event handed out so far).
    public var symbols: TraceSymbols { self.source.symbols }

    /// Replaces `events` with the next events in order; `false` once every event has gone out.
    public func nextBatch(into events: inout [TraceEvent], maximumCount: Int = 4096) throws(TraceFormatError) -> Bool {
        events.removeAll(keepingCapacity: true)
        while events.count < maximumCount && !self.stoppedAtCut {
            let before = events.count
            try self.drainReady(into: &events, limit: maximumCount)
            if events.count > before { continue }
            // Nothing can go out: read on for what the held-back events wait for. Only a trace whose
            // recorder reported losses can have gaps before its end; past ``readAheadLimit`` one of
            // those is resolved rather than reading the rest of the file into the spill file for it.
            let lossy = self.source.droppedEventCount > 0 && self.buffered + self.heldSegments >= self.readAheadLimit
            if !self.inputExhausted && !lossy {
                try self.readMore()
                if self.inMemoryEventCount > self.memoryBudget { try self.spill() }
                self.peakInMemoryEventCount = max(self.peakInMemoryEventCount, self.inMemoryEventCount)
                continue
            }
            if self.buffered == 0 && self.heldSegments == 0 { break }
            if self.inputExhausted && !self.source.ending.holdsEveryEvent {
                // Cut short: what still waits may wait for a lost event. Stop at the consistent cut.
                self.stoppedAtCut = true
                self.leftOutEventCount = UInt64(self.buffered + self.heldSegments)
                break
            }
            try self.resolveStall()
        }
        return !events.isEmpty
    }

    // MARK: Input

    private func readMore() throws(TraceFormatError) {
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
                if self.isLogical[thread] || run.contains(where: { $0.operation == .resume }) {
                    try self.placeLogical(run, of: thread)
                } else {
                    self.deliver(run, to: thread)
                }
                start = end
            }
        }
    }

    /// Appends a thread's next events in program order to its queue.
    private func deliver(_ events: UnsafeBufferPointer<TraceEvent>, to thread: Int) {
        guard !events.isEmpty else { return }
        // More waits now: a kept pass no longer bounds what waits.
        if self.lowestAtLastScan != nil { self.lowestAtLastScan = nil }
        if self.isLogical[thread] {
            self.logical[thread, default: LogicalThreadSegments()].nextPosition += UInt64(events.count)
            // A join of the thread goes out after its `exit` does (the queue is empty by then).
            if events.last?.operation == .exit { self.isFinished[thread] = true }
        }
        self.queues[thread].append(contentsOf: events)
        let first = self.appended[thread]
        self.appended[thread] = first + UInt64(events.count)
        self.arrivals.append(ArrivalRun(thread: thread, start: first, end: self.appended[thread]))
        if !self.isActive[thread] {
            self.isActive[thread] = true
            // A thread waiting for its fork cannot go on: it waits aside, so that the search for a
            // ready thread does not look at it again and again (a task group's children, whose events
            // may all come before the fork that starts them).
            if self.forked[thread] {
                self.active.append(thread)
            } else {
                self.isAwaitingFork[thread] = true
                self.awaitingFork.append(thread)
                self.awaitingForkCount += 1
            }
        }
        self.buffered += events.count
    }

    /// Places a run of a logical thread's events: each `resume` says at which position of the
    /// thread's program order the events after it belong; those that come too early are held until
    /// the events before them have arrived.
    private func placeLogical(_ run: UnsafeBufferPointer<TraceEvent>, of thread: Int) throws(TraceFormatError) {
        self.isLogical[thread] = true
        var index = 0
        while index < run.count {
            if run[index].operation == .resume {
                self.logical[thread, default: LogicalThreadSegments()].resume(at: UInt64(clamping: run[index].argument))
                index += 1
                continue
            }
            var end = index
            while end < run.count && run[end].operation != .resume { end += 1 }
            let span = UnsafeBufferPointer(rebasing: run[index..<end])
            index = end
            // The positions only, not a copy of the segments: the held runs are changed in place
            // below, and a copy would make each change copy the run (and a long held run quadratic).
            let segments = self.logical[thread].map { (cursor: $0.cursor, next: $0.nextPosition, filling: $0.fillingKey, holds: !$0.held.isEmpty) }
                ?? (cursor: 0, next: 0, filling: nil, holds: false)
            if self.isFinished[thread] && !segments.holds {
                let name = self.source.symbols.threads[thread].name
                throw TraceFormatError(file: "", position: .input, reason: "\(name) has events after its exit")
            }
            if segments.cursor == segments.next {
                self.logical[thread, default: LogicalThreadSegments()].cursor += UInt64(span.count)
                self.deliver(span, to: thread)
                try self.releaseHeld(of: thread)
            } else if segments.cursor > segments.next, let key = segments.filling {
                self.logical[thread]!.held[key, default: EventQueue()].append(contentsOf: span)
                self.logical[thread]!.cursor += UInt64(span.count)
                self.heldSegments += span.count
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
        if self.isFinished[thread], self.logical[thread]?.held.isEmpty ?? false {
            self.logical[thread] = nil
        }
    }

    /// Delivers the held runs of a logical thread that now come next in its program order: in
    /// pieces, what is in memory and then what comes back from the spill file, spilling again if the
    /// thread's queue grows past the budget (a run held back long may be mostly in the file).
    private func releaseHeld(of thread: Int) throws(TraceFormatError) {
        while let next = self.logical[thread]?.nextPosition, var held = self.logical[thread]!.held.removeValue(forKey: next) {
            if self.logical[thread]!.fillingKey == next { self.logical[thread]!.fillingKey = nil }
            while !held.isEmpty {
                let piece = held.withPending { pending in
                    self.deliver(pending, to: thread)
                    return pending.count
                }
                self.heldSegments -= piece
                self.spilled -= try held.removeFirst(piece, refill: self.evenShare, from: self.spillFile)
                if self.inMemoryEventCount > self.memoryBudget { try self.spill() }
            }
        }
    }

    private func grow(threads: Int, objects: Int, symbols: TraceSymbols) {
        while self.queues.count < threads {
            let declaration = symbols.threads[self.queues.count]
            self.queues.append(EventQueue())
            self.isActive.append(false)
            self.appended.append(0)
            self.taken.append(0)
            // A thread with a known parent was started by a recorded fork: it waits for it.
            self.forked.append(declaration.parent == nil)
            self.blockedInSend.append(false)
            self.isLogical.append(false)
            self.isAwaitingFork.append(false)
            self.isFinished.append(false)
        }
        while self.channelCapacity.count < objects {
            self.channelCapacity.append(symbols.objects[self.channelCapacity.count].capacity)
        }
        self.nextSequence.grow(to: objects, filling: 0)
    }

    // MARK: Merging

    /// Sends out every event that is ready until none is: in file order while the file's order is a
    /// valid one (a text trace converted to binary keeps its order exactly, and so do the stretches of
    /// a recorded trace whose batches happen to be in step), otherwise from any thread that can go
    /// on, until the file order can resume.
    private func drainReady(into events: inout [TraceEvent], limit: Int) throws(TraceFormatError) {
        while events.count < limit {
            if let thread = self.readyArrival() {
                // The earliest events in file order are the rest of this thread's run: take them as
                // long as they are ready (each is then the earliest arrival in turn).
                let run = self.arrivals.first!
                try self.take(from: thread, upTo: Int(run.end - self.taken[thread]), into: &events, limit: limit)
                continue
            }
            guard let thread = self.active.first(where: { self.queues[$0].first.map(self.isReady) == true }) else { break }
            // Go on with this thread until the earliest arrival (another thread's head, which only
            // that thread can take) becomes ready.
            let awaited = self.arrivals.first.flatMap { self.queues[$0.thread].first }
            try self.take(from: thread, upTo: Int.max, into: &events, limit: limit, until: awaited)
        }
        self.active.removeAll { thread in
            guard self.queues[thread].isEmpty else { return false }
            self.isActive[thread] = false
            return true
        }
    }

    /// The thread of the earliest buffered event in file order, if that event is ready to go out.
    private func readyArrival() -> Int? {
        while let run = self.arrivals.first {
            let taken = self.taken[run.thread]
            if run.end <= taken {
                self.arrivals.removeFirst(1)
                continue
            }
            if run.start < taken { self.arrivals.modify(at: 0) { $0.start = taken } }
            // The earliest untaken event of a thread is its queue's head.
            guard let head = self.queues[run.thread].first, self.isReady(head) else { return nil }
            return run.thread
        }
        return nil
    }

    /// Takes the thread's head events while they are ready, at most `maximum` of them (and up to
    /// `limit` events in all), the head known to be ready.
    /// Stops early, after an event, once `awaited` is ready.
    private func take(
        from thread: Int,
        upTo maximum: Int,
        into events: inout [TraceEvent],
        limit: Int,
        until awaited: TraceEvent? = nil
    ) throws(TraceFormatError) {
        let count = min(maximum, limit - events.count)
        let taken = self.queues[thread].withPending { pending -> Int in
            let end = min(count, pending.count)
            var taken = 0
            while taken < end {
                let event = pending[taken]
                if Self.plainSequenced & (1 << UInt64(event.operation.rawValue)) != 0 {
                    let object = Int(event.target)
                    guard event.sequence == self.nextSequence[object] else { break }
                    self.nextSequence[object] = event.sequence &+ 1
                } else {
                    guard self.isReady(event) else { break }
                    self.emitted(event)
                    // A rendezvous send blocks its thread until the receive: the fast path above
                    // does not look at that, so stop here.
                    if self.blockedInSend[thread] {
                        taken += 1
                        break
                    }
                }
                taken += 1
                if let awaited {
                    let plain = Self.plainSequenced & (1 << UInt64(awaited.operation.rawValue)) != 0
                    if (!plain || awaited.sequence == self.nextSequence[Int(awaited.target)]) && self.isReady(awaited) { break }
                }
            }
            events.append(contentsOf: UnsafeBufferPointer(rebasing: pending[..<taken]))
            return taken
        }
        self.spilled -= try self.queues[thread].removeFirst(taken, refill: self.evenShare, from: self.spillFile)
        self.taken[thread] += UInt64(taken)
        self.buffered -= taken
    }

    private func isReady(_ event: TraceEvent) -> Bool {
        let thread = event.thread.index
        if self.blockedInSend[thread] || !self.forked[thread] { return false }
        let operation = event.operation
        if operation.hasSequence {
            return event.sequence == self.nextSequence[event.object.index]
        }
        if operation == .join {
            // Every event of the joined thread goes first. The recorder hands an OS thread's last
            // events over before the join that waits for it returns, so they are already read; a
            // logical thread's may come later in the file, so its join waits for its `exit`.
            let joined = event.otherThread.index
            return self.queues[joined].isEmpty && (!self.isLogical[joined] || self.isFinished[joined])
        }
        return true
    }

    private func emitted(_ event: TraceEvent) {
        let operation = event.operation
        if operation.hasSequence {
            let object = event.object.index
            self.nextSequence[object] = event.sequence &+ 1
            switch operation {
            case .makeChannel:
                self.channelCapacity[object] = Int(clamping: event.argument)
            case .send where self.channelCapacity[object] == 0:
                self.pendingSenders[object, default: []].append(event.thread)
                self.blockedInSend[event.thread.index] = true
            case .receive where self.channelCapacity[object] == 0:
                if var senders = self.pendingSenders[object], !senders.isEmpty {
                    self.blockedInSend[senders.removeFirst().index] = false
                    self.pendingSenders[object] = senders
                }
            default:
                break
            }
        } else if operation == .fork {
            self.startForked(event.otherThread.index)
        }
    }

    /// Per object, the lowest numbers among the events read but not gone out, and where they wait:
    /// in the queues (but `skipped`'s), in the queues of threads waiting for their fork, and in
    /// logical threads' held runs.
    private func scanPendingNumbers(skipping skipped: Int?) throws(TraceFormatError) -> LowestPendingNumbers {
        var lowest = LowestPendingNumbers(skipping: skipped)
        func scan(_ thread: Int) throws(TraceFormatError) {
            // Positions count from the thread's first event: the one at the head is `taken[thread]`.
            var position = self.taken[thread]
            try self.queues[thread].forEachPending(in: self.spillFile) { event in
                lowest.note(event, thread: thread, position: position)
                position += 1
            }
        }
        for thread in self.active where thread != skipped { try scan(thread) }
        for thread in self.awaitingFork where self.isAwaitingFork[thread] { try scan(thread) }
        for segments in self.logical.values {
            for run in segments.held.values {
                try run.forEachPending(in: self.spillFile) { lowest.note($0, thread: -1, position: 0) }
            }
        }
        self.pendingScans += 1
        return lowest
    }

    /// `thread`'s fork went out (or will never come): its events may go.
    private func startForked(_ thread: Int) {
        self.forked[thread] = true
        guard self.isAwaitingFork[thread] else { return }
        self.isAwaitingFork[thread] = false
        self.awaitingForkCount -= 1
        self.active.append(thread)
        if self.awaitingFork.count > 64 && self.awaitingFork.count > 2 * self.awaitingForkCount {
            self.awaitingFork.removeAll { !self.isAwaitingFork[$0] }
        }
    }

    /// Nothing can go out and nothing more can be read: resume an object past a gap in its numbers,
    /// or report the contradiction.
    private func resolveStall() throws(TraceFormatError) {
        // Once the whole file is read, a logical thread with events missing before a held run (they
        // were dropped under the recorder's drop policy) goes on from the held run. First: the held
        // events may hold numbers the objects' gaps below would otherwise skip.
        if self.inputExhausted, let (thread, segments) = self.logical.first(where: { !$0.value.held.isEmpty }),
            let lowest = segments.lowestHeld
        {
            self.sequenceGaps += 1
            self.logical[thread]!.nextPosition = lowest
            try self.releaseHeld(of: thread)
            return
        }
        // Heads that wait only for their object's numbering, each holding its object's lowest pending
        // number: everything before it is missing from the trace, so it may go. One pass over what is
        // held finds every object's lowest pending number, and every such head goes at once.
        let candidates = self.active.filter { thread in
            guard let head = self.queues[thread].first, head.operation.hasSequence,
                !self.blockedInSend[thread], self.forked[thread]
            else { return false }
            return head.sequence > self.nextSequence[head.object.index]
        }
        var resumed = false
        if !candidates.isEmpty {
            // The candidate's own queue holds nothing lower on its object (program order), so with one
            // candidate the pass leaves its queue out: a lone thread with many gaps (drops) costs little.
            let lone = candidates.count == 1
            // Once the whole file is read, the last pass decides while it can (see LowestPendingNumbers);
            // before, what waits grows as the file is read, and every stall needs a pass of its own.
            let taken = { (thread: Int) in self.taken[thread] }
            if !self.inputExhausted || self.lowestAtLastScan.map({ lowest in
                !lowest.serves(candidates) || candidates.contains { lowest.mayResume(self.queues[$0].first!, of: $0, lone: lone, taken: taken) == nil }
            }) ?? true {
                self.lowestAtLastScan = try self.scanPendingNumbers(skipping: lone ? candidates[0] : nil)
            }
            let lowest = self.lowestAtLastScan!
            if !self.inputExhausted { self.lowestAtLastScan = nil }
            for thread in candidates {
                let head = self.queues[thread].first!
                // A fresh pass always decides; a kept one was checked to, above.
                if lowest.mayResume(head, of: thread, lone: lone, taken: taken) ?? false {
                    self.sequenceGaps += 1
                    self.nextSequence[head.object.index] = head.sequence
                    resumed = true
                }
            }
        }
        if resumed { return }
        if self.inputExhausted {
            // A join of a logical thread whose `exit` is not in the trace (the recording was cut).
            for thread in self.active {
                guard let head = self.queues[thread].first, head.operation == .join else { continue }
                let joined = head.otherThread.index
                if self.isLogical[joined], self.queues[joined].isEmpty, !self.isFinished[joined] {
                    self.isFinished[joined] = true
                    return
                }
            }
        }
        // A thread whose fork is not in the trace (lost, or the recording started after it).
        if self.inputExhausted, let thread = self.awaitingFork.first(where: { self.isAwaitingFork[$0] }) {
            self.startForked(thread)
            return
        }
        throw self.contradiction()
    }

    // MARK: Memory

    /// The threads with events waiting: those that can go on, and those waiting for their fork.
    private var waitingThreads: [Int] { self.active + self.awaitingFork.filter { self.isAwaitingFork[$0] } }

    /// Events held back in memory: in the queues and in logical threads' held runs, but not in the
    /// spill file.
    private var inMemoryEventCount: Int { self.buffered + self.heldSegments - self.spilled }

    /// Each waiting thread's even share of a quarter of the budget: what its queue keeps in memory at
    /// a spill, and brings back from the spill file at a time (so that what comes back stays within
    /// the budget).
    private var evenShare: Int { max(16, self.memoryBudget / 4 / max(1, self.active.count + self.awaitingForkCount)) }

    /// More than ``memoryBudget`` events wait in memory: every queue keeps its oldest events (its
    /// ``evenShare``, so the merge can go on where it is) and moves the rest to the spill file, to
    /// come back when the merge reaches them.
    /// What a held run keeps in memory at a spill.
    private static let heldKept = 16

    private func spill() throws(TraceFormatError) {
        if self.spillFile == nil { self.spillFile = try SpillFile(directory: self.spillDirectory) }
        let file = self.spillFile!
        let keep = self.evenShare
        for thread in self.waitingThreads {
            let moved = try self.queues[thread].spill(keeping: keep, to: file)
            self.spilled += moved
            self.spilledEventCount += UInt64(moved)
        }
        // Held runs wait for events before them, not to be merged: each keeps only a few in memory.
        for thread in Array(self.logical.keys) {
            for key in Array(self.logical[thread]!.held.keys) {
                let moved = try self.logical[thread]!.held[key]!.spill(keeping: Self.heldKept, to: file)
                self.spilled += moved
                self.spilledEventCount += UInt64(moved)
            }
        }
    }

    private func contradiction() -> TraceFormatError {
        let symbols = self.source.symbols
        var lines: [String] = []
        for thread in self.waitingThreads.sorted().prefix(8) {
            guard let head = self.queues[thread].first else { continue }
            let threadName = symbols.threads[thread].name
            var line = "\(threadName) waits to \(head.operation.textName)"
            if head.operation.hasObject {
                let object = symbols.objects[head.object.index].name
                line += "(\(object)) #\(head.sequence)"
                if head.operation.hasSequence {
                    line += " but \(object) is at #\(self.nextSequence[head.object.index])"
                }
            } else if head.operation == .join || head.operation == .fork {
                line += "(\(symbols.threads[head.otherThread.index].name))"
            }
            if self.blockedInSend[thread] { line += " while blocked in a rendezvous send" }
            if let location = symbols.location(head.location) { line += " at \(location)" }
            lines.append(line)
        }
        let reason = self.inputExhausted
            ? "the trace's orders contradict each other: " + lines.joined(separator: "; ")
            : "more than \(self.readAheadLimit) events wait for one another in a trace whose recorder lost events: " + lines.joined(separator: "; ")
        return TraceFormatError(file: "", position: .input, reason: reason)
    }
}
