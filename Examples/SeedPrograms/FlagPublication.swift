import SyncTrace

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A writer sets `data`, then raises a plain `ready` flag; the reader spins until it sees the flag,
/// then reads `data`. A plain variable synchronizes nothing: both `ready` and `data` race (and a
/// compiler or CPU may let the reader see the flag before the data).
func plainFlag() {
    let data = TracedVar(0, name: "data")
    let ready = TracedVar(false, name: "ready")
    let writer = TracedThread.spawn(name: "writer") {
        data[] = 42
        ready[] = true  // DATA RACE: a plain flag
    }
    let reader = TracedThread.spawn(name: "reader") {
        while !ready[] { sched_yield() }
        print("reader saw ready, data = \(data[])")  // DATA RACE: not ordered after the write
    }
    writer.join()
    reader.join()
}

/// The same with an atomic flag: the store publishes `data`, and the load that sees it is ordered
/// after the store. No race.
func atomicFlag() {
    let data = TracedVar(0, name: "data")
    let ready = TracedAtomic(false, name: "ready")
    let writer = TracedThread.spawn(name: "writer") {
        data[] = 42
        ready.store(true)
    }
    let reader = TracedThread.spawn(name: "reader") {
        while !ready.load() { sched_yield() }
        print("reader saw ready, data = \(data[])")
    }
    writer.join()
    reader.join()
}
