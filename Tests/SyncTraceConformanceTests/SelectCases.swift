import SyncTrace
import Testing

extension GoConformance {
    @Suite("select_test.go")
    struct SelectConformance {
        @Test("recorded programs", arguments: SelectCases.all.filter { $0.program != nil })
        func program(_ goCase: GoCase) throws { try Conformance.checkProgram(goCase) }

        @Test("text traces", arguments: SelectCases.all.filter(\.hasTrace))
        func trace(_ goCase: GoCase) throws { try Conformance.checkTrace(goCase) }
    }
}

/// The cases of Go's `select_test.go`.
enum SelectCases {
    static let file = "select_test.go"
    static let all: [GoCase] = [
        GoCase("TestNoRaceSelect1", file: file, racy: [], program: noRaceSelect1),
        GoCase("TestNoRaceSelect2", file: file, racy: [], program: noRaceSelect2),
        GoCase("TestNoRaceSelect3", file: file, racy: [], program: noRaceSelect3),
        GoCase("TestNoRaceSelect4", file: file, racy: [], program: noRaceSelect4),
        GoCase("TestNoRaceSelect5", file: file, racy: [], program: noRaceSelect5),
        GoCase("TestRaceSelect1", file: file, racy: ["x"], program: raceSelect1),
        GoCase("TestRaceSelect2", file: file, racy: ["x"], program: raceSelect2),
        GoCase("TestRaceSelect3", file: file, racy: ["x"], program: raceSelect3),
        GoCase("TestRaceSelect4", file: file, racy: ["x"], program: raceSelect4),
        GoCase("TestRaceSelect5", file: file, racy: ["x"], program: raceSelect5),
    ]

    /// A select send on c meets a select receive on c (both also offer a send on c1, which never
    /// pairs): the send happens before the receive.
    static func noRaceSelect1() {
        let goroutines = Goroutines()
        let x = TracedVar(0, name: "x")
        let completed = TracedChannel<Bool>(name: "compl")
        let c = TracedChannel<Bool>(name: "c")
        let c1 = TracedChannel<Bool>(name: "c1")
        goroutines.go("sender") {
            x[] = 1
            TracedSelect.run { select in
                select.send(true, to: c)
                select.send(true, to: c1)
            }
            completed.send(true)
        }
        TracedSelect.run { select in
            select.receive(from: c) { _ in }
            select.send(true, to: c1)
        }
        x[] = 2
        _ = completed.receive()
        goroutines.joinAll()
    }

    /// A select receive that finds c closed is ordered after the close.
    static func noRaceSelect2() {
        let goroutines = Goroutines()
        let x = TracedVar(0, name: "x")
        let completed = TracedChannel<Bool>(name: "compl")
        let c = TracedChannel<Bool>(name: "c")
        let c1 = TracedChannel<Bool>(name: "c1")
        goroutines.go("selector") {
            TracedSelect.run { select in
                select.receive(from: c) { _ in }
                select.receive(from: c1) { _ in }
            }
            x[] = 1
            completed.send(true)
        }
        x[] = 2
        c.close()
        yieldThread()
        _ = completed.receive()
        goroutines.joinAll()
    }

    /// A select send on a buffered channel happens before the receive that takes it.
    static func noRaceSelect3() {
        let goroutines = Goroutines()
        let x = TracedVar(0, name: "x")
        let completed = TracedChannel<Bool>(name: "compl")
        let c = TracedChannel<Bool>(capacity: 10, name: "c")
        let c1 = TracedChannel<Bool>(name: "c1")
        goroutines.go("selector") {
            x[] = 1
            TracedSelect.run { select in
                select.send(true, to: c)
                select.receive(from: c1) { _ in }
            }
            completed.send(true)
        }
        _ = c.receive()
        x[] = 2
        _ = completed.receive()
        goroutines.joinAll()
    }

    /// A task and the channel that says it is done.
    struct Task: Sendable {
        let work: @Sendable () -> Void
        let done: TracedChannel<Bool>
    }

    /// A worker serving tasks from a select loop. Go's worker loops forever; this one stops when
    /// the queue is closed, after the case is over.
    static func noRaceSelect4() {
        let goroutines = Goroutines()
        let queue = TracedChannel<Task>(name: "queue")
        let dummy = TracedChannel<Bool>(name: "dummy")
        goroutines.go("worker") {
            var serving = true
            while serving {
                TracedSelect.run { select in
                    select.receive(from: queue) { task in
                        guard let task else {
                            serving = false
                            return
                        }
                        task.work()
                        task.done.send(true)
                    }
                }
            }
        }
        func run(_ work: @escaping @Sendable () -> Void) {
            let done = TracedChannel<Bool>(capacity: 1, name: "done")
            TracedSelect.run { select in
                select.send(Task(work: work, done: done), to: queue)
                select.receive(from: dummy) { _ in }
            }
            TracedSelect.run { select in
                select.receive(from: done) { _ in }
                select.receive(from: dummy) { _ in }
            }
        }
        let x = TracedVar(0, name: "x")
        run { x[] = 1 }
        _ = x[]
        queue.close()
        goroutines.joinAll()
    }

    /// A send and a receive on a rendezvous channel, with or without select, with or without a
    /// yield first: the writes on either side are ordered every way.
    static func noRaceSelect5() {
        for (selecting, yielding) in [(true, true), (true, false), (false, true), (false, false)] {
            let goroutines = Goroutines()
            let x = TracedVar(0, name: "x")
            let ch = TracedChannel<Bool>(name: "ch")
            let c1 = TracedChannel<Bool>(name: "c1")
            let finished = TracedChannel<Bool>(capacity: 2, name: "done")
            goroutines.go("sender") {
                if yielding { yieldThread() }
                x[] = 1
                if selecting {
                    TracedSelect.run { select in
                        select.send(true, to: ch)
                        select.receive(from: c1) { _ in }
                    }
                } else {
                    ch.send(true)
                }
                finished.send(true)
            }
            goroutines.go("receiver") {
                if selecting {
                    TracedSelect.run { select in
                        select.receive(from: ch) { _ in }
                        select.receive(from: c1) { _ in }
                    }
                } else {
                    _ = ch.receive()
                }
                x[] = 1
                finished.send(true)
            }
            _ = finished.receive()
            _ = finished.receive()
            goroutines.joinAll()
        }
    }

    /// Two selects send to one receiver, then write x: the receiver orders neither write.
    static func raceSelect1() {
        let goroutines = Goroutines()
        let x = TracedVar(0, name: "x")
        let completed = TracedChannel<Bool>(capacity: 2, name: "compl")
        let c = TracedChannel<Bool>(name: "c")
        let c1 = TracedChannel<Bool>(name: "c1")
        goroutines.go("receiver") {
            _ = c.receive()
            _ = c.receive()
        }
        for index in 0..<2 {
            goroutines.go("sender \(index)") {
                TracedSelect.run { select in
                    select.send(true, to: c)
                    select.send(true, to: c1)
                }
                x[] = 1
                completed.send(true)
            }
        }
        _ = completed.receive()
        _ = completed.receive()
        goroutines.joinAll()
    }

    /// The write before the close comes after the other thread's write, not before it.
    static func raceSelect2() {
        let goroutines = Goroutines()
        let x = TracedVar(0, name: "x")
        let completed = TracedChannel<Bool>(name: "compl")
        let c = TracedChannel<Bool>(name: "c")
        let c1 = TracedChannel<Bool>(name: "c1")
        goroutines.go("selector") {
            x[] = 1
            TracedSelect.run { select in
                select.receive(from: c) { _ in }
                select.receive(from: c1) { _ in }
            }
            completed.send(true)
        }
        c.close()
        x[] = 2
        _ = completed.receive()
        goroutines.joinAll()
    }

    /// Both writes come before the rendezvous they share: unordered.
    static func raceSelect3() {
        let goroutines = Goroutines()
        let x = TracedVar(0, name: "x")
        let completed = TracedChannel<Bool>(name: "compl")
        let c = TracedChannel<Bool>(name: "c")
        let c1 = TracedChannel<Bool>(name: "c1")
        goroutines.go("selector") {
            x[] = 1
            TracedSelect.run { select in
                select.send(true, to: c)
                select.send(true, to: c1)
            }
            completed.send(true)
        }
        x[] = 2
        TracedSelect.run { select in
            select.receive(from: c) { _ in }
        }
        _ = completed.receive()
        goroutines.joinAll()
    }

    /// A select with only a default writes x; the main thread reads it.
    static func raceSelect4() {
        let goroutines = Goroutines()
        let finished = TracedChannel<Bool>(capacity: 1, name: "done")
        let x = TracedVar(0, name: "x")
        goroutines.go("selector") {
            TracedSelect.run { select in
                select.onDefault { x[] = 2 }
            }
            finished.send(true)
        }
        _ = x[]
        _ = finished.receive()
        goroutines.joinAll()
    }

    /// Only the buffered channel is ready, so the select writes x (never y).
    static func raceSelect5() {
        let goroutines = Goroutines()
        let finished = TracedChannel<Bool>(capacity: 1, name: "done")
        let c1 = TracedChannel<Bool>(capacity: 1, name: "c1")
        let c2 = TracedChannel<Bool>(name: "c2")
        let x = TracedVar(0, name: "x")
        let y = TracedVar(0, name: "y")
        goroutines.go("selector") {
            TracedSelect.run { select in
                select.send(true, to: c1) { x[] = 1 }
                select.send(true, to: c2) { y[] = 1 }
            }
            finished.send(true)
        }
        _ = x[]
        _ = y[]
        _ = finished.receive()
        goroutines.joinAll()
    }
}
