import Foundation
import SyncTraceFormat
import SyncTraceTestSupport
import Testing

/// Everything a reader handed out, read to the end.
struct ReadTrace {
    var header: TraceHeader
    var events: [TraceEvent]
    var symbols: TraceSymbols
    var ending: TraceEnding
    var recordByteCount: Int?
    var inputByteCount: Int
}

/// An event with its names and location resolved, for comparing traces whose ids or string tables
/// may be numbered differently.
struct ResolvedEvent: Hashable, CustomStringConvertible {
    var thread: String
    var operation: TraceOperation
    var target: String
    var argument: Int64
    var sequence: UInt64
    var location: String?

    var description: String {
        "\(self.thread)|\(self.operation)(\(self.target), \(self.argument))#\(self.sequence)|\(self.location ?? "-")"
    }
}

enum TestTraces {
    /// Reads `source` to its end.
    static func readAll(_ source: any TraceEventSource) throws(TraceFormatError) -> ReadTrace {
        var all: [TraceEvent] = []
        var batch: [TraceEvent] = []
        while try source.nextBatch(into: &batch) { all.append(contentsOf: batch) }
        return ReadTrace(
            header: source.header,
            events: all,
            symbols: source.symbols,
            ending: source.ending,
            recordByteCount: source.recordByteCount,
            inputByteCount: source.inputByteCount
        )
    }

    /// Reads a binary trace held in memory to its end.
    static func readBinary(_ bytes: [UInt8], fileName: String = "") throws(TraceFormatError) -> ReadTrace {
        try self.readAll(try BinaryTraceReader(bytes: bytes, fileName: fileName))
    }

    /// Parses a text trace to its end.
    static func readText(_ text: String, fileName: String = "t.trace") throws(TraceFormatError) -> ReadTrace {
        try self.readAll(TextTraceReader(text: text, fileName: fileName))
    }

    /// The error that reading the binary trace `bytes` throws, or `nil` when it reads.
    static func binaryError(_ bytes: [UInt8]) -> TraceFormatError? {
        do {
            _ = try self.readBinary(bytes)
            return nil
        } catch {
            return error
        }
    }

    /// The error that parsing `text` throws, or `nil` when it parses.
    static func textError(_ text: String, fileName: String = "t.trace") -> TraceFormatError? {
        do {
            _ = try self.readText(text, fileName: fileName)
            return nil
        } catch {
            return error
        }
    }

    /// Converts a text trace into a binary one in memory, as `synctrace convert` does.
    static func binary(fromText text: String, fileName: String = "t.trace", frameContent: Int = 1 << 20) throws -> [UInt8] {
        let writer = TraceWriter(header: TraceHeader(program: fileName), frameContent: frameContent)
        try TraceConversion.copy(TextTraceReader(text: text, fileName: fileName), to: writer)
        return writer.bytes
    }

    /// The text form of any trace, as `synctrace dump` prints it.
    static func printText(_ source: any TraceEventSource) throws -> String {
        var text = ""
        try TraceConversion.printText(source) { (chunk: String) throws(TraceIOError) in text += chunk }
        return text
    }

    /// `events` with names and locations resolved through `symbols`.
    static func resolved(_ events: [TraceEvent], _ symbols: TraceSymbols) -> [ResolvedEvent] {
        events.map { event in
            let target: String
            switch event.operation.target {
            case .none: target = ""
            case .thread: target = symbols.thread(event.otherThread).name
            case .object: target = symbols.object(event.object).name
            }
            return ResolvedEvent(
                thread: symbols.thread(event.thread).name,
                operation: event.operation,
                target: target,
                argument: event.argument,
                sequence: event.sequence,
                location: symbols.location(event.location)
            )
        }
    }

    /// The URL of a file in `Fixtures/`.
    static func fixture(_ name: String) throws -> URL {
        let url = Bundle.module.resourceURL!.appendingPathComponent("Fixtures").appendingPathComponent(name)
        guard FileManager.default.fileExists(atPath: url.path) else {
            throw FixtureMissing(name: name, path: url.path)
        }
        return url
    }

    /// The text of a file in `Fixtures/`.
    static func fixtureText(_ name: String) throws -> String {
        try String(contentsOf: self.fixture(name), encoding: .utf8)
    }

    struct FixtureMissing: Error, CustomStringConvertible {
        var name: String
        var path: String
        var description: String { "fixture \(self.name) is missing (looked at \(self.path))" }
    }
}

/// A directory under the system's temporary directory, removed when the test is done with it.
final class TemporaryDirectory {
    let path: String

    init() throws {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("SyncTraceFormatTests-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        self.path = url.path
    }

    deinit {
        try? FileManager.default.removeItem(atPath: self.path)
    }

    func file(_ name: String) -> String { self.path + "/" + name }
}

/// A random but well-formed binary trace: every thread, object and location is declared before the
/// first event that names it (objects and locations lazily, in the middle of the stream), each
/// operation names an object of its family, and the fields a binary event does not carry (a
/// sequence number without an object, an argument the operation does not take) are zero. Atomic
/// operations have orderings, which the header's version (the current one) holds.
struct RandomTrace {
    struct Object {
        var kind: ObjectKind
        var name: String
        var location: Int?
        var capacity: Int
    }

    var header: TraceHeader
    var threadNames: [String]
    var objects: [Object] = []
    var locations: [String] = []
    var events: [TraceEvent] = []

    /// Generates `eventCount` events by `threadCount` threads.
    init(seed: UInt64, eventCount: Int, threadCount: Int = 7) {
        var random = SeededGenerator(seed: seed)
        self.header = TraceHeader(
            program: "random-\(seed) ✓",
            startTime: random.next() >> 1,
            clockResolution: UInt64.random(in: 1...1000, using: &random)
        )
        // Names a text form could not hold, duplicates and the empty string are all fine in binary.
        let threadBaseNames = ["main", "worker 1", "worker 1", "", "Tâche №3", "T5", "queue.com.example"]
        self.threadNames = (0..<threadCount).map { threadBaseNames[$0 % threadBaseNames.count] }
        var nextSequence: [UInt64] = []
        var timestamp = UInt64.random(in: 0...1_000_000, using: &random)
        let operations = TraceOperation.allCases
        for _ in 0..<eventCount {
            let operation = operations.randomElement(using: &random)!
            let thread = ThreadID(UInt32.random(in: 0..<UInt32(threadCount), using: &random))
            var event = TraceEvent(operation: operation, thread: thread)
            switch operation.target {
            case .none:
                break
            case .thread:
                event.target = UInt32.random(in: 0..<UInt32(threadCount), using: &random)
            case .object(let family):
                let object = self.pickObject(family: family, using: &random)
                if object == nextSequence.count { nextSequence.append(0) }
                event.target = UInt32(object)
                // A `req` carries no sequence number.
                guard operation.hasSequence else { break }
                // Mostly the next number of the object, sometimes a jump anywhere (other threads'
                // operations not in this trace, or a wrapped counter).
                let sequence = Int.random(in: 0..<10, using: &random) == 0 ? random.next() : nextSequence[object]
                event.sequence = sequence
                nextSequence[object] = sequence &+ 1
            }
            if operation.isAtomic {
                // An ordering the operation may have: sequentially consistent (0) half the time.
                let orderings = TraceAtomicOrdering.allCases.filter { $0.isValid(for: operation) }
                if Bool.random(using: &random) { event.argument = Int64(orderings.randomElement(using: &random)!.rawValue) }
            }
            if operation.hasArgument {
                switch Int.random(in: 0..<6, using: &random) {
                case 0: event.argument = Int64.min
                case 1: event.argument = Int64.max
                case 2: event.argument = Int64.random(in: -5 ... -1, using: &random)
                case 3: event.argument = Int64(bitPattern: random.next())
                default: event.argument = Int64.random(in: 0...100, using: &random)
                }
            }
            switch Int.random(in: 0..<20, using: &random) {
            case 0: timestamp = random.next()
            case 1: timestamp = timestamp &- UInt64.random(in: 1...1000, using: &random)
            case 2...5: break
            default: timestamp = timestamp &+ UInt64.random(in: 1...5000, using: &random)
            }
            event.timestamp = timestamp
            if Int.random(in: 0..<4, using: &random) != 0 {
                event.location = StringID(UInt32(self.pickLocation(using: &random)))
            }
            self.events.append(event)
        }
    }

    /// An existing object of `family`, or a new one (the next id): often while there are few objects,
    /// rarely after that.
    private mutating func pickObject(family: ObjectFamily, using random: inout SeededGenerator) -> Int {
        let candidates = self.objects.indices.filter { family.admits(self.objects[$0].kind) }
        let odds = self.objects.count < 40 ? 5 : 200
        if let existing = candidates.randomElement(using: &random), Int.random(in: 0..<odds, using: &random) != 0 {
            return existing
        }
        let kinds = ObjectKind.allCases.filter { family.admits($0) }
        let kind = kinds.randomElement(using: &random)!
        let names = ["counter", "TracedVar@main.swift:12", "lock", "", "ch", "wg", "Ωmega", "a|b"]
        let name = "\(names.randomElement(using: &random)!)\(Int.random(in: 0..<3, using: &random))"
        let location = Bool.random(using: &random) ? self.pickLocation(using: &random) : nil
        let capacity = kind == .channel ? Int.random(in: 0...Int(Int32.max), using: &random) : 0
        self.objects.append(Object(kind: kind, name: name, location: location, capacity: capacity))
        return self.objects.count - 1
    }

    private mutating func pickLocation(using random: inout SeededGenerator) -> Int {
        if let existing = self.locations.indices.randomElement(using: &random), Int.random(in: 0..<8, using: &random) != 0 {
            return existing
        }
        let files = ["main.swift", "Worker.swift", "Sources/App/Pipeline.swift", "Ünïcode.swift"]
        self.locations.append("\(files.randomElement(using: &random)!):\(Int.random(in: 1...9999, using: &random))")
        return self.locations.count - 1
    }

    /// Writes the trace in chunks of random length, declaring each object and location just before
    /// the first chunk that needs it. The events' location ids are rewritten to the writer's string
    /// ids; the returned events are what a reader must give back.
    func write(frameContent: Int, seed: UInt64) throws -> (writer: TraceWriter, events: [TraceEvent]) {
        var random = SeededGenerator(seed: seed)
        let writer = TraceWriter(header: self.header, frameContent: frameContent)
        var threadIDs: [ThreadID] = []
        for (index, name) in self.threadNames.enumerated() {
            let parent = index == 0 ? nil : threadIDs.randomElement(using: &random)
            threadIDs.append(try writer.declareThread(name: name, parent: parent))
        }
        var locationIDs: [StringID?] = Array(repeating: nil, count: self.locations.count)
        func locationID(_ index: Int) throws -> StringID {
            if let id = locationIDs[index] { return id }
            let id = try writer.intern(self.locations[index])
            locationIDs[index] = id
            return id
        }
        var declaredObjects = 0
        var written: [TraceEvent] = []
        var start = 0
        while start < self.events.count {
            let length = Int.random(in: 1...200, using: &random)
            let end = min(start + length, self.events.count)
            var chunk = Array(self.events[start..<end])
            for index in chunk.indices {
                if let location = chunk[index].location { chunk[index].location = try locationID(location.index) }
                if chunk[index].operation.hasObject {
                    while declaredObjects <= chunk[index].object.index {
                        let object = self.objects[declaredObjects]
                        let id = try writer.declareObject(
                            kind: object.kind,
                            name: object.name,
                            location: try object.location.map(locationID),
                            capacity: object.capacity
                        )
                        #expect(id.index == declaredObjects)
                        declaredObjects += 1
                    }
                }
            }
            try writer.write(chunk)
            written.append(contentsOf: chunk)
            start = end
        }
        try writer.finish()
        return (writer, written)
    }
}
