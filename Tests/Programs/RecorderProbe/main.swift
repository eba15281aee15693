// A program for the recorder's tests to run in a child process. Recording is switched on only by
// the environment (SYNCTRACE_OUTPUT), as a user would, and the program never calls stop(): the
// trace must be finished at exit.
//
//   RecorderProbe counter THREADS      the seed's racy counter: THREADS threads each do counter++
//   RecorderProbe flood EVENTS         one thread records EVENTS lock operations as fast as it can
import SyncTrace

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

let arguments = CommandLine.arguments
guard arguments.count == 3, let count = Int(arguments[2]) else {
    print("usage: RecorderProbe counter THREADS | flood EVENTS")
    exit(64)
}

switch arguments[1] {
case "counter":
    let counter = TracedVar(0, name: "counter")
    let threads = (0..<count).map { index in
        TracedThread.spawn(name: "incrementer \(index)") { counter[] += 1 }
    }
    for thread in threads { thread.join() }
    print("counter: \(counter[])")
case "flood":
    let lock = TracedLock(name: "flood")
    for _ in 0..<(count / 2) {
        lock.lock()
        lock.unlock()
    }
    print("flooded: \(count) events, still running")
default:
    print("unknown mode \(arguments[1])")
    exit(64)
}
