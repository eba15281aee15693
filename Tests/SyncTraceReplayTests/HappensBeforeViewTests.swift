import SyncTraceFormat
@testable import SyncTraceReplay
import Testing

/// What plugins see of happens-before: queries that change nothing, one explicit call that keeps a
/// point valid across slot reuse, and the order without lock edges computed in the same pass.
@Suite("Happens-before as plugins see it")
struct HappensBeforeViewTests {
    let t0 = ThreadID(0)
    let t1 = ThreadID(1)
    let t2 = ThreadID(2)
    let lock = ObjectID(0)
    let channel = ObjectID(1)
    let variable = ObjectID(2)

    /// T0 (a root), T1 and T2 forked by T0; a lock and a channel of capacity 1.
    var symbols: TraceSymbols {
        var symbols = TraceSymbols()
        symbols.objects = [
            ObjectDeclaration(id: self.lock, kind: .lock, name: "L"),
            ObjectDeclaration(id: self.channel, kind: .channel, name: "C", capacity: 1),
            ObjectDeclaration(id: self.variable, kind: .variable, name: "x"),
        ]
        symbols.threads = [
            ThreadDeclaration(id: self.t0, name: "T0"),
            ThreadDeclaration(id: self.t1, name: "T1", parent: self.t0),
            ThreadDeclaration(id: self.t2, name: "T2", parent: self.t0),
        ]
        return symbols
    }

    /// T1 takes and releases L and exits; T2 starts by taking L, so it knows T1's history up to the
    /// release, and not T1's point after it (the epoch the release advanced T1 to).
    var handOverThroughLock: [TraceEvent] {
        [
            TraceEvent(operation: .fork, thread: self.t0, target: self.t1.rawValue),
            TraceEvent(.acquire, thread: self.t1, object: self.lock),
            TraceEvent(.release, thread: self.t1, object: self.lock),
            TraceEvent(operation: .exit, thread: self.t1, target: 0),
            TraceEvent(operation: .fork, thread: self.t0, target: self.t2.rawValue),
            TraceEvent(.acquire, thread: self.t2, object: self.lock),
            TraceEvent(.write, thread: self.t2, object: self.variable),
        ]
    }

    func family() -> ClockFamily {
        let family = ClockFamily()
        family.grow(to: self.symbols)
        return family
    }

    /// Every thread's clock and slot, and the slot count: what a later query would find.
    func state(_ view: HappensBefore) -> [String] {
        [self.t0, self.t1, self.t2].map { "\($0.rawValue): \(view.clock(of: $0)) \(view.slot(of: $0).map(String.init(describing:)) ?? "none")" }
            + ["slots: \(view.slotCount)"]
    }

    @Test("every query a plugin can make, after every event, leaves every later clock and slot as it was")
    func queriesChangeNothing() {
        let quiet = self.family()
        let asked = self.family()
        let view = HappensBefore(asked)
        for event in self.handOverThroughLock {
            quiet.apply(event)
            asked.apply(event)
            // Everything, about every thread, including the ones that have not started yet.
            for thread in [self.t0, self.t1, self.t2] {
                let epoch = view.epoch(of: thread)
                for other in [self.t0, self.t1, self.t2] { _ = view.happensBefore(epoch, other) }
                _ = view.clock(of: thread)
                _ = view.slot(of: thread)
            }
        }
        #expect(self.state(view) == self.state(HappensBefore(quiet)))
        // Without the queries' writes, T2 takes T1's slot (it knows all T1 used): the queries used to
        // count T1's point after its release as used, and T2 took a new slot instead.
        #expect(view.slot(of: self.t2) == view.slot(of: self.t1))
    }

    @Test("a point kept with keepCurrentPoint stays T1's: T2 no longer takes the slot and is not mistaken for it")
    func keptPointStaysValid() throws {
        let family = self.family()
        let view = HappensBefore(family)
        var kept = Epoch.none
        for event in self.handOverThroughLock {
            family.apply(event)
            if event.operation == .release { kept = view.keepCurrentPoint(of: self.t1) }
        }
        #expect(kept == Epoch(thread: self.t1, clock: 2))
        #expect(view.slot(of: self.t2) != view.slot(of: self.t1))
        #expect(!view.happensBefore(kept, self.t2))
        // T2 still knows what T1 did up to its release.
        #expect(view.happensBefore(Epoch(thread: self.t1, clock: 1), self.t2))
        #expect(view.slotCount == 3)
    }

    @Test("a thread that has not started has epoch 0 and is not started by a query; keeping its point starts it")
    func unstartedThreads() {
        let family = self.family()
        let view = HappensBefore(family)
        family.apply(TraceEvent(operation: .fork, thread: self.t0, target: self.t1.rawValue))
        #expect(view.epoch(of: self.t1).clock == 0)
        // The clock it will start from: its parent's at the fork.
        #expect(view.happensBefore(Epoch(thread: self.t0, clock: 1), self.t1))
        #expect(!view.happensBefore(Epoch(thread: self.t0, clock: 2), self.t1))
        #expect(view.slot(of: self.t1) == nil)
        let kept = view.keepCurrentPoint(of: self.t1)
        #expect(view.slot(of: self.t1) != nil)
        #expect(kept.clock >= 1)
        #expect(view.epoch(of: self.t1) == kept)
    }

    @Test("the order without lock edges: a lock orders nothing there, a channel does; computed only when asked for")
    func orderWithoutLocks() throws {
        #expect(HappensBeforeEngine(requirements: []).orderWithoutLocks == nil)
        let engine = HappensBeforeEngine(requirements: .happensBeforeWithoutLocks)
        engine.grow(to: self.symbols)
        let all = HappensBefore(engine.order)
        let withoutLocks = HappensBefore(try #require(engine.orderWithoutLocks))
        for event in [
            TraceEvent(operation: .fork, thread: self.t0, target: self.t1.rawValue),
            TraceEvent(operation: .fork, thread: self.t0, target: self.t2.rawValue),
            TraceEvent(.acquire, thread: self.t1, object: self.lock),
            TraceEvent(.write, thread: self.t1, object: self.variable),
            TraceEvent(.release, thread: self.t1, object: self.lock),
            TraceEvent(.acquire, thread: self.t2, object: self.lock),
        ] {
            engine.apply(event)
        }
        // T1's write, at its first epoch in both orders.
        let write = Epoch(thread: self.t1, clock: 1)
        #expect(all.happensBefore(write, self.t2))
        #expect(!withoutLocks.happensBefore(write, self.t2))
        engine.apply(TraceEvent(.send, thread: self.t1, object: self.channel))
        engine.apply(TraceEvent(.receive, thread: self.t2, object: self.channel))
        #expect(withoutLocks.happensBefore(write, self.t2))
    }

    /// Reads the order without lock edges at every acquisition: whether T0's first epoch is known.
    final class OrderProbe: AnalysisPlugin {
        let name = "probe"
        let summary = "reads both orders at each acquisition"
        let operations = TraceOperationSet([.acquire])
        let requirements = AnalysisRequirements.happensBeforeWithoutLocks
        var seen: [(all: Bool, withoutLocks: Bool)] = []

        func handle(_ event: TraceEvent, in context: AnalysisContext) {
            let first = Epoch(thread: ThreadID(0), clock: 1)
            self.seen.append((context.happensBefore.happensBefore(first, event.thread), context.happensBeforeWithoutLocks.happensBefore(first, event.thread)))
        }

        func finish(in context: AnalysisContext) -> [Finding] { [] }
    }

    @Test("a plugin that declares the requirement reads the order without lock edges through its context")
    func declaredRequirementReachesTheContext() throws {
        let probe = OrderProbe()
        _ = try Replay.analyze(text: "T0|acq(L)\nT0|rel(L)\nT1|acq(L)\nT1|rel(L)\nT0|send(C)\nT1|recv(C)\nT1|acq(L)", plugins: [probe])
        #expect(probe.seen.map(\.all) == [true, true, true])
        // T0's first epoch: known to T1 through the lock in the whole order; without locks, only
        // once the channel has handed it over.
        #expect(probe.seen.map(\.withoutLocks) == [true, false, true])
    }
}
