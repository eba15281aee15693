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

            --load adds the plugins of a plugin library, a shared library built against the \
            SyncTracePluginAPI product (Docs/Plugins.md): they run with the built-in ones, or when \
            named with --plugin. A library runs its code in this process: load only what you would link.

            Exit status: 0 no findings, 1 findings, 2 bad usage or an unreadable or malformed trace.

            Examples:
              synctrace analyze app.synctrace
              synctrace analyze app.synctrace --plugin race --format json
              synctrace analyze racy-counter.std
              synctrace analyze app.synctrace --load .build/debug/libMyPlugin.so
              synctrace analyze app.synctrace --load libMyPlugin.so --plugin my-plugin
            """
    )

    /// How to print the report.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json
    }

    @Argument(help: "The trace to analyse (binary or text).")
    var trace: String

    @Option(name: .customLong("plugin"), help: "A plugin to run (repeatable; default: all built-in and loaded plugins).")
    var plugins: [String] = []

    @OptionGroup var libraries: PluginLibraryOptions

    @Option(help: "Output format: text for people, json for tools.")
    var format: Format = .text

    func run() throws {
        try self.libraries.load()
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
