import SyncTrace

/// Check-then-act: two withdrawals each read the balance under the lock, then write the new balance
/// under the lock again. Every access is locked, so there is no data race — but both read 100, and
/// the second write throws away the first: a lost update, which only the lost-update counter sees.
/// The two semaphores make both reads come before both writes on every run.
func checkThenAct() {
    let lock = TracedLock(name: "lock")
    let balance = TracedVar(100, name: "balance")
    let firstRead = TracedSemaphore(name: "first read")
    let secondRead = TracedSemaphore(name: "second read")
    let first = TracedThread.spawn(name: "withdraw 10") {
        let seen = lock.withLock { balance[] }  // check…
        firstRead.signal()
        secondRead.wait()
        lock.withLock { balance[] = seen - 10 }  // …then act on a stale value
    }
    let second = TracedThread.spawn(name: "withdraw 20") {
        firstRead.wait()
        let seen = lock.withLock { balance[] }
        secondRead.signal()
        lock.withLock { balance[] = seen - 20 }
    }
    first.join()
    second.join()
    print("balance after withdrawing 10 and 20 from 100: \(balance[]) (70 if no update were lost)")
}
