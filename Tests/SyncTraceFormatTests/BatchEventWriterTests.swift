import SyncTraceFormat
import Testing

/// `TraceWriter.writeBatch`, the path the recorder encodes its raw records through: the same bytes as
/// writing trace events, declarations made while a batch is being appended, and refusals that write
/// nothing of the batch.
@Suite("Writing a batch event by event")
struct BatchEventWriterTests {
    @Test("appending events one by one writes the same trace as writing them as an array")
    func sameBytesAsArray() throws {
        let trace = RandomTrace(seed: 7, eventCount: 5_000)
        let (arrayWriter, events) = try trace.write(frameContent: 1 << 20, seed: 11)
        let batchWriter = TraceWriter(header: trace.header)
        try batchWriter.declare(symbolsFrom: arrayWriter.symbols)
        var start = 0
        while start < events.count {
            let end = min(start + 1_000, events.count)
            try batchWriter.writeBatch(maximumEvents: end - start) { batch in
                for event in events[start..<end] { batch.append(event) }
                #expect(!batch.hasRoom)
            }
            start = end
        }
        try arrayWriter.finish()
        try batchWriter.finish()
        let read = try TestTraces.readBinary(batchWriter.bytes)
        #expect(read.events == events)
        // Batches of 1,000 instead of the array writer's one batch: only the batch headers differ.
        #expect(read.symbols == arrayWriter.symbols)
    }

    @Test("a batch's body may declare the objects, threads and strings its next events name")
    func declarationsInsideBatch() throws {
        let writer = TraceWriter(header: TraceHeader(program: "p"))
        let main = try writer.declareThread(name: "main")
        var expected: [TraceEvent] = []
        try writer.writeBatch(maximumEvents: 400) { (batch) throws(TraceIOError) in
            // More objects than the sequence table starts with, each declared just before its write.
            for index in 0..<200 {
                let object = try writer.declareObject(kind: .variable, name: "v\(index)")
                let site = try writer.intern("f.swift:\(index)")
                let event = TraceEvent(.write, thread: main, object: object, sequence: 0, location: site)
                batch.append(event)
                expected.append(event)
            }
            let child = try writer.declareThread(name: "child", parent: main)
            let fork = TraceEvent(operation: .fork, thread: main, target: child.rawValue)
            batch.append(fork)
            expected.append(fork)
        }
        try writer.finish()
        let read = try TestTraces.readBinary(writer.bytes)
        #expect(read.events == expected)
        #expect(read.symbols.objects.count == 200)
    }

    @Test("an event naming an undeclared id, or one past the batch's maximum, ends the batch before it")
    func refusals() throws {
        let writer = TraceWriter(header: TraceHeader(program: "p"))
        let main = try writer.declareThread(name: "main")
        let variable = try writer.declareObject(kind: .variable, name: "v")
        func write(_ sequence: UInt64) -> TraceEvent { TraceEvent(.write, thread: main, object: variable, sequence: sequence) }
        #expect(throws: TraceIOError.self) {
            try writer.writeBatch(maximumEvents: 4) { batch in
                batch.append(write(0))
                batch.append(TraceEvent(.read, thread: main, object: ObjectID(5)))
                batch.append(write(99))
            }
        }
        #expect(throws: TraceIOError.self) {
            try writer.writeBatch(maximumEvents: 1) { batch in
                batch.append(write(1))
                batch.append(write(98))
            }
        }
        #expect(throws: TraceIOError.self) {
            try writer.writeBatch(maximumEvents: 4) { (batch) throws(TraceIOError) in
                batch.append(write(2))
                throw TraceIOError(reason: "the body's own error")
            }
        }
        #expect(writer.eventCount == 3)
        // What was written is what the sequence state counted: the next write's delta still reads back.
        try writer.write([write(3)])
        try writer.finish()
        let read = try TestTraces.readBinary(writer.bytes)
        #expect(read.events == [write(0), write(1), write(2), write(3)])
    }

    @Test("a batch given no events writes no record; a maximum above the format's limit is capped")
    func emptyAndCapped() throws {
        let writer = TraceWriter(header: TraceHeader(program: "p"))
        let main = try writer.declareThread(name: "main")
        let before = writer.pendingByteCount
        try writer.writeBatch(maximumEvents: 10) { _ in }
        #expect(writer.pendingByteCount == before)
        try writer.writeBatch(maximumEvents: .max) { batch in
            for _ in 0..<TraceWriter.maximumBatchEvents { batch.append(TraceEvent(operation: .begin, thread: main)) }
            #expect(!batch.hasRoom)
        }
        #expect(writer.eventCount == UInt64(TraceWriter.maximumBatchEvents))
    }
}
