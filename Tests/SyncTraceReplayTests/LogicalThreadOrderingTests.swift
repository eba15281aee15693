import SyncTraceFormat
import SyncTraceReplay
import SyncTraceTestSupport
import Testing

/// Putting a logical thread's runs (a task's events, recorded by whichever OS threads ran it) back in
/// program order by their `resume` positions.
@Suite("Ordering a logical thread's runs")
struct LogicalThreadOrderingTests {
    let main = ThreadID(0)
    let task = ThreadID(1)

    /// A binary trace: thread "main", thread "task" forked by it, strings "a"…"d" (as locations),
    /// and `batches` in the given file order.
    func trace(_ batches: [[TraceEvent]]) throws -> [UInt8] {
        let writer = TraceWriter(header: TraceHeader(program: "logical"))
        for name in ["a", "b", "c", "d"] { _ = try writer.intern(name) }
        let main = try writer.declareThread(name: "main")
        _ = try writer.declareThread(name: "task", parent: main)
        for batch in batches { try writer.write(batch) }
        try writer.finish()
        return writer.bytes
    }

    func resume(_ position: Int64) -> TraceEvent {
        TraceEvent(operation: .resume, thread: self.task, argument: position)
    }

    /// A step of the task, told apart by its location "a"…"d" (string ids 0…3).
    func step(_ index: UInt32) -> TraceEvent {
        TraceEvent(operation: .begin, thread: self.task, location: StringID(index))
    }

    func ordered(_ bytes: [UInt8]) throws -> (events: [String], ordering: TraceOrdering) {
        let reader = try BinaryTraceReader(bytes: bytes)
        let ordering = TraceOrdering(source: reader)
        var all: [TraceEvent] = []
        var batch: [TraceEvent] = []
        while try ordering.nextBatch(into: &batch) { all.append(contentsOf: batch) }
        let names = all.map { event in
            event.operation == .begin ? reader.symbols.strings[Int(event.location!.rawValue)] : event.operation.textName
        }
        return (names, ordering)
    }

    @Test("runs written out of order come out in program order, and the join waits for the exit")
    func runsBackInOrder() throws {
        let bytes = try self.trace([
            // The awaiting side's batch was handed over first: fork, then the join.
            [
                TraceEvent(operation: .resume, thread: self.task, argument: 0),
                TraceEvent(operation: .fork, thread: self.main, target: self.task.rawValue),
                TraceEvent(operation: .join, thread: self.main, target: self.task.rawValue),
            ],
            // The task's later run (from the OS thread it moved to) before its first.
            [self.resume(2), self.step(2), TraceEvent(operation: .exit, thread: self.task)],
            [self.resume(0), self.step(0), self.step(1)],
        ])
        #expect(try self.ordered(bytes).events == ["fork", "a", "b", "c", "exit", "join"])
        // The replay sees the task's steps after the fork and before the join.
        #expect(try Replay.analyze(binary: bytes).findings.isEmpty)
    }

    @Test("a run continued in the file's next batch stays with its run")
    func continuedRun() throws {
        let bytes = try self.trace([
            [TraceEvent(operation: .fork, thread: self.main, target: self.task.rawValue)],
            [self.resume(2), self.step(2)],
            [self.step(3)],  // the same run, split over two batches
            [self.resume(0), self.step(0), self.step(1)],
        ])
        #expect(try self.ordered(bytes).events == ["fork", "a", "b", "c", "d"])
    }

    @Test("two runs claiming the same positions are a malformed trace")
    func duplicatePositions() throws {
        let bytes = try self.trace([
            [TraceEvent(operation: .fork, thread: self.main, target: self.task.rawValue)],
            [self.resume(0), self.step(0)],
            [self.resume(0), self.step(1)],
        ])
        #expect {
            _ = try self.ordered(bytes)
        } throws: { error in
            "\(error)".contains("task's events from position 0 appear twice in the trace (it is already at 1)")
        }
    }

    @Test("events missing before a run (dropped) are skipped at the end of the trace, and counted")
    func missingRun() throws {
        let bytes = try self.trace([
            [TraceEvent(operation: .fork, thread: self.main, target: self.task.rawValue)],
            [self.resume(3), self.step(3)],
            [self.resume(0), self.step(0)],
        ])
        let (events, ordering) = try self.ordered(bytes)
        #expect(events == ["fork", "a", "d"])
        #expect(ordering.sequenceGaps == 1)
    }

    @Test("events of a logical thread after its exit are a malformed trace")
    func eventsAfterExit() throws {
        let bytes = try self.trace([
            [TraceEvent(operation: .fork, thread: self.main, target: self.task.rawValue)],
            [self.resume(0), self.step(0), TraceEvent(operation: .exit, thread: self.task)],
            [self.resume(2), self.step(1)],
        ])
        #expect {
            _ = try self.ordered(bytes)
        } throws: { error in
            "\(error)".contains("task has events after its exit")
        }
    }

    @Test("any jumble of resume, exit, steps, forks and joins is ordered or refused, never a crash", arguments: 0..<8)
    func jumbles(seed: UInt64) throws {
        var generator = SeededGenerator(seed: seed)
        for _ in 0..<200 {
            var batches: [[TraceEvent]] = []
            for _ in 0..<Int.random(in: 1...5, using: &generator) {
                var batch: [TraceEvent] = []
                for _ in 0..<Int.random(in: 1...6, using: &generator) {
                    switch Int.random(in: 0..<6, using: &generator) {
                    case 0: batch.append(self.resume(Int64.random(in: -1...6, using: &generator)))
                    case 1: batch.append(TraceEvent(operation: .exit, thread: self.task))
                    case 2: batch.append(TraceEvent(operation: .fork, thread: self.main, target: self.task.rawValue))
                    case 3: batch.append(TraceEvent(operation: .join, thread: self.main, target: self.task.rawValue))
                    default: batch.append(self.step(UInt32.random(in: 0..<4, using: &generator)))
                    }
                }
                batches.append(batch)
            }
            let bytes = try self.trace(batches)
            do {
                _ = try self.ordered(bytes)
            } catch {
                // A refusal names what is wrong.
                #expect(!"\(error)".isEmpty)
            }
        }
    }
}

