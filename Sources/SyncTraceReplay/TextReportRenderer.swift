/// Renders a report for people: one block per finding, modelled on Go's `WARNING: DATA RACE`, then
/// a summary.
public enum TextReportRenderer {
    /// The whole report.
    public static func render(_ report: AnalysisReport) -> String {
        var text = ""
        for finding in report.findings { text += Self.render(finding) }
        let trace = report.trace
        var ending: String
        switch trace.ending {
        case .open, .complete: ending = "complete"
        case .signal: ending = trace.ending.summary
        case .truncated: ending = "truncated: the analysis covers the events before the cut"
        }
        if trace.droppedEvents > 0 {
            ending += "; \(trace.droppedEvents) events were dropped while recording, so findings may be missing"
        }
        let name = trace.path.isEmpty ? "the trace" : trace.path
        text += "SyncTrace: analysed \(name): \(trace.events) events, \(trace.threads) thread\(trace.threads == 1 ? "" : "s"), "
            + "\(trace.objects) object\(trace.objects == 1 ? "" : "s") (\(ending))\n"
        for plugin in report.plugins {
            for line in report.summaries[plugin] ?? [] { text += "\(plugin): \(line)\n" }
        }
        let count = report.findings.count
        text += count == 0 ? "No findings.\n" : "Found \(count) finding\(count == 1 ? "" : "s").\n"
        return text
    }

    /// One finding's block.
    public static func render(_ finding: Finding) -> String {
        var lines = ["==================", "WARNING: \(finding.title)"]
        if finding.events.isEmpty { lines.append(finding.message) }
        for event in finding.events {
            let object = event.object ?? ""
            if event.operation == "r" || event.operation == "w" {
                lines.append("\(event.role) at \(object) by thread \(event.thread):")
            } else {
                let target = event.object.map { "(\($0))" } ?? ""
                lines.append("\(event.role): \(event.operation)\(target) by thread \(event.thread):")
            }
            lines.append("  \(event.location ?? "(no call site recorded)")")
            lines.append("")
        }
        var described: Set<String> = []
        for event in finding.events where described.insert(event.thread).inserted {
            if let creation = event.threadCreation, creation.hasPrefix("by ") {
                lines.append("Thread \(event.thread) created \(creation)")
            } else if let creation = event.threadCreation {
                lines.append("Thread \(event.thread) created at:")
                lines.append("  \(creation)")
            } else {
                lines.append("Thread \(event.thread) (not started by a TracedThread: no creation site)")
            }
            lines.append("")
        }
        lines.append(contentsOf: finding.details)
        if lines.last == "" { lines.removeLast() }
        lines.append("==================")
        return lines.joined(separator: "\n") + "\n"
    }
}
