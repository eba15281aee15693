import SyncTraceFormat
import Testing

/// The text form's stacks: `@image`, `@frame`, `@stack` and `@symbol` lines and an event's fourth
/// field, through both readers and both writers.
@Suite("Stacks in the text form")
struct TextStackTests {
    /// Two stacks of one call site (a helper reached from two callers), one raw frame, symbols.
    static let trace = """
        @image I0 abcd 0x1000 0x9000 /bin/app with spaces
        @frame F0 I0+0x10 pc
        @symbol F0 5 /src/main.swift|bump(_:)
        @frame F1 I0+0x20
        @symbol F1 9 /src/main.swift|caller|one()
        @frame F2 I0+0x30
        @frame F3 0x77
        @stack S0 F0 F1
        @stack S1 F0 F2 F3
        main|fork(T1)|main.swift:20
        main|w(x)|main.swift:5|S0
        T1|w(x)|main.swift:5|S1
        T1|r(x)|main.swift:5
        @symbol F2 12 -|two()
        """

    @Test("stacks read from text attach to distinct locations of one call site, and a plain one stays plain")
    func reading() throws {
        let read = try TestTraces.readText(Self.trace)
        let symbols = read.symbols
        let locations = read.events.map(\.location)
        #expect(symbols.location(locations[1]) == "main.swift:5" && symbols.location(locations[2]) == "main.swift:5")
        #expect(locations[1] != locations[2] && locations[2] != locations[3])
        #expect(symbols.stack(locations[3]).isEmpty)
        #expect(symbols.stack(locations[1]).map(\.description) == ["bump(_:) at /src/main.swift:5", "caller|one() at /src/main.swift:9"])
        // A frame known by its image only shows image+offset; one in no image, its address.
        #expect(symbols.stack(locations[2]).map(\.description) == ["bump(_:) at /src/main.swift:5", "two() at app with spaces+0x30", "?+0x77"])
        #expect(symbols.images == [TraceImage(path: "/bin/app with spaces", buildID: [0xAB, 0xCD], baseAddress: 0x1000, endOfText: 0x9000)])
        #expect(symbols.frames[2].symbols == [TraceFrameSymbol(function: "two()", file: nil, line: 12)])
    }

    @Test("text to binary to text gives the same stack lines; binary to binary keeps them")
    func roundTrip() throws {
        let read = try TestTraces.readText(Self.trace)
        let writer = TraceWriter(header: TraceHeader(formatVersion: TraceHeader.formatVersionWithoutStacks, program: "t"))
        try TraceConversion.copy(TextTraceReader(text: Self.trace, fileName: "t.trace"), to: writer)
        let binary = try TestTraces.readBinary(writer.bytes)
        #expect(binary.header.formatVersion == 2, "a writer whose header said 1 raises it for stacks")
        #expect(binary.symbols.images == read.symbols.images)
        #expect(binary.symbols.frames == read.symbols.frames)
        #expect(binary.events.map { binary.symbols.stack($0.location) } == read.events.map { read.symbols.stack($0.location) })
        var text = ""
        try TraceConversion.printText(try BinaryTraceReader(bytes: writer.bytes)) { text += $0 }
        let again = try TestTraces.readText(text)
        #expect(again.events.map { again.symbols.stack($0.location) } == read.events.map { read.symbols.stack($0.location) })
        #expect(text.contains("main|w(x)|main.swift:5|S0\n") && text.contains("T1|r(x)|main.swift:5\n"))
        #expect(text.contains("@symbol F1 9 /src/main.swift|caller|one()\n"))
    }

    @Test("each malformed stack line is its own error at its line", arguments: [
        ("@image I1 - 0x0 0x10 /a", "t.trace:1: image I1 declared, expected the next image I0"),
        ("@image I0 xyz 0x0 0x10 /a", "t.trace:1: image build id 'xyz' is not hex digits (or - for none)"),
        ("@image I0 - 0x20 0x10 /a", "t.trace:1: image base and end must be 0x addresses, the end not below the base"),
        ("@frame F0 I3+0x1", "t.trace:1: frame F0 names image I3, which is not declared (only 0 are)"),
        ("@frame F0 nowhere", "t.trace:1: frame place 'nowhere' is neither I<m>+0xOFFSET nor 0xADDRESS"),
        ("@frame F0 0x1\n@stack S0 F0 F4", "t.trace:2: stack S0 names frame F4, which is not declared (only 1 are)"),
        ("@frame F0 0x1\n@stack S1 F0", "t.trace:2: stack S1 declared, expected the next stack S0"),
        ("@stack S0", "t.trace:1: expected @stack S<n> F<a> F<b> …"),
        ("@symbol F0 1 a|f", "t.trace:1: @symbol names frame F0, which is not declared (only 0 are)"),
        ("@frame F0 0x1\n@symbol F0 x a|f", "t.trace:2: expected @symbol F<n> LINE FILE|FUNCTION"),
        ("@frame F0 0x1\n@symbol F0 1 a|f\n@frame F1 0x2\n@symbol F0 2 a|g", "t.trace:4: a second list of symbols for frame F0 (a frame's @symbol lines come together)"),
        ("@bogus", "t.trace:1: unknown declaration @bogus (expected @image, @frame, @stack or @symbol)"),
        ("T0|w(x)|a.swift:1|S0", "t.trace:1: stack S0 is not declared (only 0 are)"),
        ("T0|w(x)|a.swift:1|12", "t.trace:1: the fourth field, '12', is no stack name (S and a number, as a @stack line declares it; a location may not contain '|')"),
        ("T0|w(x)||S0", "t.trace:1: a line with a stack needs a location (the stack's call site)"),
        ("T0|w(x)|a|S0|x", "t.trace:1: expected THREAD|OPERATION, THREAD|OPERATION|LOCATION or THREAD|OPERATION|LOCATION|STACK, found 5 fields (a location may not contain '|')"),
    ])
    func malformed(text: String, expected: String) {
        do {
            _ = try TestTraces.readText(text)
            Issue.record("\(text) was accepted")
        } catch {
            #expect(error.description == expected)
        }
    }
}
