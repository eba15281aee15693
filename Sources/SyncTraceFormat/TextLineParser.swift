/// One line of the text form, parsed but not yet resolved to ids.
struct ParsedLine {
    var thread: Substring
    var operation: TraceOperation
    /// The thread or object the operation names (empty for `begin`/`end`).
    var target: Substring
    var argument: Int64
    var location: Substring?
}

/// Parses single lines of the text form (see `TEXT-FORM.md`), with a message for every way a line
/// can be malformed that says what was expected.
enum TextLineParser {
    /// Parses a line; `nil` for a blank or comment line.
    static func parse(_ line: Substring) throws(ParseFailure) -> ParsedLine? {
        let trimmed = line.trimmingWhitespace
        if trimmed.isEmpty || trimmed.first == "#" { return nil }
        let fields = trimmed.split(separator: "|", omittingEmptySubsequences: false)
        guard fields.count == 2 || fields.count == 3 else {
            if fields.count == 1 {
                throw ParseFailure("expected THREAD|OPERATION or THREAD|OPERATION|LOCATION, found no '|'")
            }
            throw ParseFailure(
                "expected THREAD|OPERATION or THREAD|OPERATION|LOCATION, found \(fields.count) fields "
                    + "(a location may not contain '|')"
            )
        }
        let thread = fields[0].trimmingWhitespace
        try Self.checkName(thread, what: "thread name")
        var parsed = try Self.parseOperation(fields[1].trimmingWhitespace, thread: thread)
        if fields.count == 3 {
            let location = fields[2].trimmingWhitespace
            parsed.location = location.isEmpty ? nil : location
        }
        return parsed
    }

    /// Why a line is malformed.
    struct ParseFailure: Error {
        var reason: String
        init(_ reason: String) { self.reason = reason }
    }

    /// Whether `name` is a valid thread or object name: `[A-Za-z_][A-Za-z0-9_.\[\]]*`.
    static func isValidName(_ name: some StringProtocol) -> Bool {
        guard let first = name.utf8.first, first.isASCIILetter || first == UInt8(ascii: "_") else { return false }
        return name.utf8.dropFirst().allSatisfy { byte in
            byte.isASCIILetter || byte.isASCIIDigit || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".")
                || byte == UInt8(ascii: "[") || byte == UInt8(ascii: "]")
        }
    }

    private static func checkName(_ name: Substring, what: String, in operation: Substring? = nil) throws(ParseFailure) {
        let context = operation.map { " in \($0)(…)" } ?? ""
        if name.isEmpty { throw ParseFailure("missing \(what)\(context)") }
        guard Self.isValidName(name) else {
            throw ParseFailure("invalid \(what) '\(name)'\(context): names match [A-Za-z_][A-Za-z0-9_.\\[\\]]*")
        }
    }

    private static func parseOperation(_ text: Substring, thread: Substring) throws(ParseFailure) -> ParsedLine {
        if text.isEmpty { throw ParseFailure("missing operation after '\(thread)|'") }
        let name: Substring
        var arguments: [Substring] = []
        var hasParentheses = false
        if let open = text.firstIndex(of: "(") {
            name = text[..<open].trimmingWhitespace
            guard text.last == ")" else {
                throw ParseFailure("operation '\(text)' is missing its closing ')'")
            }
            hasParentheses = true
            let inside = text[text.index(after: open)..<text.index(before: text.endIndex)]
            if inside.contains("(") || inside.contains(")") {
                throw ParseFailure("operation '\(text)' has unbalanced parentheses")
            }
            if !inside.trimmingWhitespace.isEmpty {
                arguments = inside.split(separator: ",", omittingEmptySubsequences: false).map(\.trimmingWhitespace)
            }
        } else {
            name = text
        }
        guard let operation = TraceOperation(textName: name) else {
            let known = TraceOperation.allCases.filter { !$0.isRecorderOnly }.map(\.textName).joined(separator: ", ")
            throw ParseFailure("unknown operation '\(name)' (expected one of: \(known))")
        }
        var line = ParsedLine(thread: thread, operation: operation, target: "", argument: 0, location: nil)
        switch operation.target {
        case .none:
            guard !operation.isRecorderOnly else {
                throw ParseFailure("\(name) is written only by the recorder (it orders a recorded trace's batches); a text trace lists each thread's events in order instead")
            }
            guard !hasParentheses else { throw ParseFailure("\(name) takes no arguments: write '\(name)'") }
        case .thread:
            guard arguments.count == 1 else {
                throw ParseFailure("\(name) takes one argument, a thread name: \(name)(U)")
            }
            try Self.checkName(arguments[0], what: "thread name", in: name)
            line.target = arguments[0]
        case .object(let family):
            if operation.hasArgument {
                let usage = operation == .makeChannel ? "chan(C, k)" : "wgadd(W, n)"
                guard arguments.count == 2 else {
                    throw ParseFailure("\(name) takes two arguments: \(usage)")
                }
                try Self.checkName(arguments[0], what: "\(family.noun) name", in: name)
                guard let number = Int64(arguments[1]) else {
                    throw ParseFailure("\(usage) needs an integer, found '\(arguments[1])'")
                }
                if operation == .makeChannel && !(0...Int64(Int32.max)).contains(number) {
                    throw ParseFailure("chan(C, k) needs a capacity 0 ≤ k ≤ \(Int32.max), found \(number)")
                }
                line.argument = number
            } else {
                guard arguments.count == 1 else {
                    let placeholder = family.placeholder
                    throw ParseFailure(
                        "\(name) takes one argument, \(family) name: \(name)(\(placeholder))"
                    )
                }
                try Self.checkName(arguments[0], what: "\(family.noun) name", in: name)
            }
            line.target = arguments[0]
        }
        return line
    }
}

extension Substring {
    /// The substring without leading and trailing spaces, tabs and carriage returns.
    var trimmingWhitespace: Substring {
        var result = self
        while let first = result.first, first == " " || first == "\t" || first == "\r" { result.removeFirst() }
        while let last = result.last, last == " " || last == "\t" || last == "\r" { result.removeLast() }
        return result
    }
}

extension UInt8 {
    var isASCIILetter: Bool { (self >= 0x41 && self <= 0x5A) || (self >= 0x61 && self <= 0x7A) }
    var isASCIIDigit: Bool { self >= 0x30 && self <= 0x39 }
}
