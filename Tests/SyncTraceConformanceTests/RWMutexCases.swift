import SyncTrace
import Testing

extension GoConformance {
    @Suite("rwmutex_test.go")
    struct RWMutexConformance {
        @Test("recorded programs", arguments: RWMutexCases.all.filter { $0.program != nil })
        func program(_ goCase: GoCase) throws { try Conformance.checkProgram(goCase) }

        @Test("text traces", arguments: RWMutexCases.all.filter(\.hasTrace))
        func trace(_ goCase: GoCase) throws { try Conformance.checkTrace(goCase) }
    }
}

/// The cases of Go's `rwmutex_test.go`.
enum RWMutexCases {
    static let all: [GoCase] = [
        GoCase("TestRaceMutexRWMutex", file: "rwmutex_test.go", racy: ["x"], program: raceMutexRWMutex),
        GoCase("TestNoRaceRWMutex", file: "rwmutex_test.go", racy: [], program: noRaceRWMutex),
        GoCase("TestRaceRWMutexMultipleReaders", file: "rwmutex_test.go", racy: ["y"], program: raceRWMutexMultipleReaders),
        GoCase("TestNoRaceRWMutexMultipleReaders", file: "rwmutex_test.go", racy: [], program: noRaceRWMutexMultipleReaders),
        GoCase("TestNoRaceRWMutexTransitive", file: "rwmutex_test.go", racy: [], program: noRaceRWMutexTransitive),
    ]

    /// A plain mutex and the write side of an rwlock are two different locks.
    static func raceMutexRWMutex() {
        let goroutines = Goroutines()
        let mu1 = TracedLock(name: "mu1")
        let mu2 = TracedRWLock(name: "mu2")
        let x = TracedVar(0, name: "x")
        let finished = TracedChannel<Bool>(capacity: 2, name: "ch")
        goroutines.go("locker") {
            mu1.lock()
            x[] = 1
            finished.send(true)
            mu1.unlock()
        }
        goroutines.go("writer") {
            mu2.withWriteLock { x[] = 2 }
            finished.send(true)
        }
        _ = finished.receive()
        _ = finished.receive()
        goroutines.joinAll()
    }

    /// A write under the write lock and a read under the read lock of the same rwlock.
    static func noRaceRWMutex() {
        let goroutines = Goroutines()
        let mu = TracedRWLock(name: "mu")
        let x = TracedVar(0, name: "x")
        let y = TracedVar(1, name: "y")
        let finished = TracedChannel<Bool>(capacity: 2, name: "ch")
        goroutines.go("writer") {
            mu.writeLock()
            x[] = 2
            finished.send(true)
            mu.writeUnlock()
        }
        goroutines.go("reader") {
            mu.withReadLock { y[] = x[] }
            finished.send(true)
        }
        _ = finished.receive()
        _ = finished.receive()
        goroutines.joinAll()
    }

    /// Three readers each write y under the read lock: readers do not exclude one another.
    static func raceRWMutexMultipleReaders() {
        let goroutines = Goroutines()
        let mu = TracedRWLock(name: "mu")
        let x = TracedVar(0, name: "x")
        let y = TracedVar(1, name: "y")
        let finished = TracedChannel<Bool>(capacity: 4, name: "ch")
        goroutines.go("writer") {
            mu.writeLock()
            x[] = 2
            finished.send(true)
            mu.writeUnlock()
        }
        for offset in 1...3 {
            goroutines.go("reader \(offset)") {
                mu.withReadLock { y[] = x[] + offset }
                finished.send(true)
            }
        }
        for _ in 0..<4 { _ = finished.receive() }
        _ = y[]
        goroutines.joinAll()
    }

    /// The same three readers, each reading x into a local: reads under the read lock do not race.
    static func noRaceRWMutexMultipleReaders() {
        let goroutines = Goroutines()
        let mu = TracedRWLock(name: "mu")
        let x = TracedVar(0, name: "x")
        let finished = TracedChannel<Bool>(capacity: 4, name: "ch")
        goroutines.go("writer") {
            mu.writeLock()
            x[] = 2
            finished.send(true)
            mu.writeUnlock()
        }
        for offset in 1...3 {
            goroutines.go("reader \(offset)") {
                let y = mu.withReadLock { x[] + offset }
                _ = y
                finished.send(true)
            }
        }
        for _ in 0..<4 { _ = finished.receive() }
        goroutines.joinAll()
    }

    /// Two readers, one after the other, then the writer: every read unlock orders before the next
    /// write lock, not only the last one. Go sleeps so that both readers go first; gates make it so.
    static func noRaceRWMutexTransitive() {
        let goroutines = Goroutines()
        let mu = TracedRWLock(name: "mu")
        let x = TracedVar(0, name: "x")
        let finished = TracedChannel<Bool>(capacity: 2, name: "ch")
        let firstRead = Gate()
        let secondRead = Gate()
        goroutines.go("first reader") {
            mu.withReadLock { _ = x[] }
            firstRead.open()
            finished.send(true)
        }
        goroutines.go("second reader") {
            firstRead.wait()
            mu.withReadLock { _ = x[] }
            secondRead.open()
            finished.send(true)
        }
        secondRead.wait()
        mu.withWriteLock { x[] = 42 }
        _ = finished.receive()
        _ = finished.receive()
        goroutines.joinAll()
    }
}
