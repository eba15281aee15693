import ArgumentParser
import SyncTraceFormat
import SyncTraceReplay

/// `synctrace analyze TRACE`: replay a trace through the analysis plugins and report what they find.
struct AnalyzeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "analyze",
        abstract: "Replay a trace, rebuild happens-before, and report data races (and what other plugins find).",
        discussion: """
            Reads a binary or text trace once, puts a recorded trace's per-thread batches in \
            happens-before order, and runs every built-in plugin (or those named with --plugin; \
            `synctrace plugins` lists them). Text output is for people, one block per finding like \
            Go's race detector; JSON output is a stable contract for tools.

            Exit status: 0 no findings, 1 findings, 2 bad usage or an unreadable or malformed trace.

            Examples:
              synctrace analyze app.synctrace
              synctrace analyze app.synctrace --plugin race --format json
              synctrace analyze racy-counter.std
            """
    )

    /// How to print the report.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @Argument(help: "The trace to analyse (binary or text).")
    var trace: String

    @Option(name: .customLong("plugin"), help: "A plugin to run (repeatable; default: all built-in plugins).")
    var plugins: [String] = []

    @Option(help: "Output format: text for people, json for tools.")
    var format: Format = .text

    func run() throws {
        let plugins = try BuiltinPlugins.make(self.plugins)
        let report: AnalysisReport
        do {
            report = try TraceAnalysis.run(path: self.trace, plugins: plugins)
        } catch {
            throw CommandFailure(error)
        }
        switch self.format {
        case .text: StandardStream.output.write(TextReportRenderer.render(report))
        case .json: StandardStream.output.write(JSONReportRenderer.render(report))
        }
        if case .truncated(let dropped) = report.trace.ending {
            StandardStream.warn(TraceOpening.truncationMessage(path: self.trace, events: report.trace.events, droppedBytes: dropped))
        }
        if report.trace.droppedEvents > 0 {
            StandardStream.warn("\(self.trace) is incomplete: the recorder dropped \(report.trace.droppedEvents) events")
        }
        if !report.findings.isEmpty { throw ExitCode(1) }
    }
}

/// `synctrace plugins`: list the built-in analysis plugins.
struct PluginsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plugins",
        abstract: "List the built-in analysis plugins.",
        discussion: """
            Example:
              synctrace plugins
            """
    )

    func run() throws {
        let width = BuiltinPlugins.all.map(\.name.count).max() ?? 0
        for entry in BuiltinPlugins.all {
            StandardStream.output.write(entry.name + String(repeating: " ", count: width - entry.name.count) + "  \(entry.summary)\n")
        }
    }
}
