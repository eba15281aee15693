import Synchronization
import SyncTrace

/// A bank account: its balance is the actor's traced state.
actor Account {
    private let balance: TracedActorState<Int>

    init(balance: Int) {
        self.balance = TracedActorState(balance, name: "balance")
    }

    /// The reentrancy bug: read the balance, suspend (here, to log the withdrawal), write back the
    /// stale value minus the amount. Another withdrawal may run on the actor meanwhile.
    func withdrawAcrossSuspension(_ amount: Int, log: @Sendable () async -> Void) async {
        let current = self.balance.read()
        await log()
        self.balance.write(current - amount)
    }

    /// The fix: read and write within one job, with nothing to suspend in between.
    func withdraw(_ amount: Int) {
        self.balance.update { $0 -= amount }
    }

    var current: Int { self.balance.read() }
}

/// Two withdrawals that both read the balance before either writes it back: the log call waits
/// until both have read (an untraced rendezvous, to make the interleaving happen every run).
func actorReentrancy() async {
    let account = Account(balance: 1000)
    let bothRead = Rendezvous(parties: 2)
    let first = TracedTask(name: "withdraw 100") { await account.withdrawAcrossSuspension(100) { await bothRead.arrive() } }
    let second = TracedTask(name: "withdraw 200") { await account.withdrawAcrossSuspension(200) { await bothRead.arrive() } }
    await first.value
    await second.value
    print("balance after withdrawing 100 and 200 from 1000: \(await account.current) (700 expected)")
}

func actorFixed() async {
    let account = Account(balance: 1000)
    let first = TracedTask(name: "withdraw 100") { await account.withdraw(100) }
    let second = TracedTask(name: "withdraw 200") { await account.withdraw(200) }
    await first.value
    await second.value
    print("balance after withdrawing 100 and 200 from 1000: \(await account.current)")
}

/// Lets `parties` tasks continue once all of them have arrived.
final class Rendezvous: Sendable {
    private let state = Mutex<(arrived: Int, waiting: [CheckedContinuation<Void, Never>])>((0, []))
    private let parties: Int

    init(parties: Int) {
        self.parties = parties
    }

    func arrive() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = self.state.withLock { state -> [CheckedContinuation<Void, Never>] in
                state.arrived += 1
                state.waiting.append(continuation)
                guard state.arrived == self.parties else { return [] }
                defer { state.waiting = [] }
                return state.waiting
            }
            for waiter in ready { waiter.resume() }
        }
    }
}
