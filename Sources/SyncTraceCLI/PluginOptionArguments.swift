import ArgumentParser
import SyncTraceReplay

/// `--option PLUGIN.KEY=VALUE` (repeatable): the options of `analyze`'s plugins, checked against
/// what each plugin declares (``AnalysisPlugin/options``) before any trace is read.
struct PluginOptionArguments: ParsableArguments {
    @Option(
        name: .customLong("option"),
        help: ArgumentHelp(
            "Set a plugin's option (repeatable; the last value of a key wins). `synctrace plugins` lists them.",
            valueName: "plugin.key=value"
        )
    )
    var settings: [String] = []

    /// The values of the options given, one per plugin that was given some, checked against every
    /// plugin the tool knows; warns about options of plugins that are known but do not run.
    ///
    /// - Throws: ``CommandFailure`` (bad usage) for a setting not of the form `PLUGIN.KEY=VALUE`, an
    ///   unknown plugin (naming the known ones), a key the plugin does not declare (naming its keys),
    ///   or a value its declaration does not accept (naming plugin, key and value).
    func values(running plugins: [any AnalysisPlugin]) throws(CommandFailure) -> [PluginOptionValues] {
        let known = BuiltinPlugins.all
        var settingsByPlugin: [(entry: BuiltinPlugins.Entry, settings: [(key: String, value: String)])] = []
        for setting in self.settings {
            let (entry, key, value) = try Self.parse(setting, known: known)
            if let index = settingsByPlugin.firstIndex(where: { $0.entry.name == entry.name }) {
                settingsByPlugin[index].settings.append((key, value))
            } else {
                settingsByPlugin.append((entry, [(key, value)]))
            }
        }
        var values: [PluginOptionValues] = []
        for (entry, settings) in settingsByPlugin {
            do {
                values.append(try PluginOptionValues(plugin: entry.name, declarations: entry.options, settings: settings))
            } catch {
                throw CommandFailure(error)
            }
            if !plugins.contains(where: { $0.name == entry.name }) {
                StandardStream.warn("the options of plugin '\(entry.name)' are ignored: it does not run (--plugin names the plugins that do)")
            }
        }
        return values
    }

    /// `setting` split into its plugin (the longest known name it starts with, then a dot), key and value.
    private static func parse(
        _ setting: String,
        known: [BuiltinPlugins.Entry]
    ) throws(CommandFailure) -> (BuiltinPlugins.Entry, key: String, value: String) {
        let form = "expected PLUGIN.KEY=VALUE, e.g. deadlock.max-cycles=100"
        guard let equals = setting.firstIndex(of: "=") else {
            throw CommandFailure("--option '\(setting)': \(form)")
        }
        let name = setting[..<equals]
        let value = String(setting[setting.index(after: equals)...])
        // Longest first: a plugin name may itself hold a dot.
        let entry = known
            .filter { name.hasPrefix($0.name + ".") }
            .max { $0.name.count < $1.name.count }
        guard let entry else {
            guard let dot = name.firstIndex(of: ".") else {
                throw CommandFailure("--option '\(setting)': \(form)")
            }
            let names = known.map(\.name).joined(separator: ", ")
            throw CommandFailure("--option '\(setting)': unknown plugin '\(name[..<dot])' (known plugins: \(names))")
        }
        let key = String(name.dropFirst(entry.name.count + 1))
        guard !key.isEmpty else {
            throw CommandFailure("--option '\(setting)': \(form)")
        }
        return (entry, key, value)
    }
}
