public import SyncTraceFormat

/// Words of a finding (its message, an event's role, a detail line) that name threads, objects and
/// source locations by identity; the renderers turn the identities into names.
///
/// A plugin writes one as a string literal with interpolations that say what they name:
///
/// ```swift
/// let message: FindingText = "data race on \(object: variable): a write by \(thread: writer) races with a read by \(thread: reader)"
/// ```
///
/// Why not a `String`: a plugin knows which thread or object it means but not how the report should
/// name it. A name in the trace is not an identity (two wallets' `balance`, three unnamed variables
/// made on one line), and the renderers — text, JSON, SARIF — each say it their own way. Resolving a
/// text needs the trace's names (``resolved(in:)``, or ``AnalysisReport/text(_:)``).
///
/// Other interpolated values (numbers, strings, kinds) become their description at once.
public struct FindingText: Hashable, Sendable, ExpressibleByStringInterpolation, CustomStringConvertible {
    /// One run of a text: words, or a reference to resolve.
    enum Part: Hashable, Sendable {
        case words(String)
        case thread(ThreadID)
        case object(ObjectID)
        case location(StringID?)
    }

    /// The runs, in order; adjacent words are merged.
    private(set) var parts: [Part]

    /// A text of plain words, naming nothing.
    public init(_ words: String) {
        self.parts = words.isEmpty ? [] : [.words(words)]
    }

    /// A text of plain words, from a literal.
    public init(stringLiteral value: String) {
        self.init(value)
    }

    /// A text built by interpolation.
    public init(stringInterpolation: StringInterpolation) {
        self.parts = stringInterpolation.parts
    }

    /// Builds a ``FindingText`` from a literal: `\(thread:)`, `\(object:)` and `\(location:)` name by
    /// identity, `\(text)` splices another text, anything else is written as its description.
    public struct StringInterpolation: StringInterpolationProtocol {
        var parts: [FindingText.Part] = []

        /// Starts an interpolation (the sizes are only a hint).
        public init(literalCapacity: Int, interpolationCount: Int) {
            self.parts.reserveCapacity(interpolationCount * 2 + 1)
        }

        /// Appends literal words.
        public mutating func appendLiteral(_ literal: String) {
            self.appendWords(literal)
        }

        /// Appends a thread, shown by its name.
        public mutating func appendInterpolation(thread: ThreadID) {
            self.parts.append(.thread(thread))
        }

        /// Appends an object (a variable, a lock, a channel…), shown by its name.
        public mutating func appendInterpolation(object: ObjectID) {
            self.parts.append(.object(object))
        }

        /// Appends a source location, shown as its text ("main.swift:12"), or "(no call site)" when
        /// the event recorded none.
        public mutating func appendInterpolation(location: StringID?) {
            self.parts.append(.location(location))
        }

        /// Appends another text as it is.
        public mutating func appendInterpolation(_ text: FindingText) {
            for part in text.parts {
                if case .words(let words) = part { self.appendWords(words) } else { self.parts.append(part) }
            }
        }

        /// Appends a value as its description (a number, a string, a kind).
        public mutating func appendInterpolation(_ value: some CustomStringConvertible) {
            self.appendWords(value.description)
        }

        private mutating func appendWords(_ words: String) {
            guard !words.isEmpty else { return }
            if case .words(let previous)? = self.parts.last {
                self.parts[self.parts.count - 1] = .words(previous + words)
            } else {
                self.parts.append(.words(words))
            }
        }
    }

    /// The text with its references named from `symbols`, the trace's declarations: what people
    /// read. A reference the table does not declare is shown by its number ("thread #7"), so that a
    /// text from another trace does not stop the program.
    public func resolved(in symbols: TraceSymbols) -> String {
        var text = ""
        for part in self.parts {
            switch part {
            case .words(let words): text += words
            case .thread(let thread):
                text += thread.index < symbols.threads.count ? symbols.thread(thread).name : "thread #\(thread.rawValue)"
            case .object(let object):
                text += object.index < symbols.objects.count ? symbols.object(object).name : "object #\(object.rawValue)"
            case .location(let location):
                if let location, location.index < symbols.strings.count {
                    text += symbols.string(location)
                } else {
                    text += "(no call site)"
                }
            }
        }
        return text
    }

    /// Whether the text has no words and names nothing.
    public var isEmpty: Bool { self.parts.isEmpty }

    /// The text with references shown by number ("thread #1", "object #3"): for debugging, where no
    /// names are at hand. Reports use ``resolved(in:)``.
    public var description: String { self.resolved(in: TraceSymbols()) }

    /// The two texts, one after the other.
    public static func + (lhs: FindingText, rhs: FindingText) -> FindingText {
        "\(lhs)\(rhs)"
    }

    /// The texts of `texts` with `separator` between them.
    public static func joined(_ texts: some Sequence<FindingText>, separator: String) -> FindingText {
        var joined = StringInterpolation(literalCapacity: 0, interpolationCount: 0)
        var first = true
        for text in texts {
            if !first { joined.appendLiteral(separator) }
            first = false
            joined.appendInterpolation(text)
        }
        return FindingText(stringInterpolation: joined)
    }
}
