import RaceDetector
import SyncTraceFormat
import SyncTraceReplay
import Testing

/// Merging a recorded trace's per-thread batches into one order by the objects' sequence numbers.
@Suite("Ordering recorded batches")
struct TraceOrderingTests {
    /// A binary trace of `batches`, each written as one batch in the given (file) order.
    static func trace(
        threads: [String],
        objects: [(ObjectKind, String, Int)],
        batches: [[TraceEvent]]
    ) throws -> [UInt8] {
        let writer = TraceWriter(header: TraceHeader(program: "ordering"))
        for thread in threads { _ = try writer.declareThread(name: thread) }
        for (kind, name, capacity) in objects { _ = try writer.declareObject(kind: kind, name: name, capacity: capacity) }
        for batch in batches { try writer.write(batch) }
        try writer.finish()
        return writer.bytes
    }

    static func ordered(_ bytes: [UInt8]) throws -> [TraceEvent] {
        let ordering = TraceOrdering(source: try BinaryTraceReader(bytes: bytes))
        var all: [TraceEvent] = []
        var batch: [TraceEvent] = []
        while try ordering.nextBatch(into: &batch) { all.append(contentsOf: batch) }
        return all
    }

    /// T1 reads x (#0) and T0 writes it (#1), unordered, with T0's batch first in the file.
    func readThenWriteInReverseBatches() throws -> [UInt8] {
        try Self.trace(
            threads: ["T0", "T1"],
            objects: [(.lock, "L", 0), (.variable, "x", 0)],
            batches: [
                [TraceEvent(.write, thread: t0, object: x, sequence: 1)],
                [TraceEvent(.read, thread: t1, object: x, sequence: 0)],
            ]
        )
    }

    let t0 = ThreadID(0)
    let t1 = ThreadID(1)
    let lock = ObjectID(0)
    let x = ObjectID(1)

    @Test("a later thread's batch written first is merged after the sections it follows")
    func mergesBySequence() throws {
        let bytes = try Self.trace(
            threads: ["T0", "T1"],
            objects: [(.lock, "L", 0), (.variable, "x", 0)],
            batches: [
                [
                    TraceEvent(.acquire, thread: t1, object: lock, sequence: 2),
                    TraceEvent(.write, thread: t1, object: x, sequence: 1),
                    TraceEvent(.release, thread: t1, object: lock, sequence: 3),
                ],
                [
                    TraceEvent(.acquire, thread: t0, object: lock, sequence: 0),
                    TraceEvent(.write, thread: t0, object: x, sequence: 0),
                    TraceEvent(.release, thread: t0, object: lock, sequence: 1),
                ],
            ]
        )
        let order = try Self.ordered(bytes)
        #expect(order.map(\.thread) == [t0, t0, t0, t1, t1, t1])
        #expect(try Replay.analyze(binary: bytes).findings.isEmpty)
    }

    @Test("each source says whether it is ordered: the analysis orders a recorded trace once, and never an ordered source")
    func sourcesDeclareTheirOrder() throws {
        let bytes = try self.readThenWriteInReverseBatches()
        let reader = try BinaryTraceReader(bytes: bytes)
        #expect(!reader.isOrdered && reader.form == .binary)
        let ordered = OrderedTraceSource(try BinaryTraceReader(bytes: bytes))
        #expect(ordered.isOrdered && ordered.form == .binary)
        #expect(try TextTraceReader(text: "T0|w(x)\n").isOrdered)
        // Analysed through an ordered source, the trace gives the report its reader gives.
        let direct = try TraceAnalysis.run(source: reader, plugins: [RaceDetector()])
        let viaOrdering = try TraceAnalysis.run(source: ordered, plugins: [RaceDetector()])
        #expect(direct.findings.map(direct.variable(of:)) == ["x"])
        #expect(viaOrdering.findings.map(viaOrdering.variable(of:)) == direct.findings.map(direct.variable(of:)))
        #expect(viaOrdering.trace.analysedEvents == direct.trace.analysedEvents && direct.trace.analysedEvents == 2)
    }

    @Test("the merged order decides which access came first, and the race is still found")
    func raceAcrossBatches() throws {
        let bytes = try self.readThenWriteInReverseBatches()
        #expect(try Self.ordered(bytes).map(\.thread) == [t1, t0])
        let report = try Replay.analyze(binary: bytes)
        let finding = try #require(report.findings.first)
        #expect(report.variable(of: finding) == "x")
        #expect(finding.events.map(\.role) == ["Write", "Previous read"])
    }

    @Test("a child's events wait for its fork, and a join waits for the child's events")
    func forkAndJoin() throws {
        let writer = TraceWriter(header: TraceHeader(program: "ordering"))
        let main = try writer.declareThread(name: "main")
        let child = try writer.declareThread(name: "child", parent: main)
        let x = try writer.declareObject(kind: .variable, name: "x")
        try writer.write([TraceEvent(.write, thread: child, object: x, sequence: 1)])
        try writer.write([
            TraceEvent(.write, thread: main, object: x, sequence: 0),
            TraceEvent(operation: .fork, thread: main, target: child.rawValue),
            TraceEvent(operation: .join, thread: main, target: child.rawValue),
        ])
        try writer.finish()
        let order = try Self.ordered(writer.bytes)
        #expect(order.map(\.operation) == [.write, .fork, .write, .join])
        #expect(try Replay.analyze(binary: writer.bytes).findings.isEmpty)
    }

    @Test("a rendezvous sender waits for its receive before its next event")
    func rendezvous() throws {
        let bytes = try Self.trace(
            threads: ["T0", "T1"],
            objects: [(.channel, "C", 0), (.variable, "x", 0)],
            batches: [
                [
                    TraceEvent(.send, thread: t0, object: ObjectID(0), sequence: 0),
                    TraceEvent(.write, thread: t0, object: x, sequence: 1),
                ],
                [
                    TraceEvent(.write, thread: t1, object: x, sequence: 0),
                    TraceEvent(.receive, thread: t1, object: ObjectID(0), sequence: 1),
                ],
            ]
        )
        let order = try Self.ordered(bytes)
        #expect(order.map(\.operation) == [.send, .write, .receive, .write])
        #expect(order.map(\.thread) == [t0, t1, t1, t0])
        #expect(try Replay.analyze(binary: bytes).findings.isEmpty)
    }

    @Test("numbering that starts late (an object used before recording) is resumed, and counted")
    func gaps() throws {
        let bytes = try Self.trace(
            threads: ["T0"],
            objects: [(.lock, "L", 0)],
            batches: [[
                TraceEvent(.acquire, thread: t0, object: lock, sequence: 40),
                TraceEvent(.release, thread: t0, object: lock, sequence: 41),
            ]]
        )
        let report = try Replay.analyze(binary: bytes)
        #expect(report.trace.events == 2)
        #expect(report.trace.sequenceGaps == 1)
    }

    @Test("orders that contradict each other are a malformed trace, naming the events")
    func contradiction() throws {
        let m = ObjectID(1)
        let bytes = try Self.trace(
            threads: ["T0", "T1"],
            objects: [(.lock, "L", 0), (.lock, "M", 0)],
            batches: [
                [
                    TraceEvent(.acquire, thread: t0, object: lock, sequence: 1),
                    TraceEvent(.acquire, thread: t0, object: m, sequence: 0),
                ],
                [
                    TraceEvent(.acquire, thread: t1, object: m, sequence: 1),
                    TraceEvent(.acquire, thread: t1, object: lock, sequence: 0),
                ],
            ]
        )
        #expect {
            _ = try Self.ordered(bytes)
        } throws: { error in
            let text = "\(error)"
            return text.contains("contradict") && text.contains("T0 waits to acq(L) #1") && text.contains("T1 waits to acq(M) #1")
        }
    }
}
