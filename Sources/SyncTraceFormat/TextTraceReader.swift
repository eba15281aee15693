/// Reads the text form (see `TEXT-FORM.md`; RAPID STD files included) as a stream of event batches.
///
/// Threads and objects are numbered in order of first appearance; an object's kind comes from the
/// first operation that names it. Every line is checked twice: for its syntax, and against the
/// happens-before rules by a ``TraceRuleChecker``. The first malformed line throws a
/// ``TraceFormatError`` naming the file, the line and what was expected; so does input without a
/// single event line (empty, or only blank lines and comments), which holds no trace.
public final class TextTraceReader: TraceEventSource {
    /// Events per batch: enough to amortize the call, small enough to stay in cache.
    public static let batchSize = 4096

    private let fileName: String
    private let lines: LineSplitter
    private var lineNumber = 0
    private var checker = TraceRuleChecker(positionName: "line")
    private var threadIDs: [Substring: ThreadID] = [:]
    private var objectIDs: [Substring: ObjectID] = [:]
    private var stringIDs: [Substring: StringID] = [:]
    private var nextSequence: [UInt64] = []
    /// Objects named so far only by `req`, whose kind (a lock, by default) the next operation decides:
    /// a recorded trace may show a thread asking for a semaphore before anyone signals it.
    private var namedOnlyByRequests: Set<ObjectID> = []

    public let header: TraceHeader
    public private(set) var symbols = TraceSymbols()
    public private(set) var ending = TraceEnding.open
    public private(set) var eventCount: UInt64 = 0
    /// Always 0: the text form has no way to say that events were lost.
    public var droppedEventCount: UInt64 { 0 }
    public var inputByteCount: Int { self.lines.consumedBytes }
    public var recordByteCount: Int? { nil }

    /// Opens a text trace file.
    ///
    /// - Throws: ``TraceFormatError`` when the file cannot be opened.
    public convenience init(path: String) throws(TraceFormatError) {
        let input: FileByteInput
        do {
            input = try FileByteInput(path: path)
        } catch {
            throw TraceFormatError(file: path, position: .input, reason: error.reason)
        }
        self.init(input: input, fileName: path)
    }

    /// Reads a text trace held in a string; `fileName` is what error messages call it.
    public convenience init(text: String, fileName: String = "") {
        self.init(input: MemoryByteInput(bytes: Array(text.utf8)), fileName: fileName)
    }

    init(input: any TraceByteInput, fileName: String) {
        self.fileName = fileName
        self.lines = LineSplitter(input: input)
        self.header = TraceHeader(program: fileName)
    }

    public func nextBatch(into events: inout [TraceEvent]) throws(TraceFormatError) -> Bool {
        events.removeAll(keepingCapacity: true)
        while events.count < Self.batchSize {
            let bytes: UnsafeBufferPointer<UInt8>?
            do {
                bytes = try self.lines.nextLine()
            } catch {
                switch error {
                case .tooLong:
                    throw self.error(at: self.lineNumber + 1, "line is longer than \(LineSplitter.maximumLineLength) bytes")
                case .io(let error):
                    throw TraceFormatError(file: self.fileName, position: .input, reason: error.reason)
                }
            }
            guard let bytes else {
                // The text form has no header: a trace is its event lines, and a file without one
                // is no trace (an empty file is what a process that died before writing leaves).
                if self.eventCount == 0 && events.isEmpty { throw self.noTrace() }
                self.ending = .complete
                break
            }
            self.lineNumber += 1
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw self.error(at: self.lineNumber, "line is not valid UTF-8")
            }
            let parsed: ParsedLine?
            do {
                parsed = try TextLineParser.parse(text[...])
            } catch {
                throw self.error(at: self.lineNumber, error.reason)
            }
            guard let parsed else { continue }
            let event = try self.resolve(parsed)
            if let violation = self.checker.check(event, at: self.lineNumber, symbols: self.symbols) {
                throw self.error(at: self.lineNumber, violation)
            }
            if event.operation.hasSequence {
                self.nextSequence[event.object.index] += 1
            }
            events.append(event)
        }
        self.eventCount += UInt64(events.count)
        return !events.isEmpty
    }

    /// The error for input without a single event line.
    private func noTrace() -> TraceFormatError {
        guard self.lines.consumedBytes > 0 else { return .noTrace(file: self.fileName) }
        let lines = self.lineNumber == 1 ? "its one line is" : "its \(self.lineNumber) lines are all"
        return TraceFormatError(
            file: self.fileName,
            position: .input,
            reason: "no trace: \(lines) blank or comments, and a text trace is its event lines"
        )
    }

    private func error(at line: Int, _ reason: String) -> TraceFormatError {
        TraceFormatError(file: self.fileName, position: .line(line), reason: reason)
    }

    /// Turns names into ids, declaring what is new, and numbers the event within its object.
    private func resolve(_ line: ParsedLine) throws(TraceFormatError) -> TraceEvent {
        let thread = self.thread(named: line.thread, parent: nil)
        var event = TraceEvent(operation: line.operation, thread: thread, argument: line.argument)
        switch line.operation.target {
        case .none:
            break
        case .thread:
            let parent = line.operation == .fork ? thread : nil
            event.target = self.thread(named: line.target, parent: parent).rawValue
        case .object:
            let object = self.object(named: line.target, firstOperation: line.operation, argument: line.argument)
            event.target = object.rawValue
            if line.operation.hasSequence { event.sequence = self.nextSequence[object.index] }
        }
        event.location = line.location.map { self.intern($0) }
        return event
    }

    private func intern(_ text: Substring) -> StringID {
        if let id = self.stringIDs[text] { return id }
        let id = StringID(UInt32(self.symbols.strings.count))
        self.symbols.strings.append(String(text))
        self.stringIDs[text] = id
        return id
    }

    private func thread(named name: Substring, parent: ThreadID?) -> ThreadID {
        if let id = self.threadIDs[name] { return id }
        _ = self.intern(name)
        let id = ThreadID(UInt32(self.symbols.threads.count))
        self.symbols.threads.append(ThreadDeclaration(id: id, name: String(name), parent: parent))
        self.threadIDs[name] = id
        return id
    }

    private func object(named name: Substring, firstOperation: TraceOperation, argument: Int64) -> ObjectID {
        if let id = self.objectIDs[name] {
            if firstOperation != .request, self.namedOnlyByRequests.remove(id) != nil,
                case .object(let family) = firstOperation.target
            {
                self.symbols.objects[id.index].kind = family.kind(firstNamedBy: firstOperation)
                if firstOperation == .makeChannel { self.symbols.objects[id.index].capacity = Int(argument) }
            }
            return id
        }
        _ = self.intern(name)
        guard case .object(let family) = firstOperation.target else { preconditionFailure("not an object operation") }
        let kind = family.kind(firstNamedBy: firstOperation)
        let id = ObjectID(UInt32(self.symbols.objects.count))
        let capacity = firstOperation == .makeChannel ? Int(argument) : 0
        self.symbols.objects.append(ObjectDeclaration(id: id, kind: kind, name: String(name), capacity: capacity))
        self.objectIDs[name] = id
        self.nextSequence.append(0)
        if firstOperation == .request { self.namedOnlyByRequests.insert(id) }
        return id
    }
}
