/// The C interface of a plugin library: a shared library that `synctrace analyze --load PATH` loads at
/// run time, and the two C symbols through which the tool finds the plugins in it.
///
/// A plugin library exports, with `@_cdecl`:
///
/// - `synctrace_plugin_api_version`, `() -> Int32`: the plugin API version the library was compiled
///   against — return ``version``. The tool refuses a library whose version differs from its own.
/// - `synctrace_plugin_entry`, `() -> UnsafeMutableRawPointer`: a ``PluginLibraryExport``, retained
///   once for the caller (``PluginLibraryExport/retainedPointer()``). The tool calls it once, after the
///   version check, and owns the result.
///
/// ## Writing a plugin library
///
/// The package depends on the dynamic product `SyncTracePluginAPI` (never on the `SyncTraceReplay`
/// product): then the library's references to the plugin protocol and to the types it shares with the
/// tool stay undefined in the library, and the dynamic linker binds them to the one copy inside
/// `synctrace`. A library with a copy of its own would hand over plugins whose types the tool does not
/// know. <doc:WritingAPlugin> shows the package and the file with the two functions.
///
/// Both functions must be `public`: an internal one is not exported from the library. Then
/// `swift build --product MyPlugin` (with the configuration and the toolchain that built `synctrace`)
/// makes `libMyPlugin.so`, and `synctrace analyze app.synctrace --load .build/debug/libMyPlugin.so`
/// runs its plugins with the built-in ones. `libSyncTracePluginAPI.so`, built beside it, must stay
/// next to it: the library names it as a dependency, although the symbols it uses are the tool's.
///
/// Loading a library runs its code in the tool's process: treat a plugin as you would any dependency
/// you link.
public enum SyncTracePluginAPI {
    /// The version of the plugin interface — the types a plugin shares with the tool and the two C
    /// symbols — raised whenever a change would break a library built against the previous one.
    ///
    /// `@_alwaysEmitIntoClient` compiles the body into the caller: a plugin's
    /// `synctrace_plugin_api_version` returns the number in the sources it was built from, not a
    /// call back into the tool (which, resolved against the tool's own copy, would always agree with it
    /// and check nothing).
    ///
    /// Version 2: ``AnalysisPlugin/prepare(for:)`` joined the protocol, and `HappensBefore`'s queries
    /// are inlined into plugins.
    @_alwaysEmitIntoClient public static var version: Int32 { 2 }

    /// The name of the C function that returns the library's ``version``: `() -> Int32`.
    public static let versionSymbol = "synctrace_plugin_api_version"

    /// The name of the C function that returns a retained ``PluginLibraryExport``:
    /// `() -> UnsafeMutableRawPointer`.
    public static let entrySymbol = "synctrace_plugin_entry"
}

/// What a plugin library hands to the tool: factories of the plugins it offers, the same ones a custom
/// build of the tool passes to `SyncTraceCLI.main(extraPlugins:)`.
///
/// Return it from `synctrace_plugin_entry` as ``retainedPointer()``; see ``SyncTracePluginAPI``.
public final class PluginLibraryExport: Sendable {
    /// One factory per plugin. Each is called once when the library is loaded (for the plugin's name
    /// and summary) and once for every analysis that runs the plugin: return a fresh instance each time.
    public let plugins: [@Sendable () -> any AnalysisPlugin]

    /// An export of the plugins that `plugins` make.
    public init(plugins: [@Sendable () -> any AnalysisPlugin]) {
        self.plugins = plugins
    }

    /// This export as an opaque pointer retained once, what `synctrace_plugin_entry` returns: the tool
    /// takes over that reference.
    public func retainedPointer() -> UnsafeMutableRawPointer {
        Unmanaged.passRetained(self).toOpaque()
    }
}
