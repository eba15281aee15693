/// An option a plugin declares in ``AnalysisPlugin/options``: its key, the type of its value, its
/// default and one line of help, which `synctrace plugins` lists and
/// `synctrace analyze --option PLUGIN.KEY=VALUE` sets.
///
/// ```swift
/// public let options: [PluginOption] = [
///     .integer("max-cycles", default: 10_000, in: 1...Int.max, help: "lock-order cycles examined at most"),
/// ]
/// ```
///
/// The plugin reads the values a replay was given with ``AnalysisContext/optionValues(for:)``. A
/// value is checked against its declaration before any trace is read, so a typed read never fails
/// on what a user wrote: `--option deadlock.max-cycles=abc` is a usage error that names the plugin,
/// the key and the value.
public struct PluginOption: Hashable, Sendable {
    /// The type of an option's value: a struct with a static member per type, so that types can be
    /// added without breaking a `switch` that has a `default:`.
    public struct ValueType: Hashable, Sendable, CustomStringConvertible {
        /// The type's name, as `synctrace plugins` shows it ("integer").
        public let name: String

        /// A whole number, written in decimal (`-3`, `10000`).
        public static let integer = ValueType(name: "integer")
        /// `true` or `false` (also `yes`/`no`, `1`/`0`).
        public static let boolean = ValueType(name: "boolean")
        /// Any text, taken as written.
        public static let string = ValueType(name: "string")

        public var description: String { self.name }
    }

    /// The key, as written after the plugin's name and a dot (`max-cycles`): lower-case letters,
    /// digits and `-`, unique among the plugin's options.
    public let key: String
    /// The type of the value.
    public let type: ValueType
    /// The value when the option is not given, as it would be written.
    public let defaultValue: String
    /// One line: what the option changes.
    public let help: String
    /// For an integer option, the values it accepts.
    public let range: ClosedRange<Int>?

    /// An option whose value is a whole number in `range`.
    public static func integer(_ key: String, default value: Int, in range: ClosedRange<Int> = Int.min...Int.max, help: String) -> PluginOption {
        PluginOption(key: key, type: .integer, defaultValue: String(value), help: help, range: range)
    }

    /// An option whose value is `true` or `false`.
    public static func boolean(_ key: String, default value: Bool, help: String) -> PluginOption {
        PluginOption(key: key, type: .boolean, defaultValue: String(value), help: help, range: nil)
    }

    /// An option whose value is any text.
    public static func string(_ key: String, default value: String, help: String) -> PluginOption {
        PluginOption(key: key, type: .string, defaultValue: value, help: help, range: nil)
    }

    /// What the option accepts, in words: "an integer of at least 1", "true or false", "text".
    public var accepted: String {
        switch self.type {
        case .integer:
            guard let range = self.range else { return "an integer" }
            switch (range.lowerBound == Int.min, range.upperBound == Int.max) {
            case (true, true): return "an integer"
            case (false, true): return "an integer of at least \(range.lowerBound)"
            case (true, false): return "an integer of at most \(range.upperBound)"
            case (false, false): return "an integer from \(range.lowerBound) to \(range.upperBound)"
            }
        case .boolean: return "true or false"
        default: return "text"
        }
    }

    /// Why `declarations` could not all be set with `--option NAME.KEY=VALUE`, if they could not: a
    /// key that is not lower-case letters, digits and `-`, a key declared twice, or a default its own
    /// declaration does not accept ("declares its option 'x' twice"). `nil` when they are sound.
    public static func problem(in declarations: [PluginOption]) -> String? {
        var keys: Set<String> = []
        for option in declarations {
            let valid = !option.key.isEmpty && option.key.unicodeScalars.allSatisfy { scalar in
                ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "-"
            }
            guard valid else { return "declares an option '\(option.key)' whose key is not lower-case letters, digits and '-'" }
            guard keys.insert(option.key).inserted else { return "declares its option '\(option.key)' twice" }
            guard option.accepts(option.defaultValue) else {
                return "declares its option '\(option.key)' with a default, '\(option.defaultValue)', that is not \(option.accepted)"
            }
        }
        return nil
    }

    /// `text` read as this option's integer, or `nil` when it is not one in range.
    func integer(from text: String) -> Int? {
        guard let value = Int(text), self.range?.contains(value) ?? true else { return nil }
        return value
    }

    /// `text` read as this option's boolean, or `nil` when it is not one.
    func boolean(from text: String) -> Bool? {
        switch text {
        case "true", "yes", "1": true
        case "false", "no", "0": false
        default: nil
        }
    }

    /// Whether `text` is a value this option accepts (``accepted`` says which, in words).
    public func accepts(_ text: String) -> Bool {
        switch self.type {
        case .integer: self.integer(from: text) != nil
        case .boolean: self.boolean(from: text) != nil
        default: true
        }
    }
}
