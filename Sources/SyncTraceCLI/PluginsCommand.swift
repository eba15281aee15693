import ArgumentParser

/// `synctrace plugins`: list the analysis plugins, built in and loaded with `--load`.
struct PluginsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plugins",
        abstract: "List the analysis plugins: the built-in ones and those of the libraries --load names.",
        discussion: """
            Examples:
              synctrace plugins
              synctrace plugins --load .build/debug/libMyPlugin.so
            """
    )

    @OptionGroup var libraries: PluginLibraryOptions

    func run() throws {
        try self.libraries.load()
        let width = BuiltinPlugins.all.map(\.name.count).max() ?? 0
        for entry in BuiltinPlugins.all {
            StandardStream.output.write(entry.name + String(repeating: " ", count: width - entry.name.count) + "  \(entry.summary)\n")
        }
    }
}
