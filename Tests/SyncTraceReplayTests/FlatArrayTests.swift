import Testing

@testable import SyncTraceReplay

/// `FlatArray`: the owned, bounds-checked table behind the replay's per-event state.
@Suite struct FlatArrayTests {
    /// A class whose instances count themselves, to see that the array releases what it holds.
    final class Tracked {
        nonisolated(unsafe) static var alive = 0
        let value: Int
        init(_ value: Int) {
            self.value = value
            Self.alive += 1
        }
        deinit { Self.alive -= 1 }
    }

    @Test func growingKeepsEveryElementAndFillsTheRest() {
        var array = FlatArray<UInt64>()
        for index in 0..<1000 {
            array.grow(to: index + 1, filling: 7)
            let filled = array[index]
            #expect(filled == 7)
            array[index] = UInt64(index)
        }
        let count = array.count
        #expect(count == 1000)
        var allKept = true
        for index in 0..<1000 where array[index] != UInt64(index) { allKept = false }
        #expect(allKept)
        array.grow(to: 10, filling: 99)  // never shrinks
        let countAfter = array.count
        #expect(countAfter == 1000)
    }

    /// The shape of the heap overflow this type replaced: an index taken, then the array grown,
    /// then the store. Through the subscript the store goes to the new storage (AddressSanitizer
    /// checks the rest).
    @Test func aStoreAfterGrowthLandsInTheNewStorage() {
        var flags = FlatArray<Bool>()
        for slot in 0..<5000 {
            flags.grow(to: slot + 1, filling: false)
            flags[slot] = true
        }
        var allSet = true
        for slot in 0..<5000 where !flags[slot] { allSet = false }
        #expect(allSet)
    }

    @Test func appendsAndModifiesInPlace() {
        var array = FlatArray<[Int]>()
        for index in 0..<100 { array.append([index]) }
        array[42].append(43)
        let changed = array[42]
        #expect(changed == [42, 43])
        let count = array.count
        #expect(count == 100)
        array.removeAll()
        let isEmpty = array.isEmpty
        #expect(isEmpty)
    }

    @Test func releasesItsElements() {
        do {
            var array = FlatArray<Tracked>()
            for index in 0..<300 { array.append(Tracked(index)) }
            array.grow(to: 500, filling: Tracked(-1))
            let filled = array[499].value
            #expect(filled == -1)
            #expect(Tracked.alive == 301)
            array.removeAll()
            #expect(Tracked.alive == 0)
            array.append(Tracked(1))
        }
        #expect(Tracked.alive == 0)
    }

    @Test func readingPastTheEndStopsTheProgram() async {
        await #expect(processExitsWith: .failure) {
            var array = FlatArray<Int>()
            array.grow(to: 16, filling: 0)
            _ = array[16]
        }
        await #expect(processExitsWith: .failure) {
            var array = FlatArray<Int>()
            array.append(1)
            array[-1] = 2
        }
    }
}
