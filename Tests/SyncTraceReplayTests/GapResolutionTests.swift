import SyncTraceFormat
import Testing

@testable import SyncTraceReplay

/// Gaps resolved at the end of the input in linear-ish time: a hostile trace with a gap before
/// every event of one thread, while another thread waits behind all of them, is resolved with one
/// pass over what waits (not one per gap), and the order and the counts are what a pass per gap gave.
@Suite("Gap resolution at the end of the input")
struct GapResolutionTests {
    /// The events in order, and the ordering's counts.
    static func resolve(_ bytes: [UInt8]) throws -> (events: [TraceEvent], gaps: Int, scans: Int) {
        let ordering = TraceOrdering(source: try BinaryTraceReader(bytes: bytes))
        var all: [TraceEvent] = []
        var batch: [TraceEvent] = []
        while try ordering.nextBatch(into: &batch) { all.append(contentsOf: batch) }
        return (all, ordering.sequenceGaps, ordering.pendingScans)
    }

    let t0 = ThreadID(0)
    let t1 = ThreadID(1)

    /// T0 writes 3,000 variables whose numbering each starts at 1 (no drops: the gaps are resolved
    /// once the file is read), then takes L; T1 waits for L behind all of them, with 3,000 events of
    /// its own. Every stall has two candidates and no lone thread to leave out, which a pass per
    /// stall made quadratic (3,000 passes over 6,000 events).
    @Test("a gap before every event of one thread, another waiting behind them: one pass")
    func gapsEverywhere() throws {
        let gapped = 3000
        let lock = ObjectID(0)
        let shared = ObjectID(UInt32(gapped + 1))
        var first: [TraceEvent] = (0..<gapped).map { TraceEvent(.write, thread: t0, object: ObjectID(UInt32($0 + 1)), sequence: 1) }
        first.append(TraceEvent(.acquire, thread: t0, object: lock, sequence: 0))
        first.append(TraceEvent(.release, thread: t0, object: lock, sequence: 1))
        var second = [TraceEvent(.acquire, thread: t1, object: lock, sequence: 2)]
        second += (0..<gapped).map { TraceEvent(.write, thread: t1, object: shared, sequence: UInt64($0)) }
        second.append(TraceEvent(.release, thread: t1, object: lock, sequence: 3))
        let objects = [(ObjectKind.lock, "L", 0)] + (0...gapped).map { (ObjectKind.variable, "v\($0)", 0) }
        // T1's batch first in the file: it waits from the start.
        let bytes = try TraceOrderingTests.trace(threads: ["T0", "T1"], objects: objects, batches: [second, first])
        let (events, gaps, scans) = try Self.resolve(bytes)
        #expect(events == first + second)
        #expect(gaps == gapped)
        #expect(scans == 1)
    }

    /// One thread alone with a gap before each of its events: each stall's lone candidate leaves its
    /// own queue out, and the one pass (over nothing else) decides them all.
    @Test("a lone thread with a gap before every event: one pass over the others")
    func loneThread() throws {
        let gapped = 2000
        let events = (0..<gapped).map { TraceEvent(.write, thread: t0, object: ObjectID(UInt32($0)), sequence: 5) }
        let objects = (0..<gapped).map { (ObjectKind.variable, "v\($0)", 0) }
        let bytes = try TraceOrderingTests.trace(threads: ["T0"], objects: objects, batches: [events])
        let (ordered, gaps, scans) = try Self.resolve(bytes)
        #expect(ordered == events)
        #expect(gaps == gapped)
        #expect(scans == 1)
    }

    /// A kept pass stops deciding once the event it rests on has gone out: T1's `w(o) #2` waits first
    /// behind T0's `w(o) #0` (still waiting: no), then, once that went out, for `#1`, which is missing;
    /// the kept pass cannot tell any more, a new one finds nothing lower and resumes `o` at 2.
    @Test("a pass whose deciding event went out is made again, and decides as a fresh one")
    func stalePassIsRedone() throws {
        let v = ObjectID(0)
        let o = ObjectID(1)
        let first = [
            TraceEvent(.write, thread: t0, object: v, sequence: 1),
            TraceEvent(.write, thread: t0, object: o, sequence: 0),
        ]
        let second = [TraceEvent(.write, thread: t1, object: o, sequence: 2)]
        let bytes = try TraceOrderingTests.trace(
            threads: ["T0", "T1"],
            objects: [(.variable, "v", 0), (.variable, "o", 0)],
            batches: [second, first]
        )
        let (events, gaps, scans) = try Self.resolve(bytes)
        #expect(events == first + second)
        #expect(gaps == 2)
        #expect(scans == 2)
    }
}
