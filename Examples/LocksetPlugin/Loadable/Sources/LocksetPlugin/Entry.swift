// The three C entry points through which `synctrace analyze --load libLocksetPlugin.so` finds the
// plugin (see SyncTracePluginAPI in Sources/SyncTraceReplay/PluginLibrary.swift). Public, so that
// they are exported from the library.
import SyncTraceReplay

/// The plugin API version this library was compiled against (compiled in, not asked of the tool).
@_cdecl("synctrace_plugin_api_version")
public func synctracePluginAPIVersion() -> Int32 {
    SyncTracePluginAPI.version
}

/// The digest of the SyncTrace code this library was compiled against (compiled in, like the version).
@_cdecl("synctrace_plugin_api_digest")
public func synctracePluginAPIDigest() -> UInt64 {
    SyncTracePluginAPI.interfaceDigest
}

/// The library's plugins, as a `PluginLibraryExport` retained once for the tool.
@_cdecl("synctrace_plugin_entry")
public func synctracePluginEntry() -> UnsafeMutableRawPointer {
    PluginLibraryExport(plugins: [{ LocksetChecker() }]).retainedPointer()
}
