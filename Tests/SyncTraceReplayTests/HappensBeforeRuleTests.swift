import SyncTraceFormat
@testable import SyncTraceReplay
import Testing

/// Each happens-before rule of the text form (`Sources/SyncTraceFormat/SyncTraceFormat.docc/TextForm.md`), seen through the race detector: a pair of accesses to
/// `x` that the rule orders is no race; the same pair without the rule (or against it) is.
@Suite("Happens-before rules")
struct HappensBeforeRuleTests {
    /// (what the case shows, trace, racy variables).
    static let cases: [(String, String, Set<String>)] = [
        ("program order alone orders one thread", "T0|w(x)\nT0|r(x)\nT0|w(x)", []),
        ("two threads with nothing between them race", "T0|w(x)\nT1|w(x)", ["x"]),
        ("a read and a write race; two reads do not", "T0|r(x)\nT1|r(x)\nT2|w(x)", ["x"]),
        ("concurrent reads alone are no race", "T0|w(x)\nT0|fork(T1)\nT0|fork(T2)\nT1|r(x)\nT2|r(x)", []),
        ("fork orders the parent's past before the child", "T0|w(x)\nT0|fork(T1)\nT1|w(x)", []),
        ("the parent's events after fork race with the child", "T0|fork(T1)\nT0|w(x)\nT1|w(x)", ["x"]),
        ("join orders the child before the parent's future", "T0|fork(T1)\nT1|w(x)\nT0|join(T1)\nT0|r(x)", []),
        ("unlock then lock orders critical sections", "T0|acq(L)\nT0|w(x)\nT0|rel(L)\nT1|acq(L)\nT1|w(x)\nT1|rel(L)", []),
        ("different locks do not", "T0|acq(L)\nT0|w(x)\nT0|rel(L)\nT1|acq(M)\nT1|w(x)\nT1|rel(M)", ["x"]),
        ("a read unlock orders before the next write lock", "T0|racq(L)\nT0|r(x)\nT0|rrel(L)\nT1|acq(L)\nT1|w(x)\nT1|rel(L)", []),
        ("a write unlock orders before the next read lock", "T0|acq(L)\nT0|w(x)\nT0|rel(L)\nT1|racq(L)\nT1|r(x)\nT1|rrel(L)", []),
        ("readers do not order each other's writes", "T0|racq(L)\nT0|w(x)\nT0|rrel(L)\nT1|racq(L)\nT1|w(x)\nT1|rrel(L)", ["x"]),
        ("req orders nothing", "T0|acq(L)\nT0|w(x)\nT1|req(L)\nT1|w(x)\nT0|rel(L)", ["x"]),
        ("a send happens before its receive", "T0|chan(C, 1)\nT0|w(x)\nT0|send(C)\nT1|recv(C)\nT1|w(x)", []),
        ("a receive does not order the sender's later events", "T0|chan(C, 1)\nT0|send(C)\nT0|w(x)\nT1|recv(C)\nT1|w(x)", ["x"]),
        (
            "rendezvous: the receiver's past happens before the sender's future",
            "T1|w(x)\nT0|send(C)\nT1|recv(C)\nT0|w(x)", []
        ),
        (
            "capacity 1: the first receive happens before the second send completes",
            "T0|chan(C, 1)\nT1|send(C)\nT0|w(x)\nT0|recv(C)\nT1|send(C)\nT1|w(x)", []
        ),
        (
            "capacity 2: the first receive does not order the second send",
            "T0|chan(C, 2)\nT1|send(C)\nT0|w(x)\nT0|recv(C)\nT1|send(C)\nT1|w(x)", ["x"]
        ),
        (
            "capacity 2: it orders the third send",
            "T0|chan(C, 2)\nT1|send(C)\nT1|send(C)\nT0|w(x)\nT0|recv(C)\nT1|send(C)\nT1|w(x)", []
        ),
        ("close happens before a receive that finds the channel closed", "T0|w(x)\nT0|close(C)\nT1|recv(C)\nT1|w(x)", []),
        ("wgdone happens before wgwait", "T0|wgadd(W, 1)\nT1|w(x)\nT1|wgdone(W)\nT0|wgwait(W)\nT0|w(x)", []),
        ("a negative wgadd releases like wgdone", "T1|w(x)\nT1|wgadd(W, -1)\nT0|wgwait(W)\nT0|w(x)", []),
        ("a positive wgadd releases nothing", "T1|w(x)\nT1|wgadd(W, 2)\nT0|wgwait(W)\nT0|w(x)", ["x"]),
        ("an atomic store happens before a later load", "T0|w(x)\nT0|astore(A)\nT1|aload(A)\nT1|r(x)", []),
        ("an atomic load before the store orders nothing", "T1|aload(A)\nT0|w(x)\nT0|astore(A)\nT1|r(x)", ["x"]),
        ("read-modify-writes chain", "T0|w(x)\nT0|armw(A)\nT1|armw(A)\nT1|w(x)", []),
        ("a semaphore signal happens before the wait it ends", "T0|w(x)\nT0|semsignal(S)\nT1|semwait(S)\nT1|w(x)", []),
        ("a condition signal happens before the woken wait", "T0|w(x)\nT0|csignal(K)\nT1|cwait(K)\nT1|w(x)", []),
        ("begin and end order nothing", "T0|begin\nT0|w(x)\nT0|end\nT1|begin\nT1|w(x)\nT1|end", ["x"]),
        ("several variables are reported separately", "T0|w(x)\nT0|w(y)\nT1|w(x)\nT1|r(y)\nT1|w(z)", ["x", "y"]),
    ]

    @Test("each rule orders what it should, and nothing else", arguments: Self.cases.indices)
    func rule(index: Int) throws {
        let (name, trace, expected) = Self.cases[index]
        #expect(try Replay.racyVariables(trace) == expected, "\(name)")
    }

    @Test("clocks: a thread's own entry advances after each release, and joins are pointwise maxima")
    func clocks() {
        let engine = ClockFamily()
        var symbols = TraceSymbols()
        symbols.threads = [ThreadDeclaration(id: ThreadID(0), name: "T0"), ThreadDeclaration(id: ThreadID(1), name: "T1")]
        symbols.objects = [ObjectDeclaration(id: ObjectID(0), kind: .lock, name: "L")]
        engine.grow(to: symbols)
        let t0 = ThreadID(0)
        let t1 = ThreadID(1)
        #expect(engine.epoch(of: t0) == Epoch(thread: t0, clock: 1))
        engine.apply(TraceEvent(.acquire, thread: t0, object: ObjectID(0)))
        engine.apply(TraceEvent(.release, thread: t0, object: ObjectID(0)))
        #expect(engine.epoch(of: t0) == Epoch(thread: t0, clock: 2))
        #expect(!engine.happensBefore(Epoch(thread: t0, clock: 1), t1))
        engine.apply(TraceEvent(.acquire, thread: t1, object: ObjectID(0)))
        #expect(engine.happensBefore(Epoch(thread: t0, clock: 1), t1))
        #expect(!engine.happensBefore(Epoch(thread: t0, clock: 2), t1))
        #expect(engine.clock(of: t1).entries == [1, 1])
        // T1 now knows T0's first epoch; T0's clock (advanced by its release) is not below T1's.
        #expect(VectorClock().isBeforeOrEqual(engine.clock(of: t1)))
        #expect(!engine.clock(of: t0).isBeforeOrEqual(engine.clock(of: t1)))
        #expect(!engine.clock(of: t1).isBeforeOrEqual(engine.clock(of: t0)))
    }
}
