import ArgumentParser
import SyncTraceFormat
import SyncTraceReplay

/// `synctrace export TRACE --format perfetto`: the trace as a timeline another tool opens.
struct ExportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Write a trace as a timeline: Chrome trace-event JSON, which Perfetto's UI and chrome://tracing open.",
        discussion: """
            Replays the trace (in happens-before order, like analyze) and writes one track per thread \
            (a task's logical thread is a track of its own), a slice per synchronization operation, \
            a slice per lock hold and per wait (from the request to the acquisition, or to the \
            receive, wait or join that ended it), and a flow arrow for every happens-before edge \
            between threads: release → acquire, send → receive, close → receive, fork → the child's \
            first event, the last event → join, done → wait, signal → wait. The findings of the \
            built-in plugins are marked at their events. Open the file at https://ui.perfetto.dev \
            (Open trace file) or in chrome://tracing; nothing leaves the machine.

            Timestamps are microseconds since the recording started, read from the CPU's counter \
            for every event: events that share a microsecond are drawn 10 ns apart in the replay's \
            order, so arrows always point forward.

            Large traces: --from and --to keep a window (milliseconds since the recording started), \
            and --max-events caps the JSON events written (default 1,000,000, a file of about \
            150 MB); past the cap the export stops drawing, says so on stderr and in the file \
            (a `synctrace` metadata event with `"truncated": true`), and the file stays valid JSON. \
            A trace cut short is exported up to its consistent cut, with a warning.

            \(OutputOptions.discussion)

            Exit status: 0 written; 2 bad usage or no usable trace; 4 the output could not be written.

            Examples:
              synctrace export app.synctrace --format perfetto --output app.json
              synctrace export app.synctrace --format perfetto --accesses --from 120 --to 180 -o window.json
            """
    )

    /// The formats export writes.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        /// Chrome trace-event JSON (Perfetto, chrome://tracing).
        case perfetto
    }

    @Argument(help: "The trace to export (binary or text; `-` for standard input).")
    var trace: String

    @Option(help: "The format to write: perfetto (Chrome trace-event JSON).")
    var format: Format

    @Flag(help: "Also draw every read and write.")
    var accesses = false

    @Option(help: ArgumentHelp("Draw only events at or after this time (milliseconds since the recording started).", valueName: "ms"))
    var from: Double?

    @Option(help: ArgumentHelp("Draw only events at or before this time (milliseconds since the recording started).", valueName: "ms"))
    var to: Double?

    @Option(help: "Write at most this many JSON events (at least 100).")
    var maxEvents = 1_000_000

    @OptionGroup var output: OutputOptions

    func validate() throws {
        if let from = self.from, !(from >= 0 && from.isFinite) { throw ValidationError("--from \(from): give milliseconds, 0 or more") }
        if let to = self.to, !(to >= 0 && to.isFinite) { throw ValidationError("--to \(to): give milliseconds, 0 or more") }
        if let from = self.from, let to = self.to, from > to { throw ValidationError("--from \(from) is after --to \(to): nothing would be drawn") }
        guard self.maxEvents >= 100 else { throw ValidationError("--max-events \(self.maxEvents): give at least 100") }
    }

    /// The timestamps drawn, in microseconds.
    var window: ClosedRange<UInt64> {
        let lower = self.from.map { UInt64(($0 * 1000).rounded(.down)) } ?? 0
        let upper = self.to.map { UInt64(min(($0 * 1000).rounded(.up), Double(UInt64.max / 2))) } ?? UInt64.max
        return lower...upper
    }

    func run() throws {
        let output = try self.output.open(refusingToOverwrite: self.trace)
        let name = TraceOpening.name(self.trace)
        let source = try TraceOpening.open(self.trace)
        let exporter = PerfettoExporter(window: self.window, drawsAccesses: self.accesses, eventLimit: self.maxEvents) { (text) throws(CommandFailure) in
            try output.write(text)
        }
        // The built-in plugins run too: their findings are marked on the timeline.
        let plugins = try BuiltinPlugins.make([]) + [exporter]
        let report: AnalysisReport
        do {
            report = try TraceAnalysis.run(source: source, plugins: plugins, path: name)
        } catch {
            throw CommandFailure(error)
        }
        exporter.mark(report.findings, symbols: report.symbols)
        try exporter.close(program: report.trace.program)
        try output.finish()
        if exporter.truncated {
            StandardStream.warn(
                "\(name): the export stopped at --max-events \(self.maxEvents): narrow it with --from and --to, or raise the cap"
            )
        }
        TraceOpening.warnAboutReplayEnding(report, path: name, used: "exported")
    }
}
