import SyncTrace
import Testing

extension GoConformance {
    @Suite("sync_test.go")
    struct SyncConformance {
        @Test("recorded programs", arguments: SyncCases.all.filter { $0.program != nil })
        func program(_ goCase: GoCase) throws { try Conformance.checkProgram(goCase) }

        @Test("text traces", arguments: SyncCases.all.filter(\.hasTrace))
        func trace(_ goCase: GoCase) throws { try Conformance.checkTrace(goCase) }
    }
}

/// The cases of Go's `sync_test.go` that the traced primitives can say. `time.AfterFunc(d, f)` is
/// played by a traced thread that sleeps `d` and runs `f`: Go's timer starts `f` on a goroutine of
/// its own, with the same edge from the call.
enum SyncCases {
    static let file = "sync_test.go"
    static let all: [GoCase] = [
        GoCase("TestNoRaceCond", file: file, racy: [], program: noRaceCond),
        GoCase("TestRaceCond", file: file, racy: ["x"], program: raceCond),
        GoCase("TestRaceAnnounceThreads", file: file, racy: ["x"], program: raceAnnounceThreads),
        GoCase("TestNoRaceAfterFunc1", file: file, racy: [], program: noRaceAfterFunc1),
        GoCase("TestNoRaceAfterFunc2", file: file, racy: [], sharesVariables: false, program: noRaceAfterFunc2),
        GoCase("TestNoRaceAfterFunc3", file: file, racy: [], program: noRaceAfterFunc3),
        GoCase("TestRaceAfterFunc3", file: file, racy: ["x"], program: raceAfterFunc3),
        GoCase("TestRaceGoroutineCreationStack", file: file, racy: ["x"], program: raceGoroutineCreationStack),
    ]

    /// The write before the signal is ordered before the write after the wait loop, through the
    /// condition's lock (and its signal, when the main thread did wait).
    static func noRaceCond() {
        let goroutines = Goroutines()
        let x = TracedVar(0, name: "x")
        let condition = TracedVar(0, name: "condition")
        let cond = TracedCondition(lock: TracedLock(name: "mu"), name: "cond")
        goroutines.go("signaller") {
            x[] = 1
            cond.lock()
            condition[] = 1
            cond.signal()
            cond.unlock()
        }
        cond.lock()
        while condition[] != 1 { cond.wait() }
        cond.unlock()
        x[] = 2
        goroutines.joinAll()
    }

    /// The signaller's second write, in a later critical section, is not ordered against the main
    /// thread's write after it left the loop. Go sleeps so that the main thread waits first and
    /// writes before the second critical section; a sleep and a gate do the same here.
    static func raceCond() {
        let goroutines = Goroutines()
        let finished = TracedChannel<Bool>(name: "done")
        let cond = TracedCondition(lock: TracedLock(name: "mu"), name: "cond")
        let x = TracedVar(0, name: "x")
        let condition = TracedVar(0, name: "condition")
        let mainWrote = Gate()
        goroutines.go("signaller") {
            sleep(milliseconds: 10)
            x[] = 1
            cond.lock()
            condition[] = 1
            cond.signal()
            cond.unlock()
            mainWrote.wait()
            cond.lock()
            x[] = 3
            cond.unlock()
            finished.send(true)
        }
        cond.lock()
        while condition[] != 1 { cond.wait() }
        cond.unlock()
        x[] = 2
        mainWrote.open()
        _ = finished.receive()
        goroutines.joinAll()
    }

    /// Goroutines starting goroutines, all writing x.
    static func raceAnnounceThreads() {
        let goroutines = Goroutines()
        let count = 7
        let allDone = TracedChannel<Bool>(capacity: count, name: "allDone")
        let x = TracedVar(0, name: "x")
        @Sendable func g() {
            for index in 0..<2 {
                goroutines.go("g's child \(index)") {
                    x[] = 1
                    allDone.send(true)
                }
                allDone.send(true)
            }
        }
        @Sendable func f() {
            x[] = 1
            goroutines.go("g") { g() }
            goroutines.go("f's child") {
                x[] = 1
                allDone.send(true)
            }
            x[] = 2
            allDone.send(true)
        }
        @Sendable func h() {
            x[] = 1
            x[] = 2
            goroutines.go("f") { f() }
            allDone.send(true)
        }
        goroutines.go("h") { h() }
        for _ in 0..<count { _ = allDone.receive() }
        goroutines.joinAll()
    }

    /// Go's `time.AfterFunc`: runs `body` on a thread of its own after `milliseconds`.
    static func afterFunc(_ goroutines: Goroutines, milliseconds: Int, _ body: @escaping @Sendable () -> Void) {
        goroutines.go("timer") {
            sleep(milliseconds: milliseconds)
            body()
        }
    }

    /// A timer callback that decrements i and starts the next timer, three times in a chain.
    static func noRaceAfterFunc1() {
        let goroutines = Goroutines()
        let i = TracedVar(0, name: "i")
        i[] = 2
        let c = TracedChannel<Bool>(name: "c")
        @Sendable func tick() {
            i[] -= 1
            if i[] >= 0 {
                afterFunc(goroutines, milliseconds: 0, tick)
            } else {
                c.send(true)
            }
        }
        afterFunc(goroutines, milliseconds: 0, tick)
        _ = c.receive()
        goroutines.joinAll()
    }

    /// Only the callback writes x (Go stops the timer when the test returns; here it always runs).
    static func noRaceAfterFunc2() {
        let goroutines = Goroutines()
        let x = TracedVar(0, name: "x")
        afterFunc(goroutines, milliseconds: 0) { x[] = 1 }
        goroutines.joinAll()
    }

    /// The main thread's initial write happens before the callback is scheduled.
    static func noRaceAfterFunc3() {
        let goroutines = Goroutines()
        let c = TracedChannel<Bool>(capacity: 1, name: "c")
        let x = TracedVar(0, name: "x")
        x[] = 0
        afterFunc(goroutines, milliseconds: 10) {
            x[] = 1
            c.send(true)
        }
        _ = c.receive()
        goroutines.joinAll()
    }

    /// Two callbacks write x; their times order nothing.
    static func raceAfterFunc3() {
        let goroutines = Goroutines()
        let c = TracedChannel<Bool>(capacity: 2, name: "c")
        let x = TracedVar(0, name: "x")
        x[] = 0
        afterFunc(goroutines, milliseconds: 10) {
            x[] = 1
            c.send(true)
        }
        afterFunc(goroutines, milliseconds: 20) {
            x[] = 2
            c.send(true)
        }
        _ = c.receive()
        _ = c.receive()
        goroutines.joinAll()
    }

    /// A chain of four goroutine starts ending in a write, racing with the main thread's write.
    static func raceGoroutineCreationStack() {
        let goroutines = Goroutines()
        let x = TracedVar(0, name: "x")
        let ch = TracedChannel<Bool>(capacity: 1, name: "ch")
        @Sendable func f1() {
            x[] = 1
            ch.send(true)
        }
        @Sendable func f2() { goroutines.go("f1") { f1() } }
        @Sendable func f3() { goroutines.go("f2") { f2() } }
        @Sendable func f4() { goroutines.go("f3") { f3() } }
        goroutines.go("f4") { f4() }
        x[] = 2
        _ = ch.receive()
        goroutines.joinAll()
    }
}
