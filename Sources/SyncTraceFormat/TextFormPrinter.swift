/// Prints events in the text form (see <doc:TextForm>), so that parsing the output gives back the
/// same events in the same order.
///
/// Names that are not valid text-form names (a recorder's "worker 1" or `TracedVar@main.swift:12`)
/// are printed in a sanitized, still unique form, and a `#` comment before the first line that uses
/// a thread or object says what the line cannot: its full name, its kind, where it was created.
public struct TextFormPrinter: Sendable {
    private var threadNames: [String] = []
    private var objectNames: [String] = []
    private var usedThreadNames: Set<String> = []
    private var usedObjectNames: Set<String> = []
    private var stacks = TextStackPrinter()

    /// Creates a printer.
    public init() {}

    /// The comment lines that start a dump: what the trace says about itself.
    public static func preamble(for header: TraceHeader) -> String {
        var text = "# SyncTrace text form 1"
        if !header.program.isEmpty { text += "; program: \(Self.oneLine(header.program))" }
        text += "\n"
        return text
    }

    /// Appends the text-form line of `event` to `output`, preceded by declaration comments for
    /// threads and objects it is the first to name.
    public mutating func append(_ event: TraceEvent, symbols: TraceSymbols, to output: inout String) {
        // Resolve names first: a name seen for the first time adds its comment above the line, and
        // a stack seen for the first time its declarations.
        let thread = self.threadName(event.thread, symbols: symbols, comments: &output)
        let stack = symbols.stacks.isEmpty ? nil : self.stacks.stackNumber(of: event.location, symbols: symbols, declaringInto: &output)
        var target = ""
        switch event.operation.target {
        case .none:
            break
        case .thread:
            target = self.threadName(event.otherThread, symbols: symbols, comments: &output)
        case .object:
            target = self.objectName(event.object, symbols: symbols, comments: &output)
        }
        output += thread
        output += "|"
        output += event.operation.textName
        if target.isEmpty && event.operation.hasArgument {
            output += "(\(event.argument))"
        } else if !target.isEmpty {
            output += "("
            output += target
            if event.operation.hasArgument {
                output += ", "
                output += String(event.argument)
            } else if event.operation.isAtomic, event.argument != 0 {
                // `aload(A)` is sequentially consistent; any other ordering is named.
                output += ", "
                output += event.atomicOrdering?.textName ?? String(event.argument)
            }
            output += ")"
        }
        if let location = symbols.location(event.location), !location.isEmpty {
            output += "|"
            output += Self.oneLine(location)
            if let stack { output += "|S\(stack)" }
        }
        output += "\n"
    }

    /// Appends the `@symbol` lines of printed frames whose symbols `symbols` now holds: call it
    /// after the last event (a recorded trace's symbols come at its end).
    public mutating func finish(symbols: TraceSymbols, to output: inout String) {
        if !symbols.frames.isEmpty { self.stacks.newSymbols(symbols, into: &output) }
    }

    /// The printed name of a thread; the first time, appends its declaration comment to `comments`.
    private mutating func threadName(_ id: ThreadID, symbols: TraceSymbols, comments: inout String) -> String {
        if id.index < self.threadNames.count, !self.threadNames[id.index].isEmpty { return self.threadNames[id.index] }
        if id.index >= self.threadNames.count {
            self.threadNames.append(contentsOf: repeatElement("", count: id.index + 1 - self.threadNames.count))
        }
        let declaration = symbols.thread(id)
        let name = Self.unique(Self.sanitized(declaration.name, fallback: "T\(id.rawValue)"), in: &self.usedThreadNames)
        self.threadNames[id.index] = name
        var details: [String] = []
        if name != declaration.name { details.append("named \"\(Self.oneLine(declaration.name))\"") }
        if let location = symbols.location(declaration.location) {
            let parent = declaration.parent.flatMap { $0.index < self.threadNames.count ? self.threadNames[$0.index] : nil }
            let creator = parent.map { $0.isEmpty ? "" : " by \($0)" } ?? ""
            details.append("created\(creator) at \(Self.oneLine(location))")
        }
        if !details.isEmpty { comments += "# thread \(name): \(details.joined(separator: ", "))\n" }
        return name
    }

    /// The printed name of an object; the first time, appends its declaration comment to `comments`.
    private mutating func objectName(_ id: ObjectID, symbols: TraceSymbols, comments: inout String) -> String {
        if id.index < self.objectNames.count, !self.objectNames[id.index].isEmpty { return self.objectNames[id.index] }
        if id.index >= self.objectNames.count {
            self.objectNames.append(contentsOf: repeatElement("", count: id.index + 1 - self.objectNames.count))
        }
        let declaration = symbols.object(id)
        let fallback = "\(declaration.kind)\(id.rawValue)"
        let name = Self.unique(Self.sanitized(declaration.name, fallback: fallback), in: &self.usedObjectNames)
        self.objectNames[id.index] = name
        var details: [String] = []
        if name != declaration.name { details.append("named \"\(Self.oneLine(declaration.name))\"") }
        if let location = symbols.location(declaration.location) {
            details.append("\(declaration.kind) created at \(Self.oneLine(location))")
        }
        if !details.isEmpty { comments += "# \(name): \(details.joined(separator: ", "))\n" }
        return name
    }

    /// `name` if it is a valid text-form name; otherwise the name with invalid characters replaced.
    static func sanitized(_ name: String, fallback: String) -> String {
        if TextLineParser.isValidName(name) { return name }
        var result = String(
            name.unicodeScalars.map { scalar -> Character in
                let byte = scalar.isASCII ? UInt8(scalar.value) : 0
                return byte.isNameByte ? Character(scalar) : "_"
            }
        )
        if result.allSatisfy({ $0 == "_" }) { return fallback }
        if let first = result.utf8.first, !first.isNameStart { result = "_" + result }
        return result
    }

    private static func unique(_ name: String, in used: inout Set<String>) -> String {
        var candidate = name
        var suffix = 2
        while used.contains(candidate) {
            candidate = "\(name)_\(suffix)"
            suffix += 1
        }
        used.insert(candidate)
        return candidate
    }

    /// Text safe for one line of the text form: no line breaks, no '|'.
    static func oneLine(_ text: String) -> String {
        String(text.map { $0 == "|" || $0.isNewline ? " " : $0 })
    }
}
