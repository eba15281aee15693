import ArgumentParser
import SyncTraceFormat
import SyncTraceReplay

/// `synctrace report TRACE --output report.html`: the analysis as one self-contained HTML page.
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write the analysis of a trace as one self-contained HTML page: findings, their timelines, where threads waited.",
        discussion: """
            Analyses the trace as analyze does (the same plugins, --predict, --plugin, --load, \
            --option, suppressions and baseline) and writes one HTML file that opens in a browser \
            straight from the file system: nothing in it is fetched from elsewhere (no network, no \
            external script, style or font). It holds the verdict and the trace's summary; each \
            finding with its events, their call sites (or stacks, where recorded), the threads' \
            creation and the plugin's explanation; a timeline of the threads around each finding, \
            with the finding's events outlined, locks held and waits as bars, and an arrow for every \
            happens-before edge between threads (release → acquire, send → receive, fork, join, …), \
            so a race shows that no chain of arrows joins its accesses; and where threads waited \
            (stats --waits): per lock, channel, wait group, semaphore and condition, the waits, \
            their total and longest, and the call sites that waited.

            The page lists the first 1,000 findings unless --max-findings says otherwise, and \
            draws a timeline for the first 50 (--max-timelines).

            It replays the trace twice (the timelines are gathered in a second pass, once the \
            findings are known): give a file, not standard input. A trace cut short is reported up \
            to its consistent cut, and the page says it is not a clean run.

            \(OutputOptions.discussion)

            Exit status: 0 written (with findings or without: analyze gives the verdict); 2 bad \
            usage or no usable trace; 4 the output could not be written.

            Examples:
              synctrace report app.synctrace --output report.html
              synctrace report app.synctrace --predict --suppressions synctrace.supp -o report.html
            """
    )

    @Argument(help: "The trace to report on (binary or text; a file: the report replays it twice).")
    var trace: String

    @OptionGroup var choice: PluginChoiceOptions

    @OptionGroup var selection: FindingSelectionOptions

    @Option(help: "Draw a timeline for at most this many findings (the first ones); the others are listed without.")
    var maxTimelines = 50

    @OptionGroup var output: OutputOptions

    /// Findings on the page unless --max-findings says otherwise: a page of a thousand findings is
    /// about 2 MB, and a browser still opens it at once.
    static let defaultMaxFindings = 1000

    func validate() throws {
        if self.trace == "-" {
            throw ValidationError("report replays the trace twice: give a file, not standard input")
        }
        guard self.maxTimelines >= 0 else { throw ValidationError("--max-timelines \(self.maxTimelines): give 0 or more") }
    }

    func run() throws {
        let (plugins, options) = try self.choice.make()
        let output = try self.output.open(refusingToOverwrite: self.trace)
        let selection = try self.selection.load(knownPlugins: BuiltinPlugins.all.map(\.name))
        let name = TraceOpening.name(self.trace)
        let profiler = WaitProfiler()
        let source = try TraceOpening.open(self.trace)
        var report: AnalysisReport
        do {
            report = try TraceAnalysis.run(source: source, plugins: plugins + [profiler], options: options, path: name)
        } catch {
            throw CommandFailure(error)
        }
        selection.apply(to: &report)
        // The wait profile is no analysis plugin of the report's.
        report.plugins.removeAll { $0 == profiler.name }
        let findings = Array(report.findings.prefix(self.selection.maxFindings ?? Self.defaultMaxFindings))
        let collector = FindingNeighbourhoods(findings: findings, limit: self.maxTimelines)
        if !collector.neighbourhoods.isEmpty {
            let again = try TraceOpening.open(self.trace)
            do {
                _ = try TraceAnalysis.run(source: again, plugins: [collector], path: name)
            } catch {
                throw CommandFailure(error)
            }
        }
        var shown = report
        shown.findings = findings
        let page = HTMLReport(
            report: shown,
            neighbourhoods: Dictionary(uniqueKeysWithValues: collector.neighbourhoods.map { ($0.finding, $0) }),
            timelineLimit: self.maxTimelines,
            waits: WaitProfile(profiler.profile, symbols: report.symbols),
            omissions: report.omissionLines(shown: findings.count)
        )
        try output.write(page.html)
        try output.finish()
        TraceOpening.warnAboutReplayEnding(report, path: name, used: "reported")
    }
}
