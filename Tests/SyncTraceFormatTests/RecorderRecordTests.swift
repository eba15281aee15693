import Foundation
import SyncTraceFormat
import Testing

/// What the recorder adds to the format: `req` on anything a thread blocks on, semaphore and
/// condition operations, dropped-events records, and the checks that keep a writer's output readable.
@Suite("Recorder records in the format")
struct RecorderRecordTests {
    @Test("req may name a channel, wait group, semaphore or condition; the kind comes from the first use")
    func requestOnAnything() throws {
        let read = try TestTraces.readText(
            """
            T0|chan(C, 0)
            T0|req(C)
            T1|wgadd(W, 1)
            T1|req(W)
            T0|semsignal(S)
            T0|req(S)
            T0|semwait(S)
            T0|cwait(K)
            """
        )
        let kinds = read.symbols.objects.map(\.kind)
        #expect(kinds == [.channel, .waitGroup, .semaphore, .condition])
        #expect(read.events.filter { $0.operation == .request }.allSatisfy { $0.sequence == 0 })
        // An object named only by req so far takes its kind from the next operation: a recorded
        // thread may ask for a semaphore or a condition before anyone else names it.
        let waitedFirst = try TestTraces.readText("T1|req(W)\nT0|wgdone(W)\nT1|wgwait(W)\nT2|req(K)\nT0|csignal(K)\nT2|cwait(K)")
        #expect(waitedFirst.symbols.objects.map(\.kind) == [.waitGroup, .condition])
        // Once another operation fixed the kind, a mismatch is an error.
        #expect(
            TestTraces.textError("T1|req(W)\nT1|acq(W)\nT1|wgwait(W)\n")?.description
                == "t.trace:3: W is a lock (first used on line 1), but wgwait needs a wait group"
        )
        #expect(
            TestTraces.textError("T0|semsignal(S)\nT0|csignal(S)\n")?.description
                == "t.trace:2: S is a semaphore (first used on line 1), but csignal needs a condition"
        )
    }

    @Test("req carries no sequence number through the binary form")
    func requestHasNoSequence() throws {
        let writer = TraceWriter(header: TraceHeader(program: "p"))
        let thread = try writer.declareThread(name: "T0")
        let lock = try writer.declareObject(kind: .lock, name: "L")
        try writer.write([
            TraceEvent(.acquire, thread: thread, object: lock, sequence: 0),
            TraceEvent(.request, thread: thread, object: lock, sequence: 987_654),
            TraceEvent(.release, thread: thread, object: lock, sequence: 1),
        ])
        try writer.finish()
        let read = try TestTraces.readBinary(writer.bytes)
        #expect(read.events.map(\.sequence) == [0, 0, 1])
    }

    @Test("dropped-events records are counted per thread and in all")
    func droppedEvents() throws {
        let writer = TraceWriter(header: TraceHeader(program: "p"))
        let main = try writer.declareThread(name: "main")
        let worker = try writer.declareThread(name: "worker")
        try writer.write([TraceEvent(operation: .begin, thread: main)])
        try writer.writeDropped(thread: worker, count: 4096)
        try writer.writeDropped(thread: worker, count: 10)
        try writer.writeDropped(thread: main, count: 1)
        #expect(throws: TraceIOError.self) { try writer.writeDropped(thread: ThreadID(9), count: 1) }
        try writer.finish()
        let reader = try BinaryTraceReader(bytes: writer.bytes)
        var batch: [TraceEvent] = []
        while try reader.nextBatch(into: &batch) {}
        #expect(reader.droppedEventCount == 4107)
        #expect(reader.droppedEventsByThread == [worker: 4106, main: 1])
        #expect(reader.ending == .complete)
        #expect(try TraceStatistics(reading: BinaryTraceReader(bytes: writer.bytes)).droppedEventCount == 4107)
    }

    @Test("a channel capacity the format cannot hold is refused by the writer")
    func channelCapacityRange() throws {
        let writer = TraceWriter(header: TraceHeader(program: "p"))
        #expect(throws: TraceIOError.self) { try writer.declareObject(kind: .channel, name: "C", capacity: -1) }
        #expect(throws: TraceIOError.self) { try writer.declareObject(kind: .channel, name: "C", capacity: Int(Int32.max) + 1) }
        #expect(try writer.declareObject(kind: .channel, name: "C", capacity: Int(Int32.max)) == ObjectID(0))
    }

    @Test("bytes after the end record are an error, not a truncation", arguments: [1, 2, 3, 7])
    func bytesAfterEnd(extra: Int) throws {
        let writer = TraceWriter(header: TraceHeader(program: "p"))
        let thread = try writer.declareThread(name: "T0")
        try writer.write([TraceEvent(operation: .begin, thread: thread)])
        try writer.finish()
        let bytes = writer.bytes + [UInt8](repeating: 0x2A, count: extra)
        let error = try #require(TestTraces.binaryError(bytes))
        #expect(error.description.contains("unexpected bytes follow the trace's end record")
            || error.description.contains("not an LZ4 frame"))
    }
}
