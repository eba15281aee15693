@testable import SyncTraceReplay
import SyncTraceFormat
import Testing
import SyncTraceTestSupport

/// A vector clock stored sparse or dense behaves as a plain array of entries, switches
/// representation where its documentation says, and keeps happens-before's memory linear in the
/// threads when each thread knows only a few others.
@Suite("Vector clocks: sparse and dense")
struct VectorClockRepresentationTests {
    /// The reference: entries in a plain array, grown as needed.
    struct DenseReference: Equatable {
        var entries: [UInt32] = []
        subscript(slot: Int) -> UInt32 { slot < self.entries.count ? self.entries[slot] : 0 }
        mutating func set(_ slot: Int, _ value: UInt32) {
            if slot >= self.entries.count { self.entries += repeatElement(0, count: slot + 1 - self.entries.count) }
            self.entries[slot] = value
        }
        mutating func join(_ other: DenseReference) {
            for (slot, value) in other.entries.enumerated() where value > self[slot] { self.set(slot, value) }
        }
        func isBeforeOrEqual(_ other: DenseReference) -> Bool {
            self.entries.indices.allSatisfy { self[$0] <= other[$0] }
        }
        static func == (lhs: DenseReference, rhs: DenseReference) -> Bool {
            lhs.isBeforeOrEqual(rhs) && rhs.isBeforeOrEqual(lhs)
        }
    }

    /// Checks every entry up to `width` (and one past the clock's own width).
    func expectSame(_ clock: VectorClock, _ reference: DenseReference, width: Int) {
        for slot in 0..<max(width, clock.width + 1) where clock[slotIndex: slot] != reference[slot] {
            Issue.record("slot \(slot): \(clock[slotIndex: slot]) != \(reference[slot])")
            return
        }
        #expect(clock.entries.count == clock.width)
        #expect(clock.entries.enumerated().allSatisfy { $0.element == reference[$0.offset] })
    }

    /// A clock to join or copy into `target`: mostly one of its own range (so that wide ones can
    /// fill up and turn dense), sometimes any.
    func source(for target: Int, count: Int, using random: inout SeededGenerator) -> Int {
        let any = Int.random(in: 0..<count, using: &random)
        return Int.random(in: 0..<4, using: &random) == 0 ? any : any / 4 * 4 + target % 4
    }

    @Test("set, tick, join, assign and compare match a dense reference on seeded random clocks", arguments: [1 as UInt64, 2, 3, 4])
    func randomEquivalence(seed: UInt64) {
        var random = SeededGenerator(seed: seed)
        let count = 12
        var clocks = [VectorClock](repeating: VectorClock(), count: count)
        var references = [DenseReference](repeating: DenseReference(), count: count)
        // Slot ranges of different widths: narrow (always dense), wide and sparse, wide and filling up.
        let widths = [8, 64, 300, 5000]
        var sawSparse = false
        var sawDense = false
        var sawWideDense = false
        // Some clocks start wide and full, hence dense; the random steps then mix them with the rest.
        for index in stride(from: 2, to: count, by: widths.count) {
            for slot in 0..<widths[2] {
                let value = UInt32.random(in: 1...1000, using: &random)
                clocks[index].set(slot: slot, to: value)
                references[index].set(slot, value)
            }
        }
        for step in 0..<3000 {
            let target = Int.random(in: 0..<count, using: &random)
            // Each clock sets slots of its own range, so that some wide ones fill up; joins mix them.
            let width = widths[target % widths.count]
            switch Int.random(in: 0..<10, using: &random) {
            case 0, 1, 2:
                let slot = Int.random(in: 0..<width, using: &random)
                let value = UInt32.random(in: 1...1000, using: &random)
                clocks[target].set(slot: slot, to: value)
                references[target].set(slot, value)
            case 3, 4:
                let slot = Int.random(in: 0..<width, using: &random)
                clocks[target].tick(slot: slot)
                references[target].set(slot, references[target][slot] + 1)
            case 5, 6, 7:
                let source = self.source(for: target, count: count, using: &random)
                clocks[target].join(clocks[source])
                references[target].join(references[source])
            case 8:
                let source = self.source(for: target, count: count, using: &random)
                clocks[target].assign(clocks[source])
                references[target] = references[source]
            default:
                if Int.random(in: 0..<20, using: &random) == 0 {
                    clocks[target] = VectorClock()
                    references[target] = DenseReference()
                } else {
                    clocks[target].compact()
                }
            }
            if step % 100 == 0 { self.expectSame(clocks[target], references[target], width: 0) }
            for _ in 0..<8 {
                let slot = Int.random(in: 0..<5000, using: &random)
                #expect(clocks[target][slotIndex: slot] == references[target][slot])
            }
            let other = Int.random(in: 0..<count, using: &random)
            #expect(clocks[target].isBeforeOrEqual(clocks[other]) == references[target].isBeforeOrEqual(references[other]))
            #expect((clocks[target] == clocks[other]) == (references[target] == references[other]))
            if clocks[target] == clocks[other] { #expect(clocks[target].hashValue == clocks[other].hashValue) }
            sawSparse = sawSparse || clocks[target].storesSparse
            sawDense = sawDense || !clocks[target].storesSparse
            sawWideDense = sawWideDense || (!clocks[target].storesSparse && clocks[target].width > VectorClock.denseWidthLimit)
        }
        for index in 0..<count {
            self.expectSame(clocks[index], references[index], width: 5001)
        }
        #expect(sawSparse && sawDense && sawWideDense, "both representations were exercised")
    }

    @Test("a narrow clock is dense; a wide one with few entries is sparse; it turns dense past a quarter full")
    func conversionPoints() {
        var clock = VectorClock()
        clock.set(slot: 63, to: 1)
        #expect(!clock.storesSparse, "64 slots wide: always dense")
        #expect(clock.storedWords == 64)

        var wide = VectorClock()
        wide.set(slot: 10_000, to: 7)
        #expect(wide.storesSparse)
        #expect(wide.storedWords == 2)
        #expect(wide[slotIndex: 10_000] == 7 && wide[slotIndex: 9_999] == 0)
        #expect(wide.entries.count == 10_001)

        // A clock 400 slots wide becomes dense once more than 100 entries are non-zero.
        var filling = VectorClock()
        filling.set(slot: 399, to: 1)
        for slot in 0..<99 { filling.set(slot: slot, to: 1) }
        #expect(filling.storesSparse, "100 of 400 non-zero")
        filling.tick(slot: 200)
        #expect(!filling.storesSparse, "101 of 400 non-zero")
        #expect(filling.storedWords == 400)
        #expect(filling[slotIndex: 200] == 1 && filling[slotIndex: 399] == 1 && filling[slotIndex: 300] == 0)

        // A dense clock growing far with few entries becomes sparse.
        var growing = VectorClock()
        growing.set(slot: 3, to: 2)
        growing.tick(slot: 50_000)
        #expect(growing.storesSparse)
        #expect(growing[slotIndex: 3] == 2 && growing[slotIndex: 50_000] == 1)

        // Joining a dense clock into a sparse one that it fills makes it dense; compacting a wide
        // dense clock with few entries makes it sparse again.
        var dense = VectorClock()
        for slot in 0..<200 { dense.set(slot: slot, to: UInt32(slot + 1)) }
        var sparse = VectorClock()
        sparse.set(slot: 300, to: 1)
        sparse.join(dense)
        #expect(!sparse.storesSparse, "201 of 301 non-zero")
        #expect(sparse[slotIndex: 199] == 200 && sparse[slotIndex: 300] == 1)
        var stillSparse = VectorClock()
        stillSparse.set(slot: 1000, to: 1)
        stillSparse.join(dense)
        #expect(stillSparse.storesSparse, "201 of 1001 non-zero")
        #expect(stillSparse[slotIndex: 199] == 200 && stillSparse[slotIndex: 1000] == 1 && stillSparse[slotIndex: 500] == 0)
        var mostlyZero = VectorClock()
        for slot in stride(from: 0, to: 100, by: 1) { mostlyZero.set(slot: slot, to: 1) }
        mostlyZero.join(dense)
        #expect(!mostlyZero.storesSparse)
        var few = VectorClock()
        few.set(slot: 0, to: 1)
        few.set(slot: 10, to: 1)
        few.assign(VectorClock())
        few.set(slot: 500, to: 3)
        #expect(few.storesSparse, "an emptied clock starts over")
        #expect(few[slotIndex: 0] == 0 && few[slotIndex: 500] == 3)
        var wideDense = dense
        wideDense.set(slot: 201, to: 1)
        wideDense.compact()
        #expect(!wideDense.storesSparse, "201 of 202 non-zero: stays dense")
        var lonely = VectorClock()
        lonely.set(slot: 50, to: 1)
        lonely.set(slot: 100, to: 1)
        #expect(lonely.storesSparse, "2 of 101 non-zero: growing past 64 slots made it sparse")
    }

    @Test("a sparse and a dense clock with the same entries are equal and hash alike")
    func equalityIgnoresRepresentation() {
        var sparse = VectorClock()
        sparse.set(slot: 1000, to: 4)
        sparse.set(slot: 2, to: 9)
        var dense = VectorClock()
        for slot in 0..<1001 { dense.set(slot: slot, to: 1) }
        for slot in 0..<1001 { dense.set(slot: slot, to: 0) }
        dense.set(slot: 2, to: 9)
        dense.set(slot: 1000, to: 4)
        #expect(sparse.storesSparse && !dense.storesSparse)
        #expect(sparse == dense)
        #expect(sparse.hashValue == dense.hashValue)
        dense.tick(slot: 3)
        #expect(sparse != dense)
        #expect(sparse.isBeforeOrEqual(dense) && !dense.isBeforeOrEqual(sparse))
    }

    /// Declares `count` threads (forked by thread 0 when `forked`) and `variables` variables.
    func engine(threads count: Int, forked: Bool, variables: Int) -> ClockFamily {
        var symbols = TraceSymbols()
        symbols.threads = (0..<count).map { index in
            ThreadDeclaration(id: ThreadID(UInt32(index)), name: "T\(index)", parent: forked && index > 0 ? ThreadID(0) : nil)
        }
        symbols.objects = (0..<variables).map { ObjectDeclaration(id: ObjectID(UInt32($0)), kind: .variable, name: "V\($0)") }
        let engine = ClockFamily()
        engine.grow(to: symbols)
        return engine
    }

    @Test("100,000 threads of one write each: clock storage stays linear in the threads")
    func manyOneWriteThreadsStayLinear() {
        let threads = 100_000
        let engine = self.engine(threads: threads, forked: false, variables: 10)
        for index in 0..<threads {
            let thread = ThreadID(UInt32(index))
            engine.apply(TraceEvent(.write, thread: thread, object: ObjectID(UInt32(index % 10))))
            _ = engine.epoch(of: thread)
        }
        #expect(engine.slotCount == threads)
        // Dense clocks as wide as each thread's slot would be about threads² / 2 words.
        #expect(engine.storedClockWords <= 3 * threads)
        // Happens-before is still exact: no thread knows another's write.
        #expect(!engine.happensBefore(engine.epoch(of: ThreadID(5)), ThreadID(99_999)))
    }

    @Test("50,000 threads forked by one: each knows its parent and itself, storage stays linear")
    func manyForkedThreadsStayLinear() {
        let threads = 50_001
        let engine = self.engine(threads: threads, forked: true, variables: 1)
        for index in 1..<threads {
            engine.apply(TraceEvent(operation: .fork, thread: ThreadID(0), target: UInt32(index)))
        }
        for index in 1..<threads {
            let thread = ThreadID(UInt32(index))
            engine.apply(TraceEvent(.write, thread: thread, object: ObjectID(0)))
            #expect(engine.happensBefore(Epoch(thread: ThreadID(0), clock: UInt32(index)), thread))
            #expect(!engine.happensBefore(Epoch(thread: ThreadID(0), clock: UInt32(index + 1)), thread))
        }
        #expect(engine.storedClockWords <= 6 * threads)
        #expect(!engine.happensBefore(engine.epoch(of: ThreadID(7)), ThreadID(8)))
    }
}
