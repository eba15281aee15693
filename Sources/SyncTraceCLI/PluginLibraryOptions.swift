import ArgumentParser

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// `--load PATH`, shared by `analyze` and `plugins`: plugin libraries whose plugins join the built-in
/// ones.
struct PluginLibraryOptions: ParsableArguments {
    @Option(
        name: .customLong("load"),
        help: ArgumentHelp(
            "A plugin library (a .so built against SyncTracePluginAPI) whose plugins to add (repeatable).",
            valueName: "path"
        )
    )
    var libraries: [String] = []

    /// Loads every library, in the order given, and adds its plugins to those the tool knows.
    func load() throws(CommandFailure) {
        var loaded: Set<String> = []
        for path in self.libraries {
            // Naming a library twice is harmless; loading it twice would clash with itself.
            guard loaded.insert(Self.canonical(path)).inserted else { continue }
            try BuiltinPlugins.add(try PluginLibraryLoader.load(path), loadedFrom: path)
        }
    }

    private static func canonical(_ path: String) -> String {
        guard let resolved = realpath(path, nil) else { return path }
        defer { free(resolved) }
        return String(cString: resolved)
    }
}
