import SyncTrace
import Testing

extension GoConformance {
    @Suite("atomic_test.go")
    struct AtomicConformance {
        @Test("recorded programs", arguments: AtomicCases.all.filter { $0.program != nil })
        func program(_ goCase: GoCase) throws { try Conformance.checkProgram(goCase) }

        @Test("text traces", arguments: AtomicCases.all.filter(\.hasTrace))
        func trace(_ goCase: GoCase) throws { try Conformance.checkTrace(goCase) }
    }
}

/// The cases of Go's `atomic_test.go` that the traced primitives can say. The last four mix atomic
/// and plain accesses of one variable, which a TracedAtomic cannot do (it has no plain access):
/// only their text traces say them.
enum AtomicCases {
    static let file = "atomic_test.go"
    static let all: [GoCase] = [
        GoCase("TestNoRaceAtomicAddInt64", file: file, racy: [], program: { counterDecides(Int64.self, winnerAt: 2) }),
        GoCase("TestRaceAtomicAddInt64", file: file, racy: ["x2"], program: { counterDecides(Int64.self, winnerAt: 1) }),
        GoCase("TestNoRaceAtomicAddInt32", file: file, racy: [], program: { counterDecides(Int32.self, winnerAt: 2) }),
        GoCase("TestNoRaceAtomicLoadAddInt32", file: file, racy: [], program: noRaceAtomicLoadAddInt32),
        GoCase("TestNoRaceAtomicLoadStoreInt32", file: file, racy: [], program: noRaceAtomicLoadStoreInt32),
        GoCase("TestNoRaceAtomicStoreCASInt32", file: file, racy: [], program: { storeThenCompareExchange(Int32.self) }),
        GoCase("TestNoRaceAtomicCASLoadInt32", file: file, racy: [], program: noRaceAtomicCASLoadInt32),
        GoCase("TestNoRaceAtomicCASCASInt32", file: file, racy: [], program: { compareExchangeTwice(Int32.self) }),
        GoCase("TestNoRaceAtomicCASCASInt32_2", file: file, racy: [], program: noRaceAtomicCASCASInt32_2),
        GoCase("TestNoRaceAtomicLoadInt64", file: file, racy: [], program: noRaceAtomicLoadInt64),
        GoCase("TestNoRaceAtomicCASCASUInt64", file: file, racy: [], program: { compareExchangeTwice(UInt64.self) }),
        GoCase("TestNoRaceAtomicStoreCASUint64", file: file, racy: [], program: { storeThenCompareExchange(UInt64.self) }),
        GoCase("TestRaceAtomicStoreLoad", file: file, racy: ["a"], program: nil),
        GoCase("TestRaceAtomicLoadStore", file: file, racy: ["a"], program: nil),
        GoCase("TestRaceAtomicAddLoad", file: file, racy: ["a"], program: nil),
        GoCase("TestRaceAtomicAddStore", file: file, racy: ["a"], program: nil),
    ]

    /// Each thread writes its own variable, then adds one to s; the thread whose add returns
    /// `winnerAt` writes the other thread's variable too. At 2 the writer went second, so the other
    /// thread's add (a release) is ordered before it: no race. At 1 it went first: a race. Go leaves
    /// the order to chance; the gate lets the first thread add first, so the race is on x2.
    static func counterDecides<Value: FixedWidthInteger & TracedAtomicValue>(_: Value.Type, winnerAt winner: Value) {
        let goroutines = Goroutines()
        let x1 = TracedVar(0, name: "x1")
        let x2 = TracedVar(0, name: "x2")
        let s = TracedAtomic<Value>(0, name: "s")
        let finished = TracedChannel<Bool>(capacity: 2, name: "ch")
        let firstAdded = Gate()
        goroutines.go("first") {
            x1[] = 1
            let added = s.wrappingAdd(1).newValue
            firstAdded.open()
            if added == winner { x2[] = 1 }
            finished.send(true)
        }
        goroutines.go("second") {
            x2[] = 1
            firstAdded.wait()
            if s.wrappingAdd(1).newValue == winner { x1[] = 1 }
            finished.send(true)
        }
        _ = finished.receive()
        _ = finished.receive()
        goroutines.joinAll()
    }

    /// An add releases; the load that sees it acquires.
    static func noRaceAtomicLoadAddInt32() {
        let goroutines = Goroutines()
        let x = TracedVar<Int64>(0, name: "x")
        let s = TracedAtomic<Int32>(0, name: "s")
        goroutines.go("adder") {
            x[] = 2
            s.wrappingAdd(1)
        }
        while s.load() != 1 { yieldThread() }
        x[] = 1
        goroutines.joinAll()
    }

    /// A store releases; the load that sees it acquires.
    static func noRaceAtomicLoadStoreInt32() {
        let goroutines = Goroutines()
        let x = TracedVar<Int64>(0, name: "x")
        let s = TracedAtomic<Int32>(0, name: "s")
        goroutines.go("storer") {
            x[] = 2
            s.store(1)
        }
        while s.load() != 1 { yieldThread() }
        x[] = 1
        goroutines.joinAll()
    }

    /// A store releases; the compare-exchange that succeeds on it acquires.
    static func storeThenCompareExchange<Value: FixedWidthInteger & TracedAtomicValue>(_: Value.Type) {
        let goroutines = Goroutines()
        let x = TracedVar<Int64>(0, name: "x")
        let s = TracedAtomic<Value>(0, name: "s")
        goroutines.go("storer") {
            x[] = 2
            s.store(1)
        }
        while !s.compareExchange(expected: 1, desired: 0).exchanged { yieldThread() }
        x[] = 1
        goroutines.joinAll()
    }

    /// A successful compare-exchange releases; the load that sees it acquires.
    static func noRaceAtomicCASLoadInt32() {
        let goroutines = Goroutines()
        let x = TracedVar<Int64>(0, name: "x")
        let s = TracedAtomic<Int32>(0, name: "s")
        goroutines.go("exchanger") {
            x[] = 2
            precondition(s.compareExchange(expected: 0, desired: 1).exchanged)
        }
        while s.load() != 1 { yieldThread() }
        x[] = 1
        goroutines.joinAll()
    }

    /// A successful compare-exchange releases; the one that succeeds after it acquires.
    static func compareExchangeTwice<Value: FixedWidthInteger & TracedAtomicValue>(_: Value.Type) {
        let goroutines = Goroutines()
        let x = TracedVar<Int64>(0, name: "x")
        let s = TracedAtomic<Value>(0, name: "s")
        goroutines.go("exchanger") {
            x[] = 2
            precondition(s.compareExchange(expected: 0, desired: 1).exchanged)
        }
        while !s.compareExchange(expected: 1, desired: 0).exchanged { yieldThread() }
        x[] = 1
        goroutines.joinAll()
    }

    /// Both threads try the same compare-exchange; the one that fails (a load of the winner's
    /// value) writes the other's variable, after the winner's exchange.
    static func noRaceAtomicCASCASInt32_2() {
        let goroutines = Goroutines()
        let x1 = TracedVar(0, name: "x1")
        let x2 = TracedVar(0, name: "x2")
        let s = TracedAtomic<Int32>(0, name: "s")
        let finished = TracedChannel<Bool>(capacity: 2, name: "ch")
        goroutines.go("first") {
            x1[] = 1
            if !s.compareExchange(expected: 0, desired: 1).exchanged { x2[] = 1 }
            finished.send(true)
        }
        goroutines.go("second") {
            x2[] = 1
            if !s.compareExchange(expected: 0, desired: 1).exchanged { x1[] = 1 }
            finished.send(true)
        }
        _ = finished.receive()
        _ = finished.receive()
        goroutines.joinAll()
    }

    /// The 64-bit add and load.
    static func noRaceAtomicLoadInt64() {
        let goroutines = Goroutines()
        let x = TracedVar<Int32>(0, name: "x")
        let s = TracedAtomic<Int64>(0, name: "s")
        goroutines.go("adder") {
            x[] = 2
            s.wrappingAdd(1)
        }
        while s.load() != 1 { yieldThread() }
        x[] = 1
        goroutines.joinAll()
    }
}
