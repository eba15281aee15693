public import SyncTraceFormat

/// A finding's fingerprint: the same bug found in another run of the same code has the same one, so
/// that a baseline (`synctrace analyze --baseline previous.json`) can tell new findings from known
/// ones, and code scanning can follow a result across commits (SARIF's `partialFingerprints`).
///
/// It is a hash of the plugin, the kind and the *places* of the finding's events — each event's
/// operation and where it happened — sorted, so that the order a schedule met them in (which of two
/// racing accesses came first, which lock of a cycle was found first) does not matter. Thread names,
/// object names, counts and the trace's ids are left out: they change from run to run (a worker's
/// number, which of fifty racing variables was met first) while the bug does not.
///
/// Where an event's stack was recorded, its place is the stack's functions and files without line
/// numbers: an edit elsewhere in the file keeps the fingerprint. Without a stack the place is the call
/// site with its line, so moving the racing line changes it. Two findings of one plugin and kind at
/// the same places share a fingerprint, and a baseline that holds one holds both.
public struct FindingFingerprint: Hashable, Sendable, CustomStringConvertible {
    /// The 64-bit hash.
    public let value: UInt64

    /// The fingerprint of `finding`, its places named from `symbols`.
    public init(_ finding: Finding, symbols: TraceSymbols) {
        var places = finding.events.map { event in
            event.operation.textName + "@" + Self.place(of: event, symbols: symbols)
        }
        places.sort()
        var hash = StableHash()
        hash.combine(finding.plugin)
        hash.combine(finding.kind.rawValue)
        for place in places { hash.combine(place) }
        self.value = hash.value
    }

    /// The fingerprint written as `description`.
    public init?(_ text: some StringProtocol) {
        guard text.count == 16, let value = UInt64(text, radix: 16) else { return nil }
        self.value = value
    }

    /// Sixteen lower-case hexadecimal digits: JSON's `"fingerprint"`.
    public var description: String {
        let digits = String(self.value, radix: 16)
        return String(repeating: "0", count: 16 - digits.count) + digits
    }

    /// Where an event happened, as stable as the trace allows: with a stack, the call site's file
    /// and each symbolized frame's function and file name (no lines, no raw offsets, which a rebuild
    /// moves); without one, the call site with its line.
    static func place(of event: FindingEvent, symbols: TraceSymbols) -> String {
        let site = symbols.location(event.location) ?? "?"
        let stack = symbols.stack(event.location)
        let functions = stack.compactMap { frame in
            frame.function.map { $0 + "@" + (frame.file.map { $0.split(separator: "/").last.map(String.init) ?? $0 } ?? "") }
        }
        guard !functions.isEmpty else { return site }
        let file = site.lastIndex(of: ":").map { String(site[..<$0]) } ?? site
        return file + "|" + functions.joined(separator: "|")
    }
}

/// FNV-1a over UTF-8 with a separator after each part: the same on every run and machine (Swift's
/// `Hasher` is seeded per process).
struct StableHash {
    private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325

    mutating func combine(_ text: String) {
        for byte in text.utf8 { self.add(byte) }
        self.add(0xFF)  // never in UTF-8: "ab"+"c" and "a"+"bc" differ
    }

    private mutating func add(_ byte: UInt8) {
        self.value = (self.value ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
    }
}
