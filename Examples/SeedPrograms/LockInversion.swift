import Dispatch
import SyncTrace

/// AB/BA lock-order inversion: `transfer` takes accounts then ledger, `audit` takes ledger then
/// accounts. Had each taken its first lock at the same moment, both would wait forever; this run does
/// not hang, yet the deadlock detector reports the cycle as a potential deadlock.
///
/// So that this demo never hangs, `audit` starts only once `transfer` is done, signalled through a
/// plain, untraced DispatchSemaphore: the trace does not see that order, just as it would not see a
/// lucky schedule. (An order the trace does see — a join, a channel — rules the deadlock out, and the
/// detector then reports nothing.)
func lockInversion() {
    let accounts = TracedLock(name: "accounts")
    let ledger = TracedLock(name: "ledger")
    let transferDone = DispatchSemaphore(value: 0)  // untraced on purpose
    let transfer = TracedThread.spawn(name: "transfer") {
        accounts.withLock { ledger.withLock { print("transfer: holds accounts, then ledger") } }
        transferDone.signal()
    }
    let audit = TracedThread.spawn(name: "audit") {
        transferDone.wait()
        ledger.withLock { accounts.withLock { print("audit: holds ledger, then accounts") } }
    }
    transfer.join()
    audit.join()
    print("no hang this time")
}
