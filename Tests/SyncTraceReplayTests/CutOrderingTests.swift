import LostUpdateCounter
import RaceDetector
import SyncTraceFormat
import SyncTraceReplay
import Testing

/// A trace cut short is ordered up to its consistent cut: at the end of the file no gap is resumed,
/// no missing `exit` or `fork` is assumed, and what waits behind a gap is counted, not handed out.
/// The same traces with an end record are resolved as before.
@Suite("Ordering a trace cut short")
struct CutOrderingTests {
    /// How the trace under test ends.
    enum Ending {
        case complete, signal, cutShort
    }

    let main = ThreadID(0)
    let worker = ThreadID(1)
    let lock = ObjectID(0)
    let x = ObjectID(1)

    /// "main", "worker" forked by main, `objects` (by default lock "m" and variable "x"), then
    /// `batches` in file order, ended as `ending` says; `dropped` events of the worker reported lost
    /// before the batches.
    func trace(
        _ ending: Ending,
        dropped: UInt64 = 0,
        objects: [(ObjectKind, String)] = [(.lock, "m"), (.variable, "x")],
        _ batches: [[TraceEvent]]
    ) throws -> [UInt8] {
        let writer = TraceWriter(header: TraceHeader(program: "cut"))
        let main = try writer.declareThread(name: "main")
        _ = try writer.declareThread(name: "worker", parent: main)
        for (kind, name) in objects { _ = try writer.declareObject(kind: kind, name: name) }
        if dropped > 0 { try writer.writeDropped(thread: self.worker, count: dropped) }
        for batch in batches { try writer.write(batch) }
        switch ending {
        case .complete: try writer.finish()
        case .signal: try writer.finish(signal: 11)
        case .cutShort: try writer.flush()
        }
        return writer.bytes
    }

    func ordered(_ bytes: [UInt8]) throws -> (events: [TraceEvent], ordering: TraceOrdering) {
        let ordering = TraceOrdering(source: try BinaryTraceReader(bytes: bytes))
        var all: [TraceEvent] = []
        var batch: [TraceEvent] = []
        while try ordering.nextBatch(into: &batch) { all.append(contentsOf: batch) }
        // Asked again after the end, an ordering stopped at its cut hands out nothing more.
        #expect(try !ordering.nextBatch(into: &batch))
        return (all, ordering)
    }

    var fork: TraceEvent { TraceEvent(operation: .fork, thread: self.main, target: self.worker.rawValue) }

    /// Main takes m (#0); the worker asks for it, takes it (#2), writes x and releases it; main's
    /// release (#1) is not in the file.
    var lostRelease: [[TraceEvent]] {
        [
            [self.fork, TraceEvent(.acquire, thread: self.main, object: self.lock, sequence: 0)],
            [
                TraceEvent(.request, thread: self.worker, object: self.lock),
                TraceEvent(.acquire, thread: self.worker, object: self.lock, sequence: 2),
                TraceEvent(.write, thread: self.worker, object: self.x, sequence: 0),
                TraceEvent(.release, thread: self.worker, object: self.lock, sequence: 3),
            ],
        ]
    }

    @Test("cut short: the events after a lost release wait, are counted, and are never handed out")
    func stopsAtTheGap() throws {
        let (events, ordering) = try self.ordered(try self.trace(.cutShort, self.lostRelease))
        #expect(events.map(\.operation) == [.fork, .acquire, .request])
        #expect(ordering.stoppedAtCut)
        #expect(ordering.leftOutEventCount == 3)
        #expect(ordering.sequenceGaps == 0)
    }

    @Test("complete or signal-ended: the same gap is resumed past, as before")
    func wholeTracesResume() throws {
        for ending in [Ending.complete, .signal] {
            let (events, ordering) = try self.ordered(try self.trace(ending, self.lostRelease))
            #expect(events.count == 6, "\(ending)")
            #expect(!ordering.stoppedAtCut)
            #expect(ordering.leftOutEventCount == 0)
            #expect(ordering.sequenceGaps == 1)
        }
    }

    @Test("cut short with events also dropped under the drop policy: still stopped at the gap (a drop's gap and the cut's look alike)")
    func droppedAndCut() throws {
        let (cut, cutOrdering) = try self.ordered(try self.trace(.cutShort, dropped: 2, self.lostRelease))
        #expect(cut.count == 3)
        #expect(cutOrdering.leftOutEventCount == 3)
        let (whole, wholeOrdering) = try self.ordered(try self.trace(.complete, dropped: 2, self.lostRelease))
        #expect(whole.count == 6)
        #expect(wholeOrdering.sequenceGaps == 1)
    }

    @Test("cut short: a thread whose fork is not in the file is not started")
    func missingFork() throws {
        let batches = [
            [TraceEvent(.write, thread: self.worker, object: self.x, sequence: 0)],
            [TraceEvent(.acquire, thread: self.main, object: self.lock, sequence: 0)],
        ]
        let (cut, cutOrdering) = try self.ordered(try self.trace(.cutShort, batches))
        #expect(cut.map(\.thread) == [self.main])
        #expect(cutOrdering.leftOutEventCount == 1)
        #expect(try self.ordered(try self.trace(.complete, batches)).events.count == 2)
    }

    @Test("cut short: a rendezvous sender whose receive is not in the file goes no further")
    func lostReceive() throws {
        let channel = ObjectID(0)
        let batch = [
            self.fork,
            TraceEvent(.send, thread: self.main, object: channel, sequence: 0),
            TraceEvent(.write, thread: self.main, object: self.x, sequence: 0),
        ]
        let (events, ordering) = try self.ordered(try self.trace(.cutShort, objects: [(.channel, "c"), (.variable, "x")], [batch]))
        #expect(events.map(\.operation) == [.fork, .send])
        #expect(ordering.leftOutEventCount == 1)
    }

    @Test("cut short: a join of a logical thread whose exit is not in the file waits, and what follows it")
    func missingExit() throws {
        // The worker as a task: a `resume(0)` of it in its parent's batch marks it logical, as the
        // recorder writes it. Its `exit` is not in the file.
        let batches = [
            [
                TraceEvent(operation: .resume, thread: self.worker, argument: 0), self.fork,
                TraceEvent(operation: .join, thread: self.main, target: self.worker.rawValue),
                TraceEvent(.read, thread: self.main, object: self.x, sequence: 1),
            ],
            [TraceEvent(operation: .resume, thread: self.worker, argument: 0), TraceEvent(.write, thread: self.worker, object: self.x, sequence: 0)],
        ]
        let (events, ordering) = try self.ordered(try self.trace(.cutShort, batches))
        #expect(events.map(\.operation) == [.fork, .write])
        #expect(ordering.leftOutEventCount == 2)
        // Whole, the missing exit is assumed and the read follows the join: no race.
        let whole = try self.trace(.complete, batches)
        #expect(try self.ordered(whole).events.count == 4)
        #expect(try Replay.analyze(binary: whole).findings.isEmpty)
    }

    @Test("the report counts analysed and unanalysed events, and the plugins' summaries say they are of the analysed part")
    func report() throws {
        let report = try Replay.analyze(binary: try self.trace(.cutShort, self.lostRelease), plugins: [RaceDetector(), LostUpdateCounter()])
        #expect(report.trace.analysedEvents == 3)
        #expect(report.trace.unanalysedEvents == 3)
        #expect(!report.trace.reachesProgramEnd)
        #expect(report.summaries["race"] == ["no data races in the analysed part"])
        #expect(report.summaries["lost-update"] == ["no lost updates in the analysed part (0 updates)"])
        let text = TextReportRenderer.render(report)
        #expect(text.contains(": 2 threads, 2 objects (cut short: 3 events analysed, 3 after the first gap not analysed)\n"))
        #expect(text.contains("\nSyncTrace: the trace was cut short (no end record): only the events before its first gap are analysed"))
        #expect(text.hasSuffix("No findings in the analysed part (the trace was cut short).\n"))
        let whole = try Replay.analyze(binary: try self.trace(.signal, self.lostRelease))
        #expect(whole.trace.reachesProgramEnd)
        #expect(TextReportRenderer.render(whole).contains("6 events, 2 threads, 2 objects (the process died of signal 11 (SIGSEGV) with every recorded event written)\n"))
    }
}
