/// The values of one plugin's options for one replay: those given (`--option PLUGIN.KEY=VALUE`),
/// checked against the plugin's declarations, and the declared defaults for the rest.
///
/// A plugin gets its own from ``AnalysisContext/optionValues(for:)`` and reads them by key and type:
///
/// ```swift
/// let limit = context.optionValues(for: self).integer("max-cycles")
/// ```
///
/// Every given value was checked when the values were made, so a typed read returns a value. Reading
/// a key the plugin does not declare, or as another type than it declares, is a bug in the plugin
/// and stops the program with a message that names both.
public struct PluginOptionValues: Sendable {
    /// The plugin's name.
    public let plugin: String
    /// The plugin's declared options (``AnalysisPlugin/options``).
    public let declarations: [PluginOption]
    /// The values given, by key (the last one given wins); every one accepted by its declaration.
    private let given: [String: String]

    /// The defaults of every option `plugin` declares.
    public init(defaultsOf plugin: any AnalysisPlugin) {
        self.plugin = plugin.name
        self.declarations = plugin.options
        self.given = [:]
    }

    /// The values `settings` give the options of `plugin`, checked against `declarations`: a key
    /// given twice takes its last value.
    ///
    /// - Throws: ``PluginOptionError`` for a key the plugin does not declare (naming the keys it
    ///   does) or a value its declaration does not accept (naming plugin, key and value).
    public init(plugin: String, declarations: [PluginOption], settings: [(key: String, value: String)]) throws(PluginOptionError) {
        var given: [String: String] = [:]
        for setting in settings {
            guard let declaration = declarations.first(where: { $0.key == setting.key }) else {
                throw .unknownKey(plugin: plugin, key: setting.key, known: declarations.map(\.key))
            }
            guard declaration.accepts(setting.value) else {
                throw .invalidValue(plugin: plugin, key: setting.key, value: setting.value, expected: declaration.accepted)
            }
            given[setting.key] = setting.value
        }
        self.plugin = plugin
        self.declarations = declarations
        self.given = given
    }

    /// The values `settings` give `plugin`'s own declared options (see ``init(plugin:declarations:settings:)``).
    ///
    /// - Throws: ``PluginOptionError`` for an undeclared key or a value not accepted.
    public init(for plugin: any AnalysisPlugin, settings: [(key: String, value: String)]) throws(PluginOptionError) {
        try self.init(plugin: plugin.name, declarations: plugin.options, settings: settings)
    }

    /// Whether the option `key` was given, rather than left at its default.
    public func isGiven(_ key: String) -> Bool {
        _ = self.declaration(key, as: nil)
        return self.given[key] != nil
    }

    /// The value of integer option `key`: the one given, else its default.
    public func integer(_ key: String) -> Int {
        let declaration = self.declaration(key, as: .integer)
        // Checked when given; a default outside its own range is the plugin's bug, and shows here.
        guard let value = declaration.integer(from: self.text(of: declaration)) else {
            preconditionFailure("plugin '\(self.plugin)' declares option '\(key)' with a default that it does not accept")
        }
        return value
    }

    /// The value of boolean option `key`: the one given, else its default.
    public func boolean(_ key: String) -> Bool {
        let declaration = self.declaration(key, as: .boolean)
        guard let value = declaration.boolean(from: self.text(of: declaration)) else {
            preconditionFailure("plugin '\(self.plugin)' declares option '\(key)' with a default that it does not accept")
        }
        return value
    }

    /// The value of string option `key`: the one given, else its default.
    public func string(_ key: String) -> String {
        self.text(of: self.declaration(key, as: .string))
    }

    /// The value given for `declaration`, or its default, as written.
    private func text(of declaration: PluginOption) -> String {
        self.given[declaration.key] ?? declaration.defaultValue
    }

    /// The declaration of `key`, which must exist and, with `type`, be of that type.
    private func declaration(_ key: String, as type: PluginOption.ValueType?) -> PluginOption {
        guard let declaration = self.declarations.first(where: { $0.key == key }) else {
            preconditionFailure("plugin '\(self.plugin)' reads option '\(key)', which it does not declare in its options")
        }
        if let type, declaration.type != type {
            preconditionFailure("plugin '\(self.plugin)' reads option '\(key)' as \(type), but declares it as \(declaration.type)")
        }
        return declaration
    }
}
