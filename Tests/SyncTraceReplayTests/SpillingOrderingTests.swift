import SyncTraceFormat
import Testing

@testable import SyncTraceReplay

#if canImport(Glibc)
import Glibc
#endif

/// The ordering holds back events that wait for an event far further on in the file without a bound
/// on how far: beyond its memory budget, what waits goes to a temporary file and comes back in order.
@Suite("Ordering beyond the memory budget")
struct SpillingOrderingTests {
    /// `threads` workers taking one lock in turn, `rounds` times each (acq, w(x_t), r(x_t), rel), as
    /// a recorder would number them; worker 0's batches all come last in the file, after every other
    /// worker's, so everything the others did after worker 0's first round waits for them.
    static func laggingTrace(threads: Int, rounds: Int, batch: Int = 512) throws -> [UInt8] {
        let writer = TraceWriter(header: TraceHeader(program: "lag"))
        for thread in 0..<threads { _ = try writer.declareThread(name: "worker \(thread)") }
        let lock = try writer.declareObject(kind: .lock, name: "L")
        var variables: [ObjectID] = []
        for thread in 0..<threads { variables.append(try writer.declareObject(kind: .variable, name: "x\(thread)")) }
        var perThread = [[TraceEvent]](repeating: [], count: threads)
        var lockNumber: UInt64 = 0
        var variableNumbers = [UInt64](repeating: 0, count: threads)
        for round in 0..<rounds {
            for thread in 0..<threads {
                // Round-robin, with worker 0 now and then taking the lock twice in a row.
                let times = thread == 0 && round % 3 == 0 ? 2 : 1
                for _ in 0..<times {
                    let id = ThreadID(UInt32(thread))
                    perThread[thread].append(TraceEvent(.acquire, thread: id, object: lock, sequence: lockNumber))
                    perThread[thread].append(TraceEvent(.write, thread: id, object: variables[thread], sequence: variableNumbers[thread]))
                    perThread[thread].append(TraceEvent(.read, thread: id, object: variables[thread], sequence: variableNumbers[thread] + 1))
                    perThread[thread].append(TraceEvent(.release, thread: id, object: lock, sequence: lockNumber + 1))
                    lockNumber += 2
                    variableNumbers[thread] += 2
                }
            }
        }
        for thread in (1..<threads) + [0] {
            var start = 0
            while start < perThread[thread].count {
                try writer.write(Array(perThread[thread][start..<min(start + batch, perThread[thread].count)]))
                start += batch
            }
        }
        try writer.finish()
        return writer.bytes
    }

    static func order(_ bytes: [UInt8], memoryBudget: Int, spillDirectory: String? = nil) throws -> (events: [TraceEvent], ordering: TraceOrdering) {
        let ordering = TraceOrdering(source: try BinaryTraceReader(bytes: bytes), memoryBudget: memoryBudget, spillDirectory: spillDirectory)
        var all: [TraceEvent] = []
        var batch: [TraceEvent] = []
        while try ordering.nextBatch(into: &batch) { all.append(contentsOf: batch) }
        return (all, ordering)
    }

    /// Every object's events come out in the order of their numbers, and every thread's in its own.
    static func expectRecordedOrders(_ events: [TraceEvent]) {
        var next: [UInt32: UInt64] = [:]
        var misordered = 0
        for event in events where event.operation.hasSequence {
            if event.sequence != next[event.target, default: 0] { misordered += 1 }
            next[event.target] = event.sequence + 1
        }
        #expect(misordered == 0)
    }

    /// A task (a logical thread) whose 40 runs of 1,000 writes reach the file last run first: all but
    /// the first are held back until it comes, 39,000 events, under a budget of 1,024. The held runs
    /// go to the spill file like the queues, come back in program order, and memory stays bounded.
    @Test("a logical thread's runs held back beyond the budget are spilled, and come back in order")
    func heldRunsSpill() throws {
        let runs = 40
        let length = 1000
        let writer = TraceWriter(header: TraceHeader(program: "held"))
        let main = try writer.declareThread(name: "main")
        let task = try writer.declareThread(name: "task", parent: main)
        let x = try writer.declareObject(kind: .variable, name: "x")
        try writer.write([TraceEvent(operation: .fork, thread: main, target: task.rawValue)])
        for run in (0..<runs).reversed() {
            var batch = [TraceEvent(operation: .resume, thread: task, argument: Int64(run * length))]
            for step in 0..<length {
                batch.append(TraceEvent(.write, thread: task, object: x, sequence: UInt64(run * length + step)))
            }
            try writer.write(batch)
        }
        try writer.finish()
        let (events, ordering) = try Self.order(writer.bytes, memoryBudget: 1024)
        #expect(events.count == 1 + runs * length)
        Self.expectRecordedOrders(events)
        let writes = events.filter { $0.operation == .write }.map(\.sequence)
        #expect(writes == (0..<UInt64(runs * length)).map { $0 })
        #expect(ordering.spilledEventCount > 30_000)
        // In memory at most: the budget, and one batch read before it is spilled.
        #expect(ordering.peakInMemoryEventCount <= 1024 + length + 1)
        #expect(ordering.sequenceGaps == 0)
    }

    @Test("a thread whose batches come after 800,000 of the others' events is merged in, in bounded memory")
    func laggingThread() throws {
        let bytes = try Self.laggingTrace(threads: 8, rounds: 25_000)
        let (events, ordering) = try Self.order(bytes, memoryBudget: 16_384)
        #expect(events.count == 8 * 25_000 * 4 + (25_000 + 2) / 3 * 4)
        Self.expectRecordedOrders(events)
        #expect(ordering.spilledEventCount > 500_000)
        // Held in memory at most: the budget and one batch (read before it is spilled).
        #expect(ordering.peakInMemoryEventCount <= 16_384 + 512)
        #expect(ordering.sequenceGaps == 0)
        // The same order as with room for all of it in memory.
        let (unspilled, roomy) = try Self.order(bytes, memoryBudget: 1 << 24)
        #expect(roomy.spilledEventCount == 0)
        #expect(unspilled == events)
    }

    @Test("a thousand threads held back at once")
    func manyThreads() throws {
        let bytes = try Self.laggingTrace(threads: 1_000, rounds: 40, batch: 40)
        let (events, ordering) = try Self.order(bytes, memoryBudget: 4_096)
        Self.expectRecordedOrders(events)
        #expect(events.count == 1_000 * 40 * 4 + 14 * 4)
        #expect(ordering.spilledEventCount > 0)
        // Each thread keeps at least a few events in memory (the merge goes on where it is).
        #expect(ordering.peakInMemoryEventCount <= 4_096 + 1_000 * 16 + 40)
    }

    @Test("a lock whose numbers have gaps everywhere (no losses reported) is resumed once the file is read, after spilling")
    func gapsResolvedAfterSpilling() throws {
        var bytes = try Self.laggingTrace(threads: 4, rounds: 1_000)
        // Worker 0's batches never come: drop them by rebuilding the trace without its events.
        let reader = try BinaryTraceReader(bytes: bytes)
        var kept: [[TraceEvent]] = []
        var batch: [TraceEvent] = []
        while try reader.nextBatch(into: &batch) { kept.append(batch.filter { $0.thread != ThreadID(0) }) }
        let writer = TraceWriter(header: TraceHeader(program: "lag"))
        for thread in 0..<4 { _ = try writer.declareThread(name: "worker \(thread)") }
        _ = try writer.declareObject(kind: .lock, name: "L")
        for thread in 0..<4 { _ = try writer.declareObject(kind: .variable, name: "x\(thread)") }
        for events in kept where !events.isEmpty { try writer.write(events) }
        try writer.finish()
        bytes = writer.bytes
        // Without worker 0 the lock's numbers have gaps everywhere; with no losses reported, the
        // ordering resumes only once the file is read, and the trace then reads in number order.
        let (events, ordering) = try Self.order(bytes, memoryBudget: 1_024)
        #expect(ordering.spilledEventCount > 0)
        #expect(ordering.sequenceGaps > 0)
        #expect(events.count == 3 * 1_000 * 4)
    }

    @Test("a spill directory that cannot be written is a clear error, not a crash")
    func unwritableSpillDirectory() throws {
        let bytes = try Self.laggingTrace(threads: 4, rounds: 20_000)
        #expect {
            _ = try Self.order(bytes, memoryBudget: 1_024, spillDirectory: "/nonexistent/synctrace-spill")
        } throws: { error in
            "\(error)".contains("cannot create a temporary file in /nonexistent/synctrace-spill") && "\(error)".contains("TMPDIR")
        }
    }

    @Test("the spill file reads back what was written, in pieces, and starts over once drained")
    func spillFileRoundTrip() throws {
        let file = try SpillFile()
        let first = (0..<10_000).map { TraceEvent(.write, thread: ThreadID(UInt32($0 % 7)), object: ObjectID(UInt32($0)), sequence: UInt64($0)) }
        let second = (0..<3).map { TraceEvent(.read, thread: ThreadID(1), object: ObjectID(UInt32($0)), sequence: UInt64($0)) }
        var a = try first.withUnsafeBufferPointer { try file.write($0) }
        var b = try second.withUnsafeBufferPointer { try file.write($0) }
        #expect(file.bytesHeld == Int64((10_003) * MemoryLayout<TraceEvent>.stride))
        var peek = a
        #expect(try file.peek(&peek, upTo: 5, as: TraceEvent.self) == Array(first[0..<5]))
        #expect(try file.read(&b, upTo: 100, as: TraceEvent.self) == second)
        var back: [TraceEvent] = []
        while a.count > 0 { back += try file.read(&a, upTo: 999, as: TraceEvent.self) }
        #expect(back == first)
        #expect(file.bytesHeld == 0)
        var c = try second.withUnsafeBufferPointer { try file.write($0) }
        #expect(c.offset == 0)
        #expect(try file.read(&c, upTo: 3, as: TraceEvent.self) == second)
    }
}
