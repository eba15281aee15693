import SyncTraceFormat
@testable import SyncTraceReplay
import Testing

/// Finished threads hand their clock slot on: clocks stay as wide as the threads that overlap, and
/// happens-before stays exact.
@Suite("Clock slots handed on by finished threads")
struct SlotReuseTests {
    let t0 = ThreadID(0)
    let t1 = ThreadID(1)
    let t2 = ThreadID(2)
    let late = ThreadID(3)

    /// T0 (a root), T1 and T2 forked by T0, and a root thread that joins late.
    func engine() -> ClockFamily {
        let engine = ClockFamily()
        var symbols = TraceSymbols()
        symbols.objects = [ObjectDeclaration(id: ObjectID(0), kind: .lock, name: "L")]
        symbols.threads = [
            ThreadDeclaration(id: self.t0, name: "T0"),
            ThreadDeclaration(id: self.t1, name: "T1", parent: self.t0),
            ThreadDeclaration(id: self.t2, name: "T2", parent: self.t0),
            ThreadDeclaration(id: self.late, name: "late"),
        ]
        engine.grow(to: symbols)
        return engine
    }

    func apply(_ engine: ClockFamily, _ operation: TraceOperation, _ thread: ThreadID, _ other: ThreadID? = nil) {
        engine.apply(TraceEvent(operation: operation, thread: thread, target: other?.rawValue ?? 0))
    }

    @Test("a thread started after another was joined takes its slot, and sees everything it did")
    func joinedSlotIsReused() {
        let engine = self.engine()
        let slotsBefore = engine.slotCount
        self.apply(engine, .fork, self.t0, self.t1)
        // T1 accesses something: what a plugin then remembers is its epoch.
        self.apply(engine, .write, self.t1)
        let first = engine.epoch(of: self.t1)
        self.apply(engine, .exit, self.t1)
        self.apply(engine, .join, self.t0, self.t1)
        self.apply(engine, .fork, self.t0, self.t2)
        self.apply(engine, .write, self.t2)
        #expect(engine.slotCount == slotsBefore + 1, "T2 took T1's slot")
        #expect(engine.slot(of: self.t2) == engine.slot(of: self.t1))
        // T1 happened before T2 started, through the join and the fork.
        #expect(engine.happensBefore(first, self.t2))
        // T2's own epochs are above T1's: T0 does not know them until it joins T2.
        let second = engine.epoch(of: self.t2)
        #expect(second.clock > first.clock)
        #expect(!engine.happensBefore(second, self.t0))
        #expect(engine.happensBefore(first, self.t0))
        self.apply(engine, .exit, self.t2)
        self.apply(engine, .join, self.t0, self.t2)
        #expect(engine.happensBefore(second, self.t0))
    }

    @Test("a thread nobody joined keeps its slot: what it did stays unordered against the next thread")
    func unjoinedSlotIsKept() {
        let engine = self.engine()
        let slotsBefore = engine.slotCount
        self.apply(engine, .fork, self.t0, self.t1)
        // T1 accesses something: what a plugin then remembers is its epoch.
        self.apply(engine, .write, self.t1)
        let first = engine.epoch(of: self.t1)
        self.apply(engine, .exit, self.t1)
        self.apply(engine, .fork, self.t0, self.t2)
        self.apply(engine, .write, self.t2)
        #expect(engine.slotCount == slotsBefore + 2)
        #expect(!engine.happensBefore(first, self.t2))
    }

    @Test("joining a thread whose slot went on still gives its history, and not its successor's")
    func lateJoinOfARetiredThread() {
        let engine = self.engine()
        self.apply(engine, .fork, self.t0, self.t1)
        // T1 accesses something: what a plugin then remembers is its epoch.
        self.apply(engine, .write, self.t1)
        let first = engine.epoch(of: self.t1)
        self.apply(engine, .exit, self.t1)
        self.apply(engine, .join, self.t0, self.t1)
        self.apply(engine, .fork, self.t0, self.t2)
        self.apply(engine, .write, self.t2)
        let second = engine.epoch(of: self.t2)
        #expect(!engine.happensBefore(first, self.late))
        self.apply(engine, .join, self.late, self.t1)
        #expect(engine.happensBefore(first, self.late))
        #expect(!engine.happensBefore(second, self.late))
    }

    @Test("a thread whose first step takes the lock an exited thread released last takes its slot (work items on a serial queue)")
    func slotHandedOnThroughALock() {
        let engine = self.engine()
        let lock = ObjectID(0)
        let slotsBefore = engine.slotCount
        self.apply(engine, .fork, self.t0, self.t1)
        engine.apply(TraceEvent(.acquire, thread: self.t1, object: lock))
        self.apply(engine, .write, self.t1)
        let first = engine.epoch(of: self.t1)
        engine.apply(TraceEvent(.release, thread: self.t1, object: lock))
        self.apply(engine, .exit, self.t1)
        // T0 never waits for T1; T2 starts by taking the lock T1 released.
        self.apply(engine, .fork, self.t0, self.t2)
        engine.apply(TraceEvent(.acquire, thread: self.t2, object: lock))
        #expect(engine.slotCount == slotsBefore + 1, "T2 took T1's slot")
        #expect(engine.happensBefore(first, self.t2))
        self.apply(engine, .write, self.t2)
        #expect(engine.epoch(of: self.t2).clock > first.clock)
        #expect(!engine.happensBefore(engine.epoch(of: self.t2), self.t0))
    }

    @Test("threads whose first event is an access get slots past every growth of the per-slot flags (3,000 of them)")
    func firstAccessGrowsTheFlags() {
        let engine = ClockFamily()
        var symbols = TraceSymbols()
        symbols.objects = [ObjectDeclaration(id: ObjectID(0), kind: .variable, name: "x")]
        symbols.threads = (0..<3000).map { ThreadDeclaration(id: ThreadID(UInt32($0)), name: "T\($0)") }
        engine.grow(to: symbols)
        // Each write takes a new slot; the flag store used to go through the pointer of before the
        // growth: a freed buffer, which AddressSanitizer reports at the first growth (64 slots) and
        // glibc's heap checks catch in a longer run (the 3,000-thread counter aborted). Run the
        // suite with `--sanitize=address` to see it fail without the fix.
        for thread in 0..<3000 {
            engine.apply(TraceEvent(operation: .write, thread: ThreadID(UInt32(thread)), target: 0))
        }
        #expect(engine.slotCount == 3000)
        #expect(engine.epoch(of: ThreadID(2999)).clock == 1)
        // Unordered roots: none happens before another.
        #expect(!engine.clock(of: ThreadID(0)).isBeforeOrEqual(engine.clock(of: ThreadID(2999))))
    }
}
