import SyncTraceFormat

/// A ten-million-event in-memory trace and a reader that walks it a million events at a time.
///
/// Each benchmark iteration decodes the next chunk (one million events) with the reader left where
/// the previous iteration stopped, reopening the trace after its end, so that iterations measure
/// steady-state decoding of a large trace rather than ten reader set-ups.
///
/// `@unchecked Sendable` because the benchmark tool hands the setup state across a task boundary;
/// only one benchmark iteration at a time ever touches it.
final class DecodeFixture: @unchecked Sendable {
    static let chunks = 10

    let trace: [UInt8]
    let eventCount: Int
    private var reader: BinaryTraceReader
    private var batch: [TraceEvent] = []
    /// Events the previous iteration decoded beyond its count (its last batch ran past it): this
    /// iteration decodes that many fewer, so that iterations average exactly `count` events.
    private var surplus = 0

    init() throws {
        let workload = try SyntheticWorkload(events: Self.chunks * SyntheticWorkload.eventsPerChunk)
        self.trace = workload.trace
        self.eventCount = workload.eventCount
        self.reader = try BinaryTraceReader(bytes: self.trace)
        // The writer's largest batch, so the batch array never grows while measured.
        self.batch.reserveCapacity(16_384)
    }

    /// Compressed trace bytes per event.
    var bytesPerEvent: Double { Double(self.trace.count) / Double(self.eventCount) }

    /// Decodes whole batches until about `count` events (see `surplus`) and returns a checksum of
    /// them, so the optimizer cannot drop the work.
    func decodeNext(_ count: Int) throws -> UInt64 {
        let wanted = count - self.surplus
        var decoded = 0
        var checksum: UInt64 = 0
        while decoded < wanted {
            if try !self.reader.nextBatch(into: &self.batch) {
                guard case .complete = self.reader.ending else { fatalError("the benchmark trace did not end cleanly") }
                self.reader = try BinaryTraceReader(bytes: self.trace)
                continue
            }
            decoded += self.batch.count
            if let last = self.batch.last { checksum &+= last.sequence &+ last.timestamp }
        }
        self.surplus = decoded - wanted
        return checksum
    }
}
