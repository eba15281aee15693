import Foundation
import SyncTrace
import SyncTraceTesting
import Synchronization
import Testing

// The swaps that must lose nothing: `Mutex` → `TracedMutex` (check-then-act over two sections is a
// lost update, a section that only reads never is) and `Atomic` → `TracedAtomic` with its memory
// orderings (a flag published relaxed orders nothing; releasing and acquiring do). A tag that starts
// with `lost-` must be a lost-update issue, `race-` a data race (Scripts/testing_check.py).

/// Two threads each withdraw from a balance they read in one section and write in another; the
/// second's write is computed from a balance read before the first's write, which it throws away.
/// Returns the final balance: 80 or 90, where 70 means nothing was lost.
func checkThenActWithdrawals(name: String) -> Int {
    let balance = TracedMutex(100, name: name)
    let firstRead = TracedSemaphore(name: "\(name) first read")
    let secondRead = TracedSemaphore(name: "\(name) second read")
    let firstWrote = TracedSemaphore(name: "\(name) first wrote")
    let first = TracedThread.spawn(name: "withdraw 10") {
        let seen = balance.withLock { $0 }
        firstRead.signal()
        secondRead.wait()
        balance.withLock { $0 = seen - 10 }  // expect-issue: lost-withdrawal
        firstWrote.signal()
    }
    let second = TracedThread.spawn(name: "withdraw 20") {
        firstRead.wait()
        let seen = balance.withLock { $0 }
        secondRead.signal()
        firstWrote.wait()
        balance.withLock { $0 = seen - 20 }
    }
    first.join()
    second.join()
    return balance.withLock { $0 }
}

/// Updates made in one section each, beside threads that copy the value out, read a part of it, or
/// only look, and never write: nothing is lost, and nothing is reported. (A thread that copied the
/// value out and then updates it is taken to write from its copy: TracedMutex's documentation.)
func updatesInOneSection(name: String) -> Int {
    let counter = TracedMutex(0, name: name)
    let writers = (0..<2).map { index in
        TracedThread.spawn(name: "writer \(index)") {
            for _ in 0..<400 { counter.withLock { $0 += 1 } }
        }
    }
    let readers = (0..<2).map { index in
        TracedThread.spawn(name: "reader \(index)") {
            var seen = 0
            for _ in 0..<400 {
                if index == 0 { seen = max(seen, counter.withLock { $0 }) }
                if counter.withLock({ $0 < 0 }) { seen = -1 }
                counter.withLock { _ in }
            }
        }
    }
    for thread in writers + readers { thread.join() }
    return counter.withLock { $0 }
}

/// A payload written, then a flag stored with `ordering`; a reader that loads the flag with
/// `loadOrdering` until it is set, then reads the payload.
func publish(name: String, store storeOrdering: AtomicStoreOrdering, load loadOrdering: AtomicLoadOrdering) -> Int {
    let payload = TracedVar(0, name: "\(name).payload")
    let ready = TracedAtomic(false, name: "\(name).ready")
    let writer = TracedThread.spawn(name: "writer") {
        payload[] = 42
        ready.store(true, ordering: storeOrdering)
    }
    let seen = Mutex(0)  // untraced: only hands the value to the caller after the join
    let reader = TracedThread.spawn(name: "reader") {
        while !ready.load(ordering: loadOrdering) { usleep(100) }
        let value = payload[]  // expect-issue: race-relaxed-payload
        seen.withLock { $0 = value }
    }
    writer.join()
    reader.join()
    return seen.withLock { $0 }
}

@Test(.synctrace) func lostCheckThenActWithdrawal() {
    let final = checkThenActWithdrawals(name: "lostCheckThenActWithdrawal.balance")
    #expect(final == 80 || final == 90)
}

@Test(.synctrace) func cleanMutexUpdatesBesideReads() {
    #expect(updatesInOneSection(name: "cleanMutexUpdatesBesideReads.counter") == 800)
}

@Test(.synctrace) func racyRelaxedPublish() {
    #expect(publish(name: "racyRelaxedPublish", store: .relaxed, load: .relaxed) == 42)
}

@Test(.synctrace) func cleanAcquireReleasePublish() {
    #expect(publish(name: "cleanAcquireReleasePublish", store: .releasing, load: .acquiring) == 42)
}
