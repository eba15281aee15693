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
    private var declaredThreads = 0
    private var declaredObjects = 0
    private var sites: [SiteKey: StringID] = [:]
    private var lastSite: (key: SiteKey, id: StringID)?
    private var staging: [TraceEvent] = []

    init(writer: TraceWriter) {
        self.writer = writer
    }

    /// Encodes one chunk of a thread's events as a batch.
    func encode(_ chunk: EventChunk) throws(TraceIOError) {
        try self.declareThreads(through: chunk.thread)
        if chunk.droppedBefore > 0 {
            try self.writer.writeDropped(thread: ThreadID(chunk.thread), count: chunk.droppedBefore)
        }
        self.staging.removeAll(keepingCapacity: true)
        self.staging.reserveCapacity(chunk.range.count)
        let thread = ThreadID(chunk.thread)
        for index in chunk.range {
            let raw = chunk.storage[index]
            guard let operation = TraceOperation(rawValue: raw.operation) else { continue }
            switch operation.target {
            case .none: break
            case .thread: try self.declareThreads(through: raw.object)
            case .object: try self.declareObjects(through: raw.object)
            }
            self.staging.append(
                TraceEvent(
                    operation: operation,
                    thread: thread,
                    target: raw.object,
                    location: try self.site(file: raw.file, length: raw.file_length, line: raw.line),
                    argument: raw.argument,
                    sequence: raw.sequence,
                    timestamp: raw.timestamp
                )
            )
        }
        try self.writer.write(self.staging)
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

    private func declareThreads(through id: UInt32) throws(TraceIOError) {
        guard Int(id) >= self.declaredThreads else { return }
        for entry in ThreadRegistry.entries(self.declaredThreads..<(Int(id) + 1)) {
            let location = try entry.site.map { (site) throws(TraceIOError) in try self.writer.intern(site.text) }
            _ = try self.writer.declareThread(name: entry.name, parent: entry.parent.map { ThreadID($0) }, location: location)
        }
        self.declaredThreads = Int(id) + 1
    }

    private func declareObjects(through id: UInt32) throws(TraceIOError) {
        guard Int(id) >= self.declaredObjects else { return }
        for entry in ObjectRegistry.entries(self.declaredObjects..<(Int(id) + 1)) {
            let location = try self.writer.intern(entry.site.text)
            _ = try self.writer.declareObject(
                kind: entry.kind,
                name: entry.displayName,
                location: location,
                capacity: entry.capacity
            )
        }
        self.declaredObjects = Int(id) + 1
    }
}
