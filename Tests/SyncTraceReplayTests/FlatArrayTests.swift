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

    /// The storage starts on a cache line, whatever the element, before and after growing: so a
    /// table of 64-byte (or 16-byte) elements never has one straddle two lines.
    @Test func storageStartsOnACacheLine() {
        var bytes = FlatArray<UInt8>()
        var records = FlatArray<(UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)>()
        for count in [1, 17, 1000, 100_000] {
            bytes.grow(to: count, filling: 1)
            records.grow(to: count, filling: (0, 0, 0, 0, 0, 0, 0, 0))
            let bytesBase = bytes.withBaseAddressForTests { UInt(bitPattern: $0) }
            let recordsBase = records.withBaseAddressForTests { UInt(bitPattern: $0) }
            #expect(bytesBase % 64 == 0)
            #expect(recordsBase % 64 == 0)
        }
    }

    /// `warm` reads without changing anything, and an index out of bounds is no access at all.
    @Test func warmingReadsNothingPastTheEndAndChangesNothing() {
        var array = FlatArray<(UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)>()
        array.grow(to: 100, filling: (1, 2, 3, 4, 5, 6, 7, 8, 9, 10))
        var combined: UInt8 = 0
        for index in -5..<200 { combined ^= array.warm(index) }
        _ = combined
        var unchanged = true
        for index in 0..<100 where array[index].0 != 1 || array[index].9 != 10 { unchanged = false }
        #expect(unchanged)
        let empty = FlatArray<Int>()
        let warmed = empty.warm(0)
        #expect(warmed == 0)
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
