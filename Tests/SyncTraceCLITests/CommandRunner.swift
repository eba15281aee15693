import Foundation
import SyncTraceTestSupport
import Testing

/// Runs the built `synctrace` executable and captures what it prints.
struct CommandResult {
    var status: Int32
    var standardOutput: String
    var standardError: String
}

enum CommandRunner {
    /// The `synctrace` executable: `SYNCTRACE_BINARY` if set, else the one in the build products
    /// directory that holds this test bundle.
    static let executable: URL = {
        if let path = ProcessInfo.processInfo.environment["SYNCTRACE_BINARY"] {
            return URL(fileURLWithPath: path)
        }
        var directory = Bundle.main.bundleURL
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent("synctrace")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory.deleteLastPathComponent()
        }
        return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("synctrace")
    }()

    /// Runs `synctrace` with `arguments` and waits for it.
    static func run(_ arguments: String...) throws -> CommandResult {
        try Self.run(arguments)
    }

    static func run(_ arguments: [String]) throws -> CommandResult {
        try Self.run(Self.executable, arguments)
    }

    /// Runs `executable` with `arguments`, and `environment` added to this process's, and waits for it;
    /// `input` is its standard input (a file holding it; nothing when nil).
    static func run(
        _ executable: URL,
        _ arguments: [String],
        environment: [String: String] = [:],
        input: Data? = nil
    ) throws -> CommandResult {
        let result = try ChildProcess.run(
            executable,
            arguments: arguments,
            environment: environment,
            inheritingEnvironment: true,
            input: input
        )
        return CommandResult(status: result.status, standardOutput: result.output, standardError: result.error)
    }

    /// Runs `script` with `/bin/sh -c`, `$SYNCTRACE` set to the `synctrace` executable: for pipes
    /// (`cat trace | "$SYNCTRACE" analyze -`) and redirections (`> /dev/full`) that only a shell makes.
    /// The status is the pipeline's last command's.
    static func shell(_ script: String) throws -> CommandResult {
        try Self.run(URL(fileURLWithPath: "/bin/sh"), ["-c", script], environment: ["SYNCTRACE": Self.executable.path])
    }
}

/// A fresh temporary directory per test, removed afterwards.
final class TemporaryDirectory {
    let url: URL

    init() throws {
        self.url = FileManager.default.temporaryDirectory.appendingPathComponent("synctrace-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: self.url, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: self.url)
    }

    func path(_ name: String) -> String { self.url.appendingPathComponent(name).path }

    /// Writes `text` to a file in the directory and returns its path.
    func write(_ name: String, _ text: String) throws -> String {
        let path = self.path(name)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}
