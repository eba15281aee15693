import SyncTraceFormat
import Testing
import _SyncTraceDataStructures

/// `FIFOQueue`: the one first-in-first-out queue of the format module and the replay (per-thread
/// events, channel clocks, exited slots, arrival runs, rendezvous senders).
@Suite struct FIFOQueueTests {
    @Test func popsInOrderAcrossCompactions() {
        var queue = FIFOQueue<Int>()
        var next = 0
        var expected = 0
        // Uneven appends and pops, so that the queue compacts while elements are pending.
        for round in 0..<2000 {
            for _ in 0..<(round % 7) {
                queue.append(next)
                next += 1
            }
            for _ in 0..<(round % 5) {
                guard let value = queue.popFirst() else { break }
                #expect(value == expected)
                expected += 1
            }
            #expect(queue.count == next - expected)
            #expect(queue.first == (queue.isEmpty ? nil : expected))
        }
        while let value = queue.popFirst() {
            #expect(value == expected)
            expected += 1
        }
        #expect(expected == next)
        #expect(queue.isEmpty)
    }

    @Test func pendingIsContiguousAndRemovableInBulk() {
        var queue = FIFOQueue<Int>()
        queue.append(contentsOf: 0..<10_000)
        queue.removeFirst(9_000)
        queue.append(contentsOf: 10_000..<10_100)
        let sum = queue.withPending { pending in pending.reduce(0, +) }
        #expect(sum == (9_000..<10_100).reduce(0, +))
        #expect(Array(queue.pending) == Array(9_000..<10_100))
        queue.modify(at: 1) { $0 = -1 }
        #expect(queue.pending.dropFirst().first == -1)
        queue.removeFirst(queue.count)
        #expect(queue.isEmpty && queue.first == nil && queue.popFirst() == nil)
    }

    @Test func removingMoreThanIsPendingStopsTheProgram() async {
        await #expect(processExitsWith: .failure) {
            var queue = FIFOQueue<Int>()
            queue.append(1)
            queue.removeFirst(2)
        }
    }
}
