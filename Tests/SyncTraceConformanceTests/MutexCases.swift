import SyncTrace
import Testing

extension GoConformance {
    @Suite("mutex_test.go")
    struct MutexConformance {
        @Test("recorded programs", arguments: MutexCases.all.filter { $0.program != nil })
        func program(_ goCase: GoCase) throws { try Conformance.checkProgram(goCase) }

        @Test("text traces", arguments: MutexCases.all.filter(\.hasTrace))
        func trace(_ goCase: GoCase) throws { try Conformance.checkTrace(goCase) }
    }
}

/// The cases of Go's `mutex_test.go`.
enum MutexCases {
    static let all: [GoCase] = [
        GoCase("TestNoRaceMutex", file: "mutex_test.go", racy: [], program: noRaceMutex),
        GoCase("TestRaceMutex", file: "mutex_test.go", racy: ["x"], program: raceMutex),
        GoCase("TestRaceMutex2", file: "mutex_test.go", racy: ["x"], program: raceMutex2),
        GoCase("TestNoRaceMutexPureHappensBefore", file: "mutex_test.go", racy: [], program: noRaceMutexPureHappensBefore),
        GoCase("TestNoRaceMutexSemaphore", file: "mutex_test.go", racy: [], program: noRaceMutexSemaphore),
        GoCase("TestNoRaceMutexExampleFromHtml", file: "mutex_test.go", racy: [], program: noRaceMutexExampleFromHtml),
        GoCase("TestRaceMutexOverwrite", file: "mutex_test.go", racy: ["mu"], program: raceMutexOverwrite),
    ]

    /// Both writes inside the same mutex (one of them with the send inside too): ordered.
    static func noRaceMutex() {
        let goroutines = Goroutines()
        let mu = TracedMutex((), name: "mu")
        let x = TracedVar(0, name: "x")
        let finished = TracedChannel<Bool>(capacity: 2, name: "ch")
        goroutines.go("first") {
            mu.withLock { _ in
                x[] = 1
                finished.send(true)
            }
        }
        goroutines.go("second") {
            mu.withLock { _ in x[] = 2 }
            finished.send(true)
        }
        _ = finished.receive()
        _ = finished.receive()
        goroutines.joinAll()
    }

    /// The writes come before the lock is taken: the mutex orders nothing about them.
    static func raceMutex() {
        let goroutines = Goroutines()
        let mu = TracedLock(name: "mu")
        let x = TracedVar(0, name: "x")
        let finished = TracedChannel<Bool>(capacity: 2, name: "ch")
        goroutines.go("first") {
            x[] = 1
            mu.lock()
            finished.send(true)
            mu.unlock()
        }
        goroutines.go("second") {
            x[] = 2
            mu.lock()
            mu.unlock()
            finished.send(true)
        }
        _ = finished.receive()
        _ = finished.receive()
        goroutines.joinAll()
    }

    /// Each write under a different mutex.
    static func raceMutex2() {
        let goroutines = Goroutines()
        let mu1 = TracedLock(name: "mu1")
        let mu2 = TracedMutex((), name: "mu2")
        let x = TracedVar(0, name: "x")
        let finished = TracedChannel<Bool>(capacity: 2, name: "ch")
        goroutines.go("first") {
            mu1.lock()
            x[] = 1
            finished.send(true)
            mu1.unlock()
        }
        goroutines.go("second") {
            mu2.withLock { _ in x[] = 2 }
            finished.send(true)
        }
        _ = finished.receive()
        _ = finished.receive()
        goroutines.joinAll()
    }

    /// The first write is outside the mutex, but an empty critical section after it orders it before
    /// the second thread's empty critical section, and so before the second write. Go waits 100µs
    /// for that order; the gate makes it certain without adding an edge.
    static func noRaceMutexPureHappensBefore() {
        let goroutines = Goroutines()
        let mu = TracedLock(name: "mu")
        let x = TracedVar(0, name: "x")
        let finished = TracedChannel<Bool>(capacity: 2, name: "ch")
        let firstUnlocked = Gate()
        goroutines.go("first") {
            x[] = 1
            mu.lock()
            mu.unlock()
            firstUnlocked.open()
            finished.send(true)
        }
        goroutines.go("second") {
            firstUnlocked.wait()
            mu.lock()
            mu.unlock()
            x[] = 1
            finished.send(true)
        }
        _ = finished.receive()
        _ = finished.receive()
        goroutines.joinAll()
    }

    /// Go locks the mutex in one goroutine and unlocks it in another, using it as a binary semaphore.
    /// A Swift lock must be unlocked by its holder (and the text form rejects a `rel` by another
    /// thread), so the port says what the Go code means with a semaphore of one permit.
    static func noRaceMutexSemaphore() {
        let goroutines = Goroutines()
        let mu = TracedSemaphore(value: 1, name: "mu")
        let x = TracedVar(0, name: "x")
        let finished = TracedChannel<Bool>(capacity: 2, name: "ch")
        mu.wait()
        goroutines.go("unlocker") {
            x[] = 1
            mu.signal()
            finished.send(true)
        }
        goroutines.go("locker") {
            mu.wait()
            x[] = 2
            mu.signal()
            finished.send(true)
        }
        _ = finished.receive()
        _ = finished.receive()
        goroutines.joinAll()
    }

    /// The memory model document's example: the main thread locks, a goroutine writes and unlocks,
    /// the main thread's second lock waits for that unlock. As above, with a semaphore.
    static func noRaceMutexExampleFromHtml() {
        let goroutines = Goroutines()
        let l = TracedSemaphore(value: 1, name: "l")
        let a = TracedVar("", name: "a")
        l.wait()
        goroutines.go("writer") {
            a[] = "hello, world"
            l.signal()
        }
        l.wait()
        _ = a[]
        goroutines.joinAll()
    }

    /// A goroutine overwrites the mutex itself while the main thread locks it. The mutex's own
    /// memory is a variable holding the lock: locking reads it, replacing it writes it.
    static func raceMutexOverwrite() {
        let goroutines = Goroutines()
        let replaced = TracedChannel<Bool>(capacity: 1, name: "c")
        let mu = TracedVar(TracedLock(name: "mu.lock"), name: "mu")
        goroutines.go("overwriter") {
            mu[] = TracedLock(name: "fresh.lock")
            replaced.send(true)
        }
        let held = mu[]
        held.lock()
        _ = replaced.receive()
        held.unlock()
        goroutines.joinAll()
    }
}
