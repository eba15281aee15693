import Foundation
import Testing

/// Builds the shared libraries the `--load` tests load: the example plugin as its nested package
/// ships it (once per test run), and tiny C libraries that break the plugin interface on purpose.
enum LoadablePluginBuild {
    /// Whether `synctrace` can load plugin libraries here: it is linked with `--export-dynamic` on
    /// Linux only.
    static var isSupported: Bool {
        #if os(Linux)
        true
        #else
        false
        #endif
    }

    /// The root of this package, from this file's place in it.
    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The directory `synctrace` was built into; its name is the configuration (debug, release).
    static let productsDirectory = CommandRunner.executable.resolvingSymlinksInPath().deletingLastPathComponent()

    /// `libLocksetPlugin.so` built from `Examples/LocksetPlugin/Loadable`, or why it could not be.
    ///
    /// Built with the configuration of `synctrace` (a release build of the library may call code that
    /// only a release build of the tool exports), into a scratch directory beside the test run's own
    /// build, so that a second run only relinks and two builds of the package never share one.
    static let lockset: Result<String, BuildFailure> = {
        let configuration = Self.productsDirectory.lastPathComponent == "release" ? "release" : "debug"
        let scratch = Self.productsDirectory
            .deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("nested").appendingPathComponent("LocksetPlugin")
        let arguments = [
            "swift", "build",
            "--package-path", Self.packageRoot.appendingPathComponent("Examples/LocksetPlugin/Loadable").path,
            "--scratch-path", scratch.path,
            "--configuration", configuration,
            "--product", "LocksetPlugin",
        ]
        // A nested build keeps its first plan of this package's modules: a source file added, moved or
        // removed since then makes it fail ("cannot find type"; "missing inputs"). So the scratch
        // directory is started afresh whenever the list of this package's source files changed.
        let fileList = Self.sourceFileList()
        let listRecord = scratch.appendingPathComponent("source-files.txt")
        if (try? String(contentsOf: listRecord, encoding: .utf8)) != fileList {
            try? FileManager.default.removeItem(at: scratch)
        }
        // The plugin's own files are compiled again every time (their object files removed, the
        // build's plan kept): an incremental build does not recompile them when only a body they
        // inline from SyncTraceReplay changed — the digest Entry.swift returns
        // (SyncTracePluginAPI.interfaceDigest) above all — and synctrace would rightly refuse the
        // stale library. Its dependencies stay incremental.
        let objects = scratch.appendingPathComponent(configuration).appendingPathComponent("LocksetPlugin.build")
        for name in (try? FileManager.default.contentsOfDirectory(atPath: objects.path)) ?? [] where name.hasSuffix(".o") {
            try? FileManager.default.removeItem(at: objects.appendingPathComponent(name))
        }
        do {
            let result = try CommandRunner.run(URL(fileURLWithPath: "/usr/bin/env"), arguments)
            guard result.status == 0 else {
                return .failure(BuildFailure(reason: "\(arguments.joined(separator: " ")) failed:\n\(result.standardOutput)\(result.standardError)"))
            }
        } catch {
            return .failure(BuildFailure(reason: "\(arguments.joined(separator: " ")) did not run: \(error)"))
        }
        try? fileList.write(to: listRecord, atomically: true, encoding: .utf8)
        return .success(scratch.appendingPathComponent(configuration).appendingPathComponent("libLocksetPlugin.so").path)
    }()

    /// The paths of this package's source files (under `Sources/`), sorted, a line each.
    static func sourceFileList() -> String {
        let sources = Self.packageRoot.appendingPathComponent("Sources").path
        let paths = (FileManager.default.subpaths(atPath: sources) ?? []).filter { path in
            path.hasSuffix(".swift") || path.hasSuffix(".c") || path.hasSuffix(".h")
        }
        return paths.sorted().joined(separator: "\n")
    }

    /// Compiles `source` (C) into a shared library `name` in `directory` with the toolchain's clang.
    static func compileC(_ source: String, named name: String, in directory: TemporaryDirectory) throws -> String {
        let sourcePath = try directory.write(name + ".c", source)
        let library = directory.path(name)
        let result = try CommandRunner.run(
            URL(fileURLWithPath: "/usr/bin/env"),
            ["clang", "-shared", "-fPIC", "-o", library, sourcePath]
        )
        guard result.status == 0 else {
            throw BuildFailure(reason: "clang failed on \(name): \(result.standardError)")
        }
        return library
    }
}

/// A library the tests need could not be built.
struct BuildFailure: Error, CustomStringConvertible {
    var reason: String
    var description: String { self.reason }
}
