// The seed's broken program, in Swift: 1000 threads each do `counter += 1` on a shared variable
// with no lock, and the total usually comes out below 1000 because increments overwrite each other.
// With `--fixed`, a TracedMutex protects the counter and the total is always 1000. With `--crash`, the
// program dies of a failed precondition after printing the total, as a crashing test would: the
// recorder's signal handler still writes every event and ends the trace naming the signal.
//
// Run it recorded, without changing a line:
//   SYNCTRACE_OUTPUT=counter.synctrace swift run RacyCounter
//   synctrace stats counter.synctrace
import SyncTrace

let fixed = CommandLine.arguments.contains("--fixed")
let crash = CommandLine.arguments.contains("--crash")
let threadCount = 1000

if fixed {
    let counter = TracedMutex(0, name: "counter")
    let threads = (0..<threadCount).map { index in
        TracedThread.spawn(name: "incrementer \(index)") {
            counter.withLock { $0 += 1 }
        }
    }
    for thread in threads { thread.join() }
    print("counter: \(counter.withLock { $0 })")
} else {
    let counter = TracedVar(0, name: "counter")
    let threads = (0..<threadCount).map { index in
        TracedThread.spawn(name: "incrementer \(index)") {
            counter[] += 1  // DATA RACE: a read, then a write, with no lock
        }
    }
    for thread in threads { thread.join() }
    print("counter: \(counter[])")
}

if crash {
    precondition(!crash, "the counter example crashes on request (--crash)")
}
