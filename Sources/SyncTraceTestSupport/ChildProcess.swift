public import Foundation

/// Runs a program in a child process and waits for it: the recorder's crash, signal and
/// environment tests, the examples and the command-line tool all need one, and one that never blocks
/// on a full pipe or hangs a test run.
///
/// Output goes to files, not pipes, so a chatty child cannot block and nothing must be drained while
/// it runs. A child that outlives its timeout is killed (`SIGKILL`) and the result says so.
public enum ChildProcess {
    /// How a child ended and what it printed.
    public struct Result: Sendable {
        /// The exit status, or the signal that ended the child when ``signaled`` is true.
        public var status: Int32
        /// Whether a signal ended the child (``status`` is then the signal's number).
        public var signaled: Bool
        /// Whether the child ran past its timeout and was killed.
        public var timedOut: Bool
        /// What it wrote to standard output.
        public var outputData: Data
        /// What it wrote to standard output, as text (invalid UTF-8 replaced).
        public var output: String { String(decoding: self.outputData, as: UTF8.self) }
        /// What it wrote to standard error.
        public var error: String
    }

    /// The executable `name` built beside the running test bundle (SwiftPM puts every product of a
    /// build in one directory).
    public static func builtProduct(_ name: String) -> URL {
        var directory = Bundle.main.bundleURL
        for _ in 0..<4 {
            let candidate = directory.appendingPathComponent(name)
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
            directory.deleteLastPathComponent()
        }
        return URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent(name)
    }

    /// A new empty directory under the temporary directory, its name starting with `prefix`.
    public static func temporaryDirectory(prefix: String) throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Runs `executable` with `arguments` and waits for it to end.
    ///
    /// - Parameters:
    ///   - environment: the child's variables. With `inheritingEnvironment` they are added to this
    ///     process's; without it they are all the child gets, besides `PATH`.
    ///   - directory: the child's working directory (this process's when nil).
    ///   - input: what the child reads on standard input (nothing when nil).
    ///   - timeout: seconds after which the child is killed.
    ///   - started: called with the child's process id once it runs, on the calling thread (to
    ///     signal it mid-run, say); the call returns when the child has ended either way.
    public static func run(
        _ executable: URL,
        arguments: [String] = [],
        environment: [String: String] = [:],
        inheritingEnvironment: Bool = false,
        in directory: URL? = nil,
        input: Data? = nil,
        timeout: Double = 300,
        started: ((Int32) -> Void)? = nil
    ) throws -> Result {
        let scratch = try Self.temporaryDirectory(prefix: "child-output")
        defer { try? FileManager.default.removeItem(at: scratch) }
        let outputURL = scratch.appendingPathComponent("stdout")
        let errorURL = scratch.appendingPathComponent("stderr")
        let inputURL = scratch.appendingPathComponent("stdin")
        // A file that cannot be made fails the FileHandle initializers below, with the reason.
        _ = FileManager.default.createFile(atPath: outputURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errorURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: inputURL.path, contents: input ?? Data())
        let output = try FileHandle(forWritingTo: outputURL)
        let error = try FileHandle(forWritingTo: errorURL)
        let standardInput = try FileHandle(forReadingFrom: inputURL)
        defer {
            try? output.close()
            try? error.close()
            try? standardInput.close()
        }

        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        var childEnvironment = inheritingEnvironment ? ProcessInfo.processInfo.environment : [:]
        if !inheritingEnvironment { childEnvironment["PATH"] = ProcessInfo.processInfo.environment["PATH"] }
        childEnvironment.merge(environment) { $1 }
        process.environment = childEnvironment
        if let directory { process.currentDirectoryURL = directory }
        process.standardOutput = output
        process.standardError = error
        process.standardInput = standardInput
        try process.run()
        started?(process.processIdentifier)
        let deadline = Date().addingTimeInterval(timeout)
        var timedOut = false
        while process.isRunning {
            if Date() >= deadline {
                kill(process.processIdentifier, SIGKILL)
                timedOut = true
                break
            }
            usleep(2_000)
        }
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus,
            signaled: process.terminationReason == .uncaughtSignal,
            timedOut: timedOut,
            outputData: try Data(contentsOf: outputURL),
            error: String(decoding: try Data(contentsOf: errorURL), as: UTF8.self)
        )
    }
}
