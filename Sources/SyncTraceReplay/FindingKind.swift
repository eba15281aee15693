/// What kind of finding, within its plugin: "data race", "potential" (deadlock), "lost update".
///
/// A small extensible type rather than a free string or a closed enum: each plugin declares its own
/// kinds as static members in an extension (`extension FindingKind { static let sharedLock:
/// FindingKind = "shared lock" }`), a literal still works where a kind is expected, and comparing
/// kinds compares their raw values. JSON's `"kind"` is the raw value.
public struct FindingKind: RawRepresentable, Hashable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// The kind's name: lower case, unique within the plugin.
    public let rawValue: String

    /// The kind named `rawValue`.
    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    /// The kind named by a literal.
    public init(stringLiteral value: String) {
        self.rawValue = value
    }

    public var description: String { self.rawValue }
}
