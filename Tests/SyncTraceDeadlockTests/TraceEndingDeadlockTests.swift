import DeadlockDetector
import SyncTraceFormat
import SyncTraceReplay
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The deadlock detector's end-of-trace reports follow how the trace ended: a complete trace's
/// waiting threads are blocked forever; a signal-ended trace's were blocked when the process got the
/// signal; a trace cut short says nothing of them (its `req`'s `acq` may be what the cut lost), while
/// its lock-order cycles and self-deadlocks, found among events that are all in the file, stay.
@Suite("Deadlocks and how the trace ended")
struct TraceEndingDeadlockTests {
    /// How to end the binary copy of a text trace.
    enum Ending {
        case complete, signal(Int32), cutShort
    }

    /// The text trace as a binary one ended as `ending` says, analysed by the deadlock detector.
    static func analyse(_ text: String, _ ending: Ending) throws -> AnalysisReport {
        let reader = TextTraceReader(text: text, fileName: "t.trace")
        let writer = TraceWriter(header: TraceHeader(program: "t.trace"))
        var events: [TraceEvent] = []
        while try reader.nextBatch(into: &events) {
            try writer.declare(symbolsFrom: reader.symbols)
            try writer.write(events)
        }
        switch ending {
        case .complete: try writer.finish()
        case .signal(let signal): try writer.finish(signal: signal)
        case .cutShort: try writer.flush()
        }
        return try TraceAnalysis.run(source: try BinaryTraceReader(bytes: writer.bytes), plugins: [DeadlockDetector()])
    }

    /// T1 asks for m, which T0 holds; the trace ends there.
    static let waiting = """
        T0|fork(T1)
        T0|acq(m)|main.swift:3
        T1|req(m)|worker.swift:8
        """

    @Test("a req whose acq is not in the file: blocked forever in a complete trace, at the signal in a signal-ended one, unknown when cut short")
    func waitingThread() throws {
        let complete = try Self.analyse(Self.waiting, .complete)
        #expect(complete.findings.map(\.title) == ["BLOCKED FOREVER"])
        #expect(complete.findings.first.map { complete.text($0.message) } == "1 thread blocked forever at the end of the trace: T1 waits for lock m held by T0")

        let signalled = try Self.analyse(Self.waiting, .signal(SIGTERM))
        let blocked = try #require(signalled.findings.only)
        #expect(blocked.title == "BLOCKED AT SIGNAL")
        #expect(blocked.kind == "actual")
        #expect(signalled.text(blocked.message) == "1 thread blocked when the process got signal 15 (SIGTERM): T1 waits for lock m held by T0")
        #expect(blocked.events.first.map { signalled.text($0.role) } == "Waits for lock m, held by T0, until the signal")
        #expect(signalled.summaries["deadlock"]?.first == "1 thread blocked at signal 15 (SIGTERM)")

        let cut = try Self.analyse(Self.waiting, .cutShort)
        #expect(cut.findings.isEmpty)
        #expect(cut.trace.analysedEvents == 3)
        #expect(
            cut.summaries["deadlock"]?.prefix(2) == [
                "no deadlocks in the analysed part",
                "threads waiting at the end of the analysed part are not reported: the trace was cut short, and the program went on",
            ]
        )
    }

    @Test("threads waiting for one another's locks: a deadlock when complete or signal-ended, nothing claimed when cut short")
    func waitCycle() throws {
        let complete = try Self.analyse(DeadlockRuleTests.actualCycle, .complete)
        #expect(complete.findings.map(\.title) == ["DEADLOCK"])
        #expect(complete.findings.first?.details == ["These threads wait for one another's locks at the end of the trace: none of them can go on."])

        let signalled = try Self.analyse(DeadlockRuleTests.actualCycle, .signal(SIGINT))
        let deadlock = try #require(signalled.findings.only)
        #expect(deadlock.title == "DEADLOCK")
        #expect(deadlock.details == ["These threads were waiting for one another's locks when the process got signal 2 (SIGINT): none of them could go on."])
        #expect(deadlock.events.contains { signalled.text($0.role) == "Waits for B (held by T2), not acquired when the process got the signal" })

        #expect(try Self.analyse(DeadlockRuleTests.actualCycle, .cutShort).findings.isEmpty)
    }

    @Test("a trace cut short still reports the lock-order cycles and self-deadlocks among its events")
    func cyclesStay() throws {
        let inversion = try Self.analyse(DeadlockRuleTests.twoLockInversion, .cutShort)
        #expect(inversion.findings.map(\.kind) == ["potential"])
        #expect(inversion.summaries["deadlock"]?.first == "1 potential deadlock in the analysed part")
        let again = try Self.analyse("T0|acq(m)|a.swift:1\nT0|req(m)|a.swift:2\n", .cutShort)
        #expect(again.findings.map(\.kind) == ["self"])
    }
}
