import SyncTraceFormat
import Testing

/// text → `TextTraceReader` → `TraceWriter` → binary → `TraceConversion.printText` → text again gives
/// back the same events in the same order, and for a trace already in canonical form, the same text.
@Suite("Text round trips")
struct TextRoundTripTests {
    /// The preamble `printText` puts before the events of a trace converted from `t.trace`.
    static let preamble = "# SyncTrace text form 1; program: t.trace\n"

    /// Parses `text`, converts it to binary, prints it, and parses the print.
    static func roundTrip(_ text: String, frameContent: Int = 1 << 20) throws -> (first: ReadTrace, printed: String, second: ReadTrace) {
        let first = try TestTraces.readText(text)
        let binary = try TestTraces.binary(fromText: text, frameContent: frameContent)
        let printed = try TestTraces.printText(try BinaryTraceReader(bytes: binary))
        let second = try TestTraces.readText(printed)
        return (first, printed, second)
    }

    /// `text` without comments and blank lines: what printing it gives back.
    static func withoutComments(_ text: String) -> String {
        text.split(separator: "\n").filter { !$0.hasPrefix("#") && !$0.isEmpty }.map { $0 + "\n" }.joined()
    }

    @Test("a canonical trace prints back line for line, and parses to the same events")
    func canonicalFixture() throws {
        let text = try TestTraces.fixtureText("pipeline.trace")
        let (first, printed, second) = try Self.roundTrip(text, frameContent: 1024)
        #expect(first.events.count == 40)
        #expect(printed == Self.preamble + Self.withoutComments(text))
        #expect(second.events == first.events)
        #expect(second.symbols == first.symbols)
        #expect(second.ending == .complete)
    }

    @Test("a messy trace (comments, spaces, CRLF, empty locations) prints in canonical form")
    func messyInput() throws {
        let messy = "# comment\r\n\r\n T0 | fork( T1 ) | a.swift:1 \r\nT1|chan( C ,1 )|\r\nT1 | send(C)\r\n\tT0|recv(C)|b.swift:2\r\nT0|wgadd(W,-2)\r\nT0|begin|\r\n"
        let canonical = "T0|fork(T1)|a.swift:1\nT1|chan(C, 1)\nT1|send(C)\nT0|recv(C)|b.swift:2\nT0|wgadd(W, -2)\nT0|begin\n"
        let (first, printed, second) = try Self.roundTrip(messy)
        #expect(printed == Self.preamble + canonical)
        #expect(second.events == first.events)
        #expect(try TestTraces.readText(canonical).events == first.events)
    }

    @Test("every operation of the text form survives the round trip")
    func everyOperation() throws {
        let text = TextFormParsingTests.everyOperation
        let (first, printed, second) = try Self.roundTrip(text)
        #expect(printed == Self.preamble + text)
        #expect(second.events == first.events)
    }

    @Test("a long generated trace survives the round trip through many small frames")
    func longTrace() throws {
        var text = "T0|chan(C, 3)\nT0|wgadd(W, 400)\n"
        for worker in 1...4 { text += "T0|fork(T\(worker))|Main.swift:\(worker)\n" }
        for round in 0..<400 {
            let worker = 1 + round % 4
            text += "T\(worker)|acq(L)|Counter.swift:7\nT\(worker)|r(counter)|Counter.swift:8\n"
            text += "T\(worker)|w(counter)|Counter.swift:8\nT\(worker)|rel(L)|Counter.swift:9\n"
            text += "T\(worker)|send(C)|Queue.swift:\(round % 13)\nT0|recv(C)\nT\(worker)|wgdone(W)\n"
        }
        text += "T0|wgwait(W)\n"
        for worker in 1...4 { text += "T0|join(T\(worker))\n" }
        let (first, printed, second) = try Self.roundTrip(text, frameContent: 1024)
        #expect(first.events.count == 2 + 4 + 400 * 7 + 1 + 4)
        #expect(printed == Self.preamble + text)
        #expect(second.events == first.events)
    }

    @Test("names that are not text names print as unique valid names, with comments, and parse back")
    func sanitizedNames() throws {
        let writer = TraceWriter(header: TraceHeader(program: "app\nwith | odd name"))
        let site = try writer.intern("main.swift:12")
        let barSite = try writer.intern("odd|file.swift:3")
        let main = try writer.declareThread(name: "main")
        let threadNames = ["worker 1", "worker_1", "", "1st", "Tâche", "main"]
        var workers: [ThreadID] = []
        for name in threadNames { workers.append(try writer.declareThread(name: name, parent: main, location: site)) }
        let variable = try writer.declareObject(kind: .variable, name: "TracedVar@main.swift:12", location: site)
        let twin = try writer.declareObject(kind: .variable, name: "TracedVar@main.swift:12", location: site)
        let lock = try writer.declareObject(kind: .rwLock, name: "lock #1")
        let channel = try writer.declareObject(kind: .channel, name: "ch→out", capacity: 1)
        let group = try writer.declareObject(kind: .waitGroup, name: "")
        let counter = try writer.declareObject(kind: .atomic, name: "9lives")

        var events: [TraceEvent] = []
        for worker in workers { events.append(TraceEvent(operation: .fork, thread: main, target: worker.rawValue, location: site)) }
        events += [
            TraceEvent(.write, thread: workers[0], object: variable, sequence: 0, location: site),
            TraceEvent(.read, thread: workers[1], object: twin, sequence: 0, location: barSite),
            TraceEvent(.readAcquire, thread: workers[2], object: lock, sequence: 0),
            TraceEvent(.readRelease, thread: workers[2], object: lock, sequence: 1),
            TraceEvent(.makeChannel, thread: workers[3], object: channel, argument: 1, sequence: 0),
            TraceEvent(.send, thread: workers[3], object: channel, sequence: 1),
            TraceEvent(.waitGroupAdd, thread: workers[4], object: group, argument: -7, sequence: 0),
            TraceEvent(.atomicReadModifyWrite, thread: workers[5], object: counter, sequence: 0),
            TraceEvent(.receive, thread: main, object: channel, sequence: 2),
            TraceEvent(.acquire, thread: main, object: lock, sequence: 2),
            TraceEvent(.write, thread: main, object: variable, sequence: 1),
        ]
        try writer.write(events)
        try writer.finish()
        let original = try TestTraces.readBinary(writer.bytes)
        let printed = try TestTraces.printText(try BinaryTraceReader(bytes: writer.bytes))

        // The header's program is one comment line, whatever it holds.
        #expect(printed.hasPrefix("# SyncTrace text form 1; program: app with   odd name\n"))
        // Declaration comments say what a printed name cannot.
        #expect(printed.contains("# thread worker_1: named \"worker 1\", created by main at main.swift:12\n"))
        #expect(printed.contains("# thread worker_1_2: named \"worker_1\", created by main at main.swift:12\n"))
        #expect(printed.contains("# thread main_2: named \"main\", created by main at main.swift:12\n"))
        #expect(printed.contains("# TracedVar_main.swift_12: named \"TracedVar@main.swift:12\", variable created at main.swift:12\n"))
        #expect(printed.contains("# TracedVar_main.swift_12_2: named \"TracedVar@main.swift:12\", variable created at main.swift:12\n"))
        #expect(printed.contains("# thread T3: named \"\", created by main at main.swift:12\n"))
        #expect(printed.contains("# lock__1: named \"lock #1\"\n"))
        #expect(printed.contains("worker_1|w(TracedVar_main.swift_12)|main.swift:12\n"))
        #expect(printed.contains("worker_1_2|r(TracedVar_main.swift_12_2)|odd file.swift:3\n"))

        let reparsed = try TestTraces.readText(printed)
        // Same events: same operations, threads and objects (by their numbering), arguments,
        // sequence numbers; locations as text (a '|' cannot be in a text location).
        struct Shape: Equatable {
            var operation: TraceOperation, thread: ThreadID, target: UInt32, argument: Int64, sequence: UInt64, location: String?
        }
        func shapes(_ trace: ReadTrace) -> [Shape] {
            trace.events.map {
                Shape(
                    operation: $0.operation, thread: $0.thread, target: $0.target, argument: $0.argument,
                    sequence: $0.sequence, location: trace.symbols.location($0.location)?.replacingOccurrences(of: "|", with: " ")
                )
            }
        }
        #expect(shapes(reparsed) == shapes(original))
        #expect(reparsed.symbols.threads.count == original.symbols.threads.count)
        #expect(reparsed.symbols.objects.count == original.symbols.objects.count)
        // Printed names are unique and valid.
        let printedThreads = reparsed.symbols.threads.map(\.name)
        #expect(Set(printedThreads).count == printedThreads.count)
        #expect(printedThreads == ["main", "worker_1", "worker_1_2", "T3", "_1st", "T_che", "main_2"])
        #expect(reparsed.symbols.objects.map(\.name) == [
            "TracedVar_main.swift_12", "TracedVar_main.swift_12_2", "lock__1", "ch_out", "waitgroup4", "_9lives",
        ])
    }
}
