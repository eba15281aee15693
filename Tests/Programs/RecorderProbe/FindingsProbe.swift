import SyncTrace

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Programs whose bugs are each one bug however often they repeat: what a report should show as one
/// finding.
enum FindingsProbe {
    /// A pause that keeps the threads apart in time, so that nothing but the bug's own accesses
    /// meet (and a lock-order bug does not hang): the schedule orders them, synchronization does not.
    static func pause() { usleep(20_000) }

    /// `count` variables written by one thread at one line and read by main at another, with no
    /// synchronization between: one bug at two places, racing on every variable.
    static func grouped(_ count: Int) {
        let variables = (0..<count).map { TracedVar(0, name: "cell \($0)") }
        let writer = TracedThread.spawn(name: "writer") {
            for variable in variables { variable[] = 1 }
        }
        Self.pause()
        var sum = 0
        for variable in variables { sum += variable[] }
        writer.join()
        print("grouped sum \(sum)")
    }

    /// Moves money between two accounts, locking them in argument order: the classic lock-order bug.
    static func transfer(_ from: TracedLock, _ to: TracedLock, _ balances: [TracedVar<Int>], _ i: Int, _ j: Int) {
        from.lock()
        to.lock()
        balances[i][] -= 1
        balances[j][] += 1
        to.unlock()
        from.unlock()
    }

    /// `count` accounts; a teller thread per ordered pair of accounts makes one transfer, the tellers
    /// one after another in time: transfers in both directions between every pair, every one of
    /// them at the same two lines of `transfer`.
    static func bank(_ count: Int) {
        let locks = (0..<count).map { TracedLock(name: "account \($0)") }
        let balances = (0..<count).map { TracedVar(100, name: "balance \($0)") }
        var tellers: [TracedThread] = []
        for i in 0..<count {
            for j in 0..<count where i != j {
                tellers.append(TracedThread.spawn(name: "teller \(i)→\(j)") { Self.transfer(locks[i], locks[j], balances, i, j) })
                Self.pause()
            }
        }
        for teller in tellers { teller.join() }
        print("bank total \(balances.reduce(0) { $0 + $1[] })")
    }

    /// One wallet's balance: the same code makes every wallet, so all balances share a name.
    final class Wallet: Sendable {
        let balance = TracedVar(0, name: "balance")
        let lock = TracedLock(name: "wallet lock")
    }

    /// Two wallets of one type: the first's balance races (written by two threads unlocked, at one
    /// place pair); the second's is read and written under its lock by two threads, losing an
    /// update (a check-then-act over two critical sections) and racing with nothing.
    static func wallets() {
        let racy = Wallet()
        let careful = Wallet()
        let first = TracedThread.spawn(name: "spender") { racy.balance[] = 10 }
        Self.pause()
        racy.balance[] = 20
        first.join()

        // The same schedule every run (semaphores, not pauses), so that every run loses the same
        // update: main's, which the depositor overwrites with what it read before.
        let seen = careful.lock.withLock { careful.balance[] }
        let depositorRead = TracedSemaphore(name: "depositor read")
        let mainWrote = TracedSemaphore(name: "main wrote")
        let other = TracedThread.spawn(name: "depositor") {
            let mine = careful.lock.withLock { careful.balance[] }
            depositorRead.signal()
            mainWrote.wait()
            careful.lock.withLock { careful.balance[] = mine + 5 }
        }
        depositorRead.wait()
        careful.lock.withLock { careful.balance[] = seen + 7 }
        mainWrote.signal()
        other.join()
        print("wallets \(racy.balance[]) \(careful.balance[])")
    }
}
