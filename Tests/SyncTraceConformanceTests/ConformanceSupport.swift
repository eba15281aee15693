import Foundation
import RaceDetector
import SyncTrace
import SyncTraceFormat
import SyncTraceReplay
import SyncTraceTestSupport
import Synchronization
import Testing

/// Every conformance test runs inside this suite, one at a time. The programs are recorded in child
/// processes (a recording session is process-wide, and other test modules record in this one);
/// serialized all the same, so that the children do not compete with one another for time.
@Suite("Go race detector conformance", .serialized)
struct GoConformance {}

/// The one place that knows the analysis API: runs the race detector and reads its verdict.
enum Conformance {
    /// The variables the race detector names in `report` (a finding lists every variable that
    /// races at its two places among its objects).
    static func racyVariables(_ report: AnalysisReport) -> Set<String> {
        Set(report.findings.filter { $0.plugin == "race" }.flatMap { $0.objects.map { report.symbols.object($0.id).name } })
    }

    /// Analyses the trace file at `path` (binary or text) with the race detector.
    static func analyse(path: String) throws -> AnalysisReport {
        try TraceAnalysis.run(path: path, plugins: [RaceDetector()])
    }

    /// Where to keep recorded traces for a look with `synctrace dump` (`CONFORMANCE_TRACE_DIR`);
    /// by default they are temporary files, removed after the analysis.
    static let keptTraceDirectory = ProcessInfo.processInfo.environment["CONFORMANCE_TRACE_DIR"]

    /// Records the case's program to a binary trace, then analyses the trace; also says which
    /// variables the trace shows shared between threads.
    ///
    /// The program runs in a child process (this test binary again, running only
    /// ``GoConformance/ChildRecorder``): recording is process-wide, and other test modules of the same
    /// binary record, or use traced primitives, on threads of their own beside these tests.
    static func record(_ goCase: GoCase) throws -> (report: AnalysisReport, shared: Set<String>) {
        let path: String
        if let directory = self.keptTraceDirectory {
            path = URL(fileURLWithPath: directory).appendingPathComponent("\(goCase.name).synctrace").path
        } else {
            path = FileManager.default.temporaryDirectory
                .appendingPathComponent("conformance-\(UUID().uuidString).synctrace").path
        }
        defer { if self.keptTraceDirectory == nil { try? FileManager.default.removeItem(atPath: path) } }
        try self.recordInChildProcess(goCase, to: path)
        let report = try self.analyse(path: path)
        #expect(report.trace.ending == .complete)
        #expect(report.trace.droppedEvents == 0)
        return (report, try self.sharedVariables(path: path))
    }

    /// The environment that tells a child process which case to record, and where.
    static let childCaseVariable = "CONFORMANCE_CHILD_CASE"
    static let childOutputVariable = "CONFORMANCE_CHILD_OUTPUT"

    private static func recordInChildProcess(_ goCase: GoCase, to path: String) throws {
        #if os(Linux)
        let result = try ChildProcess.run(
            URL(fileURLWithPath: "/proc/self/exe"),
            arguments: ["--testing-library", "swift-testing", "--filter", "SyncTraceConformanceTests.GoConformance/ChildRecorder"],
            environment: [self.childCaseVariable: goCase.name, self.childOutputVariable: path],
            inheritingEnvironment: true
        )
        try #require(
            result.status == 0 && !result.signaled && FileManager.default.fileExists(atPath: path),
            "the child process recording \(goCase.name) failed (status \(result.status)):\n\(result.output)\(result.error)"
        )
        #else
        // Elsewhere the test binary cannot simply be run again: record here, which is safe when
        // this target's tests run alone (`--filter SyncTraceConformanceTests`).
        let program = try #require(goCase.program)
        try TraceRecorder.start(path: path)
        program()
        _ = TraceRecorder.stop()
        #endif
    }

    /// The variables that two or more threads of the trace read or write: what a verdict of "no
    /// race" is about (so that a port whose accesses went unrecorded cannot pass by saying nothing).
    static func sharedVariables(path: String) throws -> Set<String> {
        let reader = try BinaryTraceReader(path: path)
        var threads: [ObjectID: Set<ThreadID>] = [:]
        var batch: [TraceEvent] = []
        while try reader.nextBatch(into: &batch) {
            for event in batch where event.operation == .read || event.operation == .write {
                threads[event.object, default: []].insert(event.thread)
            }
        }
        return Set(threads.filter { $0.value.count > 1 }.map { reader.symbols.objects[$0.key.index].name })
    }

    /// The path of the text fixture `Traces/<name>.trace`.
    static func fixturePath(_ name: String) throws -> String {
        let traces = try #require(Bundle.module.resourceURL).appendingPathComponent("Traces")
        return traces.appendingPathComponent("\(name).trace").path
    }

    /// The names of every shipped fixture, without the extension.
    static func fixtureNames() throws -> Set<String> {
        let traces = try #require(Bundle.module.resourceURL).appendingPathComponent("Traces")
        let files = try FileManager.default.contentsOfDirectory(atPath: traces.path)
        return Set(files.filter { $0.hasSuffix(".trace") }.map { String($0.dropLast(".trace".count)) })
    }

    /// Checks a verdict against Go's; a case with a known disagreement expects the mismatch instead.
    static func expectVerdict(
        _ actual: Set<String>,
        for goCase: GoCase,
        from source: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        let message: Comment = "\(goCase.name) (\(goCase.file)), \(source): Go says \(Self.describe(goCase.racy)), the analysis says \(Self.describe(actual))"
        if let issue = goCase.knownIssue {
            withKnownIssue(Comment(rawValue: issue)) {
                #expect(actual == goCase.racy, message, sourceLocation: sourceLocation)
            }
        } else {
            #expect(actual == goCase.racy, message, sourceLocation: sourceLocation)
        }
    }

    static func describe(_ racy: Set<String>) -> String {
        racy.isEmpty ? "no race" : "a race on " + racy.sorted().joined(separator: ", ")
    }

    /// The two tests every file of cases runs: each program recorded and analysed, and each text
    /// fixture analysed.
    static func checkProgram(_ goCase: GoCase) throws {
        let (report, shared) = try self.record(goCase)
        self.expectVerdict(self.racyVariables(report), for: goCase, from: "recorded program")
        #expect(goCase.racy.isSubset(of: shared), "\(goCase.name): the variables Go says race are accessed by two threads")
        #expect(shared.isEmpty == !goCase.sharesVariables, "\(goCase.name): shared variables recorded: \(shared.sorted())")
    }

    static func checkTrace(_ goCase: GoCase) throws {
        let report = try self.analyse(path: try self.fixturePath(goCase.name))
        self.expectVerdict(self.racyVariables(report), for: goCase, from: "text trace")
    }
}

/// Orders threads in real time without recording anything: it stands in for Go's sleeps and
/// `runtime.Gosched()` loops, so that a port is deterministic while its trace holds no edge the Go
/// program does not have. (A real atomic, deliberately untraced.)
final class Gate: Sendable {
    private let isOpen = Atomic<Bool>(false)

    init() {}

    func open() { self.isOpen.store(true, ordering: .releasing) }

    func wait() {
        while !self.isOpen.load(ordering: .acquiring) { usleep(50) }
    }
}

/// Go's `go f()`: starts traced threads and joins every one of them, nested ones included, when the
/// program ends (after its last access, so the joins order nothing the case is about). Go's tests
/// often return without waiting for their goroutines; a recording must not end while they run.
final class Goroutines: Sendable {
    private let threads = Mutex<[TracedThread]>([])

    init() {}

    func go(_ name: String, _ body: @escaping @Sendable () -> Void) {
        let thread = TracedThread.spawn(name: name, body)
        self.threads.withLock { $0.append(thread) }
    }

    /// Joins every thread started so far, and those they started, until none is left.
    func joinAll() {
        while let thread = self.threads.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) {
            thread.join()
        }
    }
}

/// Go's `time.Sleep` for the few ports that keep one: it orders nothing in the trace.
func sleep(milliseconds: Int) {
    usleep(useconds_t(milliseconds * 1000))
}

/// Go's `runtime.Gosched()`.
func yieldThread() {
    sched_yield()
}

extension GoConformance {
    /// What a child process runs (see ``Conformance/record(_:)``): records the case named by
    /// `CONFORMANCE_CHILD_CASE` to `CONFORMANCE_CHILD_OUTPUT`. In an ordinary test run, without
    /// those variables, it does nothing.
    @Suite("child recorder")
    struct ChildRecorder {
        @Test("records the case a parent test asked for")
        func recordRequestedCase() throws {
            let environment = ProcessInfo.processInfo.environment
            guard
                let name = environment[Conformance.childCaseVariable],
                let output = environment[Conformance.childOutputVariable]
            else { return }
            let goCase = try #require(ConformanceInventory.all.first { $0.name == name })
            let program = try #require(goCase.program)
            try TraceRecorder.start(path: output)
            program()
            _ = TraceRecorder.stop()
        }
    }
}
