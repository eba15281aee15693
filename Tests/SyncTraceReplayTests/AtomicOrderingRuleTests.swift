import SyncTraceFormat
@testable import SyncTraceReplay
import Testing

/// The happens-before of each atomic ordering (the text form's rules,
/// `Sources/SyncTraceFormat/SyncTraceFormat.docc/TextForm.md`), seen through the race detector: `x`
/// is a payload, `A` the atomic that is meant to publish it.
@Suite("Atomic orderings")
struct AtomicOrderingRuleTests {
    /// (what the case shows, trace, racy variables).
    static let cases: [(String, String, Set<String>)] = [
        // Loads and stores.
        ("a relaxed flag publishes nothing", "T0|w(x)\nT0|astore(A, relaxed)\nT1|aload(A, relaxed)\nT1|r(x)", ["x"]),
        ("a releasing store read by an acquiring load orders the payload", "T0|w(x)\nT0|astore(A, releasing)\nT1|aload(A, acquiring)\nT1|r(x)", []),
        ("a relaxed load of a releasing store acquires nothing", "T0|w(x)\nT0|astore(A, releasing)\nT1|aload(A, relaxed)\nT1|r(x)", ["x"]),
        ("an acquiring load of a relaxed store synchronizes with nothing", "T0|w(x)\nT0|astore(A, relaxed)\nT1|aload(A, acquiring)\nT1|r(x)", ["x"]),
        (
            "a relaxed store after a release ends its release sequence: the acquiring load that reads it gets nothing",
            "T0|w(x)\nT0|astore(A, releasing)\nT0|astore(A, relaxed)\nT1|aload(A, acquiring)\nT1|r(x)", ["x"]
        ),
        (
            "so does another thread's relaxed store",
            "T0|w(x)\nT0|astore(A, releasing)\nT2|astore(A, relaxed)\nT1|aload(A, acquiring)\nT1|r(x)", ["x"]
        ),
        (
            "a releasing store starts a release sequence of its own: a load that reads it does not follow an earlier release",
            "T0|w(x)\nT0|astore(A, releasing)\nT2|astore(A, releasing)\nT1|aload(A, acquiring)\nT1|r(x)", ["x"]
        ),
        (
            "a releasing store carries what its thread acquired before it",
            "T0|w(x)\nT0|astore(A, releasing)\nT2|aload(A, acquiring)\nT2|astore(A, releasing)\nT1|aload(A, acquiring)\nT1|r(x)", []
        ),
        ("a sequentially consistent load acquires a releasing store", "T0|w(x)\nT0|astore(A, releasing)\nT1|aload(A)\nT1|r(x)", []),
        ("an acquiring load acquires a sequentially consistent store", "T0|w(x)\nT0|astore(A)\nT1|aload(A, acquiring)\nT1|r(x)", []),
        (
            "the explicit sequentially consistent ordering is the default one",
            "T0|w(x)\nT0|astore(A, sequentiallyConsistent)\nT1|aload(A, sequentiallyConsistent)\nT1|r(x)", []
        ),
        (
            "sequentially consistent stores accumulate, as the Go memory model's do",
            "T0|w(x)\nT0|astore(A)\nT2|astore(A)\nT1|aload(A)\nT1|r(x)", []
        ),
        (
            "a relaxed store between them ends that too",
            "T0|w(x)\nT0|astore(A)\nT2|astore(A, relaxed)\nT1|aload(A)\nT1|r(x)", ["x"]
        ),
        ("a relaxed load's thread still races with a later write", "T1|aload(A, relaxed)\nT1|r(x)\nT0|w(x)", ["x"]),
        // Read-modify-writes.
        (
            "a relaxed read-modify-write continues the release sequence it reads from",
            "T0|w(x)\nT0|astore(A, releasing)\nT2|armw(A, relaxed)\nT1|aload(A, acquiring)\nT1|r(x)", []
        ),
        (
            "so do several, of any ordering",
            "T0|w(x)\nT0|astore(A, releasing)\nT2|armw(A, relaxed)\nT3|armw(A, acquiring)\nT2|armw(A, releasing)\nT1|aload(A, acquiring)\nT1|r(x)", []
        ),
        ("a relaxed read-modify-write acquires nothing", "T0|w(x)\nT0|astore(A, releasing)\nT1|armw(A, relaxed)\nT1|r(x)", ["x"]),
        ("a relaxed read-modify-write releases nothing", "T0|w(x)\nT0|armw(A, relaxed)\nT1|aload(A, acquiring)\nT1|r(x)", ["x"]),
        ("an acquiring read-modify-write acquires", "T0|w(x)\nT0|astore(A, releasing)\nT1|armw(A, acquiring)\nT1|r(x)", []),
        ("an acquiring read-modify-write releases nothing", "T0|w(x)\nT0|armw(A, acquiring)\nT1|aload(A, acquiring)\nT1|r(x)", ["x"]),
        ("a releasing read-modify-write releases", "T0|w(x)\nT0|armw(A, releasing)\nT1|aload(A, acquiring)\nT1|r(x)", []),
        ("a releasing read-modify-write acquires nothing", "T0|w(x)\nT0|astore(A, releasing)\nT1|armw(A, releasing)\nT1|r(x)", ["x"]),
        (
            "an acquiring-and-releasing read-modify-write passes on what it acquired",
            "T0|w(x)\nT0|astore(A, releasing)\nT1|armw(A, acquiringAndReleasing)\nT2|aload(A, acquiring)\nT2|r(x)", []
        ),
        (
            "and is both",
            "T0|w(x)\nT0|astore(A, releasing)\nT1|armw(A, acquiringAndReleasing)\nT1|r(x)\nT1|w(y)\nT1|armw(A, acquiringAndReleasing)\nT2|aload(A, acquiring)\nT2|r(y)",
            []
        ),
        ("sequentially consistent read-modify-writes chain", "T0|w(x)\nT0|armw(A)\nT1|armw(A)\nT1|w(x)", []),
        // Atomics themselves.
        (
            "atomic operations never race with one another, whatever their ordering",
            "T0|astore(A, relaxed)\nT1|astore(A, relaxed)\nT1|aload(A, relaxed)\nT2|armw(A, relaxed)\nT0|aload(A, acquiring)", []
        ),
        ("a plain access races with a relaxed atomic one", "T0|w(A)\nT1|aload(A, relaxed)", ["A"]),
    ]

    @Test("each ordering orders what it should, and nothing else", arguments: Self.cases.indices)
    func rule(index: Int) throws {
        let (name, trace, expected) = Self.cases[index]
        #expect(try Replay.racyVariables(trace) == expected, "\(name)")
    }

    @Test("the same rules hold for a binary trace converted from the text")
    func binary() throws {
        for (name, trace, expected) in Self.cases {
            let writer = TraceWriter(header: TraceHeader(program: "t"))
            try TraceConversion.copy(TextTraceReader(text: trace, fileName: "t.trace"), to: writer)
            let report = try Replay.analyze(binary: writer.bytes)
            let racy = Set(report.findings.flatMap { $0.objects.map { report.symbols.object($0.id).name } })
            #expect(racy == expected, "\(name)")
        }
    }

    @Test("clocks: a releasing store replaces the atomic's clock, a relaxed one empties it, a relaxed load leaves the thread's")
    func clocks() {
        let engine = ClockFamily()
        var symbols = TraceSymbols()
        symbols.threads = (0..<3).map { ThreadDeclaration(id: ThreadID(UInt32($0)), name: "T\($0)") }
        symbols.objects = [ObjectDeclaration(id: ObjectID(0), kind: .atomic, name: "A")]
        engine.grow(to: symbols)
        let (t0, t1, t2) = (ThreadID(0), ThreadID(1), ThreadID(2))
        let a = ObjectID(0)
        engine.apply(TraceEvent(.atomicStore, thread: t0, object: a, ordering: .releasing))
        engine.apply(TraceEvent(.atomicLoad, thread: t1, object: a, ordering: .relaxed))
        #expect(!engine.happensBefore(Epoch(thread: t0, clock: 1), t1))
        engine.apply(TraceEvent(.atomicLoad, thread: t1, object: a, ordering: .acquiring))
        #expect(engine.happensBefore(Epoch(thread: t0, clock: 1), t1))
        engine.apply(TraceEvent(.atomicStore, thread: t1, object: a, ordering: .relaxed))
        engine.apply(TraceEvent(.atomicLoad, thread: t2, object: a, ordering: .acquiring))
        #expect(!engine.happensBefore(Epoch(thread: t0, clock: 1), t2))
        #expect(!engine.happensBefore(Epoch(thread: t1, clock: 1), t2))
    }
}
