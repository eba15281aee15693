public import SyncTraceFormat

/// Renders a report for people: one block per finding, modelled on Go's `WARNING: DATA RACE`, then
/// a summary.
public enum TextReportRenderer {
    /// The whole report. Its summary says how the trace ended and, for a trace cut short, how many
    /// of the events read were analysed ("cut short: 3,912,004 events analysed, 88,000 after the first
    /// gap not analysed"), and that its findings are of the analysed part; and what was left out:
    /// suppressed findings, findings in a baseline, and those past `maxFindings` (nil: all are shown).
    public static func render(_ report: AnalysisReport, maxFindings: Int? = nil) -> String {
        var text = ""
        // Variables of one name that are different objects (two wallets' `balance`, three unnamed
        // variables made on one line): their blocks say which object each is.
        let symbols = report.symbols
        var objectsByName: [String: Set<ObjectID>] = [:]
        for finding in report.findings {
            if let id = finding.variableID { objectsByName[symbols.object(id).name, default: []].insert(id) }
        }
        for finding in report.findings.prefix(maxFindings ?? Int.max) {
            var note: String?
            if let id = finding.variableID, case let name = symbols.object(id).name, let count = objectsByName[name]?.count, count > 1 {
                let declared = symbols.location(symbols.object(id).location).map { ", declared at \($0)" } ?? ""
                note = "This \(name) is object #\(id.rawValue)\(declared): the report names \(count) different variables \(name)."
            }
            Self.render(finding, symbols: symbols, note: note, into: &text)
        }
        let trace = report.trace
        let shape = "\(Self.counted(trace.threads, "thread")), \(Self.counted(trace.objects, "object"))"
        var ending: String
        var counts: String
        if trace.reachesProgramEnd {
            ending = trace.ending.summary
            counts = "\(trace.analysedEvents) events, " + shape
        } else {
            let left = trace.unanalysedEvents == 0
                ? "none left waiting behind a gap"
                : "\(Self.grouped(trace.unanalysedEvents)) after the first gap not analysed"
            ending = "cut short: \(Self.grouped(trace.analysedEvents)) events analysed, " + left
            counts = shape
        }
        if trace.droppedEvents > 0 {
            ending += "; \(trace.droppedEvents) events were dropped while recording, so findings may be missing"
        }
        let name = trace.path.isEmpty ? "the trace" : trace.path
        text += "SyncTrace: analysed \(name): \(counts) (\(ending))\n"
        for note in report.stackNotes { text += "SyncTrace: stacks: \(note)\n" }
        if !trace.reachesProgramEnd {
            text += "SyncTrace: the trace was \(trace.ending.summary): only the events before its first gap are analysed, "
                + "and the program went on past them\n"
        }
        for plugin in report.plugins {
            for line in report.summaries[plugin] ?? [] { text += "\(plugin): \(line)\n" }
        }
        for line in report.omissionLines(shown: maxFindings) { text += "SyncTrace: \(line)\n" }
        let count = report.findings.count
        let part = trace.reachesProgramEnd ? "" : " in the analysed part (the trace was cut short)"
        text += count == 0 ? "No findings\(part).\n" : "Found \(Self.counted(count, "finding"))\(part).\n"
        return text
    }

    private static func counted(_ count: Int, _ noun: String) -> String {
        "\(count) \(noun)\(count == 1 ? "" : "s")"
    }

    /// `count` with its thousands grouped: "3,912,004".
    public static func grouped(_ count: UInt64) -> String {
        var digits = String(count)
        var index = digits.endIndex
        while digits.distance(from: digits.startIndex, to: index) > 3 {
            index = digits.index(index, offsetBy: -3)
            digits.insert(",", at: index)
        }
        return digits
    }

    /// A stack, Go-style: each frame's function on a line of its own, then its file and line
    /// indented by a tab; a frame without symbols as `image+0xoffset`.
    static func render(_ stack: [StackFrame], into text: inout String) {
        for frame in stack {
            text += "  "
            if let function = frame.function {
                text += function
                text += "\n  \t"
            }
            text += frame.place
            text += "\n"
        }
    }

    /// One finding's block, its threads, objects and locations named from `symbols` (the report's
    /// ``AnalysisReport/symbols``).
    public static func render(_ finding: Finding, symbols: TraceSymbols) -> String {
        var text = ""
        Self.render(finding, symbols: symbols, note: nil, into: &text)
        return text
    }

    /// Appends one finding's block to `text`: its lines written straight into the report, piece by
    /// piece (a report of ten thousand findings is two hundred thousand lines, and an interpolated
    /// line is a string of its own first), the blank line before the closing rule left out.
    /// `note`, if any, is a last line that the report adds (which object a variable of a shared name is).
    static func render(_ finding: Finding, symbols: TraceSymbols, note: String?, into text: inout String) {
        var blankPending = false
        /// Starts a line that is not blank: the blank line before it, if one is pending, first.
        func begin() {
            if blankPending { text += "\n" }
            blankPending = false
        }
        func line(_ line: String) {
            guard !line.isEmpty else {
                if blankPending { text += "\n" }
                blankPending = true
                return
            }
            begin()
            text += line
            text += "\n"
        }
        line("==================")
        begin()
        text += "WARNING: "
        text += finding.title
        text += "\n"
        // The message always: with events it is the one line that says what they add up to.
        line(finding.message.resolved(in: symbols))
        if !finding.events.isEmpty { line("") }
        for event in finding.events {
            begin()
            text += event.role.resolved(in: symbols)
            let object = Self.target(of: event, symbols: symbols)
            if event.operation == .read || event.operation == .write {
                text += " at "
                text += object ?? ""
            } else {
                text += ": "
                text += event.operation.textName
                if let object {
                    text += "("
                    text += object
                    text += ")"
                }
            }
            text += " by thread "
            text += symbols.thread(event.threadID).name
            text += ":\n"
            let stack = symbols.stack(event.location)
            if stack.isEmpty {
                text += "  "
                text += symbols.location(event.location) ?? "(no call site recorded)"
                text += "\n"
            } else {
                Self.render(stack, into: &text)
            }
            line("")
        }
        var described: Set<ThreadID> = []
        for event in finding.events where described.insert(event.threadID).inserted {
            begin()
            text += "Thread "
            let thread = symbols.thread(event.threadID)
            text += thread.name
            let creation = symbols.threadCreation(event.threadID)
            let creationStack = symbols.stack(thread.location)
            if !creationStack.isEmpty {
                text += " created"
                if let creator = thread.parent {
                    text += " by "
                    text += symbols.thread(creator).name
                }
                text += " at:\n"
                Self.render(creationStack, into: &text)
            } else if let creation, creation.hasPrefix("by ") {
                text += " created "
                text += creation
            } else if let creation {
                text += " created at:\n  "
                text += creation
            } else {
                text += " (not started by a TracedThread: no creation site)"
            }
            if creationStack.isEmpty { text += "\n" }
            line("")
        }
        for detail in finding.details { line(detail.resolved(in: symbols)) }
        if let note { line(note) }
        // The last blank line, if the block ends with one, is not written.
        blankPending = false
        line("==================")
    }

    /// The name of what an event operates on: its object, or the thread a `fork` or `join` names.
    static func target(of event: FindingEvent, symbols: TraceSymbols) -> String? {
        if let object = event.objectID { return symbols.object(object).name }
        if let thread = event.otherThreadID { return symbols.thread(thread).name }
        return nil
    }
}
