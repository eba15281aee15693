import CSyncTraceRuntime
import SyncTraceFormat

/// The writer thread's half of a session: turns raw thread events into trace events, declaring
/// threads, objects and call sites the first time an event names them, and writes them through a
/// ``TraceWriter`` (which encodes and LZ4-compresses them).
///
/// Used by the writer thread only.
final class SessionEncoder {
    private struct SiteKey: Hashable {
        var file: UInt
        var line: UInt32
    }

    let writer: TraceWriter
    /// The trace's id of each thread it has declared, by recorder id (an OS thread's registry id, or a
    /// logical thread's flagged one): a trace declares only the threads it names, numbered from zero.
    private var threadIDs = ThreadIDTable()
    /// Per registry id, the trace's id of each object it has declared, plus one (0: not declared
    /// yet): a trace declares only the objects it names, numbered from zero in first-use order.
    // Read for every event: only the writer thread reaches it, so the runtime's exclusivity check
    // (a call per access) is switched off.
    @exclusivity(unchecked) private var objectIDs: [UInt32] = []
    private var sites: [SiteKey: StringID] = [:]
    // Also read for every event, by the writer thread only (see `objectIDs`).
    @exclusivity(unchecked) private var lastSite: (key: SiteKey, id: StringID)?
    @exclusivity(unchecked) private var staging: [TraceEvent] = []
    /// Per OS thread (by its registry id), the logical thread its buffer was running at the end of
    /// its last chunk, if any (by trace id), and that logical thread's next event position.
    private var running: [UInt32: (thread: ThreadID, position: UInt64)] = [:]

    /// The recording this encoder writes.
    let epoch: UInt64

    init(writer: TraceWriter, epoch: UInt64) {
        self.writer = writer
        self.epoch = epoch
    }

    /// Encodes one chunk of an OS thread's events as a batch.
    ///
    /// Switch records in the chunk say which logical thread (a traced task, a dispatched work item)
    /// the events after them belong to; every run of a logical thread's events starts with a `resume`
    /// naming its position in that thread's program order, since the OS threads that ran it hand
    /// their chunks over in any order (see ``TraceOperation/resume``).
    func encode(_ chunk: EventChunk) throws(TraceIOError) {
        // Declared when one of its own events comes: a pool thread that only ran tasks is no thread
        // of the trace.
        var osThread: ThreadID?
        if chunk.droppedBefore > 0 {
            try self.writer.writeDropped(thread: try self.traceThread(chunk.thread), count: chunk.droppedBefore)
        }
        self.staging.removeAll(keepingCapacity: true)
        self.staging.reserveCapacity(chunk.range.count + 1)
        var logical = self.running[chunk.thread]
        // Whether the staged events end in a run of the current logical thread (which needs no new
        // `resume` to go on).
        var inLogicalRun = false
        for index in chunk.range {
            let raw = chunk.storage[index]
            if raw.operation >= UInt8(SYNCTRACE_DECLARE_OPERATION) {
                // Switch, announcement or declaration: the record holds a reference to the logical
                // thread, retained for the writer.
                let owner = raw.file.map { Unmanaged<LogicalThread>.fromOpaque($0).takeRetainedValue() }
                if raw.operation == UInt8(SYNCTRACE_DECLARE_OPERATION) {
                    _ = try self.traceThread(raw.object, owner)
                    continue
                }
                inLogicalRun = false
                if raw.operation == UInt8(SYNCTRACE_SWITCH_OPERATION) {
                    logical = raw.sequence == UInt64.max ? nil : (try self.traceThread(raw.object, owner), raw.sequence)
                } else {
                    // A logical thread was just forked: say so where the fork is, so that the replay
                    // knows a join of it must wait for its `exit` (its events may come much later).
                    let child = try self.traceThread(raw.object, owner)
                    self.staging.append(TraceEvent(operation: .resume, thread: child, argument: 0, timestamp: raw.timestamp))
                }
                continue
            }
            guard let operation = TraceOperation(rawValue: raw.operation) else { continue }
            var target = raw.object
            switch operation.target {
            case .none: break
            case .thread: target = try self.traceThread(raw.object).rawValue
            case .object:
                let index = Int(raw.object)
                if index < self.objectIDs.count, self.objectIDs[index] != 0 {
                    target = self.objectIDs[index] - 1
                } else {
                    target = try self.traceObject(raw.object)
                }
            }
            let thread: ThreadID
            if let logical {
                thread = logical.thread
            } else {
                if osThread == nil { osThread = try self.traceThread(chunk.thread) }
                thread = osThread!
            }
            if let position = logical?.position, !inLogicalRun {
                self.staging.append(TraceEvent(operation: .resume, thread: thread, argument: Int64(position), timestamp: raw.timestamp))
                inLogicalRun = true
            }
            self.staging.append(
                TraceEvent(
                    operation: operation,
                    thread: thread,
                    target: target,
                    location: try self.site(file: raw.file, length: raw.file_length, line: raw.line),
                    argument: raw.argument,
                    sequence: raw.sequence,
                    timestamp: raw.timestamp
                )
            )
            if logical != nil { logical!.position += 1 }
        }
        self.running[chunk.thread] = logical
        try self.writer.write(self.staging)
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
        let location = try site.map { (site) throws(TraceIOError) in try self.writer.intern(site.text) }
        let declared = try self.writer.declareThread(name: name, parent: parent, location: location)
        self.threadIDs[id] = declared
        return declared
    }

    private func site(file: UnsafeRawPointer?, length: UInt32, line: UInt32) throws(TraceIOError) -> StringID? {
        // Accesses without a call site (a `TracedVar.value`, a channel's `for-in`) record an empty one.
        guard let file, length > 0 else { return nil }
        let key = SiteKey(file: UInt(bitPattern: file), line: line)
        if let last = self.lastSite, last.key == key { return last.id }
        let id: StringID
        if let known = self.sites[key] {
            id = known
        } else {
            let bytes = UnsafeBufferPointer(start: file.assumingMemoryBound(to: UInt8.self), count: Int(length))
            id = try self.writer.intern("\(String(decoding: bytes, as: UTF8.self)):\(line)")
            self.sites[key] = id
        }
        self.lastSite = (key, id)
        return id
    }

    /// The trace's id of registry object `id`, declaring the object the first time an event names it.
    private func traceObject(_ id: UInt32) throws(TraceIOError) -> UInt32 {
        let index = Int(id)
        if index < self.objectIDs.count, self.objectIDs[index] != 0 { return self.objectIDs[index] - 1 }
        let entry = ObjectRegistry.entry(id)
        let location = try entry.map { (entry) throws(TraceIOError) in try self.writer.intern(entry.site.text) }
        let declared = try self.writer.declareObject(
            kind: entry?.kind ?? .variable,
            name: entry?.displayName ?? "object \(id)",
            location: location,
            capacity: entry?.capacity ?? 0
        )
        if index >= self.objectIDs.count {
            self.objectIDs.append(contentsOf: repeatElement(0, count: max(index + 1, self.objectIDs.count * 2) - self.objectIDs.count))
        }
        self.objectIDs[index] = declared.rawValue + 1
        return declared.rawValue
    }
}

/// The trace's id of each recorder thread a trace has declared: two arrays indexed by the recorder's
/// dense numbers (OS threads' registry ids, logical threads' numbers), read for every chunk and
/// switch, so no hashing.
struct ThreadIDTable {
    private var osThreads: [UInt32] = []
    private var logicalThreads: [UInt32] = []

    /// The trace's id of recorder thread `id` (plus one in storage: 0 is "not declared").
    subscript(id: UInt32) -> ThreadID? {
        get {
            let index = Int(id & ~LogicalThread.idFlag)
            let table = id & LogicalThread.idFlag != 0 ? self.logicalThreads : self.osThreads
            return index < table.count && table[index] != 0 ? ThreadID(table[index] - 1) : nil
        }
        set {
            let index = Int(id & ~LogicalThread.idFlag)
            let value = newValue.map { $0.rawValue + 1 } ?? 0
            if id & LogicalThread.idFlag != 0 {
                Self.store(value, at: index, in: &self.logicalThreads)
            } else {
                Self.store(value, at: index, in: &self.osThreads)
            }
        }
    }

    private static func store(_ value: UInt32, at index: Int, in table: inout [UInt32]) {
        if index >= table.count {
            table.append(contentsOf: repeatElement(0, count: max(index + 1, table.count * 2) - table.count))
        }
        table[index] = value
    }
}
