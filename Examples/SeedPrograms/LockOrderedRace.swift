import Synchronization
import SyncTrace

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A writer stores `result` with no lock, then takes the stats lock for unrelated bookkeeping; a
/// reader takes the same lock, then reads `result`. In this run the writer's critical section comes
/// first (the reader waits for it on a flag SyncTrace does not trace), so the lock's release and
/// acquisition order the write before the read: ThreadSanitizer, Go's race detector and
/// `synctrace analyze` see no race. Had the reader's critical section run first, the two accesses
/// would race — `synctrace analyze --predict` reports that from this one run.
///
/// The fix (`fixed`): the writer stores `result` inside its critical section and the reader loads
/// it inside its own, so the lock orders them in every schedule; nothing is predicted.
func lockOrderedRace(fixed: Bool) {
    let result = TracedVar(0, name: "result")
    let stats = TracedLock(name: "stats")
    // Untraced on purpose: it only makes the schedule this example is about the one that runs.
    let writerLeftTheLock = Atomic<Bool>(false)
    let writer = TracedThread.spawn(name: "writer") {
        if !fixed { result[] = 42 }  // PREDICTED RACE: ordered before the read only by the lock's order
        var sections = 0  // the unrelated work: it touches nothing the reader does
        stats.withLock {
            if fixed { result[] = 42 }
            sections += 1
        }
        writerLeftTheLock.store(true, ordering: .releasing)
    }
    let reader = TracedThread.spawn(name: "reader") {
        while !writerLeftTheLock.load(ordering: .acquiring) { sched_yield() }
        var seen = 0
        var sections = 0
        stats.withLock {
            sections += 1
            if fixed { seen = result[] }
        }
        if !fixed { seen = result[] }
        print("reader saw result = \(seen)")
    }
    writer.join()
    reader.join()
}
