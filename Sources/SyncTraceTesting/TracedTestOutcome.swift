/// What one traced test's recording found, for a test framework to report: the findings on the
/// test's own threads (after its suppressions), what kept it from being analysed as asked, and
/// where its trace is.
struct TracedTestOutcome: Sendable {
    /// The findings, one issue each.
    var findings: [TracedTestFinding] = []
    /// What went wrong with recording or analysis: each fails the test too.
    var problems: [SyncTraceTestProblem] = []
    /// The trace's path, when it was kept.
    var keptTrace: String?
    /// The trace's file name and bytes, when there are findings: what Swift Testing attaches.
    var attachment: (name: String, bytes: [UInt8])?
    /// Findings suppressed by the test's rules (not reported).
    var suppressedCount = 0

    /// The sentence an issue ends with: where the trace is, and how to see its whole report.
    var traceNote: String {
        var notes: [String] = []
        if let keptTrace { notes.append("Trace kept at \(keptTrace) (synctrace analyze \(keptTrace) shows the whole report)") }
        if let attachment { notes.append("attached to the test as \(attachment.name)") }
        guard !notes.isEmpty else { return "The trace was not kept." }
        return notes.joined(separator: "; ") + "."
    }

    /// The text of finding `finding`'s issue: the report's block for it, then where the trace is.
    func issueText(for finding: TracedTestFinding) -> String {
        "SyncTrace found this in the test's recording:\n\(finding.text)\(self.traceNote)"
    }
}
