public import SyncTraceFormat

/// Runs plugins over a trace: orders its events, rebuilds happens-before once, feeds every plugin.
///
/// ```swift
/// let report = try TraceAnalysis.run(path: "app.synctrace", plugins: [RaceDetector()])
/// for finding in report.findings { print(finding.message) }
/// ```
public enum TraceAnalysis {
    /// Analyses the trace file at `path` (binary or text, told apart by content).
    ///
    /// - Throws: `TraceFormatError` for an unreadable or malformed trace.
    public static func run(path: String, plugins: [any AnalysisPlugin]) throws(TraceFormatError) -> AnalysisReport {
        try Self.run(path: path, plugins: plugins, options: [])
    }

    /// Analyses the trace file at `path` (binary or text, told apart by content); `options` are the
    /// option values of the plugins that take some (the others get their declared defaults).
    ///
    /// - Throws: `TraceFormatError` for an unreadable or malformed trace.
    public static func run(
        path: String,
        plugins: [any AnalysisPlugin],
        options: [PluginOptionValues]
    ) throws(TraceFormatError) -> AnalysisReport {
        let source = try TraceFile.open(path: path)
        do {
            return try Self.run(source: source, plugins: plugins, options: options, path: path)
        } catch {
            var located = error
            if located.file.isEmpty { located.file = path }
            throw located
        }
    }

    /// Analyses the events of `source`, each plugin with its declared option defaults (see
    /// ``run(source:plugins:options:path:)``).
    public static func run(
        source: any TraceEventSource,
        plugins: [any AnalysisPlugin],
        path: String = ""
    ) throws(TraceFormatError) -> AnalysisReport {
        try Self.run(source: source, plugins: plugins, options: [], path: path)
    }

    /// Analyses the events of `source`: a binary trace's events are put in order first; a text
    /// trace's are in order already. A binary trace cut short is analysed up to its consistent cut
    /// (``TraceOrdering``); the report counts the events left out, and the plugins learn from
    /// ``AnalysisContext/reachesProgramEnd`` that the end of what they saw is not the program's.
    /// Each plugin reads its values of `options` (one per plugin; the others get their declared
    /// defaults) with ``AnalysisContext/optionValues(for:)``.
    public static func run(
        source: any TraceEventSource,
        plugins: [any AnalysisPlugin],
        options: [PluginOptionValues],
        path: String = ""
    ) throws(TraceFormatError) -> AnalysisReport {
        let form = source.form
        let ordering = source.isOrdered ? nil : TraceOrdering(source: source)
        let requirements = plugins.reduce(into: AnalysisRequirements()) { $0.formUnion($1.requirements) }
        let happensBefore = HappensBeforeEngine(requirements: requirements)
        let context = AnalysisContext(engine: happensBefore, symbols: source.symbols)
        context.pluginOptions = Dictionary(options.map { ($0.plugin, $0) }, uniquingKeysWith: { $1 })

        let dispatch = PluginDispatch(plugins: plugins)

        var events: [TraceEvent] = []
        var declaredThreads = -1
        var declaredObjects = -1
        var index: UInt64 = 0
        // Reading, decoding and ordering on a thread of their own, a few batches ahead; `source` and
        // `ordering` are the reading thread's until the last batch is out.
        let input = BatchReadAhead(
            next: { (events) throws(TraceFormatError) in
                if let ordering { return try ordering.nextBatch(into: &events) }
                return try source.nextBatch(into: &events)
            },
            symbols: { source.symbols }
        )
        while try input.nextBatch(into: &events) {
            let symbols = input.symbols
            if symbols.threads.count != declaredThreads || symbols.objects.count != declaredObjects {
                declaredThreads = symbols.threads.count
                declaredObjects = symbols.objects.count
                happensBefore.grow(to: symbols)
            }
            context.symbols = symbols
            events.withUnsafeBufferPointer { batch in
                dispatch.prepare(for: batch)
                for event in batch {
                    happensBefore.apply(event)
                    let opcode = Int(event.operation.rawValue)
                    if dispatch.wants(opcode) {
                        context.position = index
                        dispatch.handle(event, opcode: opcode, in: context)
                    }
                    index += 1
                }
            }
            // Let go of the names before reading on: the reader appends the next batch's declarations
            // to its own copy, which must not be shared then (a trace declaring a million tasks would
            // copy them all at every batch).
            context.symbols = TraceSymbols()
        }
        // The dispatch calls its plugins through unmanaged references: it must live up to here.
        withExtendedLifetime(dispatch) {}
        // A trace whose recorder did not symbolize its frames (a signal ended it, or it was cut
        // short) is symbolized here, from the recorded binaries when they are still there. The
        // report keeps these final symbols: the renderers read each event's stack from them.
        var symbols = source.symbols
        let stackNotes = symbols.hasUnsymbolizedFrames ? TraceStackSymbolizer.symbolize(&symbols) : []
        context.symbols = symbols
        context.position = index
        context.ending = source.ending

        var findings: [Finding] = []
        var summaries: [String: [String]] = [:]
        for plugin in plugins {
            let name = plugin.name
            // Stamped here, so that no plugin repeats (or misspells) its own name; in place, not
            // through a copy of the plugin's findings (a report's findings can be megabytes).
            let first = findings.count
            findings.append(contentsOf: plugin.finish(in: context))
            for index in first..<findings.count { findings[index].plugin = name }
            summaries[name] = plugin.summaryLines(in: context)
        }
        findings = FindingCrossReference.link(findings)
        return AnalysisReport(
            trace: AnalysisReport.TraceSummary(
                path: path,
                form: form,
                program: source.header.program,
                analysedEvents: index,
                unanalysedEvents: ordering?.leftOutEventCount ?? 0,
                threads: symbols.threads.count,
                objects: symbols.objects.count,
                ending: source.ending,
                droppedEvents: source.droppedEventCount,
                sequenceGaps: ordering?.sequenceGaps ?? 0
            ),
            plugins: plugins.map(\.name),
            findings: findings,
            summaries: summaries,
            symbols: symbols,
            stackNotes: stackNotes
        )
    }
}
