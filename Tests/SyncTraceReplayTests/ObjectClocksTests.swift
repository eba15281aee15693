import SyncTraceFormat
@testable import SyncTraceReplay
import Testing

/// An object's clocks are made when a rule first names it, not when it is declared: plain variables
/// (most objects) cost the engine nothing, and a declared channel keeps its capacity all the same.
@Suite("Object clocks made on first use")
struct ObjectClocksTests {
    @Test("10,000 variables accessed plainly and one lock: clocks up to the lock only")
    func variablesCostNothing() {
        var symbols = TraceSymbols()
        symbols.threads = [ThreadDeclaration(id: ThreadID(0), name: "T0"), ThreadDeclaration(id: ThreadID(1), name: "T1")]
        symbols.objects = [ObjectDeclaration(id: ObjectID(0), kind: .lock, name: "L")]
            + (1...10_000).map { ObjectDeclaration(id: ObjectID(UInt32($0)), kind: .variable, name: "v\($0)") }
        let family = ClockFamily()
        family.grow(to: symbols)
        #expect(family.objectClockCount == 0)
        for index in 1...10_000 {
            family.apply(TraceEvent(.write, thread: ThreadID(UInt32(index % 2)), object: ObjectID(UInt32(index))))
        }
        family.apply(TraceEvent(.acquire, thread: ThreadID(0), object: ObjectID(0)))
        family.apply(TraceEvent(.release, thread: ThreadID(0), object: ObjectID(0)))
        #expect(family.objectClockCount == 1)
        family.apply(TraceEvent(.acquire, thread: ThreadID(1), object: ObjectID(0)))
        #expect(HappensBefore(family).happensBefore(Epoch(thread: ThreadID(0), clock: 1), ThreadID(1)))
    }

    @Test("a channel declared with capacity 1 (no chan event) keeps it when its clocks are made at its first send")
    func declaredCapacityIsKept() {
        var symbols = TraceSymbols()
        symbols.threads = [ThreadDeclaration(id: ThreadID(0), name: "T0"), ThreadDeclaration(id: ThreadID(1), name: "T1")]
        symbols.objects = [
            ObjectDeclaration(id: ObjectID(0), kind: .variable, name: "x"),
            ObjectDeclaration(id: ObjectID(1), kind: .channel, name: "C", capacity: 1),
        ]
        let family = ClockFamily()
        family.grow(to: symbols)
        let view = HappensBefore(family)
        let channel = ObjectID(1)
        family.apply(TraceEvent(.send, thread: ThreadID(1), object: channel))
        family.apply(TraceEvent(.write, thread: ThreadID(0), object: ObjectID(0)))
        let write = view.epoch(of: ThreadID(0))
        family.apply(TraceEvent(.receive, thread: ThreadID(0), object: channel))
        // A buffered send did not wait for the receive: T1 knows nothing of T0 yet. (A rendezvous,
        // what a lost capacity would make the channel, would have told it already.)
        #expect(!view.happensBefore(write, ThreadID(1)))
        // Capacity 1: the first receive happens before the second send completes.
        family.apply(TraceEvent(.send, thread: ThreadID(1), object: channel))
        #expect(view.happensBefore(write, ThreadID(1)))
    }
}
