import SyncTraceFormat
import Testing

/// RAPID's STD format (`T0|acq(L1)|12`) is a subset of the text form: STD traces load as they are.
/// The fixture is written in the style of the traces RAPID's tools print (numeric locations, dotted
/// and indexed variable names, hashed lock names, `begin`/`end` without arguments).
@Suite("RAPID STD compatibility")
struct RapidCompatibilityTests {
    @Test("an STD trace parses as it is, with its names and numeric locations kept")
    func stdFixture() throws {
        let url = try TestTraces.fixture("rapid-std.std")
        let read = try TestTraces.readAll(try TextTraceReader(path: url.path))
        #expect(read.ending == .complete)
        #expect(read.events.count == 22)
        #expect(read.symbols.threads.map(\.name) == ["T0", "T1", "T2"])
        #expect(read.symbols.threads.map(\.parent) == [nil, ThreadID(0), ThreadID(0)])
        let objects = read.symbols.objects.map { "\($0.name):\($0.kind)" }
        #expect(objects == [
            "L1:lock", "V234.23[0]:variable", "V16e92358.199:variable", "L2a45c47085:lock", "V45c470d5[0]:variable",
            "V123:variable",
        ])
        let resolved = TestTraces.resolved(read.events, read.symbols)
        #expect(resolved[0] == ResolvedEvent(thread: "T0", operation: .acquire, target: "L1", argument: 0, sequence: 0, location: "12"))
        #expect(resolved[6] == ResolvedEvent(thread: "T1", operation: .read, target: "V234.23[0]", argument: 0, sequence: 1, location: "45"))
        #expect(resolved[14] == ResolvedEvent(thread: "T1", operation: .begin, target: "", argument: 0, sequence: 0, location: "100"))
        #expect(resolved[17] == ResolvedEvent(thread: "T1", operation: .end, target: "", argument: 0, sequence: 0, location: "101"))
        #expect(resolved[21] == ResolvedEvent(thread: "T0", operation: .read, target: "V234.23[0]", argument: 0, sequence: 3, location: "456"))
        #expect(resolved.allSatisfy { $0.location.map { Int($0) != nil } ?? false })
    }

    @Test("an STD trace converts to binary and prints back as the same STD lines")
    func stdRoundTrip() throws {
        let text = try TestTraces.fixtureText("rapid-std.std")
        let binary = try TestTraces.binary(fromText: text, fileName: "rapid-std.std")
        let printed = try TestTraces.printText(try BinaryTraceReader(bytes: binary))
        #expect(printed == "# SyncTrace text form 1; program: rapid-std.std\n" + text)
    }

    @Test("STD lines as RAPID's README shows them, including a thread that is never forked")
    func readmeStyle() throws {
        let text = "T0|r(V123)|345\nT1|w(V234.23[0])|456\nT0|fork(T2)|123\nT2|acq(L34)|120\nT2|rel(L34)|130\nT0|join(T2)|134\n"
        let read = try TestTraces.readText(text)
        #expect(read.events.map(\.operation) == [.read, .write, .fork, .acquire, .release, .join])
        #expect(read.symbols.threads.map(\.name) == ["T0", "T1", "T2"])
    }
}
