import ArgumentParser
import Foundation
import SyncTraceReplay

/// What `analyze` leaves out of its report, and why: suppression files (`--suppressions`), a
/// baseline report (`--baseline`), and a cap on findings printed (`--max-findings`). Suppressed and
/// baseline findings do not count towards the exit status; findings past the cap do.
struct FindingSelectionOptions: ParsableArguments {
    @Option(
        name: .customLong("suppressions"),
        help: ArgumentHelp("A suppression file: TYPE:PATTERN lines, TSan-style (repeatable).", valueName: "file")
    )
    var suppressionFiles: [String] = []

    @Option(
        help: ArgumentHelp("A previous JSON (or SARIF) report: only findings whose fingerprint it lacks are reported.", valueName: "file")
    )
    var baseline: String?

    @Option(
        name: .customLong("max-findings"),
        help: ArgumentHelp("Print at most this many findings; the rest are counted (they still count for the exit status).", valueName: "n")
    )
    var maxFindings: Int?

    /// What the help of `analyze` says of these options.
    static let discussion = """
        --suppressions FILE removes the findings a team accepts: one TYPE:PATTERN a line, where TYPE \
        is a plugin's name (race, predicted-race, deadlock, lost-update, or a loaded plugin's) and PATTERN matches an \
        object's name, a call site ("App/Cache.swift:42"), or a function or file of a recorded stack; \
        `*` matches anything, `^` and `$` anchor. # starts a comment. The summary counts what each \
        rule removed. --baseline FILE (a JSON or SARIF report of an earlier run) removes the findings \
        whose fingerprint it holds: only what is new. Write baselines without --max-findings, which \
        leaves findings (and their fingerprints) out of the report.
        """

    func validate() throws {
        if let maxFindings, maxFindings < 0 { throw ValidationError("--max-findings \(maxFindings): give 0 or more") }
    }

    /// The suppression files and the baseline, read and checked (the plugins rules can name being
    /// `plugins`): before the trace is read, so that a wrong file costs no analysis.
    ///
    /// - Throws: ``CommandFailure`` (bad usage) for a file that cannot be read, a line that is not a
    ///   rule, a rule naming no known plugin, or a baseline that is not a report.
    func load(knownPlugins plugins: [String]) throws(CommandFailure) -> Selection {
        var suppressions: [Suppressions] = []
        for path in self.suppressionFiles { suppressions.append(try Self.suppressions(path, knownPlugins: plugins)) }
        var baseline: (path: String, fingerprints: Set<FindingFingerprint>)?
        if let path = self.baseline { baseline = (path, try Self.fingerprints(path)) }
        return Selection(suppressions: suppressions, baseline: baseline)
    }

    /// The suppressions and baseline of a run, read.
    struct Selection {
        var suppressions: [Suppressions]
        var baseline: (path: String, fingerprints: Set<FindingFingerprint>)?

        /// `report` without what the suppressions accept and what the baseline holds, counted.
        func apply(to report: inout AnalysisReport) {
            for suppression in self.suppressions { report.suppress(suppression) }
            if let baseline { report.removeBaseline(baseline.fingerprints, from: baseline.path) }
        }
    }

    /// The rules of the suppression file at `path`, checked against the plugins that exist.
    static func suppressions(_ path: String, knownPlugins plugins: [String]) throws(CommandFailure) -> Suppressions {
        let text = try Self.read(path, what: "suppression file")
        let suppressions: Suppressions
        do {
            suppressions = try Suppressions(parsing: text, source: path)
        } catch {
            throw CommandFailure(error)
        }
        for rule in suppressions.rules where !plugins.contains(rule.plugin) {
            throw CommandFailure("\(path):\(rule.line): no plugin is named '\(rule.plugin)' (\(plugins.joined(separator: ", ")))")
        }
        return suppressions
    }

    /// The fingerprints of the report at `path`: a JSON report's findings' `"fingerprint"`s, or a
    /// SARIF log's results' `partialFingerprints["syncTraceFinding/v1"]`.
    static func fingerprints(_ path: String) throws(CommandFailure) -> Set<FindingFingerprint> {
        let text = try Self.read(path, what: "baseline")
        guard let root = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] else {
            throw CommandFailure("\(path) is not a baseline: not a JSON object (write one with `synctrace analyze --format json --output FILE`)")
        }
        var texts: [Any?] = []
        if let findings = root["findings"] as? [[String: Any]] {
            texts = findings.map { $0["fingerprint"] }
        } else if let runs = root["runs"] as? [[String: Any]] {
            for run in runs {
                for result in run["results"] as? [[String: Any]] ?? [] {
                    texts.append((result["partialFingerprints"] as? [String: Any])?["syncTraceFinding/v1"])
                }
            }
        } else {
            throw CommandFailure("\(path) is not a baseline: a JSON report has \"findings\", a SARIF log \"runs\"")
        }
        var fingerprints: Set<FindingFingerprint> = []
        for (index, text) in texts.enumerated() {
            guard let text = text as? String, let fingerprint = FindingFingerprint(text) else {
                throw CommandFailure("\(path) is not a baseline: finding \(index + 1) has no fingerprint (a report of an older synctrace?)")
            }
            fingerprints.insert(fingerprint)
        }
        return fingerprints
    }

    private static func read(_ path: String, what: String) throws(CommandFailure) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            throw CommandFailure("cannot read the \(what) \(path): \(exists ? (isDirectory.boolValue ? "it is a directory" : "permission denied") : "no such file")")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw CommandFailure("the \(what) \(path) is not UTF-8 text")
        }
        return text
    }
}
