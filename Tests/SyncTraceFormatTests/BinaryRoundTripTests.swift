import SyncTraceFormat
import Testing

/// Random traces written by `TraceWriter` come back from `BinaryTraceReader` unchanged: the same
/// events in the same order, the same names, a complete ending and matching statistics.
@Suite("Binary round trips")
struct BinaryRoundTripTests {
    @Test("random traces round-trip through one large frame and through many small ones", arguments: [
        (seed: UInt64(1), events: 3_000, frameContent: 1 << 20),
        (seed: UInt64(2), events: 3_000, frameContent: 1024),
        (seed: UInt64(3), events: 20_000, frameContent: 1024),
        (seed: UInt64(4), events: 1, frameContent: 1024),
    ])
    func randomTrace(seed: UInt64, events eventCount: Int, frameContent: Int) throws {
        let trace = RandomTrace(seed: seed, eventCount: eventCount)
        let (writer, expected) = try trace.write(frameContent: frameContent, seed: seed &* 31)
        let bytes = writer.bytes

        let read = try TestTraces.readBinary(bytes)
        #expect(read.ending == .complete)
        #expect(read.header == trace.header)
        #expect(read.events.count == expected.count)
        if let mismatch = zip(read.events, expected).enumerated().first(where: { $0.element.0 != $0.element.1 }) {
            Issue.record("event \(mismatch.offset) differs: read \(mismatch.element.0), wrote \(mismatch.element.1)")
        }
        #expect(read.symbols == writer.symbols)
        #expect(read.symbols.threads.map(\.name) == trace.threadNames)
        #expect(read.symbols.objects.map(\.name) == trace.objects.map(\.name))
        #expect(read.symbols.objects.map(\.kind) == trace.objects.map(\.kind))
        #expect(read.symbols.objects.map(\.capacity) == trace.objects.map(\.capacity))
        #expect(read.recordByteCount == writer.rawByteCount)
        #expect(read.inputByteCount == bytes.count)
        if frameContent == 1024 && eventCount > 1000 {
            // Frames close at about 1 KiB of records, so this trace has many of them.
            #expect(writer.rawByteCount > 8 * 1024)
        }
    }

    @Test("statistics count every event, thread, object and string")
    func statistics() throws {
        let trace = RandomTrace(seed: 11, eventCount: 2_000)
        let (writer, expected) = try trace.write(frameContent: 1024, seed: 12)
        let stats = try TraceStatistics(reading: BinaryTraceReader(bytes: writer.bytes))
        #expect(stats.ending == .complete)
        #expect(stats.eventCount == UInt64(expected.count))
        var byOperation: [TraceOperation: UInt64] = [:]
        for event in expected { byOperation[event.operation, default: 0] += 1 }
        #expect(stats.eventsByOperation == byOperation)
        #expect(stats.threadCount == trace.threadNames.count)
        var byKind: [ObjectKind: Int] = [:]
        for object in trace.objects { byKind[object.kind, default: 0] += 1 }
        #expect(stats.objectsByKind == byKind)
        #expect(stats.stringCount == writer.symbols.strings.count)
        #expect(stats.recordByteCount == writer.rawByteCount)
        #expect(stats.inputByteCount == writer.bytes.count)
        #expect(stats.header == trace.header)
    }

    @Test("a batch longer than the largest batch record is split and read back whole")
    func longBatch() throws {
        let writer = TraceWriter(header: TraceHeader(program: "long"), frameContent: 1024)
        let main = try writer.declareThread(name: "main")
        let other = try writer.declareThread(name: "other")
        let variable = try writer.declareObject(kind: .variable, name: "x")
        var events: [TraceEvent] = []
        for index in 0..<40_000 {
            let operation: TraceOperation = index % 3 == 0 ? .write : .read
            let thread = index % 7 == 0 ? other : main
            let timestamp = UInt64(index) * 10
            events.append(TraceEvent(operation, thread: thread, object: variable, sequence: UInt64(index), timestamp: timestamp))
        }
        try writer.write(events)
        try writer.finish()
        let read = try TestTraces.readBinary(writer.bytes)
        #expect(read.ending == .complete)
        #expect(read.events == events)
    }

    @Test("an empty trace reads as complete with no events")
    func emptyTrace() throws {
        let writer = TraceWriter(header: TraceHeader(program: "", startTime: 0, clockResolution: 1))
        try writer.finish()
        let read = try TestTraces.readBinary(writer.bytes)
        #expect(read.ending == .complete)
        #expect(read.events.isEmpty)
        #expect(read.symbols == TraceSymbols())
    }

    @Test("a writer rejects an event that names an undeclared id")
    func undeclaredIDs() throws {
        let writer = TraceWriter(header: TraceHeader(program: "p"))
        let main = try writer.declareThread(name: "main")
        #expect(throws: TraceIOError.self) { try writer.write([TraceEvent(.read, thread: main, object: ObjectID(0))]) }
        #expect(throws: TraceIOError.self) { try writer.write([TraceEvent(operation: .fork, thread: main, target: 1)]) }
        #expect(throws: TraceIOError.self) { try writer.write([TraceEvent(operation: .begin, thread: ThreadID(1))]) }
        #expect(throws: TraceIOError.self) {
            try writer.write([TraceEvent(operation: .begin, thread: main, location: StringID(9))])
        }
    }
}
