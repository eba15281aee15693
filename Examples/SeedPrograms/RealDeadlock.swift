import SyncTrace

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Two philosophers, two forks: each takes its left fork, waits until the other has taken one too,
/// then asks for its right fork, which the other holds. This really deadlocks, every time.
///
/// The recorder's watchdog ends it: with SYNCTRACE_WATCHDOG=1 it reports on stderr what every thread
/// holds and waits for once all have been blocked for a second, and with SYNCTRACE_WATCHDOG_ABORT=1
/// it finishes the trace and exits with status 86. The trace then shows the deadlock.
func realDeadlock() {
    let environment = ["SYNCTRACE_OUTPUT", "SYNCTRACE_WATCHDOG", "SYNCTRACE_WATCHDOG_ABORT"]
    guard environment.allSatisfy({ getenv($0) != nil }) else {
        print("deadlock hangs for good; run it recorded, with the watchdog:")
        print("  SYNCTRACE_OUTPUT=deadlock.synctrace SYNCTRACE_WATCHDOG=1 SYNCTRACE_WATCHDOG_ABORT=1 SeedPrograms deadlock")
        exit(2)
    }
    let forks = [TracedLock(name: "fork 0"), TracedLock(name: "fork 1")]
    let seated = TracedWaitGroup(name: "seated")
    seated.add(2)
    let philosophers = (0..<2).map { index in
        TracedThread.spawn(name: "philosopher \(index)") {
            forks[index].lock()  // the left fork
            seated.done()
            seated.wait()  // both hold their left fork now
            forks[(index + 1) % 2].lock()  // DEADLOCK: the other philosopher holds it
            print("philosopher \(index) ate: no deadlock after all")
        }
    }
    print("2 philosophers seated; waiting for them to eat")
    for philosopher in philosophers { philosopher.join() }
}
