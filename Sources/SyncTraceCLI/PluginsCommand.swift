import ArgumentParser
import SyncTraceReplay

/// `synctrace plugins`: list the analysis plugins, built in and loaded with `--load`, with the
/// options each declares.
struct PluginsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plugins",
        abstract: "List the analysis plugins: the built-in ones and those of the libraries --load names.",
        discussion: """
            One line per plugin: its name (what --plugin selects) and what it finds. Below it, \
            indented, each option it declares, as `synctrace analyze --option` sets it: \
            PLUGIN.KEY=TYPE, what it changes, its default and the values it accepts. A library \
            --load refuses is one line on stderr and exit status 2.

            Examples:
              synctrace plugins
              synctrace plugins --load .build/debug/libMyPlugin.so
            """
    )

    @OptionGroup var libraries: PluginLibraryOptions

    func run() throws {
        try self.libraries.load()
        let output = try TextOutput(nil)
        try output.write(Self.listing(BuiltinPlugins.all))
        try output.finish()
    }

    /// The listing of `entries`: a line per plugin, then an indented line per option.
    static func listing(_ entries: [BuiltinPlugins.Entry]) -> String {
        let width = entries.map(\.name.count).max() ?? 0
        var text = ""
        for entry in entries {
            var chosen = entry.runsByDefault ? "" : " (only when named, or with analyze --predict)"
            if entry.runsByDefault, entry.makePredicting != nil { chosen = " (with analyze --predict, each cycle is checked for a schedule that deadlocks)" }
            text += entry.name + String(repeating: " ", count: width - entry.name.count) + "  \(entry.summary)\(chosen)\n"
            for option in entry.options {
                text += "    --option \(entry.name).\(option.key)=\(option.type.name.uppercased())  \(option.help)"
                    + " (default: \(option.defaultValue); \(option.accepted))\n"
            }
        }
        return text
    }
}
