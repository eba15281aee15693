import Foundation
import Synchronization

/// Where a traced test's recording is written: a file of its own, named after the test, in the
/// directory the options or `SYNCTRACE_TEST_TRACES` name, else in the temporary directory's
/// `synctrace-tests`. The recording is written there directly, so that a kept trace needs no copy.
struct TraceFilePlacement {
    /// Numbers the recordings of one process: two cases of a parameterized test share their name.
    private static let numbers = Atomic<UInt64>(0)

    /// The trace's path.
    let path: String
    /// Its file name (what an attachment is called).
    let fileName: String

    /// A fresh path for the recording of test `name`, or why there is none.
    static func make(testName name: String, options: SyncTraceTestOptions) -> Result<TraceFilePlacement, SyncTraceTestProblem> {
        let environment = ProcessInfo.processInfo.environment[SyncTraceTestOptions.traceDirectoryEnvironmentVariable]
        let directory = options.traceDirectory
            ?? environment.flatMap { $0.isEmpty ? nil : $0 }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("synctrace-tests").path
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            return .failure(SyncTraceTestProblem("cannot create the trace directory \(directory): \(error.localizedDescription)"))
        }
        let number = Self.numbers.wrappingAdd(1, ordering: .relaxed).oldValue
        // The process id too: two test processes (`swift test --parallel`, two packages) may share
        // the directory.
        let fileName = "\(Self.sanitized(name))-\(ProcessInfo.processInfo.processIdentifier)-\(number).synctrace"
        let path = URL(fileURLWithPath: directory).appendingPathComponent(fileName).path
        return .success(TraceFilePlacement(path: path, fileName: fileName))
    }

    /// `name` as a file name: letters, digits, `.`, `-` and `_` kept, anything else (spaces, `/`,
    /// the parentheses of `racyWrite()`) as `_`, at most 80 characters. A `%` would be the
    /// recorder's process-id placeholder, and goes too.
    static func sanitized(_ name: String) -> String {
        let kept = name.unicodeScalars.map { scalar -> Character in
            let isSafe = (scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar))) || scalar == "." || scalar == "-" || scalar == "_"
            return isSafe ? Character(scalar) : "_"
        }
        var text = String(kept.prefix(80))
        while text.hasSuffix("_") { text.removeLast() }
        return text.isEmpty ? "test" : text
    }

    /// Removes the trace.
    func remove() {
        try? FileManager.default.removeItem(atPath: self.path)
    }

    /// The trace's bytes, for an attachment; nil when it cannot be read.
    func contents() -> [UInt8]? {
        FileManager.default.contents(atPath: self.path).map { [UInt8]($0) }
    }
}
