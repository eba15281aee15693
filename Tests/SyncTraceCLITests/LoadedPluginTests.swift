import Foundation
import SyncTraceReplay
import Testing

/// `synctrace analyze --load`: the example lockset plugin built as a library of its own
/// (`Examples/LocksetPlugin/Loadable`) and loaded at run time finds what the compiled-in one does, and
/// every library the tool cannot use is refused in one line with exit status 2.
@Suite(
    "Loading a plugin library at run time",
    .serialized,
    .enabled(if: LoadablePluginBuild.isSupported, "synctrace loads plugin libraries on Linux only")
)
struct LoadedPluginTests {
    /// The plugin API version of this SyncTrace (`SyncTracePluginAPI.version`), written out: raising
    /// it is a decision this test makes visible.
    static let apiVersion = 5

    @Test("the version written here is the one synctrace speaks")
    func versionIsThisBuilds() {
        #expect(SyncTracePluginAPI.versionOfThisBuild == Int32(Self.apiVersion))
    }

    static func library() throws -> String {
        try LoadablePluginBuild.lockset.get()
    }

    @Test("the loaded lockset plugin reports z and y, the race detector only y — as in the custom build")
    func findings() throws {
        let library = try Self.library()
        let directory = try TemporaryDirectory()
        let path = try directory.write("t.trace", CustomPluginTests.trace)
        let result = try CommandRunner.run("analyze", path, "--load", library, "--plugin", "lockset", "--plugin", "race", "--format", "json")
        #expect(result.status == 1, "\(result.standardError)")
        #expect(result.standardError.isEmpty)
        let root = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
        #expect(root["plugins"] as? [String] == ["lockset", "race"])
        let findings = try #require(root["findings"] as? [[String: Any]])
        let lockset = findings.filter { $0["plugin"] as? String == "lockset" }.compactMap { $0["variable"] as? String }
        let races = findings.filter { $0["plugin"] as? String == "race" }.compactMap { $0["variable"] as? String }
        #expect(Set(lockset) == ["z", "y"])
        #expect(Set(races) == ["y"])
    }

    @Test("without --plugin the loaded plugin runs with every built-in one")
    func allPlugins() throws {
        let library = try Self.library()
        let directory = try TemporaryDirectory()
        let path = try directory.write("t.trace", CustomPluginTests.trace)
        let result = try CommandRunner.run("analyze", path, "--load", library, "--format", "json")
        #expect(result.status == 1, "\(result.standardError)")
        let root = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
        #expect(root["plugins"] as? [String] == ["race", "deadlock", "lost-update", "lockset"])
    }

    @Test("plugins --load lists the library's plugin after the built-in ones; naming a library twice loads it once")
    func listed() throws {
        let library = try Self.library()
        let result = try CommandRunner.run("plugins", "--load", library, "--load", library)
        #expect(result.status == 0, "\(result.standardError)")
        // A plugin's line starts with its name; its options' lines are indented below it.
        let names = result.standardOutput.split(separator: "\n").filter { !$0.hasPrefix(" ") }.map { String($0.prefix { $0 != " " }) }
        #expect(names == ["race", "predicted-race", "deadlock", "lost-update", "lockset"])
    }

    @Test("the loaded plugin's option: listed by plugins --load, set with --option, seen by the plugin through its context")
    func option() throws {
        let library = try Self.library()
        let listed = try CommandRunner.run("plugins", "--load", library)
        #expect(listed.status == 0, "\(listed.standardError)")
        #expect(
            listed.standardOutput.hasSuffix(
                "\n    --option lockset.read-shared=BOOLEAN  also report variables that several threads only read without a common lock (Eraser exempts them) (default: false; true or false)\n"
            )
        )
        let directory = try TemporaryDirectory()
        let path = try directory.write("t.trace", CustomPluginTests.trace)
        func variables(_ extra: [String]) throws -> Set<String> {
            let result = try CommandRunner.run(["analyze", path, "--load", library, "--plugin", "lockset", "--format", "json"] + extra)
            #expect(result.status == 1, "\(result.standardError)")
            let root = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
            let findings = try #require(root["findings"] as? [[String: Any]])
            return Set(findings.compactMap { $0["variable"] as? String })
        }
        // config is written by T0 alone, then only read by T1 and T2: exempt unless read-shared is set.
        #expect(try variables([]) == ["z", "y"])
        #expect(try variables(["--option", "lockset.read-shared=false"]) == ["z", "y"])
        #expect(try variables(["--option", "lockset.read-shared=true"]) == ["z", "y", "config"])
        let bad = try Self.refused("analyze", path, "--load", library, "--option", "lockset.read-shared=maybe")
        #expect(bad == "invalid value 'maybe' for option 'read-shared' of plugin 'lockset': expected true or false")
        let unknown = try Self.refused("analyze", path, "--option", "lockset.read-shared=true")
        #expect(unknown == "--option 'lockset.read-shared=true': unknown plugin 'lockset' (known plugins: race, predicted-race, deadlock, lost-update)")
    }

    @Test("a second library offering a plugin of the same name is refused")
    func clash() throws {
        let library = try Self.library()
        let directory = try TemporaryDirectory()
        let copy = directory.path("libLocksetCopy.so")
        try FileManager.default.copyItem(atPath: library, toPath: copy)
        let result = try Self.refused("plugins", "--load", library, "--load", copy)
        #expect(result == "\(copy) offers a plugin named 'lockset', but synctrace already has one (\(library)): rename one of them")
    }

    @Test("a custom build of the tool linked without --export-dynamic says so instead of failing the cast")
    func notExported() throws {
        let library = try Self.library()
        let lockset = CommandRunner.executable.deletingLastPathComponent().appendingPathComponent("synctrace-lockset")
        let result = try CommandRunner.run(lockset, ["plugins", "--load", library])
        #expect(result.status == 2)
        #expect(
            result.standardError
                == "synctrace: \(library) cannot be loaded: this build of synctrace does not export its symbols, so a plugin library cannot bind to its SyncTraceReplay (link it with -Xlinker --export-dynamic; see Docs/Plugins.md)\n"
        )
    }

    @Test("a missing file")
    func missing() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("libNothing.so")
        #expect(try Self.refused("plugins", "--load", path) == "\(path): no such file")
    }

    @Test("a file that is not a shared library: dlopen's reason")
    func notALibrary() throws {
        let directory = try TemporaryDirectory()
        let path = try directory.write("notes.so", String(repeating: "not a shared library, only some text\n", count: 4))
        let message = try Self.refused("analyze", "t.trace", "--load", path)
        #expect(message == "\(path) cannot be loaded: invalid ELF header")
    }

    @Test("a shared library without the plugin entry points")
    func notAPlugin() throws {
        let directory = try TemporaryDirectory()
        let path = try LoadablePluginBuild.compileC("int answer(void) { return 42; }\n", named: "libanswer.so", in: directory)
        #expect(
            try Self.refused("plugins", "--load", path)
                == "\(path) is not a SyncTrace plugin library: it does not export synctrace_plugin_api_version (see Docs/Plugins.md)"
        )
    }

    @Test("a library built for another plugin API version")
    func otherVersion() throws {
        let directory = try TemporaryDirectory()
        let path = try LoadablePluginBuild.compileC(
            "int synctrace_plugin_api_version(void) { return 999; }\n",
            named: "libfuture.so",
            in: directory
        )
        #expect(
            try Self.refused("plugins", "--load", path)
                == "\(path) was built for plugin API version 999; this synctrace speaks version \(Self.apiVersion): rebuild it against this SyncTrace"
        )
    }

    /// C source of the version and digest functions, the digest `digest`.
    static func checks(digest: UInt64 = SyncTracePluginAPI.interfaceDigestOfThisBuild) -> String {
        "int synctrace_plugin_api_version(void) { return \(Self.apiVersion); }\n"
            + "unsigned long long synctrace_plugin_api_digest(void) { return 0x\(String(digest, radix: 16))ULL; }\n"
    }

    @Test("a library of this version built against other code (or in the other configuration), and one without a digest")
    func otherCode() throws {
        let directory = try TemporaryDirectory()
        let ours = SyncTracePluginAPI.interfaceDigestOfThisBuild
        let other = try LoadablePluginBuild.compileC(Self.checks(digest: ours ^ 0x10), named: "libother.so", in: directory)
        #expect(
            try Self.refused("plugins", "--load", other)
                == "\(other) was built against other SyncTrace code (plugin interface digest 0x\(String(ours ^ 0x10, radix: 16)); this synctrace: 0x\(String(ours, radix: 16))): rebuild it against this SyncTrace, in the same configuration"
        )
        let configuration = try LoadablePluginBuild.compileC(Self.checks(digest: ours ^ 1), named: "libconfiguration.so", in: directory)
        #expect(try Self.refused("plugins", "--load", configuration).hasPrefix("\(configuration) was built in the other configuration (debug or release) ("))
        let both = try LoadablePluginBuild.compileC(Self.checks(digest: ours ^ 0x11), named: "libboth.so", in: directory)
        #expect(try Self.refused("plugins", "--load", both).hasPrefix("\(both) was built against other SyncTrace code and in the other configuration (debug or release) ("))
        let undigested = try LoadablePluginBuild.compileC(
            "int synctrace_plugin_api_version(void) { return \(Self.apiVersion); }\n",
            named: "libundigested.so",
            in: directory
        )
        #expect(
            try Self.refused("plugins", "--load", undigested)
                == "\(undigested) is not a complete SyncTrace plugin library: it does not export synctrace_plugin_api_digest (see Docs/Plugins.md)"
        )
    }

    @Test("a library with the version and digest but no entry point, and one whose entry point returns NULL")
    func noEntry() throws {
        let directory = try TemporaryDirectory()
        let version = Self.checks()
        let noEntry = try LoadablePluginBuild.compileC(version, named: "libnoentry.so", in: directory)
        #expect(
            try Self.refused("plugins", "--load", noEntry)
                == "\(noEntry) is not a complete SyncTrace plugin library: it does not export synctrace_plugin_entry (see Docs/Plugins.md)"
        )
        let null = try LoadablePluginBuild.compileC(
            version + "void *synctrace_plugin_entry(void) { return 0; }\n",
            named: "libnull.so",
            in: directory
        )
        #expect(try Self.refused("plugins", "--load", null) == "\(null): synctrace_plugin_entry returned NULL instead of its plugins")
    }

    /// Runs `synctrace` expecting a refusal: exit status 2, nothing on stdout, one line on stderr,
    /// returned without the "synctrace: " prefix.
    static func refused(_ arguments: String...) throws -> String {
        let result = try CommandRunner.run(arguments)
        #expect(result.status == 2)
        #expect(result.standardOutput.isEmpty)
        #expect(result.standardError.split(separator: "\n").count == 1)
        return String(result.standardError.dropFirst("synctrace: ".count).dropLast())
    }
}
