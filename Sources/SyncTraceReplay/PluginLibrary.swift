/// The C interface of a plugin library: a shared library that `synctrace analyze --load PATH` loads at
/// run time, and the three C symbols through which the tool checks it and finds the plugins in it.
///
/// A plugin library exports, with `@_cdecl`:
///
/// - `synctrace_plugin_api_version`, `() -> Int32`: the plugin API version the library was compiled
///   against — return ``version``. The tool refuses a library whose version differs from its own.
/// - `synctrace_plugin_api_digest`, `() -> UInt64`: the digest of the SyncTrace code the library was
///   compiled against — return ``interfaceDigest``. The tool refuses a library whose digest differs
///   from its own.
/// - `synctrace_plugin_entry`, `() -> UnsafeMutableRawPointer`: a ``PluginLibraryExport``, retained
///   once for the caller (``PluginLibraryExport/retainedPointer()``). The tool calls it once, after the
///   two checks, and owns the result.
///
/// ## Why a digest
///
/// SyncTraceReplay and SyncTraceFormat are built without library evolution, for the built-in
/// plugins' speed: a plugin compiled against them has their types' layouts, their `@inlinable`
/// bodies and (in a release build) the bodies the optimizer chose to inline compiled into it. Any
/// change to that code can change what a loaded plugin runs, without changing a symbol the dynamic
/// linker would miss. ``interfaceDigest`` is generated at build time from all of that code (its
/// comments and layout left out; the build plugin `PluginAPIDigest`), so a library built against
/// any other code — or in the other configuration — is refused before any of its code runs. It is
/// stricter than needed (a change to an internal function no plugin reaches refuses plugins too):
/// rebuild plugin libraries with every update of SyncTrace. ``version`` is raised when the plugin
/// API's source changes (a plugin must be edited, not only rebuilt).
///
/// ## Writing a plugin library
///
/// The package depends on the dynamic product `SyncTracePluginAPI` (never on the `SyncTraceReplay`
/// product): then the library's references to the plugin protocol and to the types it shares with the
/// tool stay undefined in the library, and the dynamic linker binds them to the one copy inside
/// `synctrace`. A library with a copy of its own would hand over plugins whose types the tool does not
/// know. <doc:WritingAPlugin> shows the package and the file with the three functions.
///
/// The functions must be `public`: an internal one is not exported from the library. Then
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
    /// are inlined into plugins. Version 3: ``HappensBefore`` is a read-only view (a struct), clocks
    /// are read by ``ClockSlot``, ``AnalysisPlugin/requirements`` joined the protocol, operations and
    /// object kinds are structs, findings carry ids (and a ``FindingEvent``'s operation and a
    /// ``FindingObject``'s kind are those types, not strings), and a library exports
    /// `synctrace_plugin_api_digest`. Version 4: findings name threads and objects only by identity —
    /// a ``Finding``'s message and details and a ``FindingEvent``'s role are ``FindingText``s, a
    /// ``FindingEvent`` is the traced event itself and a ``FindingObject`` its id, the renderers name
    /// them from ``AnalysisReport/symbols`` — and the initializer taking names is gone. Version 5:
    /// ``AnalysisPlugin/options`` joined the protocol (a plugin declares its options,
    /// ``PluginOption``) and a plugin reads their values with ``AnalysisContext/optionValues(for:)``;
    /// a plugin that takes no options compiles unchanged.
    @_alwaysEmitIntoClient public static var version: Int32 { 5 }

    /// The ``version`` of the SyncTraceReplay that runs: a call into it, never inlined, for the tool
    /// to check libraries against. (``version`` itself is compiled into its caller, and an incremental
    /// build does not always recompile a caller when only such a body changed.)
    @inline(never) public static var versionOfThisBuild: Int32 { Self.version }

    /// The ``interfaceDigest`` of the SyncTraceReplay that runs, as ``versionOfThisBuild`` is its version.
    @inline(never) public static var interfaceDigestOfThisBuild: UInt64 { Self.interfaceDigest }

    /// The name of the C function that returns the library's ``version``: `() -> Int32`.
    public static let versionSymbol = "synctrace_plugin_api_version"

    /// The name of the C function that returns the library's ``interfaceDigest``: `() -> UInt64`.
    public static let digestSymbol = "synctrace_plugin_api_digest"

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
