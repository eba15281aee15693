/// Turns text lines into checked events: UTF-8 check, parse, names to ids, happens-before rules.
///
/// A value type so that its line loop works on its tables in place (no copies, no reference counting
/// per line); ``TextTraceReader`` owns one and hands it the lines a batch at a time.
struct TextEventDecoder {
    /// What error messages call the input.
    let fileName: String
    /// Lines read so far, blank and comment lines included.
    private(set) var lineNumber = 0
    private let parser = TextLineParser()
    /// The names declared so far, and the tables that resolve them.
    private(set) var names = TextNameResolver()
    private var checker = TraceRuleChecker(positionName: "line")

    init(fileName: String) {
        self.fileName = fileName
    }

    /// Appends the events of the next lines to `events` until it holds `limit`; returns whether
    /// the input ended (every line read).
    ///
    /// - Throws: ``TraceFormatError`` at the first line that is too long, not UTF-8, malformed or
    ///   against a rule, or when the input cannot be read.
    mutating func decode(
        from lines: LineSplitter,
        into events: inout [TraceEvent],
        limit: Int
    ) throws(TraceFormatError) -> Bool {
        var parsed = ParsedLine.empty
        while events.count < limit {
            let line: UnsafeBufferPointer<UInt8>?
            do {
                line = try lines.nextLine()
            } catch {
                switch error {
                case .tooLong:
                    throw self.error(at: self.lineNumber + 1, "line is longer than \(LineSplitter.maximumLineLength) bytes")
                case .io(let error):
                    throw TraceFormatError(file: self.fileName, position: .input, reason: error.reason)
                }
            }
            guard let line else { return true }
            self.lineNumber += 1
            guard Self.isASCII(line) || String(validating: line, as: UTF8.self) != nil else {
                throw self.error(at: self.lineNumber, "line is not valid UTF-8")
            }
            if Self.isDeclaration(line) {
                let directive: TextStackDirective
                do {
                    directive = try TextStackDirective.parse(String(decoding: line, as: UTF8.self))
                } catch {
                    throw self.error(at: self.lineNumber, error.reason)
                }
                if let reason = self.names.apply(directive) { throw self.error(at: self.lineNumber, reason) }
                continue
            }
            let isEvent: Bool
            do {
                isEvent = try self.parser.parse(line, into: &parsed)
            } catch {
                throw self.error(at: self.lineNumber, error.reason)
            }
            guard isEvent else { continue }
            if let stack = parsed.stack, let reason = self.names.checkStack(stack) { throw self.error(at: self.lineNumber, reason) }
            let event = self.names.resolve(parsed, in: line)
            let kind = event.operation.hasObject ? self.names.kind(of: event.object) : .lock
            if let violation = self.checker.check(event, at: self.lineNumber, kind: kind, symbols: self.names.symbols) {
                throw self.error(at: self.lineNumber, violation)
            }
            events.append(event)
        }
        return false
    }

    private func error(at line: Int, _ reason: String) -> TraceFormatError {
        TraceFormatError(file: self.fileName, position: .line(line), reason: reason)
    }

    /// Whether the line is a stack declaration: its first character other than a space or tab is `@`
    /// (no event line starts so: a thread name cannot).
    @inline(__always)
    private static func isDeclaration(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        for byte in line where byte != UInt8(ascii: " ") && byte != UInt8(ascii: "\t") { return byte == UInt8(ascii: "@") }
        return false
    }

    /// Whether every byte is ASCII, eight at a time: almost every line is, and needs no UTF-8 decoding.
    @inline(__always)
    private static func isASCII(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        let raw = UnsafeRawPointer(base)
        var high: UInt64 = 0
        var offset = 0
        while offset + 8 <= bytes.count {
            high |= raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            offset += 8
        }
        while offset < bytes.count {
            high |= UInt64(base[offset])
            offset += 1
        }
        return high & 0x8080_8080_8080_8080 == 0
    }
}
