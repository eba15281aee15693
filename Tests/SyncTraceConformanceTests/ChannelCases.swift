import SyncTrace
import Testing

extension GoConformance {
    @Suite("chan_test.go")
    struct ChannelConformance {
        @Test("recorded programs", arguments: ChannelCases.all.filter { $0.program != nil })
        func program(_ goCase: GoCase) throws { try Conformance.checkProgram(goCase) }

        @Test("text traces", arguments: ChannelCases.all.filter(\.hasTrace))
        func trace(_ goCase: GoCase) throws { try Conformance.checkTrace(goCase) }
    }
}

/// The cases of Go's `chan_test.go` that the traced primitives can say (CONFORMANCE.md lists the
/// others and why).
enum ChannelCases {
    static let file = "chan_test.go"
    static let all: [GoCase] = [
        GoCase("TestNoRaceChanSync", file: file, racy: [], program: { sendThenWrite(capacity: 0) }),
        GoCase("TestNoRaceChanSyncRev", file: file, racy: [], program: noRaceChanSyncRev),
        GoCase("TestNoRaceChanAsync", file: file, racy: [], program: { sendThenWrite(capacity: 10) }),
        GoCase("TestRaceChanAsyncRev", file: file, racy: ["v"], program: raceChanAsyncRev),
        GoCase("TestNoRaceChanAsyncCloseRecv", file: file, racy: [], program: { closeThenDeferredWrite(capacity: 10) }),
        GoCase("TestNoRaceChanAsyncCloseRecv2", file: file, racy: [], program: { closeThenReceiveNil(capacity: 10) }),
        GoCase("TestNoRaceChanAsyncCloseRecv3", file: file, racy: [], program: { closeThenRange(capacity: 10) }),
        GoCase("TestNoRaceChanSyncCloseRecv", file: file, racy: [], program: { closeThenDeferredWrite(capacity: 0) }),
        GoCase("TestNoRaceChanSyncCloseRecv2", file: file, racy: [], program: { closeThenReceiveNil(capacity: 0) }),
        GoCase("TestNoRaceChanSyncCloseRecv3", file: file, racy: [], program: { closeThenRange(capacity: 0) }),
        GoCase("TestRaceChanSendLen", file: file, racy: ["v"], program: raceChanSendLen),
        GoCase("TestRaceChanRecvLen", file: file, racy: ["v"], program: raceChanRecvLen),
        GoCase("TestRaceChanSendSend", file: file, racy: ["v1"], program: raceChanSendSend),
        GoCase("TestNoRaceChanPtr", file: file, racy: [], program: noRaceChanPtr),
        GoCase("TestRaceChanWrongSend", file: file, racy: ["v2"], program: raceChanWrongSend),
        GoCase("TestRaceChanWrongClose", file: file, racy: ["v2"], program: raceChanWrongClose),
        GoCase("TestRaceSelectReadWriteAsync", file: file, racy: ["x"], program: raceSelectReadWriteAsync),
        GoCase("TestRaceSelectReadWriteSync", file: file, racy: ["x"], program: raceSelectReadWriteSync),
        GoCase("TestNoRaceSelectReadWriteAsync", file: file, racy: [], program: noRaceSelectReadWriteAsync),
        GoCase("TestRaceChanReadWriteAsync", file: file, racy: ["x"], program: raceChanReadWriteAsync),
        GoCase("TestRaceChanReadWriteSync", file: file, racy: ["x"], program: raceChanReadWriteSync),
        GoCase("TestNoRaceChanReadWriteAsync", file: file, racy: [], program: noRaceChanReadWriteAsync),
        GoCase("TestNoRaceProducerConsumerUnbuffered", file: file, racy: [], program: noRaceProducerConsumerUnbuffered),
        GoCase("TestRaceChanItselfSend", file: file, racy: ["c"], program: raceChanItselfSend),
        GoCase("TestRaceChanItselfRecv", file: file, racy: ["c"], program: raceChanItselfRecv),
        GoCase("TestRaceChanItselfNil", file: file, racy: ["c"], program: raceChanItselfNil),
        GoCase("TestRaceChanItselfClose", file: file, racy: ["c"], program: raceChanItselfClose),
        GoCase("TestRaceChanItselfLen", file: file, racy: ["c"], program: { raceChanItselfInspected { _ = $0 } }),
        GoCase("TestRaceChanItselfCap", file: file, racy: ["c"], program: { raceChanItselfInspected { _ = $0.capacity } }),
        GoCase("TestRaceChanCloseLen", file: file, racy: ["v"], program: raceChanCloseLen),
        GoCase("TestNoRaceChanMutex", file: file, racy: [], program: noRaceChanMutex),
        GoCase("TestNoRaceSelectMutex", file: file, racy: [], program: noRaceSelectMutex),
        GoCase("TestRaceChanSem", file: file, racy: ["data"], program: raceChanSem),
        GoCase("TestNoRaceChanWaitGroup", file: file, racy: [], program: noRaceChanWaitGroup),
        GoCase("TestNoRaceBlockedSendSync", file: file, racy: [], program: { blockedSendSync(selecting: false) }),
        GoCase("TestNoRaceBlockedSelectSendSync", file: file, racy: [], program: { blockedSendSync(selecting: true) }),
    ]

    /// A write, then a send; the receiver writes after its receive.
    static func sendThenWrite(capacity: Int) {
        let goroutines = Goroutines()
        let v = TracedVar(0, name: "v")
        let c = TracedChannel<Int>(capacity: capacity, name: "c")
        goroutines.go("sender") {
            v[] = 1
            c.send(0)
        }
        _ = c.receive()
        v[] = 2
        goroutines.joinAll()
    }

    /// On a rendezvous channel the receive also happens before the send completes.
    static func noRaceChanSyncRev() {
        let goroutines = Goroutines()
        let v = TracedVar(0, name: "v")
        let c = TracedChannel<Int>(name: "c")
        goroutines.go("sender") {
            c.send(0)
            v[] = 2
        }
        v[] = 1
        _ = c.receive()
        goroutines.joinAll()
    }

    /// On a buffered channel it does not.
    static func raceChanAsyncRev() {
        let goroutines = Goroutines()
        let v = TracedVar(0, name: "v")
        let c = TracedChannel<Int>(capacity: 10, name: "c")
        goroutines.go("sender") {
            c.send(0)
            v[] = 1
        }
        v[] = 2
        _ = c.receive()
        goroutines.joinAll()
    }

    /// A close happens before a receive that finds the channel closed; Go writes in a deferred call.
    static func closeThenDeferredWrite(capacity: Int) {
        let goroutines = Goroutines()
        let v = TracedVar(0, name: "v")
        let c = TracedChannel<Int>(capacity: capacity, name: "c")
        goroutines.go("closer") {
            v[] = 1
            c.close()
        }
        do {
            defer { v[] = 2 }
            _ = c.receive()
        }
        goroutines.joinAll()
    }

    /// The same, the receive telling the channel is closed (Go's `_, ok := <-c`).
    static func closeThenReceiveNil(capacity: Int) {
        let goroutines = Goroutines()
        let v = TracedVar(0, name: "v")
        let c = TracedChannel<Int>(capacity: capacity, name: "c")
        goroutines.go("closer") {
            v[] = 1
            c.close()
        }
        let received = c.receive()
        precondition(received == nil)
        v[] = 2
        goroutines.joinAll()
    }

    /// The same, ranging over the channel until it is closed.
    static func closeThenRange(capacity: Int) {
        let goroutines = Goroutines()
        let v = TracedVar(0, name: "v")
        let c = TracedChannel<Int>(capacity: capacity, name: "c")
        goroutines.go("closer") {
            v[] = 1
            c.close()
        }
        for _ in c {}
        v[] = 2
        goroutines.joinAll()
    }

    /// Go polls `len(c)` until the value is buffered: looking at a channel's length orders nothing.
    /// TracedChannel has no length; an untraced gate plays the look.
    static func raceChanSendLen() {
        let goroutines = Goroutines()
        let v = TracedVar(0, name: "v")
        let c = TracedChannel<Int>(capacity: 10, name: "c")
        let buffered = Gate()
        goroutines.go("sender") {
            v[] = 1
            c.send(1)
            buffered.open()
        }
        buffered.wait()
        v[] = 2
        goroutines.joinAll()
    }

    /// Go polls `len(c)` until the receiver has taken the value: that orders nothing either.
    static func raceChanRecvLen() {
        let goroutines = Goroutines()
        let v = TracedVar(0, name: "v")
        let c = TracedChannel<Int>(capacity: 10, name: "c")
        let drained = Gate()
        c.send(1)
        goroutines.go("receiver") {
            v[] = 1
            _ = c.receive()
            drained.open()
        }
        drained.wait()
        v[] = 2
        goroutines.joinAll()
    }

    /// Two selects try to send on a channel with room for one; the one that finds it full writes the
    /// other thread's variable. A failed send orders nothing. Go leaves the winner to chance; the
    /// gate lets the first thread win, so the race is on v1.
    static func raceChanSendSend() {
        let goroutines = Goroutines()
        let v1 = TracedVar(0, name: "v1")
        let v2 = TracedVar(0, name: "v2")
        let c = TracedChannel<Int>(capacity: 1, name: "c")
        let completed = TracedChannel<Bool>(capacity: 2, name: "compl")
        let firstSent = Gate()
        goroutines.go("first") {
            v1[] = 1
            TracedSelect.run { select in
                select.send(1, to: c)
                select.onDefault { v2[] = 2 }
            }
            firstSent.open()
            completed.send(true)
        }
        goroutines.go("second") {
            firstSent.wait()
            v2[] = 1
            TracedSelect.run { select in
                select.send(1, to: c)
                select.onDefault { v1[] = 2 }
            }
            completed.send(true)
        }
        _ = completed.receive()
        _ = completed.receive()
        goroutines.joinAll()
    }

    /// The sender initializes a message and sends it; the receiver writes its field.
    static func noRaceChanPtr() {
        let goroutines = Goroutines()
        let c = TracedChannel<TracedVar<Int>>(name: "c")
        goroutines.go("sender") {
            let message = TracedVar(0, name: "msg.x")
            message[] = 1
            c.send(message)
        }
        let message = c.receive()
        message?[] = 2
        goroutines.joinAll()
    }

    /// Two senders; the receiver writes the variable of the sender it did not hear from. The gates
    /// make the first sender's value the one received, so the race is on v2.
    static func raceChanWrongSend() {
        let goroutines = Goroutines()
        let v1 = TracedVar(0, name: "v1")
        let v2 = TracedVar(0, name: "v2")
        let c = TracedChannel<Int>(capacity: 2, name: "c")
        let firstSent = Gate()
        let secondSent = Gate()
        goroutines.go("first") {
            v1[] = 1
            c.send(1)
            firstSent.open()
        }
        goroutines.go("second") {
            firstSent.wait()
            v2[] = 2
            c.send(2)
            secondSent.open()
        }
        secondSent.wait()
        if c.receive() == 1 {
            v2[] = 3
        } else {
            v1[] = 3
        }
        goroutines.joinAll()
    }

    /// A value is buffered, then the channel is closed; the receive gets the value, so it is not
    /// ordered after the close, and the write of v2 races with the closer's.
    static func raceChanWrongClose() {
        let goroutines = Goroutines()
        let v1 = TracedVar(0, name: "v1")
        let v2 = TracedVar(0, name: "v2")
        let c = TracedChannel<Int>(capacity: 1, name: "c")
        let sent = Gate()
        let closed = Gate()
        goroutines.go("sender") {
            v1[] = 1
            c.send(1)
            sent.open()
        }
        goroutines.go("closer") {
            sent.wait()
            v2[] = 2
            c.close()
            closed.open()
        }
        closed.wait()
        if c.receive() != nil {
            v2[] = 2
        } else {
            v1[] = 2
        }
        goroutines.joinAll()
    }

    /// A select's send value is read when the select starts; the main thread's select writes x
    /// from another channel. Both buffered.
    static func raceSelectReadWriteAsync() {
        let goroutines = Goroutines()
        let x = TracedVar(0, name: "x")
        let finished = TracedChannel<Bool>(name: "done")
        let c1 = TracedChannel<Int>(capacity: 10, name: "c1")
        let c2 = TracedChannel<Int>(capacity: 10, name: "c2")
        let c3 = TracedChannel<Int>(name: "c3")
        c2.send(1)
        goroutines.go("selector") {
            let value = x[]
            TracedSelect.run { select in
                select.send(value, to: c1)
                select.send(1, to: c3)
            }
            finished.send(true)
        }
        TracedSelect.run { select in
            select.receive(from: c2) { x[] = $0 ?? 0 }
            select.send(1, to: c3)
        }
        _ = finished.receive()
        goroutines.joinAll()
    }

    /// The same on rendezvous channels, each with a partner thread of its own.
    static func raceSelectReadWriteSync() {
        let goroutines = Goroutines()
        let x = TracedVar(0, name: "x")
        let finished = TracedChannel<Bool>(name: "done")
        let c1 = TracedChannel<Int>(name: "c1")
        let c2 = TracedChannel<Int>(name: "c2")
        let c3 = TracedChannel<Int>(name: "c3")
        goroutines.go("c1 receiver") { _ = c1.receive() }
        goroutines.go("c2 sender") { c2.send(1) }
        goroutines.go("selector") {
            let value = x[]
            TracedSelect.run { select in
                select.send(value, to: c1)
                select.send(1, to: c3)
            }
            finished.send(true)
        }
        TracedSelect.run { select in
            select.receive(from: c2) { x[] = $0 ?? 0 }
            select.send(1, to: c3)
        }
        _ = finished.receive()
        goroutines.joinAll()
    }

    /// The value read for the send is the one the main thread receives and writes: ordered.
    static func noRaceSelectReadWriteAsync() {
        let goroutines = Goroutines()
        let x = TracedVar(0, name: "x")
        let finished = TracedChannel<Bool>(name: "done")
        let c1 = TracedChannel<Int>(name: "c1")
        let c2 = TracedChannel<Int>(name: "c2")
        goroutines.go("selector") {
            let value = x[]
            TracedSelect.run { select in
                select.send(value, to: c1)
                select.send(1, to: c2)
            }
            finished.send(true)
        }
        TracedSelect.run { select in
            select.receive(from: c1) { x[] = $0 ?? 0 }
            select.send(1, to: c2)
        }
        _ = finished.receive()
        goroutines.joinAll()
    }

    /// `c1 <- x` reads x; `x = <-c2` writes it after receiving from another channel.
    static func raceChanReadWriteAsync() {
        let goroutines = Goroutines()
        let finished = TracedChannel<Bool>(name: "done")
        let c1 = TracedChannel<Int>(capacity: 10, name: "c1")
        let c2 = TracedChannel<Int>(capacity: 10, name: "c2")
        c2.send(10)
        let x = TracedVar(0, name: "x")
        goroutines.go("sender") {
            c1.send(x[])
            finished.send(true)
        }
        x[] = c2.receive() ?? 0
        _ = finished.receive()
        goroutines.joinAll()
    }

    /// The same on rendezvous channels, each with a partner thread of its own.
    static func raceChanReadWriteSync() {
        let goroutines = Goroutines()
        let finished = TracedChannel<Bool>(name: "done")
        let c1 = TracedChannel<Int>(name: "c1")
        let c2 = TracedChannel<Int>(name: "c2")
        goroutines.go("c1 receiver") { _ = c1.receive() }
        goroutines.go("c2 sender") { c2.send(10) }
        let x = TracedVar(0, name: "x")
        goroutines.go("sender") {
            c1.send(x[])
            finished.send(true)
        }
        x[] = c2.receive() ?? 0
        _ = finished.receive()
        goroutines.joinAll()
    }

    /// `c1 <- x` then `x = <-c1` on the same channel: ordered.
    static func noRaceChanReadWriteAsync() {
        let goroutines = Goroutines()
        let finished = TracedChannel<Bool>(name: "done")
        let c1 = TracedChannel<Int>(capacity: 10, name: "c1")
        let x = TracedVar(0, name: "x")
        goroutines.go("sender") {
            c1.send(x[])
            finished.send(true)
        }
        x[] = c1.receive() ?? 0
        _ = finished.receive()
        goroutines.joinAll()
    }

    /// A task, and the channel that says it is done.
    struct Task: Sendable {
        let work: @Sendable () -> Void
        let done: TracedChannel<Bool>
    }

    /// A worker runs a closure it receives and reports back; the caller reads what it wrote.
    static func noRaceProducerConsumerUnbuffered() {
        let goroutines = Goroutines()
        let queue = TracedChannel<Task>(name: "queue")
        goroutines.go("worker") {
            guard let task = queue.receive() else { return }
            task.work()
            task.done.send(true)
        }
        func run(_ work: @escaping @Sendable () -> Void) {
            let done = TracedChannel<Bool>(capacity: 1, name: "done")
            queue.send(Task(work: work, done: done))
            _ = done.receive()
        }
        let x = TracedVar(0, name: "x")
        run { x[] = 1 }
        _ = x[]
        goroutines.joinAll()
    }

    /// The variable c holds a channel: sending on it reads c, replacing the channel writes c.
    static func raceChanItselfSend() {
        let goroutines = Goroutines()
        let completed = TracedChannel<Bool>(capacity: 1, name: "compl")
        let c = TracedVar(TracedChannel<Int>(capacity: 10, name: "first"), name: "c")
        goroutines.go("sender") {
            c[].send(0)
            completed.send(true)
        }
        c[] = TracedChannel<Int>(capacity: 20, name: "second")
        _ = completed.receive()
        goroutines.joinAll()
    }

    /// Receiving from the channel in c reads c.
    static func raceChanItselfRecv() {
        let goroutines = Goroutines()
        let completed = TracedChannel<Bool>(capacity: 1, name: "compl")
        let c = TracedVar(TracedChannel<Int>(capacity: 10, name: "first"), name: "c")
        c[].send(1)
        let received = Gate()
        goroutines.go("receiver") {
            _ = c[].receive()
            received.open()
            completed.send(true)
        }
        received.wait()
        c[] = TracedChannel<Int>(capacity: 20, name: "second")
        _ = completed.receive()
        goroutines.joinAll()
    }

    /// Setting c to nil writes c.
    static func raceChanItselfNil() {
        let goroutines = Goroutines()
        let c = TracedVar<TracedChannel<Int>?>(TracedChannel<Int>(capacity: 10, name: "first"), name: "c")
        let sent = Gate()
        goroutines.go("sender") {
            c[]?.send(0)
            sent.open()
        }
        sent.wait()
        c[] = nil
        goroutines.joinAll()
    }

    /// Closing the channel in c reads c.
    static func raceChanItselfClose() {
        let goroutines = Goroutines()
        let completed = TracedChannel<Bool>(capacity: 1, name: "compl")
        let c = TracedVar(TracedChannel<Int>(name: "first"), name: "c")
        goroutines.go("closer") {
            c[].close()
            completed.send(true)
        }
        c[] = TracedChannel<Int>(name: "second")
        _ = completed.receive()
        goroutines.joinAll()
    }

    /// Asking the channel in c for its length or capacity reads c (TracedChannel has a capacity but
    /// no length; the read of c is what the case is about).
    static func raceChanItselfInspected(_ inspect: @escaping @Sendable (TracedChannel<Int>) -> Void) {
        let goroutines = Goroutines()
        let completed = TracedChannel<Bool>(capacity: 1, name: "compl")
        let c = TracedVar(TracedChannel<Int>(name: "first"), name: "c")
        goroutines.go("inspector") {
            inspect(c[])
            completed.send(true)
        }
        c[] = TracedChannel<Int>(name: "second")
        _ = completed.receive()
        goroutines.joinAll()
    }

    /// Looking at the length of a closed channel orders nothing (an untraced gate plays Go's sleep
    /// and `len`).
    static func raceChanCloseLen() {
        let goroutines = Goroutines()
        let v = TracedVar(0, name: "v")
        let c = TracedChannel<Int>(capacity: 10, name: "c")
        c.send(0)
        let closed = Gate()
        goroutines.go("closer") {
            v[] = 1
            c.close()
            closed.open()
        }
        closed.wait()
        v[] = 2
        goroutines.joinAll()
    }

    /// A channel of capacity 1 as a mutex: the k-th receive happens before the (k+1)-th send.
    static func noRaceChanMutex() {
        let goroutines = Goroutines()
        let finished = TracedChannel<Bool>(name: "done")
        let mtx = TracedChannel<Bool>(capacity: 1, name: "mtx")
        let data = TracedVar(0, name: "data")
        goroutines.go("other") {
            mtx.send(true)
            data[] = 42
            _ = mtx.receive()
            finished.send(true)
        }
        mtx.send(true)
        data[] = 43
        _ = mtx.receive()
        _ = finished.receive()
        goroutines.joinAll()
    }

    /// The same, each operation inside a select with a case that never fires.
    static func noRaceSelectMutex() {
        let goroutines = Goroutines()
        let finished = TracedChannel<Bool>(name: "done")
        let mtx = TracedChannel<Bool>(capacity: 1, name: "mtx")
        let aux = TracedChannel<Bool>(name: "aux")
        let data = TracedVar(0, name: "data")
        @Sendable func lock() {
            TracedSelect.run { select in
                select.send(true, to: mtx)
                select.receive(from: aux) { _ in }
            }
        }
        @Sendable func unlock() {
            TracedSelect.run { select in
                select.receive(from: mtx) { _ in }
                select.receive(from: aux) { _ in }
            }
        }
        goroutines.go("other") {
            lock()
            data[] = 42
            unlock()
            finished.send(true)
        }
        lock()
        data[] = 43
        unlock()
        _ = finished.receive()
        goroutines.joinAll()
    }

    /// A channel of capacity 2 as a mutex lets both in: no order.
    static func raceChanSem() {
        let goroutines = Goroutines()
        let finished = TracedChannel<Bool>(name: "done")
        let mtx = TracedChannel<Bool>(capacity: 2, name: "mtx")
        let data = TracedVar(0, name: "data")
        goroutines.go("other") {
            mtx.send(true)
            data[] = 42
            _ = mtx.receive()
            finished.send(true)
        }
        mtx.send(true)
        data[] = 43
        _ = mtx.receive()
        _ = finished.receive()
        goroutines.joinAll()
    }

    /// A channel of capacity 5 as a wait group for ten threads: filling it afterwards waits for
    /// every receive.
    static func noRaceChanWaitGroup() {
        let goroutines = Goroutines()
        let count = 10
        let slots = TracedChannel<Bool>(capacity: count / 2, name: "chanWg")
        let data = (0..<count).map { TracedVar(0, name: "data[\($0)]") }
        for i in 0..<count {
            slots.send(true)
            goroutines.go("worker \(i)") {
                data[i][] = 42
                _ = slots.receive()
            }
        }
        for _ in 0..<slots.capacity { slots.send(true) }
        for element in data { _ = element[] }
        goroutines.joinAll()
    }

    /// A sender blocked on a full channel still happens before the receive of its value.
    static func blockedSendSync(selecting: Bool) {
        let goroutines = Goroutines()
        let c = TracedChannel<TracedVar<Int>?>(capacity: 1, name: "c")
        c.send(nil)
        goroutines.go("sender") {
            let i = TracedVar(0, name: "i")
            i[] = 42
            c.send(i)
        }
        sleep(milliseconds: 10)
        _ = c.receive()
        var pointer: TracedVar<Int>??
        if selecting {
            let never = TracedChannel<Int>(name: "never")
            TracedSelect.run { select in
                select.receive(from: c) { pointer = $0 }
                select.receive(from: never) { _ in }
            }
        } else {
            pointer = c.receive()
        }
        guard case .some(.some(let i)) = pointer else { preconditionFailure("no second value") }
        precondition(i[] == 42)
        goroutines.joinAll()
    }
}
