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
@Suite struct TracedTestGateTests {
    /// Five tasks queue behind a held gate, arriving 50 ms apart; they go in in arrival order. And
    /// while they wait, a plain task still runs: on a pool of two threads, five waiters that blocked
    /// their threads would starve it, and the test would hang.
    @Test(.timeLimit(.minutes(1))) func admitsInArrivalOrderWithoutHoldingThreads() async throws {
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
            try await Task.sleep(for: .milliseconds(50))
        }
        let bystander = Task { 42 }
        #expect(await bystander.value == 42)
        #expect(order.all.isEmpty)
        gate.leave()
        for waiter in waiters { await waiter.value }
        #expect(order.all == [0, 1, 2, 3, 4])
    }

    /// A blocking waiter (an XCTest method) queues in the same order as the tasks.
    @Test(.timeLimit(.minutes(1))) func blockingWaitersQueueToo() async throws {
        let gate = TracedTestGate()
        let order = Admissions<String>()
        await gate.enter()
        let thread = Task.detached {
            gate.enterBlocking()
            order.append("blocking")
            gate.leave()
        }
        try await Task.sleep(for: .milliseconds(50))
        let task = Task {
            await gate.enter()
            order.append("task")
            gate.leave()
        }
        try await Task.sleep(for: .milliseconds(50))
        gate.leave()
        await thread.value
        await task.value
        #expect(order.all == ["blocking", "task"])
    }
}
