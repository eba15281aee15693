import SyncTrace
import Testing

extension GoConformance {
    @Suite("waitgroup_test.go")
    struct WaitGroupConformance {
        @Test("recorded programs", arguments: WaitGroupCases.all.filter { $0.program != nil })
        func program(_ goCase: GoCase) throws { try Conformance.checkProgram(goCase) }

        @Test("text traces", arguments: WaitGroupCases.all.filter(\.hasTrace))
        func trace(_ goCase: GoCase) throws { try Conformance.checkTrace(goCase) }
    }
}

/// The cases of Go's `waitgroup_test.go` that the traced primitives can say (CONFORMANCE.md lists
/// the others and why).
enum WaitGroupCases {
    static let all: [GoCase] = [
        GoCase("TestNoRaceWaitGroup", file: "waitgroup_test.go", racy: [], sharesVariables: false, program: { writersWaitedFor(count: 1) }),
        GoCase("TestRaceWaitGroup", file: "waitgroup_test.go", racy: ["x"], program: { writersWaitedFor(count: 2) }),
        GoCase("TestNoRaceWaitGroup2", file: "waitgroup_test.go", racy: [], program: noRaceWaitGroup2),
        GoCase("TestRaceWaitGroupAsMutex", file: "waitgroup_test.go", racy: ["x"], program: raceWaitGroupAsMutex),
        GoCase("TestRaceWaitGroupWrongWait", file: "waitgroup_test.go", racy: ["x"], program: raceWaitGroupWrongWait),
        GoCase("TestNoRaceWaitGroupMultipleWait", file: "waitgroup_test.go", racy: [], sharesVariables: false, program: noRaceWaitGroupMultipleWait),
        GoCase("TestNoRaceWaitGroupMultipleWait2", file: "waitgroup_test.go", racy: [], sharesVariables: false, program: noRaceWaitGroupMultipleWait2),
        GoCase("TestNoRaceWaitGroupMultipleWait3", file: "waitgroup_test.go", racy: [], program: noRaceWaitGroupMultipleWait3),
        GoCase("TestRaceWaitGroup2", file: "waitgroup_test.go", racy: ["x"], program: raceWaitGroup2),
        GoCase("TestNoRaceWaitGroupTransitive", file: "waitgroup_test.go", racy: [], program: noRaceWaitGroupTransitive),
        GoCase("TestNoRaceWaitGroupReuse", file: "waitgroup_test.go", racy: [], program: noRaceWaitGroupReuse),
        GoCase("TestNoRaceWaitGroupReuse2", file: "waitgroup_test.go", racy: [], program: noRaceWaitGroupReuse2),
        GoCase("TestNoRaceWaitGroupConcurrentAdd", file: "waitgroup_test.go", racy: [], sharesVariables: false, program: noRaceWaitGroupConcurrentAdd),
    ]

    /// `count` threads each write x and are waited for: one is no race, two race with each other.
    static func writersWaitedFor(count: Int) {
        let goroutines = Goroutines()
        let x = TracedVar(0, name: "x")
        let wg = TracedWaitGroup(name: "wg")
        for index in 0..<count {
            wg.add(1)
            goroutines.go("writer \(index)") {
                x[] = index
                wg.done()
            }
        }
        wg.wait()
        goroutines.joinAll()
    }

    /// `done` happens before `wait` returns, so the write after the wait follows the thread's.
    static func noRaceWaitGroup2() {
        let goroutines = Goroutines()
        let x = TracedVar(0, name: "x")
        let wg = TracedWaitGroup(name: "wg")
        wg.add(1)
        goroutines.go("writer") {
            x[] = 1
            wg.done()
        }
        wg.wait()
        x[] = 2
        goroutines.joinAll()
    }

    /// A wait group used as a lock: both threads wait while the counter is zero, then each adds
    /// one, writes and adds minus one. `add(+1)` acquires nothing, so the writes stay unordered even
    /// when the second thread goes only after the first one's `add(-1)`. Gates play Go's sleeps: both
    /// waits come first (a wait after the first `add(-1)` would be ordered after it).
    static func raceWaitGroupAsMutex() {
        let goroutines = Goroutines()
        let x = TracedVar(0, name: "x")
        let wg = TracedWaitGroup(name: "wg")
        let finished = TracedChannel<Bool>(capacity: 2, name: "c")
        let secondWaited = Gate()
        let firstDone = Gate()
        goroutines.go("first") {
            wg.wait()
            secondWaited.wait()
            wg.add(+1)
            x[] = 1
            wg.add(-1)
            firstDone.open()
            finished.send(true)
        }
        goroutines.go("second") {
            wg.wait()
            secondWaited.open()
            firstDone.wait()
            wg.add(+1)
            x[] = 2
            wg.add(-1)
            finished.send(true)
        }
        _ = finished.receive()
        _ = finished.receive()
        goroutines.joinAll()
    }

    /// The threads call `add` themselves, too late for the main thread's `wait`; their writes of x
    /// race whatever the wait sees.
    static func raceWaitGroupWrongWait() {
        let goroutines = Goroutines()
        let x = TracedVar(0, name: "x")
        let wg = TracedWaitGroup(name: "wg")
        let finished = TracedChannel<Bool>(capacity: 2, name: "c")
        for value in 1...2 {
            goroutines.go("writer \(value)") {
                wg.add(1)
                yieldThread()
                x[] = value
                wg.done()
                finished.send(true)
            }
        }
        wg.wait()
        _ = finished.receive()
        _ = finished.receive()
        goroutines.joinAll()
    }

    /// Three threads wait on a wait group whose counter is zero: waits are no accesses.
    static func noRaceWaitGroupMultipleWait() {
        let goroutines = Goroutines()
        let wg = TracedWaitGroup(name: "wg")
        let finished = TracedChannel<Bool>(capacity: 2, name: "c")
        for index in 0..<2 {
            goroutines.go("waiter \(index)") {
                wg.wait()
                finished.send(true)
            }
        }
        wg.wait()
        _ = finished.receive()
        _ = finished.receive()
        goroutines.joinAll()
    }

    /// Each thread is done, then waits for the other.
    static func noRaceWaitGroupMultipleWait2() {
        let goroutines = Goroutines()
        let wg = TracedWaitGroup(name: "wg")
        let finished = TracedChannel<Bool>(capacity: 2, name: "c")
        wg.add(2)
        for index in 0..<2 {
            goroutines.go("worker \(index)") {
                wg.done()
                wg.wait()
                finished.send(true)
            }
        }
        wg.wait()
        _ = finished.receive()
        _ = finished.receive()
        goroutines.joinAll()
    }

    /// Three writers, three waiters that each read everything written.
    static func noRaceWaitGroupMultipleWait3() {
        let goroutines = Goroutines()
        let count = 3
        let data = (0..<count).map { TracedVar(0, name: "data[\($0)]") }
        let finished = TracedChannel<Bool>(capacity: count, name: "done")
        let wg = TracedWaitGroup(name: "wg")
        wg.add(count)
        for p in 0..<count {
            goroutines.go("writer \(p)") {
                data[p][] = 42
                wg.done()
            }
        }
        for p in 0..<count {
            goroutines.go("reader \(p)") {
                wg.wait()
                for element in data { _ = element[] }
                finished.send(true)
            }
        }
        for _ in 0..<count { _ = finished.receive() }
        goroutines.joinAll()
    }

    /// Used correctly, and still the two writers race with each other.
    static func raceWaitGroup2() {
        let goroutines = Goroutines()
        let x = TracedVar(0, name: "x")
        let wg = TracedWaitGroup(name: "wg")
        wg.add(2)
        goroutines.go("first") {
            x[] = 1
            wg.done()
        }
        goroutines.go("second") {
            x[] = 2
            wg.done()
        }
        wg.wait()
        goroutines.joinAll()
    }

    /// The wait orders both threads' writes, the later `done` as well as the earlier one.
    static func noRaceWaitGroupTransitive() {
        let goroutines = Goroutines()
        let x = TracedVar(0, name: "x")
        let y = TracedVar(0, name: "y")
        let wg = TracedWaitGroup(name: "wg")
        wg.add(2)
        goroutines.go("x writer") {
            x[] = 42
            wg.done()
        }
        goroutines.go("y writer") {
            sleep(milliseconds: 10)
            y[] = 42
            wg.done()
        }
        wg.wait()
        _ = x[]
        _ = y[]
        goroutines.joinAll()
    }

    /// Three rounds on one wait group, each thread updating its own element, the main thread
    /// updating all of them between rounds.
    static func noRaceWaitGroupReuse() {
        let goroutines = Goroutines()
        let count = 3
        let data = (0..<count).map { TracedVar(0, name: "data[\($0)]") }
        let wg = TracedWaitGroup(name: "wg")
        for round in 0..<3 {
            wg.add(count)
            for p in 0..<count {
                goroutines.go("round \(round) worker \(p)") {
                    data[p][] += 1
                    wg.done()
                }
            }
            wg.wait()
            for element in data { element[] += 1 }
        }
        goroutines.joinAll()
    }

    /// As above, with a second waiter per round that updates everything and tells the main thread
    /// over an unbuffered channel.
    static func noRaceWaitGroupReuse2() {
        let goroutines = Goroutines()
        let count = 3
        let data = (0..<count).map { TracedVar(0, name: "data[\($0)]") }
        let wg = TracedWaitGroup(name: "wg")
        for round in 0..<3 {
            wg.add(count)
            for p in 0..<count {
                goroutines.go("round \(round) worker \(p)") {
                    data[p][] += 1
                    wg.done()
                }
            }
            let finished = TracedChannel<Bool>(name: "done")
            goroutines.go("round \(round) waiter") {
                wg.wait()
                for element in data { element[] += 1 }
                finished.send(true)
            }
            wg.wait()
            _ = finished.receive()
            for element in data { element[] += 1 }
        }
        goroutines.joinAll()
    }

    /// Threads add and finish concurrently; the main thread waits once all have added.
    static func noRaceWaitGroupConcurrentAdd() {
        let goroutines = Goroutines()
        let count = 4
        let waiting = TracedChannel<Bool>(capacity: count, name: "waiting")
        let wg = TracedWaitGroup(name: "wg")
        for index in 0..<count {
            goroutines.go("adder \(index)") {
                wg.add(1)
                waiting.send(true)
                wg.done()
            }
        }
        for _ in 0..<count { _ = waiting.receive() }
        wg.wait()
        goroutines.joinAll()
    }
}
