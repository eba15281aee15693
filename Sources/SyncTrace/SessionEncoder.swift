import CSyncTraceRuntime
import SyncTraceFormat

/// The writer thread's half of a session: turns raw thread events into trace events, declaring
/// threads, objects and call sites the first time an event names them, and writes them through a
/// ``TraceWriter`` (which encodes and LZ4-compresses them).
///
/// Used by the writer thread only.
final class SessionEncoder {
    let writer: TraceWriter
    /// The trace's id of each thread it has declared, by recorder id (an OS thread's registry id, or a
    /// logical thread's flagged one): a trace declares only the threads it names, numbered from zero.
    private var threadIDs = ThreadIDTable()
    /// Per registry id, the trace's id of each object it has declared: a trace declares only the
    /// objects it names, numbered from zero in first-use order.
    // Read for every event: only the writer thread reaches it, so the runtime's exclusivity check
    // (a call per access) is switched off.
    @exclusivity(unchecked) private var objectIDs = DenseIDMap()
    // Also read for every event, by the writer thread only (see `objectIDs`).
    @exclusivity(unchecked) private var sites = CallSiteTable()
    /// The locations of recorded (call site, stack) pairs (see ``StackLocationTable``).
    @exclusivity(unchecked) private var stacks = StackLocationTable()
    /// Per OS thread (by its registry id), the logical thread its buffer was running at the end of
    /// its last chunk, if any (by trace id), and that logical thread's next event position.
    private var running: [UInt32: (thread: ThreadID, position: UInt64)] = [:]

    /// The recording this encoder writes.
    let epoch: UInt64
    /// What turns the events' stamps into microseconds (the writer recalibrates it each pass).
    var clock: EventClock

    init(writer: TraceWriter, epoch: UInt64, clock: EventClock) {
        self.writer = writer
        self.epoch = epoch
        self.clock = clock
    }

    /// Encodes one chunk of an OS thread's events as batches.
    ///
    /// Switch records in the chunk say which logical thread (a traced task, a dispatched work item)
    /// the events after them belong to; every run of a logical thread's events starts with a `resume`
    /// naming its position in that thread's program order, since the OS threads that ran it hand
    /// their chunks over in any order (see ``TraceOperation/resume``).
    ///
    /// Each raw record is encoded in the loop that reads it (``BatchEventWriter``): no array of trace
    /// events in between, since this loop runs for every event the program records.
    func encode(_ chunk: EventChunk) throws(TraceIOError) {
        if chunk.droppedBefore > 0 {
            try self.writer.writeDropped(thread: try self.traceThread(chunk.thread), count: chunk.droppedBefore)
        }
        var state = ChunkState(logical: self.running[chunk.thread])
        // Each raw record gives at most two events (a `resume`, then the event).
        let step = TraceWriter.maximumBatchEvents / 2
        var start = chunk.range.lowerBound
        while start < chunk.range.upperBound {
            let end = min(start + step, chunk.range.upperBound)
            try self.writer.writeBatch(maximumEvents: 2 * (end - start)) { (batch) throws(TraceIOError) in
                for index in start..<end {
                    try self.encode(chunk.storage[index], of: chunk.thread, state: &state, into: &batch)
                }
            }
            start = end
        }
        self.running[chunk.thread] = state.logical
    }

    /// What encoding a chunk carries from one raw record to the next.
    private struct ChunkState {
        /// The logical thread the records now belong to (by trace id), with its next event's position.
        var logical: (thread: ThreadID, position: UInt64)?
        /// The OS thread's trace id, once one of its own events came: a pool thread that only ran tasks
        /// is no thread of the trace.
        var osThread: ThreadID?
        /// Whether the events written end in a run of the current logical thread (which needs no new
        /// `resume` to go on).
        var inLogicalRun = false
        /// The event clock's ticks, read after the chunk was handed over: what restores the stamps'
        /// high half.
        let now = EventClock.now()
    }

    @inline(__always)
    private func encode(
        _ raw: synctrace_event,
        of osThreadID: UInt32,
        state: inout ChunkState,
        into batch: inout BatchEventWriter
    ) throws(TraceIOError) {
        if raw.operation >= UInt8(SYNCTRACE_DECLARE_OPERATION) {
            try self.encodeMarker(raw, state: &state, into: &batch)
            return
        }
        guard let operation = TraceOperation(rawValue: raw.operation) else { return }
        var target = raw.object
        switch operation.target {
        case .none: break
        case .thread: target = try self.traceThread(raw.object).rawValue
        case .object:
            if let known = self.objectIDs[Int(raw.object)] {
                target = known
            } else {
                target = try self.declareObject(raw.object)
            }
        }
        let timestamp = self.clock.microseconds(ofStamp: raw.timestamp, now: state.now)
        let thread: ThreadID
        if let logical = state.logical {
            thread = logical.thread
            if !state.inLogicalRun {
                batch.append(.resume, thread: thread, target: 0, location: nil, argument: Int64(logical.position), sequence: 0, timestamp: timestamp)
                state.inLogicalRun = true
            }
            state.logical!.position += 1
        } else if let osThread = state.osThread {
            thread = osThread
        } else {
            thread = try self.traceThread(osThreadID)
            state.osThread = thread
        }
        batch.append(
            operation,
            thread: thread,
            target: target,
            location: raw.reserved == UInt8(SYNCTRACE_EVENT_HAS_STACK)
                ? try self.stacks.location(of: raw.file!.assumingMemoryBound(to: synctrace_stack_site.self), writer: self.writer)
                : try self.site(file: raw.file, length: raw.file_length, line: raw.line),
            argument: raw.argument,
            sequence: raw.sequence,
            timestamp: timestamp
        )
    }

    /// A switch, announcement or declaration record: the record holds a reference to the logical
    /// thread, retained for the writer.
    @inline(never)
    private func encodeMarker(_ raw: synctrace_event, state: inout ChunkState, into batch: inout BatchEventWriter) throws(TraceIOError) {
        let owner = raw.file.map { Unmanaged<LogicalThread>.fromOpaque($0).takeRetainedValue() }
        if raw.operation == UInt8(SYNCTRACE_DECLARE_OPERATION) {
            _ = try self.traceThread(raw.object, owner)
            return
        }
        state.inLogicalRun = false
        if raw.operation == UInt8(SYNCTRACE_SWITCH_OPERATION) {
            state.logical = raw.sequence == UInt64.max ? nil : (try self.traceThread(raw.object, owner), raw.sequence)
        } else {
            // A logical thread was just forked: say so where the fork is, so that the replay knows a
            // join of it must wait for its `exit` (its events may come much later).
            let child = try self.traceThread(raw.object, owner)
            let timestamp = self.clock.microseconds(ofStamp: raw.timestamp, now: state.now)
            batch.append(.resume, thread: child, target: 0, location: nil, argument: 0, sequence: 0, timestamp: timestamp)
        }
    }

    /// The trace's id of recorder thread `id`, declaring the thread the first time: an OS thread from
    /// the registry, a logical thread from `logical` (what its switch or announcement record carries).
    private func traceThread(_ id: UInt32, _ logical: LogicalThread? = nil) throws(TraceIOError) -> ThreadID {
        if let known = self.threadIDs[id] { return known }
        let name: String
        var parent: ThreadID?
        var site: CallSite?
        if id & LogicalThread.idFlag != 0 {
            name = logical?.displayName ?? "task \(id & ~LogicalThread.idFlag)"
            // The child's chunk may come before the parent's: declare the parent first. A thread
            // forked in an earlier recording (it outlived a stop) starts this one without a fork.
            if let logical, logical.forkEpoch == self.epoch {
                parent = try self.traceThread(logical.parent, logical.parentThread)
            }
            site = logical?.site
        } else {
            let entry = ThreadRegistry.entry(id)
            name = entry?.name ?? "thread \(id)"
            if let parentID = entry?.parent {
                // A TracedThread spawned by a task: the task forked it, so it is declared already.
                parent = parentID & LogicalThread.idFlag != 0 ? self.threadIDs[parentID] : try self.traceThread(parentID)
            }
            site = entry?.site
        }
        let location = try site.map { (site) throws(TraceIOError) in try self.stacks.location(site.text, frames: site.frames, writer: self.writer) }
        let declared = try self.writer.declareThread(name: name, parent: parent, location: location)
        self.threadIDs.set(declared, for: id)
        return declared
    }

    /// The trace's id of a call site (nil for an event recorded without one: a `TracedVar.value`,
    /// a channel's `for-in`), interned the first time.
    @inline(__always)
    private func site(file: UnsafeRawPointer?, length: UInt16, line: UInt32) throws(TraceIOError) -> StringID? {
        guard let file, length > 0 else { return nil }
        if let id = self.sites.cachedID(file: file, line: line) { return StringID(id) }
        return try self.resolveSite(file: file, length: Int(length), line: line)
    }

    @inline(never)
    private func resolveSite(file: UnsafeRawPointer, length: Int, line: UInt32) throws(TraceIOError) -> StringID {
        let writer = self.writer
        return StringID(
            try self.sites.resolve(file: file, length: length, line: line) { (text) throws(TraceIOError) in
                try writer.intern(text).rawValue
            }
        )
    }

    /// Writes what each recorded frame resolves to, read from the process's own binaries: at a clean
    /// end of recording only, so that the trace is self-contained. A trace a signal ended, or one cut
    /// short, keeps its raw frames (image and offset), which `synctrace analyze` symbolizes offline.
    ///
    /// Reading debug information is slow for a big binary (seconds for tens of megabytes of it), so
    /// it is bounded twice: symbols found are kept for the process's later sessions (a frame's
    /// address does not change while the process lives), and the reading stops once
    /// ``symbolizationBudget`` has passed, leaving the rest raw for `synctrace analyze`.
    func writeSymbols() throws(TraceIOError) {
        guard !self.writer.symbols.frames.isEmpty else { return }
        var symbols = self.writer.symbols
        let addresses = symbols.frames.map { frame in
            (frame.image.map { symbols.images[$0].baseAddress } ?? 0) &+ frame.offset
        }
        var missing: [Int] = []
        Self.symbolCache.withLock { cache in
            for index in symbols.frames.indices {
                if let known = cache[addresses[index]] { symbols.frames[index].symbols = known } else { missing.append(index) }
            }
        }
        let deadline = synctrace_monotonic_nanoseconds() &+ Self.symbolizationBudget
        var start = 0
        while start < missing.count && synctrace_monotonic_nanoseconds() < deadline {
            let chunk = missing[start..<min(start + Self.symbolizationChunk, missing.count)]
            TraceStackSymbolizer.symbolize(&symbols, frames: chunk)
            Self.symbolCache.withLock { cache in
                for index in chunk { if let found = symbols.frames[index].symbols { cache[addresses[index]] = found } }
            }
            start += chunk.count
        }
        for (index, frame) in symbols.frames.enumerated() where self.writer.symbols.frames[index].symbols == nil {
            if let found = frame.symbols { try self.writer.declareSymbols(frame: index, found) }
        }
    }

    /// Symbols found in this process so far, by address.
    private static let symbolCache = PlatformLocked<[UInt64: [TraceFrameSymbol]]>([:])
    /// How long a stop() spends reading symbols at most, in nanoseconds.
    static let symbolizationBudget: UInt64 = 2_000_000_000
    /// Frames symbolized per call of the symbolizer, between looks at the clock.
    private static let symbolizationChunk = 64

    /// Declares registry object `id` in the trace (the first time an event names it); returns its trace id.
    private func declareObject(_ id: UInt32) throws(TraceIOError) -> UInt32 {
        let entry = ObjectRegistry.entry(id)
        let location = try entry.map { (entry) throws(TraceIOError) in try self.writer.intern(entry.site.text) }
        let declared = try self.writer.declareObject(
            kind: entry?.kind ?? .variable,
            name: entry?.displayName ?? "object \(id)",
            location: location,
            capacity: entry?.capacity ?? 0
        )
        self.objectIDs.set(declared.rawValue, at: Int(id))
        return declared.rawValue
    }
}

/// Trace ids by a dense recorder number (an OS thread's or object's registry id, a logical thread's
/// number): an array, not a dictionary, since the writer looks one up for every event or switch.
struct DenseIDMap {
    /// Each id plus one: 0 is "not declared in this trace".
    private var ids: [UInt32] = []

    /// The trace's id for recorder number `index`, if the trace has declared it.
    subscript(index: Int) -> UInt32? {
        index < self.ids.count && self.ids[index] != 0 ? self.ids[index] - 1 : nil
    }

    mutating func set(_ id: UInt32, at index: Int) {
        if index >= self.ids.count {
            self.ids.append(contentsOf: repeatElement(0, count: max(index + 1, self.ids.count * 2) - self.ids.count))
        }
        self.ids[index] = id + 1
    }
}

/// The trace's id of each recorder thread a trace has declared: OS threads and logical threads are
/// numbered apart (a logical thread's id carries `LogicalThread.idFlag`).
struct ThreadIDTable {
    private var osThreads = DenseIDMap()
    private var logicalThreads = DenseIDMap()

    /// The trace's id of recorder thread `id`, if the trace has declared it.
    subscript(id: UInt32) -> ThreadID? {
        let index = Int(id & ~LogicalThread.idFlag)
        let traceID = id & LogicalThread.idFlag != 0 ? self.logicalThreads[index] : self.osThreads[index]
        return traceID.map { ThreadID($0) }
    }

    mutating func set(_ traceID: ThreadID, for id: UInt32) {
        let index = Int(id & ~LogicalThread.idFlag)
        if id & LogicalThread.idFlag != 0 {
            self.logicalThreads.set(traceID.rawValue, at: index)
        } else {
            self.osThreads.set(traceID.rawValue, at: index)
        }
    }
}
