import SyncTraceFormat
import Testing

/// The memory ordering of atomic operations in both forms: every ordering survives text → binary →
/// text and binary → binary; format versions 1 and 2, which have no orderings, still read (their
/// atomics sequentially consistent) and are still written byte for byte; an ordering an operation
/// cannot have is refused by the parser, the writer, the reader and the rule checker.
@Suite("Atomic orderings in the trace")
struct AtomicOrderingFormatTests {
    typealias Raw = MalformedRecordTests.Raw

    /// Every (operation, ordering) pair Swift's ordering types allow.
    static let pairs: [(TraceOperation, TraceAtomicOrdering)] = [TraceOperation.atomicLoad, .atomicStore, .atomicReadModifyWrite].flatMap {
        operation in TraceAtomicOrdering.allCases.filter { $0.isValid(for: operation) }.map { (operation, $0) }
    }

    @Test("the orderings each operation may have are Swift's: loads, stores and updates")
    func orderingsPerOperation() {
        let names = { (operation: TraceOperation) in
            TraceAtomicOrdering.allCases.filter { $0.isValid(for: operation) }.map(\.textName)
        }
        #expect(names(.atomicLoad) == ["sequentiallyConsistent", "relaxed", "acquiring"])
        #expect(names(.atomicStore) == ["sequentiallyConsistent", "relaxed", "releasing"])
        #expect(names(.atomicReadModifyWrite) == ["sequentiallyConsistent", "relaxed", "acquiring", "releasing", "acquiringAndReleasing"])
        #expect(names(.read).isEmpty && names(.acquire).isEmpty)
        #expect(Self.pairs.count == 11)
        #expect(TraceAtomicOrdering.allCases.filter(\.acquires).map(\.textName) == ["sequentiallyConsistent", "acquiring", "acquiringAndReleasing"])
        #expect(TraceAtomicOrdering.allCases.filter(\.releases).map(\.textName) == ["sequentiallyConsistent", "releasing", "acquiringAndReleasing"])
        for ordering in TraceAtomicOrdering.allCases { #expect(TraceAtomicOrdering(textName: ordering.textName) == ordering) }
        #expect(TraceAtomicOrdering(textName: "acqrel") == nil && TraceAtomicOrdering(rawValue: 5) == nil)
    }

    @Test("an event holds its ordering in its argument and stays 40 bytes; other operations have none")
    func eventProperty() {
        #expect(MemoryLayout<TraceEvent>.stride == 40)
        let thread = ThreadID(0)
        let object = ObjectID(0)
        #expect(TraceEvent(.atomicLoad, thread: thread, object: object).atomicOrdering == .sequentiallyConsistent)
        for (operation, ordering) in Self.pairs {
            let event = TraceEvent(operation, thread: thread, object: object, ordering: ordering)
            #expect(event.operation == operation && event.atomicOrdering == ordering && event.argument == Int64(ordering.rawValue))
        }
        #expect(TraceEvent(.read, thread: thread, object: object).atomicOrdering == nil)
        #expect(TraceEvent(.makeChannel, thread: thread, object: object, argument: 1).atomicOrdering == nil)
        #expect(TraceEvent(.atomicLoad, thread: thread, object: object, argument: 3).atomicOrdering == nil, "no releasing load")
        #expect(TraceEvent(.atomicStore, thread: thread, object: object, argument: 99).atomicOrdering == nil)
    }

    /// One line per (operation, ordering), each ordering named but sequentially consistent, which the
    /// printer writes as the bare operation.
    static var everyOrderingText: String {
        Self.pairs.enumerated().map { index, pair in
            let (operation, ordering) = pair
            let argument = ordering == .sequentiallyConsistent ? "" : ", \(ordering.textName)"
            return "T\(index % 2)|\(operation.textName)(A\(argument))|main.swift:\(index + 1)\n"
        }.joined()
    }

    @Test("text → binary → text keeps every ordering, and the events carry them")
    func textRoundTrip() throws {
        let text = Self.everyOrderingText
        let read = try TestTraces.readText(text)
        #expect(read.events.map(\.operation) == Self.pairs.map(\.0))
        #expect(read.events.map(\.atomicOrdering) == Self.pairs.map(\.1))
        let binary = try TestTraces.binary(fromText: text)
        let fromBinary = try TestTraces.readBinary(binary)
        #expect(fromBinary.header.formatVersion == 3)
        #expect(fromBinary.events.map(\.atomicOrdering) == Self.pairs.map(\.1))
        let printed = try TestTraces.printText(try BinaryTraceReader(bytes: binary))
        #expect(printed == TextRoundTripTests.preamble.replacingOccurrences(of: "t.trace", with: "t.trace") + text)
        #expect(try TestTraces.readText(printed).events == read.events)
    }

    @Test("a sequentially consistent ordering, named or not, prints as the bare operation")
    func namedDefault() throws {
        let text = "T0|aload(A, sequentiallyConsistent)\nT0|astore( A , sequentiallyConsistent )\nT0|armw(A,sequentiallyConsistent)\nT0|aload(A , relaxed )\n"
        let printed = try TestTraces.printText(TextTraceReader(text: text, fileName: "t.trace"))
        #expect(printed == TextRoundTripTests.preamble + "T0|aload(A)\nT0|astore(A)\nT0|armw(A)\nT0|aload(A, relaxed)\n")
    }

    @Test("binary → binary keeps every ordering")
    func binaryRoundTrip() throws {
        let writer = TraceWriter(header: TraceHeader(program: "p"))
        let threads = [try writer.declareThread(name: "a"), try writer.declareThread(name: "b")]
        let atomic = try writer.declareObject(kind: .atomic, name: "A")
        let events = Self.pairs.enumerated().map { index, pair in
            TraceEvent(pair.0, thread: threads[index % 2], object: atomic, ordering: pair.1, sequence: UInt64(index))
        }
        try writer.write(events)
        try writer.finish()
        let read = try TestTraces.readBinary(writer.bytes)
        #expect(read.header.formatVersion == TraceHeader.currentFormatVersion)
        #expect(read.events == events)
        let copy = TraceWriter(header: read.header)
        try TraceConversion.copy(try BinaryTraceReader(bytes: writer.bytes), to: copy)
        #expect(try TestTraces.readBinary(copy.bytes).events == events)
    }

    /// Declares string 0 ("a"), thread 0, and object 0, an atomic named "a".
    static func withAtomic(_ raw: Raw) -> Raw {
        raw.withThread.byte(0x03).varint(0).byte(ObjectKind.atomic.rawValue).varint(0).varint(0).varint(0)
    }

    static func header(version: UInt64) -> Raw {
        Raw().magic("SYTR").varint(version).string("p").varint(0).varint(1)
    }

    @Test("format versions 1 and 2 read, their atomics sequentially consistent: no ordering byte follows", arguments: [UInt64(1), 2])
    func oldVersions(version: UInt64) throws {
        // aload(a), astore(a), armw(a), each: opcode, object 0, sequence delta 0. Then a w(a).
        let raw = Self.withAtomic(Self.header(version: version)).batch(count: 4, [10, 0, 0, 11, 0, 0, 12, 0, 0, 9, 0, 0]).byte(0x05).varint(4)
        let read = try TestTraces.readBinary(MalformedRecordTests.frame(raw.bytes))
        #expect(read.header.formatVersion == Int(version))
        #expect(read.events.map(\.operation) == [.atomicLoad, .atomicStore, .atomicReadModifyWrite, .write])
        #expect(read.events.map(\.sequence) == [0, 1, 2, 3])
        #expect(read.events.prefix(3).allSatisfy { $0.atomicOrdering == .sequentiallyConsistent })
    }

    @Test("version 3 reads an ordering byte after an atomic's object, and rejects an ordering the operation cannot have")
    func versionThree() throws {
        // aload(a, relaxed): 10, object 0, ordering 1 (zigzag 2), sequence 0; armw(a, acquiringAndReleasing): zigzag 8.
        let raw = Self.withAtomic(Self.header(version: 3)).batch(count: 2, [10, 0, 2, 0, 12, 0, 8, 0]).byte(0x05).varint(2)
        let read = try TestTraces.readBinary(MalformedRecordTests.frame(raw.bytes))
        #expect(read.events.map(\.atomicOrdering) == [.relaxed, .acquiringAndReleasing])
        let start = MalformedRecordTests.headerLength + MalformedRecordTests.threadLength + 6 + 8
        // A releasing load (code 3, zigzag 6).
        let releasingLoad = Self.withAtomic(Self.header(version: 3)).batch(count: 1, [10, 0, 6, 0])
        #expect(
            MalformedRecordTests.error(releasingLoad)
                == MalformedRecordTests.at(start + 2, "aload with ordering code 3: expected one of 1 (relaxed), 2 (acquiring), 0 (sequentiallyConsistent)")
        )
        // An acquiring store (code 2, zigzag 4), and a code no ordering has (5, zigzag 10).
        #expect(MalformedRecordTests.error(Self.withAtomic(Self.header(version: 3)).batch(count: 1, [11, 0, 4, 0]))?.contains("astore with ordering code 2") == true)
        #expect(MalformedRecordTests.error(Self.withAtomic(Self.header(version: 3)).batch(count: 1, [12, 0, 10, 0]))?.contains("armw with ordering code 5") == true)
        #expect(MalformedRecordTests.error(Self.withAtomic(Self.header(version: 3)).batch(count: 1, [12, 0, 1, 0]))?.contains("armw with ordering code -1") == true)
    }

    @Test("a version 1 or 2 writer writes atomics byte for byte as before, and refuses any other ordering", arguments: [1, 2])
    func oldVersionWriter(version: Int) throws {
        let writer = TraceWriter(header: TraceHeader(formatVersion: version, program: "p"))
        let thread = try writer.declareThread(name: "a")
        let atomic = try writer.declareObject(kind: .atomic, name: "A")
        try writer.write([TraceEvent(.atomicLoad, thread: thread, object: atomic), TraceEvent(.atomicStore, thread: thread, object: atomic, sequence: 1)])
        let v3 = TraceWriter(header: TraceHeader(program: "p"))
        _ = try v3.declareThread(name: "a")
        _ = try v3.declareObject(kind: .atomic, name: "A")
        try v3.write([TraceEvent(.atomicLoad, thread: thread, object: atomic), TraceEvent(.atomicStore, thread: thread, object: atomic, sequence: 1)])
        #expect(throws: TraceIOError.self) {
            try writer.write([TraceEvent(.atomicStore, thread: thread, object: atomic, ordering: .releasing, sequence: 2)])
        }
        do {
            try writer.write([TraceEvent(.atomicStore, thread: thread, object: atomic, ordering: .relaxed, sequence: 2)])
        } catch {
            #expect(error.description.contains("atomic orderings need format version 3 (this trace's header says \(version))"), "\(error)")
        }
        try writer.finish()
        try v3.finish()
        #expect(v3.rawByteCount == writer.rawByteCount + 2, "one ordering byte per atomic from version 3")
        let read = try TestTraces.readBinary(writer.bytes)
        #expect(read.header.formatVersion == version)
        #expect(read.events.map(\.atomicOrdering) == [.sequentiallyConsistent, .sequentiallyConsistent])
    }

    @Test("the writer refuses an ordering the operation cannot have")
    func invalidOrderingWritten() throws {
        let writer = TraceWriter(header: TraceHeader(program: "p"))
        let thread = try writer.declareThread(name: "a")
        let atomic = try writer.declareObject(kind: .atomic, name: "A")
        do {
            try writer.write([TraceEvent(.atomicLoad, thread: thread, object: atomic, argument: 3)])
            Issue.record("a releasing load was written")
        } catch {
            #expect(error.description.contains("has argument 3, which is no ordering aload may have"), "\(error)")
        }
        try writer.finish()
        #expect(try TestTraces.readBinary(writer.bytes).events.isEmpty)
    }

    @Test("the rule checker refuses an event whose ordering its operation cannot have")
    func ruleChecker() {
        var symbols = TraceSymbols()
        symbols.threads = [ThreadDeclaration(id: ThreadID(0), name: "T0")]
        symbols.objects = [ObjectDeclaration(id: ObjectID(0), kind: .atomic, name: "A")]
        var checker = TraceRuleChecker()
        #expect(checker.check(TraceEvent(.atomicStore, thread: ThreadID(0), object: ObjectID(0), ordering: .releasing), at: 1, symbols: symbols) == nil)
        let violation = checker.check(TraceEvent(.atomicStore, thread: ThreadID(0), object: ObjectID(0), argument: 2), at: 2, symbols: symbols)
        #expect(violation == "astore(A) with ordering code 2, which is no ordering astore may have (relaxed, releasing, sequentiallyConsistent)")
    }
}
