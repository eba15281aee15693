import Dispatch
import Synchronization

/// The process-wide first-come, first-served gate that traced tests pass one at a time.
///
/// The recorder has one session per process, so two traced tests cannot record at once. Swift
/// Testing runs tests as tasks on a small pool of threads (two on a two-core machine): a traced test
/// that waited by blocking its thread would take a thread away from the untraced tests, and two such
/// waits would stop the pool. So a task waits here by suspending (a continuation, resumed by the
/// test that leaves), and only XCTest's synchronous tests, which own the thread they run on, wait by
/// blocking. Waiters go in in the order they came, so no traced test waits forever.
final class TracedTestGate: Sendable {
    /// The gate every traced test of the process passes.
    static let shared = TracedTestGate()

    /// Someone who waits to go in: a suspended task, or a blocked thread.
    private enum Waiter {
        case task(CheckedContinuation<Void, Never>)
        case thread(DispatchSemaphore)

        /// Lets the waiter in.
        func admit() {
            switch self {
            case .task(let continuation): continuation.resume()
            case .thread(let semaphore): semaphore.signal()
            }
        }
    }

    private struct State {
        var isBusy = false
        /// A ring would do too; traced tests waiting at once are tens, not millions.
        var waiters: [Waiter] = []
    }

    private let state = Mutex(State())

    /// Waits, suspended, until every traced test that came earlier has left, then goes in.
    ///
    /// Not cancellable: a cancelled test still waits its turn (its body then sees the cancellation),
    /// so that the gate never has a hole in its order.
    func enter() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            if self.goInOrQueue(.task(continuation)) { continuation.resume() }
        }
    }

    /// Waits, blocking the calling thread, until every traced test that came earlier has left, then
    /// goes in: for a synchronous XCTest method, which has its thread to itself.
    func enterBlocking() {
        let semaphore = DispatchSemaphore(value: 0)
        if !self.goInOrQueue(.thread(semaphore)) { semaphore.wait() }
    }

    /// Goes in if the gate is free (true), else queues `waiter` last, to be admitted by a ``leave()``.
    private func goInOrQueue(_ waiter: Waiter) -> Bool {
        self.state.withLock { state in
            guard state.isBusy else {
                state.isBusy = true
                return true
            }
            state.waiters.append(waiter)
            return false
        }
    }

    /// How many wait to go in now: for tests that need waiters queued in a known order.
    var waitingCount: Int { self.state.withLock { $0.waiters.count } }

    /// Goes out: the first waiter goes in (the gate stays busy for it), or the gate becomes free.
    func leave() {
        let next: Waiter? = self.state.withLock { state in
            guard !state.waiters.isEmpty else {
                state.isBusy = false
                return nil
            }
            return state.waiters.removeFirst()
        }
        // Outside the lock: resuming a continuation may run its task at once on this thread.
        next?.admit()
    }
}
