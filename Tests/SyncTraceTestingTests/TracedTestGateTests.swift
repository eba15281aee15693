import Dispatch
import Synchronization
import Testing

@testable import SyncTraceTesting

/// What went in, in order, shared by the tasks of a test.
final class Admissions<Item: Sendable>: Sendable {
    private let items = Mutex<[Item]>([])

    func append(_ item: Item) { self.items.withLock { $0.append(item) } }

    var all: [Item] { self.items.withLock { $0 } }
}

/// The gate traced tests pass one at a time: first come, first served, and waiting holds no thread.
///
/// Each waiter is queued before the next one starts (the test waits until the gate counts it), so the
/// arrival order is known however slowly a loaded machine schedules the tasks; the time limits only
/// catch a hang.
@Suite struct TracedTestGateTests {
    /// Waits until `gate` has `count` waiters queued.
    static func waitUntil(_ gate: TracedTestGate, queues count: Int) async throws {
        while gate.waitingCount < count { try await Task.sleep(for: .milliseconds(1)) }
    }

    /// Five tasks queue behind a held gate, one after the other; they go in in arrival order. And
    /// while they wait, a plain task still runs: on a pool of two threads, five waiters that blocked
    /// their threads would starve it, and the test would hang.
    @Test(.timeLimit(.minutes(10))) func admitsInArrivalOrderWithoutHoldingThreads() async throws {
        let gate = TracedTestGate()
        let order = Admissions<Int>()
        await gate.enter()
        var waiters: [Task<Void, Never>] = []
        for index in 0..<5 {
            waiters.append(Task {
                await gate.enter()
                order.append(index)
                gate.leave()
            })
            try await Self.waitUntil(gate, queues: index + 1)
        }
        let bystander = Task { 42 }
        #expect(await bystander.value == 42)
        #expect(order.all.isEmpty)
        gate.leave()
        for waiter in waiters { await waiter.value }
        #expect(order.all == [0, 1, 2, 3, 4])
    }

    /// A blocking waiter (an XCTest method, on a thread of its own: here a Dispatch thread, not one
    /// of the tasks' pool) queues in the same order as the tasks.
    @Test(.timeLimit(.minutes(10))) func blockingWaitersQueueToo() async throws {
        let gate = TracedTestGate()
        let order = Admissions<String>()
        await gate.enter()
        let blockingDone = DispatchSemaphore(value: 0)
        DispatchQueue.global().async {
            gate.enterBlocking()
            order.append("blocking")
            gate.leave()
            blockingDone.signal()
        }
        try await Self.waitUntil(gate, queues: 1)
        let task = Task {
            await gate.enter()
            order.append("task")
            gate.leave()
        }
        try await Self.waitUntil(gate, queues: 2)
        gate.leave()
        await task.value
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            DispatchQueue.global().async {
                blockingDone.wait()
                continuation.resume()
            }
        }
        #expect(order.all == ["blocking", "task"])
    }
}
