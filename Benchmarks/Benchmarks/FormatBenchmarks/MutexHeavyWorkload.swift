import SyncTraceFormat

/// A deterministic, recorder-like event stream: in each chunk of exactly ``eventsPerChunk`` events,
/// a main thread forks eight workers that loop `acq(L) r(V) w(V) rel(L)` on a few locks, with some
/// atomics and channel traffic, and then joins them. Events come in per-thread batches of a few
/// hundred to a few thousand, in the order a recorder's writer would receive them.
///
/// Chunks are exactly a million events so that a benchmark iteration can process one chunk and the
/// tool's `.mega` scaling factor makes its throughput read as events per second.
struct MutexHeavyWorkload {
    static let eventsPerChunk = 1_000_000

    /// 1 µs ticks, like a recorder that timestamps with a coarse clock to stay cheap.
    let header = TraceHeader(program: "mutex-heavy", startTime: 1_750_000_000_000_000_000, clockResolution: 1000)
    let chunks: Int
    let symbols: WorkloadSymbols
    /// All events, batch after batch.
    let events: [TraceEvent]
    /// The events of each batch, as one `write` call of the recorder would hand them over.
    let batches: [Range<Int>]

    init(chunks: Int, seed: UInt64 = 0x5157_4E43) throws {
        self.chunks = chunks
        // A scratch writer numbers the symbols exactly as every benchmark iteration's writer will.
        self.symbols = try WorkloadSymbols.declare(chunks: chunks, on: TraceWriter(header: self.header))
        var generator = MutexHeavyGenerator(symbols: self.symbols, seed: seed)
        for chunk in 0..<chunks {
            generator.generateChunk(chunk, events: Self.eventsPerChunk)
            precondition(generator.events.count == (chunk + 1) * Self.eventsPerChunk, "a chunk must be exactly a million events")
        }
        self.events = generator.events
        self.batches = generator.batches
    }

    /// Declares the symbols on `writer` and writes every batch, as a recorder's writer thread would.
    func write(to writer: TraceWriter) throws {
        let declared = try WorkloadSymbols.declare(chunks: self.chunks, on: writer)
        precondition(declared.channel == self.symbols.channel, "declarations must number ids the same way")
        try self.events.withUnsafeBufferPointer { events in
            for batch in self.batches {
                try writer.write(UnsafeBufferPointer(rebasing: events[batch]))
            }
        }
    }

    /// The whole workload as a finished in-memory trace.
    func encodedTrace() throws -> [UInt8] {
        let writer = TraceWriter(header: self.header)
        try self.write(to: writer)
        try writer.finish()
        return writer.bytes
    }
}
