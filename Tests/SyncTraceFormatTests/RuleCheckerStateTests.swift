import SyncTraceFormat
import Testing

/// The rule checker's less common state: several read-lock holders, queued rendezvous senders, and
/// the checker used on its own with its own position names.
@Suite("Rule checker state")
struct RuleCheckerStateTests {
    @Test("read locks: several holders, re-entered, released in any order; the write side waits for all")
    func readLockHolders() {
        let shared = "T0|racq(L)\nT2|racq(L)\nT1|racq(L)\nT1|racq(L)\nT0|rrel(L)\nT1|rrel(L)"
        #expect(TestTraces.textError(shared + "\nT3|acq(L)")?.description == "t.trace:7: acq(L) by T3 while T2 holds L's read lock")
        #expect(TestTraces.textError(shared + "\nT1|acq(L)")?.description == "t.trace:7: acq(L) by T1 while it holds L's read lock")
        #expect(TestTraces.textError(shared + "\nT1|rrel(L)\nT2|rrel(L)\nT3|acq(L)\nT3|rel(L)") == nil)
        #expect(TestTraces.textError(shared + "\nT0|rrel(L)")?.description == "t.trace:7: rrel(L) by T0, which does not hold L's read lock")
        // A lock never read-locked has no read side to release.
        #expect(TestTraces.textError("T0|acq(L)\nT0|rel(L)\nT0|rrel(L)")?.description == "t.trace:3: rrel(L) by T0, which does not hold L's read lock")
    }

    @Test("rendezvous senders are received oldest first, each blocked until its own receive")
    func rendezvousQueue() {
        let sends = "T1|send(C)\nT2|send(C)\nT0|recv(C)"
        #expect(TestTraces.textError(sends + "\nT1|w(x)") == nil)
        #expect(
            TestTraces.textError(sends + "\nT2|w(x)")?.description
                == "t.trace:4: T2 has an event here, but its send(C) on the rendezvous channel (line 2) has not been received yet"
        )
        // The queue empties and fills again.
        #expect(TestTraces.textError(sends + "\nT0|recv(C)\nT2|send(C)\nT1|send(C)\nT0|recv(C)\nT0|recv(C)\nT1|w(x)\nT2|w(x)") == nil)
        // Two channels keep their own queues.
        #expect(TestTraces.textError("T1|send(C)\nT2|send(D)\nT0|recv(D)\nT2|w(x)") == nil)
    }

    @Test("the checker on its own: positions are what the caller counts, names come from the symbols")
    func standalone() {
        var symbols = TraceSymbols()
        symbols.threads = [ThreadDeclaration(id: ThreadID(0), name: "main"), ThreadDeclaration(id: ThreadID(1), name: "worker")]
        symbols.objects = [ObjectDeclaration(id: ObjectID(0), kind: .lock, name: "mutex"), ObjectDeclaration(id: ObjectID(1), kind: .channel, name: "jobs", capacity: 1)]
        var checker = TraceRuleChecker(positionName: "event")
        #expect(checker.check(TraceEvent(.acquire, thread: ThreadID(0), object: ObjectID(0)), at: 0, symbols: symbols) == nil)
        #expect(
            checker.check(TraceEvent(.acquire, thread: ThreadID(1), object: ObjectID(0)), at: 1, symbols: symbols)
                == "acq(mutex) by worker while main holds mutex (acquired on event 0)"
        )
        // The rejected event changed nothing: main still holds the lock, worker may not release it.
        #expect(checker.check(TraceEvent(.release, thread: ThreadID(1), object: ObjectID(0)), at: 2, symbols: symbols) == "rel(mutex) by worker, which does not hold mutex")
        #expect(checker.check(TraceEvent(.release, thread: ThreadID(0), object: ObjectID(0)), at: 3, symbols: symbols) == nil)
        // A declared capacity applies from the channel's first use.
        #expect(checker.check(TraceEvent(.send, thread: ThreadID(0), object: ObjectID(1)), at: 4, symbols: symbols) == nil)
        #expect(
            checker.check(TraceEvent(.send, thread: ThreadID(0), object: ObjectID(1)), at: 5, symbols: symbols)
                == "send(jobs) on a full channel: capacity 1, 1 value not yet received"
        )
        #expect(
            checker.check(TraceEvent(.write, thread: ThreadID(0), object: ObjectID(1)), at: 6, symbols: symbols)
                == "jobs is a channel (first used on event 4), but w needs a variable"
        )
    }

    @Test("integer arguments read as Int64 reads them: a sign, digits, in range")
    func integerArguments() throws {
        let read = try TestTraces.readText("T0|wgadd(W, +5)\nT0|wgadd(W, -9223372036854775808)\nT0|wgadd(W, 9223372036854775807)\nT0|chan(C, 007)\n")
        #expect(read.events.map(\.argument) == [5, Int64.min, Int64.max, 7])
        for bad in ["-", "+", "9223372036854775808", "-9223372036854775809", "1 2", "0x10", "--1"] {
            #expect(TestTraces.textError("T0|wgadd(W, \(bad))")?.description == "t.trace:1: wgadd(W, n) needs an integer, found '\(bad)'")
        }
    }
}
