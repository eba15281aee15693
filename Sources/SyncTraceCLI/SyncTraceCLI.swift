public import SyncTraceReplay

/// The `synctrace` command-line tool as a library: the `synctrace` executable is one call to
/// ``main(arguments:extraPlugins:)``, and so is a custom build of the tool with plugins of your own
/// compiled in.
///
/// ```swift
/// // Sources/synctrace-with-my-plugin/main.swift, in your package:
/// import MyPlugin
/// import SyncTraceCLI
///
/// SyncTraceCLI.main(extraPlugins: [{ MyPlugin() }])
/// ```
///
/// The built binary has every verb of `synctrace`; `synctrace plugins` lists your plugins after the
/// shipped ones, `synctrace analyze` runs them all by default, and `--plugin NAME` selects them by the
/// name they declare.
public enum SyncTraceCLI {
    /// Runs the tool with `arguments` (without the program name) and exits with its status: 0
    /// success (for `analyze`: no findings in a whole trace), 1 findings (or the status
    /// `analyze --exit-code` chose), 2 bad usage or an unusable input (unreadable, malformed, or
    /// holding no trace), 3 `analyze` of a trace cut short whose analysed part has no findings, 4 an
    /// output that could not be written.
    ///
    /// - Parameter extraPlugins: factories of plugins to offer besides the shipped ones; each is
    ///   called once up front (for its name and summary) and once per analysis that runs it.
    public static func main(
        arguments: [String] = Array(CommandLine.arguments.dropFirst()),
        extraPlugins: [@Sendable () -> any AnalysisPlugin] = []
    ) -> Never {
        BuiltinPlugins.add(extraPlugins)
        SyncTraceCommand.run(arguments: arguments)
    }
}
