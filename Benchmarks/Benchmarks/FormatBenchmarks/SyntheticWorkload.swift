import SyncTraceFormat
import SyncTraceTestSupport

/// The codec benchmarks' data: a trace from the one synthetic generator (`SyntheticTraceGenerator`,
/// what `synctrace generate` runs) shaped like a mutex-heavy recording — eight workers looping over
/// critical sections on six locks guarding two fields each, handing their events over in batches of
/// about 2,048 out of step with one another — and the batches a reader decodes from it, which an
/// encoding benchmark writes again as the recorder's writer would.
struct SyntheticWorkload {
    /// The events of one benchmark iteration: with the `.mega` scaling factor, throughput reads in
    /// millions of events per second.
    static let eventsPerChunk = 1_000_000

    /// The generated trace.
    let trace: [UInt8]
    let symbols: TraceSymbols
    /// The trace's events, batch by batch, as the reader hands them out.
    let batches: [[TraceEvent]]
    let eventCount: Int

    /// A trace of `events` events.
    init(events: Int) throws {
        let configuration = SyntheticTraceGenerator.Configuration(
            events: events,
            threads: 8,
            locks: 6,
            variables: 12,
            seed: 0x5157_4E43,
            racyAccessesPerMillion: 0,
            batchSize: 2_048
        )
        let writer = TraceWriter(header: SyntheticTraceGenerator.header)
        try SyntheticTraceGenerator(configuration: configuration).write(to: writer)
        try writer.finish()
        self.trace = writer.bytes
        let reader = try BinaryTraceReader(bytes: self.trace)
        var batches: [[TraceEvent]] = []
        var batch: [TraceEvent] = []
        while try reader.nextBatch(into: &batch) { batches.append(batch) }
        self.batches = batches
        self.symbols = reader.symbols
        self.eventCount = events
    }

    /// Declares the trace's names on `writer` (a new one) and writes every batch.
    func write(to writer: TraceWriter) throws {
        try writer.declare(symbolsFrom: self.symbols)
        for batch in self.batches { try writer.write(batch) }
    }
}
