public import SyncTraceFormat

/// Findings a team has accepted, TSan-style: one rule per line, `TYPE:PATTERN`, where TYPE is the
/// plugin whose findings the rule removes (`race`, `deadlock`, `lost-update`, or a loaded plugin's
/// name) and PATTERN matches a finding when it matches any of:
///
/// - the name of an object the finding names (its variable, its locks);
/// - an event's call site ("App/Cache.swift:42") or the name of what it operates on;
/// - a function or source file of an event's recorded stack.
///
/// `*` matches any run of characters. A pattern matches anywhere in the text unless it starts with
/// `^` (then at the start) or ends with `$` (then at the end): `race:Cache.swift` matches every race
/// with an access in `Cache.swift`, `deadlock:^transfer(` a lock-order cycle taken in a function
/// whose name starts with `transfer(`. Lines starting with `#` and blank lines are ignored.
///
/// ```
/// # Known: the legacy cache races on its statistics (issue 812).
/// race:LegacyCache.swift
/// deadlock:Bank.transfer
/// lost-update:^hitCount$
/// ```
public struct Suppressions: Sendable {
    /// One line of the file.
    public struct Rule: Hashable, Sendable, CustomStringConvertible {
        /// The plugin whose findings it removes.
        public let plugin: String
        /// The pattern, as written.
        public let pattern: String
        /// The line it is on (1-based).
        public let line: Int
        let matcher: WildcardPattern

        /// `TYPE:PATTERN`, as written.
        public var description: String { "\(self.plugin):\(self.pattern)" }

        /// Whether the pattern matches `text` (a name, a call site, a function).
        public func patternMatches(_ text: String) -> Bool { self.matcher.matches(text) }
    }

    /// A line that is not a rule, with where it is.
    public struct ParseError: Error, Hashable, Sendable, CustomStringConvertible {
        /// The file's name, as the user gave it.
        public let source: String
        /// The line (1-based).
        public let line: Int
        /// What is wrong.
        public let problem: String

        /// "FILE:LINE: PROBLEM".
        public var description: String { "\(self.source):\(self.line): \(self.problem)" }
    }

    /// The rules, in file order.
    public let rules: [Rule]
    /// The file's name, as the user gave it.
    public let source: String

    /// The rules of `text`, the contents of the file `source`.
    public init(parsing text: String, source: String) throws(ParseError) {
        var rules: [Rule] = []
        // By `isNewline`, not "\n": a file written on Windows ends its lines with "\r\n", one Character.
        for (offset, raw) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let line = raw.trimmingWhitespace
            guard !line.isEmpty, !line.hasPrefix("#") else { continue }
            guard let colon = line.firstIndex(of: ":") else {
                throw ParseError(source: source, line: offset + 1, problem: "expected TYPE:PATTERN (race:, deadlock:, lost-update: or a loaded plugin's name), found '\(line)'")
            }
            let plugin = String(line[..<colon]).trimmingWhitespace
            let pattern = String(line[line.index(after: colon)...]).trimmingWhitespace
            guard !plugin.isEmpty, plugin.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
                throw ParseError(source: source, line: offset + 1, problem: "'\(plugin)' is not a plugin name (race, deadlock, lost-update, or a loaded plugin's)")
            }
            guard !pattern.isEmpty, pattern != "^", pattern != "$", pattern != "^$" else {
                throw ParseError(source: source, line: offset + 1, problem: "the rule for \(plugin) has no pattern (write \(plugin):* to suppress all of its findings)")
            }
            rules.append(Rule(plugin: plugin, pattern: pattern, line: offset + 1, matcher: WildcardPattern(pattern)))
        }
        self.rules = rules
        self.source = source
    }

    /// The plugins the rules name, each once, in file order: a caller checks them against the
    /// plugins that exist, so that a misspelt type is an error rather than a rule that never matches.
    public var plugins: [String] {
        var seen: Set<String> = []
        return self.rules.map(\.plugin).filter { seen.insert($0).inserted }
    }

    /// The first rule that removes `finding`, its names read from `symbols`; `nil` if none does.
    public func rule(matching finding: Finding, symbols: TraceSymbols) -> Rule? {
        var candidates: [String]?
        for rule in self.rules where rule.plugin == finding.plugin {
            let texts = candidates ?? Self.texts(of: finding, symbols: symbols)
            candidates = texts
            if texts.contains(where: rule.matcher.matches) { return rule }
        }
        return nil
    }

    /// What a pattern is matched against: object names, call sites, event targets, stack frames.
    static func texts(of finding: Finding, symbols: TraceSymbols) -> [String] {
        var texts: [String] = []
        if let variable = finding.variableID { texts.append(symbols.object(variable).name) }
        for object in finding.objects { texts.append(symbols.object(object.id).name) }
        for event in finding.events {
            if let location = symbols.location(event.location) { texts.append(location) }
            if let target = TextReportRenderer.target(of: event, symbols: symbols) { texts.append(target) }
            for frame in symbols.stack(event.location) {
                if let function = frame.function { texts.append(function) }
                if let file = frame.file { texts.append(file) }
            }
        }
        return texts
    }
}

/// A TSan-style pattern: `*` any run of characters; unanchored unless it starts with `^` or ends
/// with `$`.
struct WildcardPattern: Hashable, Sendable {
    /// The literal pieces between the `*`s.
    let pieces: [[UInt8]]
    let anchoredAtStart: Bool
    let anchoredAtEnd: Bool

    init(_ pattern: String) {
        var text = Substring(pattern)
        self.anchoredAtStart = text.hasPrefix("^")
        if self.anchoredAtStart { text = text.dropFirst() }
        self.anchoredAtEnd = text.hasSuffix("$")
        if self.anchoredAtEnd { text = text.dropLast() }
        self.pieces = text.split(separator: "*", omittingEmptySubsequences: false).map { Array($0.utf8) }
    }

    /// Whether the pattern matches `text`: each piece in order, the first at the start when
    /// anchored there, the last at the end when anchored there (pieces found leftmost, which is
    /// enough for `*` alone).
    func matches(_ text: String) -> Bool {
        let bytes = Array(text.utf8)
        var position = 0
        for (index, piece) in self.pieces.enumerated() {
            let isFirst = index == 0
            let isLast = index == self.pieces.count - 1
            if isLast && self.anchoredAtEnd {
                guard bytes.count - piece.count >= position, bytes[(bytes.count - piece.count)...].elementsEqual(piece) else { return false }
                if isFirst && self.anchoredAtStart { return bytes.count == piece.count }
                return true
            }
            if isFirst && self.anchoredAtStart {
                guard bytes.count >= piece.count, bytes[..<piece.count].elementsEqual(piece) else { return false }
                position = piece.count
                continue
            }
            guard let found = Self.find(piece, in: bytes, from: position) else { return false }
            position = found + piece.count
        }
        return true
    }

    private static func find(_ piece: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        if piece.isEmpty { return start }
        guard bytes.count >= piece.count else { return nil }
        var index = start
        while index + piece.count <= bytes.count {
            if bytes[index..<(index + piece.count)].elementsEqual(piece) { return index }
            index += 1
        }
        return nil
    }
}

extension StringProtocol {
    /// Without leading and trailing spaces and tabs.
    var trimmingWhitespace: String {
        let isSpace: (Character) -> Bool = { $0 == " " || $0 == "\t" }
        guard let first = self.firstIndex(where: { !isSpace($0) }) else { return "" }
        let last = self.lastIndex(where: { !isSpace($0) })!
        return String(self[first...last])
    }
}
