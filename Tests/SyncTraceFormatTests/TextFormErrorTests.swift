import Foundation
import SyncTraceFormat
import Testing

/// Every way a text trace can be rejected, with the exact one-line message the CLI prints: the file,
/// the line, and what was expected or which happens-before rule the line breaks.
@Suite("Text form errors")
struct TextFormErrorTests {
    static let nameRule = #"names match [A-Za-z_][A-Za-z0-9_.\[\]]*"#
    static let operations =
        "fork, join, acq, rel, racq, rrel, req, r, w, aload, astore, armw, chan, send, recv, close, wgadd, wgdone, wgwait, begin, end, "
        + "semsignal, semwait, csignal, cbroadcast, cwait"

    /// Malformed lines: (trace, the error's description).
    static let syntaxErrors: [(String, String)] = [
        ("T0 acq(L)", "t.trace:1: expected THREAD|OPERATION or THREAD|OPERATION|LOCATION, found no '|'"),
        (
            "T0|w(x)\nT0|acq(L)|Main.swift|12",
            "t.trace:2: the fourth field, '12', is no stack name (S and a number, as a @stack line declares it; a location may not contain '|')"
        ),
        ("worker 1|acq(L)", "t.trace:1: invalid thread name 'worker 1': \(nameRule)"),
        ("1T|acq(L)", "t.trace:1: invalid thread name '1T': \(nameRule)"),
        ("|acq(L)", "t.trace:1: missing thread name"),
        ("T0|fork(T 1)", "t.trace:1: invalid thread name 'T 1' in fork(…): \(nameRule)"),
        ("T0|acq(L-1)", "t.trace:1: invalid lock name 'L-1' in acq(…): \(nameRule)"),
        ("T0|r(@x)", "t.trace:1: invalid variable name '@x' in r(…): \(nameRule)"),
        ("T0|chan(, 2)", "t.trace:1: missing channel name in chan(…)"),
        ("T0|wgwait(W!)", "t.trace:1: invalid wait group name 'W!' in wgwait(…): \(nameRule)"),
        ("T0|lock(L)|3", "t.trace:1: unknown operation 'lock' (expected one of: \(operations))"),
        ("T0|read", "t.trace:1: unknown operation 'read' (expected one of: \(operations))"),
        ("T0|resume", "t.trace:1: resume is written only by the recorder (it orders a recorded trace's batches); a text trace lists each thread's events in order instead"),
        ("T0|exit", "t.trace:1: exit is written only by the recorder (it orders a recorded trace's batches); a text trace lists each thread's events in order instead"),
        ("T0|", "t.trace:1: missing operation after 'T0|'"),
        ("T0|acq(L", "t.trace:1: operation 'acq(L' is missing its closing ')'"),
        ("T0|acq(L))", "t.trace:1: operation 'acq(L))' has unbalanced parentheses"),
        ("T0|chan(C, -1)", "t.trace:1: chan(C, k) needs a capacity 0 ≤ k ≤ 2147483647, found -1"),
        ("T0|chan(C, 2147483648)", "t.trace:1: chan(C, k) needs a capacity 0 ≤ k ≤ 2147483647, found 2147483648"),
        ("T0|chan(C, two)", "t.trace:1: chan(C, k) needs an integer, found 'two'"),
        ("T0|wgadd(W, 1.5)", "t.trace:1: wgadd(W, n) needs an integer, found '1.5'"),
        ("T0|wgadd(W, )", "t.trace:1: wgadd(W, n) needs an integer, found ''"),
        ("T0|wgadd(W, 99999999999999999999)", "t.trace:1: wgadd(W, n) needs an integer, found '99999999999999999999'"),
        ("T0|begin(x)", "t.trace:1: begin takes no arguments: write 'begin'"),
        ("T0|end()|4", "t.trace:1: end takes no arguments: write 'end'"),
        ("T0|aload(A, releasing)", "t.trace:1: aload(A, ORDERING): aload cannot be releasing (aload is relaxed, acquiring or sequentiallyConsistent)"),
        (
            "T0|astore(A, acquiring)",
            "t.trace:1: astore(A, ORDERING): astore cannot be acquiring (astore is relaxed, releasing or sequentiallyConsistent)"
        ),
        (
            "T0|astore(A, acquiringAndReleasing)",
            "t.trace:1: astore(A, ORDERING): astore cannot be acquiringAndReleasing (astore is relaxed, releasing or sequentiallyConsistent)"
        ),
        (
            "T0|armw(A, acqrel)",
            "t.trace:1: armw(A, ORDERING): unknown ordering 'acqrel' "
                + "(armw is relaxed, acquiring, releasing, acquiringAndReleasing or sequentiallyConsistent)"
        ),
        ("T0|aload(A, )", "t.trace:1: aload(A, ORDERING): unknown ordering '' (aload is relaxed, acquiring or sequentiallyConsistent)"),
        ("T0|aload(A, 1)", "t.trace:1: aload(A, ORDERING): unknown ordering '1' (aload is relaxed, acquiring or sequentiallyConsistent)"),
        ("T0|aload(1A, relaxed)", "t.trace:1: invalid variable name '1A' in aload(…): \(nameRule)"),
    ]

    /// Each kind of operation with the wrong number of arguments.
    static let arityErrors: [(String, String)] = [
        ("T0|fork", "t.trace:1: fork takes one argument, a thread name: fork(U)"),
        ("T0|join(T1, T2)", "t.trace:1: join takes one argument, a thread name: join(U)"),
        ("T0|acq", "t.trace:1: acq takes one argument, a lock name: acq(L)"),
        ("T0|rel()", "t.trace:1: rel takes one argument, a lock name: rel(L)"),
        ("T0|r(V, W)", "t.trace:1: r takes one argument, a variable name: r(V)"),
        ("T0|armw", "t.trace:1: armw takes one or two arguments, a variable name and an ordering: armw(A) or armw(A, ORDERING)"),
        (
            "T0|aload(A, relaxed, acquiring)",
            "t.trace:1: aload takes one or two arguments, a variable name and an ordering: aload(A) or aload(A, ORDERING)"
        ),
        ("T0|send()", "t.trace:1: send takes one argument, a channel name: send(C)"),
        ("T0|wgwait(W, 1)", "t.trace:1: wgwait takes one argument, a wait group name: wgwait(W)"),
        ("T0|wgdone", "t.trace:1: wgdone takes one argument, a wait group name: wgdone(W)"),
        ("T0|chan(C)", "t.trace:1: chan takes two arguments: chan(C, k)"),
        ("T0|wgadd(W)", "t.trace:1: wgadd takes two arguments: wgadd(W, n)"),
        ("T0|wgadd(W, 1, 2)", "t.trace:1: wgadd takes two arguments: wgadd(W, n)"),
    ]

    /// Lines that parse but break a happens-before rule of the text form (`Sources/SyncTraceFormat/SyncTraceFormat.docc/TextForm.md`).
    static let ruleViolations: [(String, String)] = [
        (
            "T0|chan(C, 1)\nT1|recv(C)",
            "t.trace:2: recv(C) with no send to receive: C has had 0 sends and 0 receives, and is not closed"
        ),
        (
            "T0|send(C)\nT1|recv(C)\nT1|recv(C)",
            "t.trace:3: recv(C) with no send to receive: C has had 1 send and 1 receive, and is not closed"
        ),
        ("T0|fork(T1)\nT0|acq(L)\nT1|rel(L)", "t.trace:3: rel(L) by T1, which does not hold L"),
        ("T0|racq(L)\nT0|rel(L)", "t.trace:2: rel(L) by T0, which does not hold L"),
        ("T0|racq(L)\nT1|rrel(L)", "t.trace:2: rrel(L) by T1, which does not hold L's read lock"),
        ("T0|acq(L)|1\nT1|acq(L)|2", "t.trace:2: acq(L) by T1 while T0 holds L (acquired on line 1)"),
        ("T0|racq(L)\nT1|acq(L)", "t.trace:2: acq(L) by T1 while T0 holds L's read lock"),
        ("T0|racq(L)\nT0|acq(L)", "t.trace:2: acq(L) by T0 while it holds L's read lock"),
        ("T0|acq(L)\nT1|racq(L)", "t.trace:2: racq(L) by T1 while T0 holds L (acquired on line 1)"),
        ("T0|acq(L)\nT0|racq(L)", "t.trace:2: racq(L) by T0 while it holds L (acquired on line 1)"),
        (
            "T0|send(C)|1\nT0|w(x)|2",
            "t.trace:2: T0 has an event here, but its send(C) on the rendezvous channel (line 1) has not been received yet"
        ),
        (
            "T0|chan(C, 0)\nT0|fork(T1)\nT1|send(C)\nT0|join(T1)",
            "t.trace:4: join(T1) while T1 is still blocked in send(C) (line 3)"
        ),
        ("T0|chan(C, 1)\nT0|send(C)\nT0|send(C)", "t.trace:3: send(C) on a full channel: capacity 1, 1 value not yet received"),
        (
            "T0|chan(C, 2)\nT0|send(C)\nT0|send(C)\nT1|recv(C)\nT0|send(C)\nT0|send(C)",
            "t.trace:6: send(C) on a full channel: capacity 2, 2 values not yet received"
        ),
        ("T0|chan(C, 1)\nT0|close(C)\nT0|send(C)", "t.trace:3: send(C) on a closed channel (closed on line 2)"),
        ("T0|close(C)\n# again\nT0|close(C)", "t.trace:3: close(C) of a channel already closed (line 1)"),
        (
            "T0|close(C)\nT0|chan(C, 1)",
            "t.trace:2: chan(C, 1) must come before C's other operations (C was first used on line 1)"
        ),
        ("T0|chan(C, 1)\nT0|chan(C, 2)", "t.trace:2: chan(C, 2) declares C again (declared on line 1)"),
        ("T1|w(x)\nT0|fork(T1)", "t.trace:2: fork(T1) comes after T1's first event (line 1)"),
        ("T0|w(x)\nT1|fork(T0)", "t.trace:2: fork(T0) comes after T0's first event (line 1)"),
        ("T0|fork(T1)\nT0|fork(T1)", "t.trace:2: T1 was already forked (line 1)"),
        ("T0|fork(T0)", "t.trace:1: fork(T0) by T0: a thread cannot fork itself"),
        ("T0|w(x)\nT0|join(T0)", "t.trace:2: join(T0) by T0: a thread cannot join itself"),
        ("T0|fork(T1)\nT1|w(x)\nT0|join(T1)\nT1|r(x)", "t.trace:4: T1 has an event after it was joined (line 3)"),
        ("T0|acq(L)\nT0|rel(L)\nT0|r(L)", "t.trace:3: L is a lock (first used on line 1), but r needs a variable"),
        ("T0|w(V)\nT0|send(V)", "t.trace:2: V is a variable (first used on line 1), but send needs a channel"),
        ("T0|chan(C, 1)\nT0|wgwait(C)", "t.trace:2: C is a channel (first used on line 1), but wgwait needs a wait group"),
        ("T0|wgdone(W)\nT0|acq(W)", "t.trace:2: W is a wait group (first used on line 1), but acq needs a lock"),
        ("T0|aload(A)\nT0|racq(A)", "t.trace:2: A is a variable (first used on line 1), but racq needs a lock"),
    ]

    @Test("each syntax error names the file, the line and what was expected", arguments: syntaxErrors)
    func syntaxError(text: String, message: String) {
        #expect(TestTraces.textError(text)?.description == message)
    }

    @Test("each kind of operation with the wrong number of arguments is an error", arguments: arityErrors)
    func arityError(text: String, message: String) {
        #expect(TestTraces.textError(text)?.description == message)
    }

    @Test("each happens-before rule violation is an error at its line", arguments: ruleViolations)
    func ruleViolation(text: String, message: String) {
        #expect(TestTraces.textError(text)?.description == message)
        // The same lines without the offending last line are fine: the message is about that line.
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let prefix = lines.dropLast().joined(separator: "\n")
        // (A one-line violation leaves no lines: no trace, which is an error of its own.)
        if !prefix.isEmpty {
            #expect(TestTraces.textError(prefix) == nil, "the lines before the violation should parse")
        }
    }

    @Test("a message without a file name says <input>")
    func noFileName() {
        #expect(TestTraces.textError("T0|frob", fileName: "")?.description.hasPrefix("<input>:1: unknown operation 'frob'") == true)
    }

    @Test("a line that is not UTF-8 is an error at its line")
    func invalidUTF8() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("latin1.std")
        let bytes = Array("T0|w(x)|1\nT0|r(x)|caf".utf8) + [0xE9] + Array("\n".utf8)
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        #expect(throws: TraceFormatError(file: path, position: .line(2), reason: "line is not valid UTF-8")) {
            _ = try TestTraces.readAll(TextTraceReader(path: path))
        }
    }

    @Test("the events before a rejected line are handed out, and the error is thrown at that line")
    func errorAfterEvents() throws {
        let reader = TextTraceReader(text: "T0|w(x)\nT0|r(x)\nT0|rel(L)\n", fileName: "t.trace")
        var events: [TraceEvent] = []
        #expect(throws: TraceFormatError(file: "t.trace", position: .line(3), reason: "rel(L) by T0, which does not hold L")) {
            _ = try reader.nextBatch(into: &events)
        }
    }

    @Test("valid traces that come close to each rule are accepted")
    func nearMisses() throws {
        let accepted = [
            // A rendezvous send may be followed by the sender's events once the recv has happened.
            "T0|send(C)\nT1|recv(C)\nT0|w(x)\nT0|send(C)\nT1|recv(C)",
            // A recv of a closed, empty channel; a recv after close still gets an earlier send first.
            "T0|chan(C, 2)\nT0|send(C)\nT0|close(C)\nT1|recv(C)\nT1|recv(C)\nT1|recv(C)",
            // Readers share an rwlock; the write side follows their rrel.
            "T0|racq(L)\nT1|racq(L)\nT0|rrel(L)\nT1|rrel(L)\nT2|acq(L)\nT2|rel(L)",
            // A lock taken again by its holder (a recursive mutex) and released as often.
            "T0|acq(L)\nT0|acq(L)\nT0|rel(L)\nT0|rel(L)\nT1|acq(L)",
            // A buffered channel up to its capacity, then one more after a recv.
            "T0|chan(C, 2)\nT0|send(C)\nT0|send(C)\nT1|recv(C)\nT0|send(C)",
            // Plain and atomic accesses of the same variable (mixing is what races are made of).
            "T0|w(V)\nT1|aload(V)\nT1|armw(V)",
            // Threads that are never forked, joined threads with no events, req without acq.
            "T5|w(x)\nT6|join(T7)\nT6|req(L)",
        ]
        for text in accepted {
            #expect(TestTraces.textError(text) == nil, "\(text)")
        }
    }
}
