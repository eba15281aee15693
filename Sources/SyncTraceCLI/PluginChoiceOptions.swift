import ArgumentParser
import SyncTraceReplay

/// The plugins a replay runs and their options, shared by `analyze` and `report`: `--plugin`,
/// `--predict`, `--load` and `--option`.
struct PluginChoiceOptions: ParsableArguments {
    @Option(name: .customLong("plugin"), help: "A plugin to run (repeatable; default: every plugin but predicted-race).")
    var plugins: [String] = []

    @Flag(name: .customLong("predict"), help: "Also predict races another schedule would show (the predicted-race plugin, WCP) and confirm potential deadlocks with a schedule that deadlocks.")
    var predict = false

    @OptionGroup var libraries: PluginLibraryOptions

    @OptionGroup var pluginOptions: PluginOptionArguments

    /// Loads the plugin libraries, then makes the plugins chosen and reads their options: all of it
    /// before any trace is read, so that a wrong name or value costs no replay.
    func make() throws(CommandFailure) -> (plugins: [any AnalysisPlugin], options: [PluginOptionValues]) {
        try self.libraries.load()
        let plugins = try BuiltinPlugins.make(self.plugins, predicting: self.predict)
        return (plugins, try self.pluginOptions.values(running: plugins))
    }
}
