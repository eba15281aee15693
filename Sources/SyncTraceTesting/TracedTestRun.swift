import SyncTrace
import SyncTraceFormat
import SyncTraceReplay

/// One traced test, whatever framework runs it: waits its turn at the ``TracedTestGate``, records
/// the body to a file of its own, analyses the recording in this process when the body returns or
/// throws, and keeps the findings on the test's own threads.
///
/// The frameworks' front ends (the trait, XCTest's `synctrace`) only report the outcome.
struct TracedTestRun {
    /// Which findings of the recording are the test's.
    enum Attribution {
        /// Those with an event on the test's root thread or a thread forked from it (``TestThreadTracker``):
        /// what lets untraced tests run in parallel with a traced one.
        case testThreads
        /// All of them: for XCTest's `invokeTest`, whose asynchronous test methods run in a plain
        /// task on threads of the pool, and where XCTest runs one test method at a time anyway.
        case wholeTrace
    }

    /// Whether the running code is inside a traced test already: a test inside a traced suite whose
    /// own trait says `.synctrace` too, or `synctrace {}` called in a traced test, records once, in
    /// the outer recording (the recorder has one session, and the gate would wait for itself).
    @TaskLocal static var isActive = false

    /// The test's name, for the trace's file and its root thread.
    let name: String
    let options: SyncTraceTestOptions
    let attribution: Attribution
    /// Where the test is, for the issues' paths (``FindingLocator``).
    let locator: FindingLocator

    // MARK: Recording

    /// A recording under way: its file and its root's marker.
    struct Recording {
        let placement: TraceFilePlacement
        let marker: TestRootMarker
    }

    /// Records the asynchronous `body` as a traced task of its own, then hands `report` what the
    /// analysis found, and returns what `body` returns or throws what it throws (analysed first).
    /// Waits for earlier traced tests by suspending.
    func run<Result>(_ body: () async throws -> Result, report: (TracedTestOutcome) -> Void) async rethrows -> Result {
        await TracedTestGate.shared.enter()
        defer { TracedTestGate.shared.leave() }
        let recording: Recording
        switch self.begin() {
        case .success(let started): recording = started
        case .failure(let problem):
            report(TracedTestOutcome(problems: [problem]))
            return try await Self.$isActive.withValue(true) { try await body() }
        }
        do {
            let result = try await Self.$isActive.withValue(true) {
                // Its own thread in the trace: the test's task runs on whichever pool thread is free,
                // between the untraced tests' work, and each await may move it to another.
                try await withTracedTask(name: self.name) {
                    recording.marker.mark()
                    return try await body()
                }
            }
            report(self.end(recording))
            return result
        } catch {
            report(self.end(recording))
            throw error
        }
    }

    /// Records the synchronous `body` on the calling thread (XCTest's), then hands `report` what the
    /// analysis found, and returns what `body` returns or throws what it throws (analysed first).
    /// Waits for earlier traced tests by blocking the calling thread, which a synchronous test
    /// method owns.
    func runBlocking<Result>(_ body: () throws -> Result, report: (TracedTestOutcome) -> Void) rethrows -> Result {
        TracedTestGate.shared.enterBlocking()
        defer { TracedTestGate.shared.leave() }
        let recording: Recording
        switch self.begin() {
        case .success(let started): recording = started
        case .failure(let problem):
            report(TracedTestOutcome(problems: [problem]))
            return try Self.$isActive.withValue(true) { try body() }
        }
        do {
            let result = try Self.$isActive.withValue(true) {
                recording.marker.mark()
                return try body()
            }
            report(self.end(recording))
            return result
        } catch {
            report(self.end(recording))
            throw error
        }
    }

    /// Starts recording to a fresh file; or says why not (`SYNCTRACE_OUTPUT` records the whole
    /// process already, the trace directory cannot be made), and the test then runs unrecorded and
    /// fails, since it was not analysed.
    private func begin() -> Result<Recording, SyncTraceTestProblem> {
        let placement: TraceFilePlacement
        switch TraceFilePlacement.make(testName: self.name, options: self.options) {
        case .success(let made): placement = made
        case .failure(let problem): return .failure(SyncTraceTestProblem("the test ran unrecorded: \(problem)"))
        }
        do {
            try TraceRecorder.start(path: placement.path, options: self.options.recorder)
        } catch {
            return .failure(SyncTraceTestProblem("the test ran unrecorded: \(error)"))
        }
        return .success(Recording(placement: placement, marker: TestRootMarker()))
    }

    /// Stops the recording and analyses it.
    private func end(_ recording: Recording) -> TracedTestOutcome {
        guard let summary = TraceRecorder.stop() else {
            return TracedTestOutcome(problems: [SyncTraceTestProblem("the test stopped the recording itself (TraceRecorder.stop()): it was not analysed")])
        }
        return self.analyse(recording.placement, summary: summary, marker: recording.marker)
    }

    // MARK: Analysis

    /// Analyses the finished trace at `placement` and decides what stays of it.
    private func analyse(_ placement: TraceFilePlacement, summary: TraceRecordingSummary, marker: TestRootMarker) -> TracedTestOutcome {
        var outcome = TracedTestOutcome()
        if let error = summary.error { outcome.problems.append(SyncTraceTestProblem("recording stopped early: \(error)")) }
        let threads = TestThreadTracker(marker: marker)
        let plugins = self.options.plugins.map { $0.make() }
        var report: AnalysisReport
        do {
            report = try TraceAnalysis.run(path: placement.path, plugins: plugins + [threads])
        } catch {
            outcome.problems.append(SyncTraceTestProblem("the recording could not be analysed: \(error)"))
            outcome.keptTrace = placement.path
            return outcome
        }
        if !report.trace.reachesProgramEnd {
            outcome.problems.append(SyncTraceTestProblem("the recording was cut short: its findings are of its first \(report.trace.analysedEvents) events only"))
        }
        if report.trace.droppedEvents > 0 {
            outcome.problems.append(SyncTraceTestProblem("the recorder dropped \(report.trace.droppedEvents) events (options.recorder.overflowPolicy): findings may be missing"))
        }
        if case .testThreads = self.attribution {
            if threads.root != nil {
                report.findings.removeAll { !threads.owns($0) }
            } else {
                outcome.problems.append(SyncTraceTestProblem("the test's own thread is missing from its recording; every finding is reported"))
            }
        }
        if let suppressions = self.options.suppressions {
            switch suppressions.load() {
            case .success(let rules):
                let names = Set(plugins.map(\.name))
                if let unknown = rules.plugins.first(where: { !names.contains($0) }) {
                    outcome.problems.append(SyncTraceTestProblem("a suppression rule names the plugin '\(unknown)', which this test does not run (it runs \(plugins.map(\.name).joined(separator: ", ")))"))
                }
                let before = report.findings.count
                report.suppress(rules)
                outcome.suppressedCount = before - report.findings.count
            case .failure(let problem):
                outcome.problems.append(problem)
            }
        }
        let symbols = report.symbols
        outcome.findings = report.findings.map { finding in
            TracedTestFinding(
                text: TextReportRenderer.render(finding, symbols: symbols),
                location: self.locator.location(of: finding, symbols: symbols)
            )
        }
        let hasFindings = !outcome.findings.isEmpty
        if hasFindings { outcome.attachment = placement.contents().map { (placement.fileName, $0) } }
        switch self.options.keepingTraces {
        case .always: outcome.keptTrace = placement.path
        case .withFindings where hasFindings || !outcome.problems.isEmpty: outcome.keptTrace = placement.path
        default: placement.remove()
        }
        return outcome
    }
}
