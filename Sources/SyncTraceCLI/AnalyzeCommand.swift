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
            `synctrace plugins` lists them) but predicted-race, which --predict adds: it reports the \
            races that only this run's lock order hid, which another schedule of the same program \
            shows (weak causal precedence). --predict also checks each potential deadlock for a \
            schedule that deadlocks (one that keeps each lock's critical sections in their recorded \
            order and every read's value) and marks those it finds "confirmed". Text output is for people, one block per finding like \
            Go's race detector; JSON output is a stable contract for tools; SARIF 2.1.0 output is for \
            code scanning (GitHub's among others), its locations relative to --source-root (default: \
            the working directory). TRACE `-` reads standard input (a pipe too), streamed like a file; \
            its form is told from its first bytes.

            Races are reported once per pair of places (call sites, or stacks where recorded), listing \
            the variables that race there; lock-order cycles once per set of call sites, counting the \
            cycles that repeat them. Every finding has a fingerprint (in JSON and SARIF), the same for \
            the same bug in another run.

            \(FindingSelectionOptions.discussion)

            --load adds the plugins of a plugin library, a shared library built against the \
            SyncTracePluginAPI product (Docs/Plugins.md): they run with the built-in ones, or when \
            named with --plugin. A library runs its code in this process: load only what you would link.

            --option PLUGIN.KEY=VALUE sets an option a plugin declares (`synctrace plugins` lists \
            each with its type and default). An unknown plugin or key, or a value of the wrong type, \
            is bad usage (status 2), reported before the trace is read.

            A trace cut short (no end record: the process was killed where no handler runs, or the \
            file was cut) is analysed up to its consistent cut: only the events whose every \
            happens-before predecessor is in the file, and nothing past its first gap. The report says \
            how many events were analysed and how many were not, and says nothing that depends on a \
            missing event (no thread is reported blocked at the cut). A trace that ended by a signal \
            (the recorder's handler wrote every event before the process died) is analysed whole, and \
            the report names the signal.

            \(OutputOptions.discussion)

            Exit status:
              0  no findings, in a whole trace (complete, or ended by a signal)
              1  findings (in a trace cut short too: real ones, in the part analysed), not
                 counting suppressed ones or those in the baseline;
                 --exit-code N makes it N: 0 (findings do not fail the run), 1, or 5-125
                 (2, 3 and 4 mean what is listed here, 126 and above are the shell's)
              2  bad usage, or no usable trace: unreadable, malformed, or empty
                 (0 bytes, /dev/null, an empty stdin, a binary trace cut inside
                 its first frame)
              3  cut short, and the part analysed has no findings: not a clean run
                 (whatever --exit-code says: a cut trace never passes for a clean one)
              4  the report could not be written (--output, or stdout)

            Examples:
              synctrace analyze app.synctrace
              synctrace analyze app.synctrace --format json --output report.json
              synctrace analyze app.synctrace --format sarif --output synctrace.sarif
              synctrace analyze app.synctrace --suppressions synctrace.supp --baseline main.json
              synctrace analyze racy-counter.std --exit-code 0
              cat app.synctrace | synctrace analyze -
              synctrace analyze app.synctrace --option deadlock.max-cycles=100000
              synctrace analyze app.synctrace --load .build/debug/libMyPlugin.so
              synctrace analyze app.synctrace --load libMyPlugin.so --plugin my-plugin
            """
    )

    /// How to print the report.
    enum Format: String, ExpressibleByArgument, CaseIterable {
        case text, json, sarif
    }

    @Argument(help: "The trace to analyse (binary or text; `-` for standard input).")
    var trace: String

    @OptionGroup var choice: PluginChoiceOptions

    @Option(help: "Output format: text for people, json for tools, sarif for code scanning.")
    var format: Format = .text

    @Option(
        name: .customLong("source-root"),
        help: ArgumentHelp("The directory SARIF locations are relative to (default: the working directory).", valueName: "dir")
    )
    var sourceRoot: String?

    @OptionGroup var selection: FindingSelectionOptions

    @OptionGroup var output: OutputOptions

    @Option(
        name: .customLong("exit-code"),
        help: ArgumentHelp("The exit status when there are findings: 0, 1 or 5-125.", valueName: "status")
    )
    var exitCode: Int32 = ExitStatus.findings

    func validate() throws {
        if self.sourceRoot != nil && self.format != .sarif {
            throw ValidationError("--source-root is for --format sarif (text and JSON name files as the trace does)")
        }
        guard ExitStatus.choosableForFindings.contains(where: { $0.contains(self.exitCode) }) else {
            throw ValidationError(
                "--exit-code \(self.exitCode): choose 0, 1 or 5 to 125; 2, 3 and 4 already mean bad usage or no usable "
                    + "trace, a trace cut short without findings, and an output not written, and shells keep 126 and above"
            )
        }
    }

    func run() throws {
        let (plugins, options) = try self.choice.make()
        // Before the trace is read: a wrong output path, suppression file or baseline costs no analysis.
        let output = try self.output.open(refusingToOverwrite: self.trace)
        let selection = try self.selection.load(knownPlugins: BuiltinPlugins.all.map(\.name))
        let name = TraceOpening.name(self.trace)
        let source = try TraceOpening.open(self.trace)
        var report: AnalysisReport
        do {
            report = try TraceAnalysis.run(source: source, plugins: plugins, options: options, path: name)
        } catch {
            throw CommandFailure(error)
        }
        selection.apply(to: &report)
        let cap = self.selection.maxFindings
        switch self.format {
        case .text: try output.write(TextReportRenderer.render(report, maxFindings: cap))
        case .json: try output.write(JSONReportRenderer.render(report, maxFindings: cap))
        case .sarif:
            var tree = SourceTree(root: self.sourceRoot ?? ".")
            let log = SARIFReportRenderer.render(
                report,
                toolVersion: ToolVersion.current,
                sourceRoot: tree.root,
                locate: { tree.locate($0) },
                maxFindings: cap
            )
            try output.write(log)
        }
        try output.finish()
        TraceOpening.warnAboutReplayEnding(report, path: name, used: "analysed")
        let status = Self.exitStatus(for: report, findings: self.exitCode)
        if status != ExitStatus.success { throw ExitCode(status) }
    }

    /// `findings` (1 unless `--exit-code` says otherwise) for findings; else 3 for a trace cut short
    /// (its analysed part is clean, the run may not be), 0 for a whole one.
    static func exitStatus(for report: AnalysisReport, findings: Int32 = ExitStatus.findings) -> Int32 {
        if !report.findings.isEmpty { return findings }
        return report.trace.reachesProgramEnd ? ExitStatus.success : ExitStatus.cutShort
    }
}
