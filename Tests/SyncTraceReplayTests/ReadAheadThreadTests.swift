import Synchronization
import Testing

@testable import SyncTraceReplay

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `ReadAheadThread`: items produced on a thread of their own, in order, at most `capacity` ahead,
/// and a producer that stops and is waited for when its owner goes early. One test at a time: they
/// count the live instances of one class.
@Suite(.serialized) struct ReadAheadThreadTests {
    /// A class whose instances count themselves, to see that items left unread are released.
    final class Tracked: Sendable {
        static let alive = Atomic<Int>(0)
        let value: Int
        init(_ value: Int) {
            self.value = value
            Self.alive.add(1, ordering: .relaxed)
        }
        deinit { Self.alive.subtract(1, ordering: .relaxed) }
    }

    @Test func itemsComeInTheOrderProducedThenNil() {
        var produced = 0
        let ahead = ReadAheadThread<Int>(capacity: 3) {
            produced += 1
            return (produced, produced == 1000)
        }
        var taken: [Int] = []
        while let item = ahead.next() { taken.append(item) }
        #expect(taken == Array(1...1000))
        let again = ahead.next()
        #expect(again == nil)
    }

    @Test func aSingleLastItem() {
        let ahead = ReadAheadThread<String>(capacity: 1) { ("only", true) }
        let first = ahead.next()
        let second = ahead.next()
        #expect(first == "only")
        #expect(second == nil)
    }

    /// The producer waits while `capacity` items are waiting: it is never more than that (and the one
    /// it is making) ahead of the consumer.
    @Test func theProducerStaysWithinItsCapacity() {
        let produced = Atomic<Int>(0)
        let ahead = ReadAheadThread<Int>(capacity: 4) {
            let count = produced.add(1, ordering: .relaxed).newValue
            return (count, count == 200)
        }
        var taken = 0
        var withinCapacity = true
        while let _ = ahead.next() {
            taken += 1
            if taken % 50 == 0 {
                usleep(20_000)  // time for the producer to run as far ahead as it may
                if produced.load(ordering: .relaxed) > taken + 4 + 1 { withinCapacity = false }
            }
        }
        #expect(withinCapacity)
        #expect(taken == 200)
    }

    /// An item taken is the consumer's: the read-ahead lets go of it (the replay hands a batch's
    /// storage back to be filled again, which needs it unshared), so the items alive at any time are
    /// the few waiting, the one being made and the consumer's. (Checked as a bound, not item by item:
    /// a debug build's producer may hold its last item a little longer.)
    @Test func itemsTakenAreNotKeptByTheReadAhead() {
        let before = Tracked.alive.load(ordering: .relaxed)
        var mostAlive = 0
        var count = 0
        do {
            var made = 0
            let ahead = ReadAheadThread<Tracked>(capacity: 2) {
                made += 1
                return (Tracked(made), made == 500)
            }
            while let item = ahead.next() {
                count += 1
                _ = item.value
                mostAlive = max(mostAlive, Tracked.alive.load(ordering: .relaxed) - before)
            }
        }
        #expect(count == 500)
        #expect(mostAlive <= 2 + 1 + 1 + 1)
        // Once the read-ahead is gone (its producer joined), nothing is left.
        #expect(Tracked.alive.load(ordering: .relaxed) == before)
    }

    /// Dropped before its last item: the producer stops (it is joined before the owner goes), and the
    /// items it made but nobody took are released.
    @Test func droppedEarlyTheProducerStopsAndItsItemsAreReleased() {
        let produced = Atomic<Int>(0)
        do {
            let ahead = ReadAheadThread<Tracked>(capacity: 8) {
                let count = produced.add(1, ordering: .relaxed).newValue
                return (Tracked(count), false)  // never the last
            }
            let first = ahead.next()
            #expect(first?.value == 1)
            usleep(20_000)
        }
        let final = produced.load(ordering: .relaxed)
        usleep(20_000)
        let later = produced.load(ordering: .relaxed)
        #expect(final == later)
        #expect(final <= 1 + 8 + 1)
        #expect(Tracked.alive.load(ordering: .relaxed) == 0)
    }
}
