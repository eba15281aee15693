import SyncTraceReplay

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Loads a plugin library (`synctrace analyze --load PATH`) and returns the factories of its plugins,
/// through the three C symbols that ``SyncTracePluginAPI`` documents — or says in one line why it cannot.
///
/// A library is never closed: the factories, the plugins they make and their type metadata live in
/// its image, and the tool runs until it exits anyway.
enum PluginLibraryLoader {
    private typealias VersionFunction = @convention(c) () -> Int32
    private typealias DigestFunction = @convention(c) () -> UInt64
    private typealias EntryFunction = @convention(c) () -> UnsafeMutableRawPointer?

    /// The plugin factories of the library at `path`.
    static func load(_ path: String) throws(CommandFailure) -> [@Sendable () -> any AnalysisPlugin] {
        guard access(path, F_OK) == 0 else {
            throw CommandFailure("\(path): no such file")
        }
        guard Self.toolExportsPluginAPI else {
            throw CommandFailure(
                "\(path) cannot be loaded: this build of synctrace does not export its symbols, so a plugin library cannot bind to its SyncTraceReplay (link it with -Xlinker --export-dynamic; see Docs/Plugins.md)"
            )
        }
        // Without a slash dlopen would search the library path instead of opening this file.
        let file = path.contains("/") ? path : "./" + path
        // RTLD_LOCAL: the library's own symbols stay out of the global scope, so two plugin libraries
        // with a type of the same name do not bind to each other's.
        guard let handle = dlopen(file, RTLD_NOW | RTLD_LOCAL) else {
            throw CommandFailure("\(path) cannot be loaded: \(Self.loaderError(file: file))")
        }
        guard let versionSymbol = dlsym(handle, SyncTracePluginAPI.versionSymbol) else {
            throw CommandFailure(
                "\(path) is not a SyncTrace plugin library: it does not export \(SyncTracePluginAPI.versionSymbol) (see Docs/Plugins.md)"
            )
        }
        let version = unsafeBitCast(versionSymbol, to: VersionFunction.self)()
        guard version == SyncTracePluginAPI.versionOfThisBuild else {
            throw CommandFailure(
                "\(path) was built for plugin API version \(version); this synctrace speaks version \(SyncTracePluginAPI.versionOfThisBuild): rebuild it against this SyncTrace"
            )
        }
        guard let digestSymbol = dlsym(handle, SyncTracePluginAPI.digestSymbol) else {
            throw CommandFailure(
                "\(path) is not a complete SyncTrace plugin library: it does not export \(SyncTracePluginAPI.digestSymbol) (see Docs/Plugins.md)"
            )
        }
        // Compiled into the library: the code it was built against, and its configuration.
        let digest = unsafeBitCast(digestSymbol, to: DigestFunction.self)()
        guard digest == SyncTracePluginAPI.interfaceDigestOfThisBuild else {
            let ours = SyncTracePluginAPI.interfaceDigestOfThisBuild
            // The lowest bit is the configuration, the rest the code.
            let what = switch (digest | 1 == ours | 1, digest & 1 == ours & 1) {
            case (true, _): "in the other configuration (debug or release)"
            case (false, true): "against other SyncTrace code"
            case (false, false): "against other SyncTrace code and in the other configuration (debug or release)"
            }
            throw CommandFailure(
                "\(path) was built \(what) (plugin interface digest \(Self.hex(digest)); this synctrace: \(Self.hex(ours))): rebuild it against this SyncTrace, in the same configuration"
            )
        }
        guard let entrySymbol = dlsym(handle, SyncTracePluginAPI.entrySymbol) else {
            throw CommandFailure(
                "\(path) is not a complete SyncTrace plugin library: it does not export \(SyncTracePluginAPI.entrySymbol) (see Docs/Plugins.md)"
            )
        }
        guard let exported = unsafeBitCast(entrySymbol, to: EntryFunction.self)() else {
            throw CommandFailure("\(path): \(SyncTracePluginAPI.entrySymbol) returned NULL instead of its plugins")
        }
        // The cast fails when the library has a SyncTraceReplay of its own: its PluginLibraryExport is
        // then another class than the tool's, and so would be every type its plugins share with the tool.
        guard let export = Unmanaged<AnyObject>.fromOpaque(exported).takeRetainedValue() as? PluginLibraryExport else {
            throw CommandFailure(
                "\(path) links its own copy of SyncTraceReplay; depend on the dynamic product SyncTracePluginAPI instead of SyncTraceReplay (see Docs/Plugins.md)"
            )
        }
        guard !export.plugins.isEmpty else {
            throw CommandFailure("\(path) exports no plugins")
        }
        return export.plugins
    }

    /// `value` in hexadecimal, as the digest is written in the generated source.
    private static func hex(_ value: UInt64) -> String { "0x" + String(value, radix: 16) }

    /// Whether a plugin library's references to SyncTraceReplay can resolve to this process's copy:
    /// only if the executable exports its symbols (`--export-dynamic`). Without that, the library
    /// would bind to the copy in the `libSyncTracePluginAPI.so` beside it and the cast of its export
    /// would fail with a misleading reason. Asks for the type descriptor of ``PluginLibraryExport``
    /// by its mangled name, which the type itself gives, so a rename cannot make the check stale.
    private static let toolExportsPluginAPI: Bool = {
        guard let mangled = _mangledTypeName(PluginLibraryExport.self), let program = dlopen(nil, RTLD_NOW) else {
            return false
        }
        return dlsym(program, "$s" + mangled + "Mn") != nil
    }()

    /// dlerror's message without the path it starts with (the failure names it already), with a hint
    /// for the usual cause of a missing symbol: a library built against other sources of SyncTrace,
    /// another configuration or another toolchain.
    private static func loaderError(file: String) -> String {
        var message = dlerror().map { String(cString: $0) } ?? "unknown error"
        if message.hasPrefix(file + ": ") { message.removeFirst(file.count + 2) }
        guard message.contains("undefined symbol") else { return message }
        return message + " (built against another SyncTrace, configuration or Swift toolchain? rebuild it against this one)"
    }
}
