/// An option setting a plugin cannot take: a key it does not declare, or a value its declaration
/// does not accept. Its ``description`` is the one line `synctrace` prints for the usage error.
public enum PluginOptionError: Error, Hashable, Sendable, CustomStringConvertible {
    /// `plugin` declares no option `key`; `known` are the keys it declares.
    case unknownKey(plugin: String, key: String, known: [String])
    /// `value` is not what option `key` of `plugin` accepts (`expected`, in words).
    case invalidValue(plugin: String, key: String, value: String, expected: String)

    public var description: String {
        switch self {
        case .unknownKey(let plugin, let key, let known):
            let options = known.isEmpty ? "it has no options" : "its options: \(known.joined(separator: ", "))"
            return "plugin '\(plugin)' has no option '\(key)' (\(options))"
        case .invalidValue(let plugin, let key, let value, let expected):
            return "invalid value '\(value)' for option '\(key)' of plugin '\(plugin)': expected \(expected)"
        }
    }
}
