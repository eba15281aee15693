#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One line of the text form, parsed but not yet resolved to ids: the names are byte ranges of the line.
struct ParsedLine: Equatable {
    var thread: Range<Int>
    var operation: TraceOperation
    /// The thread or object the operation names (empty for `begin`/`end`).
    var target: Range<Int>
    var argument: Int64
    var location: Range<Int>?
    /// The stack the fourth field names (`S12`: 12), if the line has one.
    var stack: Int?

    /// A line of nothing, for a reader to fill in place.
    static let empty = ParsedLine(thread: 0..<0, operation: .begin, target: 0..<0, argument: 0, location: nil)
}

/// Parses single lines of the text form (see <doc:TextForm>) from their bytes, with a message for
/// every way a line can be malformed that says what was expected.
///
/// A well-formed line costs no allocation: fields are found by byte scans and handed on as ranges;
/// strings are made only for error messages.
struct TextLineParser {
    /// The operations (recorder-only ones included, to reject them by name) ordered by the length
    /// of their text names, with each name's ``ShortKey``: a name is found by comparing its key with
    /// the few of its length, cheaper than hashing it. ``operationsOfLength`` bounds each length's run.
    private var operationKeys: [ShortKey] = []
    private var operationsByLength: [TraceOperation] = []
    private var operationsOfLength: [Int] = [0]

    init() {
        let operations = TraceOperation.allCases.sorted { $0.textName.utf8.count < $1.textName.utf8.count }
        let longest = operations.last!.textName.utf8.count
        precondition(longest <= ShortKey.wholeLength, "operation names are held whole in their keys")
        for length in 1...longest + 1 {
            for operation in operations where operation.textName.utf8.count == length - 1 {
                var name = operation.textName
                self.operationKeys.append(name.withUTF8 { ShortKey($0) })
                self.operationsByLength.append(operation)
            }
            self.operationsOfLength.append(self.operationKeys.count)
        }
    }

    /// The operation whose text name is `name`, if there is one.
    @inline(__always)
    private func operation(named name: UnsafeBufferPointer<UInt8>) -> TraceOperation? {
        guard name.count + 1 < self.operationsOfLength.count else { return nil }
        let key = ShortKey(name)
        for index in self.operationsOfLength[name.count]..<self.operationsOfLength[name.count + 1]
        where self.operationKeys[index] == key {
            return self.operationsByLength[index]
        }
        return nil
    }

    /// Why a line is malformed.
    struct ParseFailure: Error {
        var reason: String
        init(_ reason: String) { self.reason = reason }
    }

    /// Parses a line (without its newline).
    ///
    /// Writes the line into `parsed` in place (a reader reuses one: copying a returned line costs
    /// more than parsing it); returns `false` for a blank or comment line.
    func parse(_ line: UnsafeBufferPointer<UInt8>, into parsed: inout ParsedLine) throws(ParseFailure) -> Bool {
        if self.parseCanonical(line, into: &parsed) { return true }
        guard let general = try self.parseAnyShape(line) else { return false }
        parsed = general
        return true
    }

    /// The shape nearly every line has, `THREAD|op(NAME)` or `THREAD|op(NAME)|LOCATION` without
    /// spaces around the names (what RAPID's tools and ``TextFormPrinter`` write), parsed in one pass
    /// over the bytes into `parsed`; `false` (and `parsed` unchanged) for any other line, which
    /// ``parseAnyShape(_:)`` then parses or rejects with its message. Whatever this accepts, that
    /// would parse to the same result.
    @inline(__always)
    func parseCanonical(_ line: UnsafeBufferPointer<UInt8>, into parsed: inout ParsedLine) -> Bool {
        let count = line.count
        guard count > 0, line[0].isNameStart else { return false }
        var index = 1
        while index < count && line[index].isNameByte { index += 1 }
        guard index < count && line[index] == UInt8(ascii: "|") else { return false }
        let thread = 0..<index
        index += 1
        let operationStart = index
        while index < count && line[index] &- UInt8(ascii: "a") < 26 { index += 1 }
        guard index < count && line[index] == UInt8(ascii: "(") else { return false }
        let name = operationStart..<index
        index += 1
        guard index < count && line[index].isNameStart else { return false }
        let targetStart = index
        index += 1
        while index < count && line[index].isNameByte { index += 1 }
        guard index < count && line[index] == UInt8(ascii: ")") else { return false }
        let target = targetStart..<index
        index += 1
        var location: Range<Int>?
        if index < count {
            guard line[index] == UInt8(ascii: "|"),
                Self.firstIndex(of: UInt8(ascii: "|"), in: line, index + 1..<count) == nil
            else { return false }
            let trimmed = Self.trimmed(line, index + 1..<count)
            location = trimmed.isEmpty ? nil : trimmed
        }
        guard let operation = self.operation(named: UnsafeBufferPointer(rebasing: line[name])), !operation.hasArgument
        else { return false }
        switch operation.target {
        case .none: return false
        case .thread, .object: break
        }
        parsed.thread = thread
        parsed.operation = operation
        parsed.target = target
        parsed.argument = 0
        parsed.location = location
        parsed.stack = nil
        return true
    }

    /// Parses a line of any shape, or says what is wrong with it.
    func parseAnyShape(_ line: UnsafeBufferPointer<UInt8>) throws(ParseFailure) -> ParsedLine? {
        let whole = Self.trimmed(line, 0..<line.count)
        if whole.isEmpty || line[whole.lowerBound] == UInt8(ascii: "#") { return nil }
        // Thread and operation fields are short: byte loops find their ends (and the operation's
        // '(') in one pass; only the location, often the longest field, is searched with memchr.
        var index = whole.lowerBound
        while index < whole.upperBound && line[index] != UInt8(ascii: "|") { index += 1 }
        guard index < whole.upperBound else {
            throw ParseFailure("expected THREAD|OPERATION or THREAD|OPERATION|LOCATION, found no '|'")
        }
        let firstBar = index
        var open: Int?
        index += 1
        while index < whole.upperBound && line[index] != UInt8(ascii: "|") {
            if open == nil && line[index] == UInt8(ascii: "(") { open = index }
            index += 1
        }
        let secondBar = index < whole.upperBound ? index : nil
        var stack: Int?
        var locationEnd = whole.upperBound
        if let secondBar, let thirdBar = Self.firstIndex(of: UInt8(ascii: "|"), in: line, secondBar + 1..<whole.upperBound) {
            let fields = 1 + line[whole].lazy.filter { $0 == UInt8(ascii: "|") }.count
            guard fields == 4 else {
                throw ParseFailure(
                    "expected THREAD|OPERATION, THREAD|OPERATION|LOCATION or THREAD|OPERATION|LOCATION|STACK, found \(fields) fields "
                        + "(a location may not contain '|')"
                )
            }
            let field = Self.trimmed(line, thirdBar + 1..<whole.upperBound)
            guard let number = Self.stackNumber(line, field) else {
                throw ParseFailure(
                    "the fourth field, '\(Self.text(line, field))', is no stack name (S and a number, as a @stack line declares it; "
                        + "a location may not contain '|')"
                )
            }
            stack = number
            locationEnd = thirdBar
        }
        let thread = Self.trimmed(line, whole.lowerBound..<firstBar)
        try Self.checkName(line, thread, what: "thread name")
        let operationField = Self.trimmed(line, firstBar + 1..<(secondBar ?? whole.upperBound))
        var parsed = try self.parseOperation(line, operationField, open: open, thread: thread)
        if let secondBar {
            let location = Self.trimmed(line, secondBar + 1..<locationEnd)
            parsed.location = location.isEmpty ? nil : location
        }
        parsed.stack = stack
        if stack != nil && parsed.location == nil { throw ParseFailure("a line with a stack needs a location (the stack's call site)") }
        return parsed
    }

    /// The number of a stack name (`S` and at most nine digits) in `range`, if it is one.
    static func stackNumber(_ line: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int? {
        guard range.count >= 2, range.count <= 10, line[range.lowerBound] == UInt8(ascii: "S") else { return nil }
        var number = 0
        for index in range.lowerBound + 1..<range.upperBound {
            let digit = line[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            number = number * 10 + Int(digit)
        }
        return number
    }

    /// Whether `name` is a valid thread or object name: `[A-Za-z_][A-Za-z0-9_.\[\]]*`.
    static func isValidName(_ name: some StringProtocol) -> Bool {
        Self.isValidName(bytes: name.utf8)
    }

    /// Whether the bytes spell a valid thread or object name: `[A-Za-z_][A-Za-z0-9_.\[\]]*`.
    @inline(__always)
    static func isValidName(bytes name: some Collection<UInt8>) -> Bool {
        guard let first = name.first, first.isNameStart else { return false }
        return name.dropFirst().allSatisfy(\.isNameByte)
    }

    private static func checkName(
        _ line: UnsafeBufferPointer<UInt8>,
        _ name: Range<Int>,
        what: @autoclosure () -> String,
        in operation: Range<Int>? = nil
    ) throws(ParseFailure) {
        if Self.isValidName(bytes: line[name]) { return }
        // Only a rejected name pays for its message.
        let what = what()
        let context = operation.map { " in \(Self.text(line, $0))(…)" } ?? ""
        if name.isEmpty { throw ParseFailure("missing \(what)\(context)") }
        throw ParseFailure(
            "invalid \(what) '\(Self.text(line, name))'\(context): names match [A-Za-z_][A-Za-z0-9_.\\[\\]]*"
        )
    }

    /// The operation's name and its comma-separated arguments (at most three are kept: more than two
    /// is wrong for every operation, and the count says so).
    private struct Call {
        var name: Range<Int>
        var hasParentheses = false
        var argumentCount = 0
        var arguments: (Range<Int>, Range<Int>) = (0..<0, 0..<0)
    }

    /// Splits `text` into the operation's name and arguments; `open` is its first '(', if any.
    private static func splitCall(
        _ line: UnsafeBufferPointer<UInt8>,
        _ text: Range<Int>,
        open: Int?
    ) throws(ParseFailure) -> Call {
        guard let open else { return Call(name: text) }
        var call = Call(name: Self.trimmed(line, text.lowerBound..<open), hasParentheses: true)
        guard line[text.upperBound - 1] == UInt8(ascii: ")") else {
            throw ParseFailure("operation '\(Self.text(line, text))' is missing its closing ')'")
        }
        let inside = open + 1..<text.upperBound - 1
        // One pass: parentheses inside are an error; commas split the arguments.
        var start = inside.lowerBound
        var index = inside.lowerBound
        var unbalanced = false
        while index <= inside.upperBound {
            let byte = index < inside.upperBound ? line[index] : UInt8(ascii: ",")
            if byte == UInt8(ascii: "(") || byte == UInt8(ascii: ")") {
                unbalanced = true
            } else if byte == UInt8(ascii: ",") {
                let argument = Self.trimmed(line, start..<index)
                switch call.argumentCount {
                case 0: call.arguments.0 = argument
                case 1: call.arguments.1 = argument
                default: break
                }
                call.argumentCount += 1
                start = index + 1
            }
            index += 1
        }
        if unbalanced { throw ParseFailure("operation '\(Self.text(line, text))' has unbalanced parentheses") }
        // `x()` and `x( )` have no arguments, not one empty one.
        if call.argumentCount == 1 && call.arguments.0.isEmpty { call.argumentCount = 0 }
        return call
    }

    private func parseOperation(
        _ line: UnsafeBufferPointer<UInt8>,
        _ text: Range<Int>,
        open: Int?,
        thread: Range<Int>
    ) throws(ParseFailure) -> ParsedLine {
        if text.isEmpty { throw ParseFailure("missing operation after '\(Self.text(line, thread))|'") }
        let call = try Self.splitCall(line, text, open: open)
        guard let operation = self.operation(named: UnsafeBufferPointer(rebasing: line[call.name])) else {
            let known = TraceOperation.allCases.filter { !$0.isRecorderOnly }.map(\.textName).joined(separator: ", ")
            throw ParseFailure("unknown operation '\(Self.text(line, call.name))' (expected one of: \(known))")
        }
        var name: String { operation.textName }
        var parsed = ParsedLine(thread: thread, operation: operation, target: 0..<0, argument: 0, location: nil)
        switch operation.target {
        case .none:
            guard !operation.isRecorderOnly else {
                throw ParseFailure("\(name) is written only by the recorder (it orders a recorded trace's batches); a text trace lists each thread's events in order instead")
            }
            guard !call.hasParentheses else { throw ParseFailure("\(name) takes no arguments: write '\(name)'") }
        case .thread:
            guard call.argumentCount == 1 else {
                throw ParseFailure("\(name) takes one argument, a thread name: \(name)(U)")
            }
            try Self.checkName(line, call.arguments.0, what: "thread name", in: call.name)
            parsed.target = call.arguments.0
        case .object(let family):
            if operation.hasArgument {
                let usage = operation == .makeChannel ? "chan(C, k)" : "wgadd(W, n)"
                guard call.argumentCount == 2 else {
                    throw ParseFailure("\(name) takes two arguments: \(usage)")
                }
                try Self.checkName(line, call.arguments.0, what: "\(family.noun) name", in: call.name)
                guard let number = Int64(Self.text(line, call.arguments.1)) else {
                    throw ParseFailure("\(usage) needs an integer, found '\(Self.text(line, call.arguments.1))'")
                }
                if operation == .makeChannel && !(0...Int64(Int32.max)).contains(number) {
                    throw ParseFailure("chan(C, k) needs a capacity 0 ≤ k ≤ \(Int32.max), found \(number)")
                }
                parsed.argument = number
            } else if operation.isAtomic {
                // `aload(A)`, sequentially consistent, or `aload(A, relaxed)`.
                guard call.argumentCount == 1 || call.argumentCount == 2 else {
                    throw ParseFailure("\(name) takes one or two arguments, a variable name and an ordering: \(name)(A) or \(name)(A, ORDERING)")
                }
                try Self.checkName(line, call.arguments.0, what: "\(family.noun) name", in: call.name)
                if call.argumentCount == 2 {
                    let text = Self.text(line, call.arguments.1)
                    guard let ordering = TraceAtomicOrdering(textName: text), ordering.isValid(for: operation) else {
                        let orderings = TraceAtomicOrdering.orderings(of: operation).map(\.textName)
                        let allowed = orderings.dropLast().joined(separator: ", ") + " or " + orderings.last!
                        let what = TraceAtomicOrdering(textName: text) == nil ? "unknown ordering '\(text)'" : "\(name) cannot be \(text)"
                        throw ParseFailure("\(name)(A, ORDERING): \(what) (\(name) is \(allowed))")
                    }
                    parsed.argument = Int64(ordering.rawValue)
                }
            } else {
                guard call.argumentCount == 1 else {
                    throw ParseFailure("\(name) takes one argument, \(family) name: \(name)(\(family.placeholder))")
                }
                try Self.checkName(line, call.arguments.0, what: "\(family.noun) name", in: call.name)
            }
            parsed.target = call.arguments.0
        }
        return parsed
    }

    /// `range` without leading and trailing spaces, tabs and carriage returns.
    @inline(__always)
    static func trimmed(_ line: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Range<Int> {
        var lower = range.lowerBound
        var upper = range.upperBound
        while lower < upper && line[lower].isLineSpace { lower += 1 }
        while upper > lower && line[upper - 1].isLineSpace { upper -= 1 }
        return lower..<upper
    }

    @inline(__always)
    private static func firstIndex(of byte: UInt8, in line: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Int? {
        guard !range.isEmpty, let base = line.baseAddress,
            let found = memchr(base + range.lowerBound, Int32(byte), range.count)
        else { return nil }
        return UnsafeRawPointer(found) - UnsafeRawPointer(base)
    }

    /// The bytes as text, for a message (the reader has checked that the line is UTF-8).
    private static func text(_ line: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        String(decoding: line[range], as: UTF8.self)
    }
}

extension UInt8 {
    /// A letter or `_`: what a name starts with (one bit per ASCII byte from 64 to 127).
    @inline(__always) var isNameStart: Bool {
        let letters: UInt64 = 0x3FF_FFFF << 1 | 0x3FF_FFFF << 33
        return self >= 64 && self < 128 && (letters | 1 << 31) >> (self - 64) & 1 != 0
    }

    /// A byte a name may hold after its first: a letter, digit, `_`, `.`, `[` or `]` (bitmaps of
    /// ASCII 0–63 and 64–127).
    @inline(__always) var isNameByte: Bool {
        let low: UInt64 = 1 << 46 | 0x3FF << 48
        let high: UInt64 = 0x3FF_FFFF << 1 | 1 << 27 | 1 << 29 | 1 << 31 | 0x3FF_FFFF << 33
        if self < 64 { return low >> self & 1 != 0 }
        return self < 128 && high >> (self - 64) & 1 != 0
    }

    var isASCIILetter: Bool { (self | 0x20) &- 0x61 < 26 }
    var isASCIIDigit: Bool { self &- 0x30 < 10 }
    /// Space, tab or carriage return: what the text form trims around fields.
    var isLineSpace: Bool { self == 0x20 || self == 0x09 || self == 0x0D }
}
