#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a binary trace: declarations and event batches, encoded into records and compressed into
/// LZ4 frames that always end on a record boundary.
///
/// Memory stays bounded by one frame (about `BinaryLayout.defaultFrameContent` bytes) whatever
/// the trace's length. A trace cut short (a crash, a full disk) loses at most the frame being built.
/// Declare every thread, object and location before the first event that names it.
///
/// Not thread-safe: one thread owns a writer (the recorder's background writer, or the CLI).
public final class TraceWriter {
    private enum Destination {
        /// A file descriptor the writer owns: plain `write(2)`, no stdio buffer, so a process forked
        /// from the recording one has nothing of the trace to flush into the file at its own exit.
        case file(descriptor: Int32, path: String)
        case memory
    }

    private var destination: Destination
    private let frameContent: Int
    private let sink: ByteSink
    /// Where a batch's events are encoded before its header (which counts them) goes into `sink`.
    private let batchBody = ByteSink()
    private let encoder = RecordEncoder()
    private let batchContext: BatchEncodingContext
    private let compressor = LZ4FrameCompressor()
    private var interned: [String: StringID] = [:]
    private var memoryOutput: [UInt8] = []
    private var finished = false
    /// The header's format version, raised to ``BinaryLayout/stacksVersion`` by the first stack
    /// record while the header is still unwritten.
    private var formatVersion: Int

    /// The names declared so far, in the same numbering the trace uses.
    public private(set) var symbols = TraceSymbols()
    /// Events written so far.
    public private(set) var eventCount: UInt64 = 0
    /// Uncompressed record bytes produced so far (flushed or not).
    public private(set) var rawByteCount = 0
    /// Compressed bytes written to the destination so far.
    public private(set) var writtenByteCount = 0

    /// Creates a writer to a file, replacing it if it exists.
    ///
    /// - Throws: ``TraceIOError`` when the file cannot be created.
    public convenience init(path: String, header: TraceHeader, frameContent: Int = 1 << 20) throws(TraceIOError) {
        let descriptor = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw .system("cannot create \(path)") }
        self.init(fileDescriptor: descriptor, path: path, header: header, frameContent: frameContent)
    }

    /// Creates a writer to an open file descriptor, which the writer then owns and closes; `path` is
    /// what error messages call it. For a caller that opens the file its own way (the recorder locks it).
    public init(fileDescriptor: Int32, path: String, header: TraceHeader, frameContent: Int = 1 << 20) {
        self.destination = .file(descriptor: fileDescriptor, path: path)
        self.formatVersion = header.formatVersion
        self.batchContext = BatchEncodingContext(formatVersion: header.formatVersion)
        self.frameContent = max(frameContent, 1024)
        self.sink = ByteSink(capacity: self.frameContent + (self.frameContent >> 2))
        self.encoder.encodeHeader(header, into: self.sink)
    }

    /// Creates a writer that keeps the trace in memory; read it from ``bytes`` after ``finish(signal:)``.
    public init(header: TraceHeader, frameContent: Int = 1 << 20) {
        self.destination = .memory
        self.formatVersion = header.formatVersion
        self.batchContext = BatchEncodingContext(formatVersion: header.formatVersion)
        self.frameContent = max(frameContent, 1024)
        self.sink = ByteSink(capacity: self.frameContent + (self.frameContent >> 2))
        self.encoder.encodeHeader(header, into: self.sink)
    }

    deinit {
        if case .file(let descriptor, _) = self.destination { _ = systemClose(descriptor) }
    }

    /// The compressed trace of an in-memory writer (complete once ``finish(signal:)`` returned).
    public var bytes: [UInt8] { self.memoryOutput }

    /// The identifier of `string`, declaring it on first use.
    public func intern(_ string: String) throws(TraceIOError) -> StringID {
        if let id = self.interned[string] { return id }
        let id = StringID(UInt32(self.symbols.strings.count))
        self.symbols.strings.append(string)
        self.interned[string] = id
        self.batchContext.stringCount += 1
        self.encoder.encodeString(string, id: id, into: self.sink)
        try self.flushIfFull()
        return id
    }

    /// Declares the next thread.
    public func declareThread(
        name: String,
        parent: ThreadID? = nil,
        location: StringID? = nil
    ) throws(TraceIOError) -> ThreadID {
        let nameID = try self.intern(name)
        let id = ThreadID(UInt32(self.symbols.threads.count))
        self.symbols.threads.append(ThreadDeclaration(id: id, name: name, parent: parent, location: location))
        self.batchContext.threadCount += 1
        self.encoder.encodeThread(id: id, name: nameID, parent: parent, location: location, into: self.sink)
        try self.flushIfFull()
        return id
    }

    /// Declares the next object.
    public func declareObject(
        kind: ObjectKind,
        name: String,
        location: StringID? = nil,
        capacity: Int = 0
    ) throws(TraceIOError) -> ObjectID {
        guard (0...Int(Int32.max)).contains(capacity) else {
            throw TraceIOError(reason: "channel capacity \(capacity) of \(name) is out of range (0...\(Int32.max))")
        }
        let nameID = try self.intern(name)
        let id = ObjectID(UInt32(self.symbols.objects.count))
        self.symbols.objects.append(
            ObjectDeclaration(id: id, kind: kind, name: name, location: location, capacity: capacity)
        )
        self.batchContext.objectDeclared()
        self.encoder.encodeObject(
            id: id,
            kind: kind,
            name: nameID,
            location: location,
            capacity: capacity,
            into: self.sink
        )
        try self.flushIfFull()
        return id
    }

    /// Declares whatever `symbols` holds beyond what this writer has declared, keeping its numbering.
    ///
    /// For copying a trace: feed it the source's symbols before each batch of the source's events.
    public func declare(symbolsFrom source: TraceSymbols) throws(TraceIOError) {
        for string in source.strings[self.symbols.strings.count...] {
            // A repeated string gets an id of its own so that the numbering stays the source's.
            let id = StringID(UInt32(self.symbols.strings.count))
            self.symbols.strings.append(string)
            if self.interned[string] == nil { self.interned[string] = id }
            self.batchContext.stringCount += 1
            self.encoder.encodeString(string, id: id, into: self.sink)
        }
        for thread in source.threads[self.symbols.threads.count...] {
            let id = try self.declareThread(name: thread.name, parent: thread.parent, location: thread.location)
            precondition(id == thread.id, "source thread ids must be dense")
        }
        try self.declareStacks(from: source)
        for object in source.objects[self.symbols.objects.count...] {
            let id = try self.declareObject(
                kind: object.kind,
                name: object.name,
                location: object.location,
                capacity: object.capacity
            )
            precondition(id == object.id, "source object ids must be dense")
        }
        try self.flushIfFull()
    }

    /// The most events one batch record holds (``writeBatch(maximumEvents:_:)``'s limit).
    public static let maximumBatchEvents = BinaryLayout.maximumBatchEvents

    /// Writes events, in order, as one or more batch records.
    ///
    /// - Throws: ``TraceIOError`` when an event names an undeclared thread, object or location, or
    ///   when the destination cannot be written.
    public func write(_ events: UnsafeBufferPointer<TraceEvent>) throws(TraceIOError) {
        var start = 0
        while start < events.count {
            let end = min(start + Self.maximumBatchEvents, events.count)
            try self.writeBatch(maximumEvents: end - start) { batch in
                for event in events[start..<end] { batch.append(event) }
            }
            start = end
        }
    }

    /// Writes events, in order, as one or more batch records.
    public func write(_ events: [TraceEvent]) throws(TraceIOError) {
        try events.withUnsafeBufferPointer { (buffer) throws(TraceIOError) in try self.write(buffer) }
    }

    /// Writes one batch record of the events `body` appends, in order, at most `maximumEvents` of
    /// them (at most ``maximumBatchEvents``); nothing when it appends none.
    ///
    /// For a caller whose events are in another shape than ``TraceEvent``: it encodes each one in
    /// the loop that reads it. `body` may declare threads, objects and strings before the events that
    /// name them.
    ///
    /// - Throws: ``TraceIOError`` when an event names an undeclared thread, object or location, or
    ///   when `body` appends more than `maximumEvents` events (the events before it are written, none
    ///   after it); when `body` throws (the events it appended first are written); or when the
    ///   destination cannot be written. The events written are always the ones the sequence state
    ///   counted, so the writer stays consistent for the batches after it.
    public func writeBatch(
        maximumEvents: Int,
        _ body: (inout BatchEventWriter) throws(TraceIOError) -> Void
    ) throws(TraceIOError) {
        let maximumEvents = min(max(maximumEvents, 0), Self.maximumBatchEvents)
        // Bounded by construction: each event writes at most a thread switch and one largest event.
        let reserved = maximumEvents * (BinaryLayout.maximumEventSize + BinaryLayout.maximumSwitchSize)
        self.batchBody.removeAll()
        self.batchBody.reserve(reserved)
        var batch = BatchEventWriter(start: self.batchBody.base, maximum: maximumEvents, context: self.batchContext)
        var thrown: TraceIOError?
        do throws(TraceIOError) { try body(&batch) } catch { thrown = error }
        let written = batch.out.pointer - self.batchBody.base
        // Too late to prevent an overrun, but it turns a broken bound into a crash, never silent corruption.
        precondition(written >= 0 && written <= reserved, "a batch wrote past its reserved space")
        if batch.count > 0 {
            self.encoder.encodeBatchHeader(
                thread: batch.firstThread,
                timestamp: batch.firstTimestamp,
                count: batch.count,
                byteLength: written,
                into: self.sink
            )
            self.sink.writeBytes(UnsafeRawBufferPointer(start: self.batchBody.base, count: written))
            self.eventCount += UInt64(batch.count)
            try self.flushIfFull()
        }
        if let thrown { throw thrown }
        switch batch.refused {
        case .undeclared(let operation, let thread)?:
            throw TraceIOError(reason: "an event (\(operation) by \(thread)) names an undeclared id")
        case .full?:
            throw TraceIOError(reason: "a batch was given more than the \(maximumEvents) events it was made for")
        case .ordering(let operation, let thread, let argument)?:
            if self.formatVersion < BinaryLayout.atomicOrderingsVersion, TraceAtomicOrdering(argument: argument, of: operation) != nil {
                throw TraceIOError(
                    reason: "an event (\(operation) by \(thread)) is \(TraceAtomicOrdering(argument: argument, of: operation)!), and atomic "
                        + "orderings need format version \(BinaryLayout.atomicOrderingsVersion) (this trace's header says \(self.formatVersion))"
                )
            }
            throw TraceIOError(reason: "an event (\(operation) by \(thread)) has argument \(argument), which is no ordering \(operation) may have")
        case nil:
            break
        }
    }

    /// Records that `count` events of `thread` were lost here (the recorder's drop-on-overflow policy);
    /// readers report it.
    public func writeDropped(thread: ThreadID, count: UInt64) throws(TraceIOError) {
        guard thread.rawValue < UInt32(self.symbols.threads.count) else {
            throw TraceIOError(reason: "a dropped-events record names an undeclared thread (\(thread))")
        }
        self.encoder.encodeDropped(thread: thread, count: count, into: self.sink)
        try self.flushIfFull()
    }

    /// Closes the current frame and hands it to the destination, so a crash after this loses nothing.
    public func flush() throws(TraceIOError) {
        guard self.sink.count > 0 else { return }
        let frame = try self.compressor.compress(self.sink.bytes)
        self.rawByteCount += self.sink.count
        self.sink.removeAll()
        switch self.destination {
        case .file(let descriptor, let path):
            try Self.writeAll(frame, to: descriptor, path: path)
        case .memory:
            self.memoryOutput.append(contentsOf: frame)
        }
        self.writtenByteCount += frame.count
    }

    /// Writes the end record, flushes, and closes the file.
    ///
    /// - Parameter signal: nil for a clean stop (the trace reads as complete); else the signal the
    ///   process is ending by, once every event recorded before it has been written (the trace reads
    ///   as ``TraceEnding/signal(_:)``).
    public func finish(signal: Int32? = nil) throws(TraceIOError) {
        guard !self.finished else { return }
        self.finished = true
        self.encoder.encodeEnd(eventCount: self.eventCount, signal: signal, into: self.sink)
        try self.flush()
        if case .file(let descriptor, let path) = self.destination {
            self.destination = .memory
            guard systemClose(descriptor) == 0 else { throw .system("cannot close \(path)") }
        }
    }

    /// Bytes built for the current frame and not yet written: nothing is pending when 0.
    public var pendingByteCount: Int { self.sink.count }

    /// Writes all of `bytes`, resuming after a signal interrupts the call or a write is short.
    private static func writeAll(_ bytes: UnsafeRawBufferPointer, to descriptor: Int32, path: String) throws(TraceIOError) {
        var offset = 0
        while offset < bytes.count {
            let written = systemWrite(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if written > 0 {
                offset += written
            } else if written < 0 && errno == EINTR {
                continue
            } else if written < 0 && errno == EFBIG {
                throw TraceIOError(reason: "cannot write \(path): the file-size limit (ulimit -f) is reached")
            } else {
                throw .system("cannot write \(path)")
            }
        }
    }

    // MARK: Stacks (format version 2)

    /// Declares the next image stack frames lie in; returns its index.
    public func declareImage(_ image: TraceImage) throws(TraceIOError) -> Int {
        try self.requireStacksVersion()
        let id = self.symbols.images.count
        self.symbols.images.append(image)
        self.encoder.encodeImage(image, id: id, into: self.sink)
        try self.flushIfFull()
        return id
    }

    /// Declares the next frame (without symbols: see ``declareSymbols(frame:_:)``); returns its index.
    public func declareFrame(image: Int?, offset: UInt64, isProgramCounter: Bool) throws(TraceIOError) -> Int {
        try self.requireStacksVersion()
        if let image, image >= self.symbols.images.count { throw TraceIOError(reason: "a frame names an undeclared image (\(image))") }
        guard offset <= UInt64.max >> 1 else { throw TraceIOError(reason: "frame offset 0x\(String(offset, radix: 16)) is out of range") }
        let frame = TraceFrame(image: image, offset: offset, isProgramCounter: isProgramCounter)
        let id = self.symbols.frames.count
        self.symbols.frames.append(frame)
        self.encoder.encodeFrame(frame, id: id, into: self.sink)
        try self.flushIfFull()
        return id
    }

    /// Declares a new location string with text `site` (a call site) and the stack `frames` (frame
    /// indices, innermost first): the location events of that (call site, stack) pair name.
    public func declareStackLocation(_ site: String, frames: [Int]) throws(TraceIOError) -> StringID {
        try self.requireStacksVersion()
        let location = StringID(UInt32(self.symbols.strings.count))
        // Not interned: a plain event at the same call site keeps the location without a stack.
        self.symbols.strings.append(site)
        self.batchContext.stringCount += 1
        self.encoder.encodeString(site, id: location, into: self.sink)
        try self.attachStack(TraceStack(location: location, frames: frames))
        return location
    }

    /// Writes what frame `frame` resolves to (once per frame), interning the names.
    public func declareSymbols(frame: Int, _ symbols: [TraceFrameSymbol]) throws(TraceIOError) {
        try self.requireStacksVersion()
        guard frame < self.symbols.frames.count else { throw TraceIOError(reason: "symbols name an undeclared frame (\(frame))") }
        guard self.symbols.frames[frame].symbols == nil else { throw TraceIOError(reason: "frame \(frame) already has symbols") }
        guard (1...BinaryLayout.maximumInlineDepth).contains(symbols.count) else {
            throw TraceIOError(reason: "frame \(frame) is given \(symbols.count) symbols (1...\(BinaryLayout.maximumInlineDepth))")
        }
        var names: [(function: StringID, file: StringID?)] = []
        for symbol in symbols {
            names.append((try self.intern(symbol.function), try symbol.file.map { (file) throws(TraceIOError) in try self.intern(file) }))
        }
        self.symbols.frames[frame].symbols = symbols
        self.encoder.encodeSymbols(frame: frame, symbols, names: names, into: self.sink)
        try self.flushIfFull()
    }

    private func attachStack(_ stack: TraceStack) throws(TraceIOError) {
        guard (1...BinaryLayout.maximumStackDepth).contains(stack.frames.count) else {
            throw TraceIOError(reason: "a stack of \(stack.frames.count) frames (1...\(BinaryLayout.maximumStackDepth))")
        }
        guard stack.frames.allSatisfy({ $0 >= 0 && $0 < self.symbols.frames.count }) else {
            throw TraceIOError(reason: "a stack names an undeclared frame")
        }
        guard self.symbols.stackIndex[stack.location] == nil else { throw TraceIOError(reason: "location \(stack.location) already has a stack") }
        self.symbols.stackIndex[stack.location] = self.symbols.stacks.count
        self.symbols.stacks.append(stack)
        self.encoder.encodeStack(stack, into: self.sink)
        try self.flushIfFull()
    }

    /// Copies the images, frames, stacks and symbols `source` holds beyond this writer's (its strings
    /// are declared already).
    private func declareStacks(from source: TraceSymbols) throws(TraceIOError) {
        guard !source.frames.isEmpty || !source.images.isEmpty else { return }
        for image in source.images[self.symbols.images.count...] { _ = try self.declareImage(image) }
        for frame in source.frames[self.symbols.frames.count...] {
            _ = try self.declareFrame(image: frame.image, offset: frame.offset, isProgramCounter: frame.isProgramCounter)
        }
        for stack in source.stacks[self.symbols.stacks.count...] { try self.attachStack(stack) }
        for (index, frame) in source.frames.enumerated() where frame.symbols != nil && self.symbols.frames[index].symbols == nil {
            try self.declareSymbols(frame: index, frame.symbols!)
        }
    }

    /// Stack records need format version 2: a writer whose header said 1 raises it while the header
    /// is still unwritten (its version varint is the one byte after the magic), and refuses after.
    private func requireStacksVersion() throws(TraceIOError) {
        guard self.formatVersion < BinaryLayout.stacksVersion else { return }
        guard self.rawByteCount == 0, self.sink.count > BinaryLayout.magic.count else {
            throw TraceIOError(reason: "stack records need format version \(BinaryLayout.stacksVersion), and this trace's header, already written, says \(self.formatVersion)")
        }
        self.sink.base[BinaryLayout.magic.count] = UInt8(BinaryLayout.stacksVersion)
        self.formatVersion = BinaryLayout.stacksVersion
    }

    private func flushIfFull() throws(TraceIOError) {
        if self.sink.count >= self.frameContent { try self.flush() }
    }
}

// The C calls, under names the writer's own `write` and `close`-like methods do not shadow.
#if canImport(Glibc)
private let systemWrite = Glibc.write
private let systemClose = Glibc.close
#elseif canImport(Darwin)
private let systemWrite = Darwin.write
private let systemClose = Darwin.close
#endif
