import SyncTrace

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The shapes of real programs whose recordings the replay once refused (a thread's batch written
/// more than a million events after the others' later numbers of the same lock): many threads
/// contending for one lock, and a few threads in a tight lock-then-access loop on 2 cores.
enum ScaleProbe {
    static func run(shape: String, threads: Int, iterations: Int) {
        switch shape {
        case "locked":
            // THREADS threads each add 1 to a shared counter ITERATIONS times, under one lock.
            let lock = TracedLock(name: "counter lock")
            let counter = TracedVar(0, name: "counter")
            let workers = (0..<threads).map { index in
                TracedThread.spawn(name: "incrementer \(index)") {
                    for _ in 0..<iterations { lock.withLock { counter[] += 1 } }
                }
            }
            for worker in workers { worker.join() }
            print("counter: \(counter[])")
        case "lockloop":
            // THREADS threads each do ITERATIONS × `m.withLock {}; v[] = k; _ = v[]` on their own
            // variable (no race): the lock's numbers interleave tightly while each thread's buffer
            // fills at its own pace.
            let lock = TracedLock(name: "m")
            let workers = (0..<threads).map { index in
                TracedThread.spawn(name: "looper \(index)") {
                    let variable = TracedVar(0, name: "v\(index)")
                    var sum = 0
                    for k in 0..<iterations {
                        lock.withLock {}
                        variable[] = k
                        sum &+= variable[]
                    }
                    if sum == -1 { print("unreachable") }  // keeps the reads
                }
            }
            for worker in workers { worker.join() }
            print("loops: \(threads * iterations)")
        case "contended":
            // THREADS threads each lock and unlock one shared lock ITERATIONS times, nothing inside:
            // the lock changes hands as often as the cores let it.
            let lock = TracedLock(name: "contended")
            let workers = (0..<threads).map { index in
                TracedThread.spawn(name: "contender \(index)") {
                    for _ in 0..<iterations {
                        lock.lock()
                        lock.unlock()
                    }
                }
            }
            for worker in workers { worker.join() }
            print("pairs: \(threads * iterations)")
        default:
            print("usage: RecorderProbe scale locked|lockloop|contended THREADS ITERATIONS")
            exit(64)
        }
        exit(0)
    }
}
