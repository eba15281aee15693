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
    //
    // The work is in extensions, a file each: placing what is read (`+Input`), merging what is ready
    // (`+Merging`), resolving a stall (`+Stalls`), spilling (`+Memory`) and saying why a trace's orders
    // contradict each other (`+Contradiction`). The state is in three parts: the threads' queues,
    // the objects' progress, and the logical threads being reassembled.

    /// Events held back in memory, at most (about): beyond it, the ordering moves what waits longest
    /// to a temporary file (see "Memory" above).
    public let memoryBudget: Int
    /// For a trace whose recorder reported lost events: how many events may wait before the ordering
    /// resumes an object past a gap in its numbers rather than reading on for the missing number.
    public let readAheadLimit: Int
    /// Where held-back events go beyond ``memoryBudget``; made at the first spill.
    var spillFile: SpillFile?
    let spillDirectory: String?
    /// Pending events (in the threads' queues and in logical threads' held runs) that are in the
    /// spill file rather than in memory.
    @exclusivity(unchecked) var spilled = 0
    /// Events moved to the spill file, in all.
    public internal(set) var spilledEventCount: UInt64 = 0
    /// The most pending events held in memory at once (after any spill their arrival caused).
    var peakInMemoryEventCount = 0

    let source: any TraceEventSource
    @exclusivity(unchecked) var inputExhausted = false
    @exclusivity(unchecked) var incoming: [TraceEvent] = []

    /// Each thread's queue of events read and not yet gone out, and which threads can go on.
    @exclusivity(unchecked) var threads = ThreadQueues()
    /// Each object's next sequence number, and the rendezvous sends not yet received.
    @exclusivity(unchecked) var objects = ObjectProgress()
    /// The logical threads' runs, put back in program order.
    @exclusivity(unchecked) var logicalThreads = LogicalThreadAssembly()

    /// Objects resumed past a gap in their sequence numbers.
    public internal(set) var sequenceGaps = 0

    /// What the last pass over the waiting events found, kept once the whole file is read (see
    /// ``LowestPendingNumbers``); dropped when events are delivered to a queue.
    var lowestAtLastScan: LowestPendingNumbers?
    /// Passes over every waiting event to find the objects' lowest pending numbers, for the tests
    /// that gaps are resolved in linear-ish time.
    var pendingScans = 0

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
            let lossy = self.source.droppedEventCount > 0 && self.threads.buffered + self.logicalThreads.heldSegments >= self.readAheadLimit
            if !self.inputExhausted && !lossy {
                try self.readMore()
                if self.inMemoryEventCount > self.memoryBudget { try self.spill() }
                self.peakInMemoryEventCount = max(self.peakInMemoryEventCount, self.inMemoryEventCount)
                continue
            }
            if self.threads.buffered == 0 && self.logicalThreads.heldSegments == 0 { break }
            if self.inputExhausted && !self.source.ending.holdsEveryEvent {
                // Cut short: what still waits may wait for a lost event. Stop at the consistent cut.
                self.stoppedAtCut = true
                self.leftOutEventCount = UInt64(self.threads.buffered + self.logicalThreads.heldSegments)
                break
            }
            try self.resolveStall()
        }
        return !events.isEmpty
    }
}
