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

    init() throws {
        let workload = try MutexHeavyWorkload(chunks: Self.chunks)
        self.trace = try workload.encodedTrace()
        self.eventCount = workload.events.count
        self.reader = try BinaryTraceReader(bytes: self.trace)
        // The writer's largest batch, so the batch array never grows while measured.
        self.batch.reserveCapacity(16_384)
    }

    /// Compressed trace bytes per event.
    var bytesPerEvent: Double { Double(self.trace.count) / Double(self.eventCount) }

    /// Decodes the next `count` events (a whole number of batches) and returns a checksum of them,
    /// so the optimizer cannot drop the work.
    func decodeNext(_ count: Int) throws -> UInt64 {
        var decoded = 0
        var checksum: UInt64 = 0
        while decoded < count {
            if try !self.reader.nextBatch(into: &self.batch) {
                guard case .complete = self.reader.ending else { fatalError("the benchmark trace did not end cleanly") }
                self.reader = try BinaryTraceReader(bytes: self.trace)
                continue
            }
            decoded += self.batch.count
            if let last = self.batch.last { checksum &+= last.sequence &+ last.timestamp }
        }
        precondition(decoded == count, "chunks must end on batch boundaries")
        return checksum
    }
}
