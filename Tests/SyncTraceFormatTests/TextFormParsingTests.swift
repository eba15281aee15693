import Foundation
import SyncTraceFormat
import Testing

/// Golden tests of the text form (`Sources/SyncTraceFormat/SyncTraceFormat.docc/TextForm.md`): each operation parses to the right event, and the
/// layout rules (comments, blank lines, optional location, spaces, CRLF) hold.
@Suite("Text form parsing")
struct TextFormParsingTests {
    /// One line per operation of the text form, in an order that respects every rule.
    static let everyOperation = """
        T0|fork(T1)|main.swift:1
        T1|acq(L)|Locks.swift:2
        T1|rel(L)
        T1|racq(RW)|3
        T1|rrel(RW)|4
        T1|req(M)|5
        T1|acq(M)|5
        T1|rel(M)|6
        T1|r(V)|7
        T1|w(V)|8
        T1|aload(A)|9
        T1|astore(A)|10
        T1|armw(A)|11
        T0|chan(C, 2)|12
        T0|send(C)|13
        T1|recv(C)|14
        T0|close(C)|15
        T0|wgadd(W, 2)|16
        T0|wgadd(W, -1)|17
        T1|wgdone(W)|18
        T0|wgwait(W)|19
        T1|begin|20
        T1|end|21
        T1|semsignal(S)|23
        T1|req(S)|24
        T1|semwait(S)|24
        T1|csignal(K)|25
        T1|cbroadcast(K)|26
        T1|cwait(K)|27
        T0|join(T1)|22

        """

    @Test("every operation parses to its event: operation, thread, target, argument, location")
    func everyOperationParses() throws {
        let read = try TestTraces.readText(Self.everyOperation)
        #expect(read.ending == .complete)
        let expected: [(TraceOperation, String, String, Int64, String?)] = [
            (.fork, "T0", "T1", 0, "main.swift:1"),
            (.acquire, "T1", "L", 0, "Locks.swift:2"),
            (.release, "T1", "L", 0, nil),
            (.readAcquire, "T1", "RW", 0, "3"),
            (.readRelease, "T1", "RW", 0, "4"),
            (.request, "T1", "M", 0, "5"),
            (.acquire, "T1", "M", 0, "5"),
            (.release, "T1", "M", 0, "6"),
            (.read, "T1", "V", 0, "7"),
            (.write, "T1", "V", 0, "8"),
            (.atomicLoad, "T1", "A", 0, "9"),
            (.atomicStore, "T1", "A", 0, "10"),
            (.atomicReadModifyWrite, "T1", "A", 0, "11"),
            (.makeChannel, "T0", "C", 2, "12"),
            (.send, "T0", "C", 0, "13"),
            (.receive, "T1", "C", 0, "14"),
            (.close, "T0", "C", 0, "15"),
            (.waitGroupAdd, "T0", "W", 2, "16"),
            (.waitGroupAdd, "T0", "W", -1, "17"),
            (.waitGroupDone, "T1", "W", 0, "18"),
            (.waitGroupWait, "T0", "W", 0, "19"),
            (.begin, "T1", "", 0, "20"),
            (.end, "T1", "", 0, "21"),
            (.semaphoreSignal, "T1", "S", 0, "23"),
            (.request, "T1", "S", 0, "24"),
            (.semaphoreWait, "T1", "S", 0, "24"),
            (.conditionSignal, "T1", "K", 0, "25"),
            (.conditionBroadcast, "T1", "K", 0, "26"),
            (.conditionWait, "T1", "K", 0, "27"),
            (.join, "T0", "T1", 0, "22"),
        ]
        let resolved = TestTraces.resolved(read.events, read.symbols)
        try #require(resolved.count == expected.count)
        for (event, want) in zip(resolved, expected) {
            #expect(event.operation == want.0, "\(event)")
            #expect(event.thread == want.1, "\(event)")
            #expect(event.target == want.2, "\(event)")
            #expect(event.argument == want.3, "\(event)")
            #expect(event.location == want.4, "\(event)")
        }
        // Every TraceOperation appears (but those only the recorder writes): the table above covers
        // the whole text form.
        #expect(Set(read.events.map(\.operation)) == Set(TraceOperation.allCases.filter { !$0.isRecorderOnly }))
    }

    @Test("objects get their kind from the first operation and a sequence number per operation")
    func kindsAndSequences() throws {
        let read = try TestTraces.readText(Self.everyOperation)
        let objects = Dictionary(uniqueKeysWithValues: read.symbols.objects.map { ($0.name, $0) })
        #expect(objects["L"]?.kind == .lock)
        #expect(objects["RW"]?.kind == .lock)
        #expect(objects["M"]?.kind == .lock)
        #expect(objects["V"]?.kind == .variable)
        #expect(objects["A"]?.kind == .atomic)
        #expect(objects["C"]?.kind == .channel)
        #expect(objects["C"]?.capacity == 2)
        #expect(objects["W"]?.kind == .waitGroup)
        // Threads in order of first appearance; a forked thread's parent is its forker.
        #expect(read.symbols.threads.map(\.name) == ["T0", "T1"])
        #expect(read.symbols.threads[1].parent == ThreadID(0))
        #expect(read.symbols.threads[0].parent == nil)
        // Sequence numbers count each object's operations from zero.
        let channel = read.events.filter { $0.operation.hasObject && read.symbols.object($0.object).name == "C" }
        #expect(channel.map(\.sequence) == [0, 1, 2, 3])
        let waitGroup = read.events.filter { $0.operation.hasObject && read.symbols.object($0.object).name == "W" }
        #expect(waitGroup.map(\.sequence) == [0, 1, 2, 3])
        #expect(read.events.filter { !$0.operation.hasObject }.allSatisfy { $0.sequence == 0 })
    }

    @Test("comments, blank lines, spaces around fields and arguments, and CRLF line endings are accepted")
    func layout() throws {
        let messy = [
            "# a comment",
            "   # an indented comment with | bars | and (parentheses",
            "",
            "   ",
            "\t",
            "  T0 | fork( T1 ) | main.swift:1  ",
            "T1|chan(  C ,3 )|Chan.swift:9 in worker()",
            "T1 |send(C)",
            "T1|send(C)|",
            "T0|recv(C)|#not a comment",
            "T0|wgadd(W,-3)|x",
            "\tT0\t|\tr(V234.23[0])\t|\t45",
            "T0|begin",
            "T0|end|",
        ].joined(separator: "\r\n") + "\r\n"
        let read = try TestTraces.readText(messy)
        #expect(read.ending == .complete)
        let resolved = TestTraces.resolved(read.events, read.symbols)
        let expected = [
            ResolvedEvent(thread: "T0", operation: .fork, target: "T1", argument: 0, sequence: 0, location: "main.swift:1"),
            ResolvedEvent(thread: "T1", operation: .makeChannel, target: "C", argument: 3, sequence: 0, location: "Chan.swift:9 in worker()"),
            ResolvedEvent(thread: "T1", operation: .send, target: "C", argument: 0, sequence: 1, location: nil),
            ResolvedEvent(thread: "T1", operation: .send, target: "C", argument: 0, sequence: 2, location: nil),
            ResolvedEvent(thread: "T0", operation: .receive, target: "C", argument: 0, sequence: 3, location: "#not a comment"),
            ResolvedEvent(thread: "T0", operation: .waitGroupAdd, target: "W", argument: -3, sequence: 0, location: "x"),
            ResolvedEvent(thread: "T0", operation: .read, target: "V234.23[0]", argument: 0, sequence: 0, location: "45"),
            ResolvedEvent(thread: "T0", operation: .begin, target: "", argument: 0, sequence: 0, location: nil),
            ResolvedEvent(thread: "T0", operation: .end, target: "", argument: 0, sequence: 0, location: nil),
        ]
        #expect(resolved == expected)
        #expect(read.symbols.object(ObjectID(0)).capacity == 3)
    }

    @Test("a line number counts comment, blank and CRLF lines")
    func lineNumbersCountEveryLine() {
        let text = "# header\r\n\r\nT0|acq(L)\r\n   \r\nT1|rel(L)\r\n"
        #expect(TestTraces.textError(text)?.description == "t.trace:5: rel(L) by T1, which does not hold L")
    }

    @Test("empty input and input of only comments and blank lines hold no trace: an error that says so")
    func emptyInputs() throws {
        #expect(TestTraces.textError("")?.description == "t.trace: the file is empty: no trace was written to it (the process may have died before its first write)")
        let cases = [
            ("\n", "its one line is"), ("# nothing here\n\n", "its 2 lines are all"), ("# no final newline", "its one line is"),
            ("  \r\n# a\n\t\n", "its 3 lines are all"),
        ]
        for (text, lines) in cases {
            #expect(
                TestTraces.textError(text)?.description == "t.trace: no trace: \(lines) blank or comments, and a text trace is its event lines",
                "\(text.debugDescription)"
            )
        }
        // One event line is a trace, whatever surrounds it.
        #expect(try TestTraces.readText("# a comment\n\nT0|w(x)\n# another\n").events.count == 1)
    }

    @Test("the last line needs no newline")
    func noFinalNewline() throws {
        let read = try TestTraces.readText("T0|w(x)\nT0|r(x)|7")
        #expect(read.events.map(\.operation) == [.write, .read])
        #expect(read.symbols.location(read.events[1].location) == "7")
    }

    @Test("threads and objects are separate namespaces, names are case-sensitive")
    func namespaces() throws {
        let read = try TestTraces.readText("X|acq(X)\nX|rel(X)\nx|w(x)\n")
        #expect(read.symbols.threads.map(\.name) == ["X", "x"])
        #expect(read.symbols.objects.map(\.name) == ["X", "x"])
        #expect(read.symbols.objects.map(\.kind) == [.lock, .variable])
    }

    @Test("a trace longer than one batch is read whole, in order")
    func manyBatches() throws {
        var text = ""
        for index in 0..<(TextTraceReader.batchSize * 2 + 17) { text += "T\(index % 3)|w(V\(index % 5))|\(index)\n" }
        let read = try TestTraces.readText(text)
        #expect(read.events.count == TextTraceReader.batchSize * 2 + 17)
        #expect(read.events.enumerated().allSatisfy { read.symbols.location($0.element.location) == String($0.offset) })
    }

    @Test("a text trace read from a file names the file in its header and its errors")
    func fromFile() throws {
        let directory = try TemporaryDirectory()
        let path = directory.file("bad.std")
        try "T0|w(x)|1\nT0|frob(x)|2\n".write(toFile: path, atomically: true, encoding: .utf8)
        let reader = try TextTraceReader(path: path)
        #expect(reader.header.program == path)
        #expect(throws: TraceFormatError.self) { _ = try TestTraces.readAll(reader) }
        #expect(throws: TraceFormatError.self) { _ = try TextTraceReader(path: directory.file("missing.std")) }
        do {
            _ = try TestTraces.readAll(TextTraceReader(path: path))
        } catch {
            #expect(error.description.hasPrefix("\(path):2: unknown operation 'frob'"))
            return
        }
        Issue.record("bad.std parsed without an error")
    }
}
