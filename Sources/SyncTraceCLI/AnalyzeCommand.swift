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

            A trace cut short (no end record: the process was killed where no handler runs, or the \
            file was cut) is analysed up to its consistent cut: only the events whose every \
            happens-before predecessor is in the file, and nothing past its first gap. The report says \
            how many events were analysed and how many were not, and says nothing that depends on a \
            missing event (no thread is reported blocked at the cut). A trace that ended by a signal \
            (the recorder's handler wrote every event before the process died) is analysed whole, and \
            the report names the signal.

            Exit status:
              0  no findings, in a whole trace (complete, or ended by a signal)
              1  findings (in a trace cut short too: real ones, in the part analysed)
              2  bad usage, or no usable trace: unreadable, malformed, or empty
                 (0 bytes, /dev/null, a binary trace cut inside its first frame)
              3  cut short, and the part analysed has no findings: not a clean run

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
            StandardStream.warn(
                TraceOpening.cutShortMessage(
                    path: self.trace,
                    events: report.trace.analysedEvents,
                    leftOut: report.trace.unanalysedEvents,
                    droppedBytes: dropped,
                    used: "analysed"
                )
            )
        }
        if report.trace.droppedEvents > 0 {
            StandardStream.warn("\(self.trace) is incomplete: the recorder dropped \(report.trace.droppedEvents) events")
        }
        let status = Self.exitCode(for: report)
        if status != .success { throw status }
    }

    /// 1 for findings; else 3 for a trace cut short (its analysed part is clean, the run may not be),
    /// 0 for a whole one.
    static func exitCode(for report: AnalysisReport) -> ExitCode {
        if !report.findings.isEmpty { return ExitCode(1) }
        return report.trace.reachesProgramEnd ? .success : ExitCode(3)
    }
}
