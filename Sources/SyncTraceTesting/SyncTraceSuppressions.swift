import Foundation
import SyncTraceReplay

/// Findings a traced test accepts, in the suppression-file syntax of `synctrace analyze
/// --suppressions` (`Suppressions`: one `TYPE:PATTERN` rule a line).
///
/// ```swift
/// @Test(.synctrace(suppressions: .rules("race:LegacyCache.swift"))) func cache() { … }
/// @Test(.synctrace(suppressions: .file("synctrace.supp"))) func everything() { … }
/// ```
///
/// The rules are read when the test's recording is analysed; a file that cannot be read, a line
/// that is no rule, or a rule for a plugin the test does not run fails the test with an issue
/// saying so, rather than silently suppressing nothing.
public struct SyncTraceSuppressions: Sendable {
    enum Source: Sendable {
        case rules(String)
        case file(String)
    }

    let source: Source

    /// The rules written in `text`, one a line, as in a suppression file.
    public static func rules(_ text: String) -> SyncTraceSuppressions {
        SyncTraceSuppressions(source: .rules(text))
    }

    /// The rules of the file at `path` (relative to the test process's working directory, which
    /// `swift test` sets to the package's directory).
    public static func file(_ path: String) -> SyncTraceSuppressions {
        SyncTraceSuppressions(source: .file(path))
    }

    /// The parsed rules, or why there are none.
    func load() -> Result<Suppressions, SyncTraceTestProblem> {
        let text: String
        let name: String
        switch self.source {
        case .rules(let rules):
            text = rules
            name = "the trait's suppressions"
        case .file(let path):
            guard let contents = Self.read(path) else {
                return .failure(SyncTraceTestProblem("cannot read the suppression file \(path)"))
            }
            text = contents
            name = path
        }
        do {
            return .success(try Suppressions(parsing: text, source: name))
        } catch {
            return .failure(SyncTraceTestProblem("bad suppression rule: \(error)"))
        }
    }

    /// The contents of a text file, or nil when it cannot be read.
    private static func read(_ path: String) -> String? {
        FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
    }
}
