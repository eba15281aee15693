import SyncTrace
import SyncTraceFormat
import SyncTraceReplay
import Synchronization

/// Tells the analysis which thread of a trace is the traced test's own: the test's body takes a
/// lock of a unique name once, first thing, and the replay notes the thread that took it.
///
/// Why a marker: untraced tests running in parallel record into the same session (the recorder
/// has one per process), so a trace holds other tests' threads too. The test's own threads are its
/// root and every thread forked from it, transitively (``TestThreadTracker``); the marker finds the
/// root whether the body runs as a traced task (Swift Testing, XCTest's async methods) or on the
/// calling thread (XCTest's synchronous methods).
struct TestRootMarker: Sendable {
    /// Numbers the markers of one process, so that no two recordings share a marker's name.
    private static let numbers = Atomic<UInt64>(0)

    /// The marker lock's name in the trace.
    let name: String

    init() {
        let number = Self.numbers.wrappingAdd(1, ordering: .relaxed).oldValue
        self.init(name: "SyncTraceTesting.root.\(number)")
    }

    /// A marker named `name` (for tests of the tracker on text traces).
    init(name: String) {
        self.name = name
    }

    /// Records the marker on the calling thread of the trace (the test's root).
    func mark() {
        let lock = TracedLock(name: self.name)
        lock.lock()
        lock.unlock()
    }
}

/// The analysis plugin that follows a traced test's threads through the replay: the thread that
/// took a ``TestRootMarker``'s lock (the test's root), and every thread a `fork` event of one of them
/// starts — `TracedThread`s, `TracedTask`s, task-group children, `TracedDispatchQueue` work
/// items, however deep. It reports nothing: the traced test asks ``contains(_:)`` after the replay.
///
/// The fork events, not the trace's thread declarations, say whose a thread is: they are what
/// happens-before rests on, and the replay hands them over in an order where a thread's fork comes
/// before anything it forks. (A declaration's parent can be missing: a thread spawned by a task
/// whose events reached the writer after the thread's own is declared without one.)
///
/// Threads not forked through a traced primitive (a plain `Task {}`, `DispatchQueue.global().async`)
/// are recorded as the OS threads that ran them, which belong to no test: their events count for a
/// test only through a finding that also has an event on one of the test's threads.
final class TestThreadTracker: AnalysisPlugin {
    let name = "synctrace-testing-threads"
    let summary = "the threads of a traced test: its root and every thread forked from them"
    let operations = TraceOperationSet([.acquire, .fork])

    private let markerName: String
    /// The marker lock, once its declaration has been seen.
    private var marker: ObjectID?
    /// The thread that first acquired the marker lock.
    private(set) var root: ThreadID?
    /// The root and the threads forked from it, transitively.
    private var members: Set<ThreadID> = []

    init(marker: TestRootMarker) {
        self.markerName = marker.name
    }

    func handle(_ event: TraceEvent, in context: AnalysisContext) {
        if event.operation == .fork {
            if self.members.contains(event.thread) { self.members.insert(event.otherThread) }
            return
        }
        guard self.root == nil else { return }
        if self.marker == nil {
            // One name comparison per lock acquisition until the marker turns up: the marker is taken
            // first thing in the test, so this runs only for the few acquisitions recorded before it
            // (by other tests running in parallel).
            guard context.symbols.object(event.object).name == self.markerName else { return }
            self.marker = event.object
        }
        if event.object == self.marker {
            self.root = event.thread
            self.members.insert(event.thread)
        }
    }

    /// Whether `thread` is one of the test's threads.
    func contains(_ thread: ThreadID) -> Bool { self.members.contains(thread) }

    /// Whether `finding` is the test's: it has an event on one of the test's threads. A finding
    /// without events names no thread to tell whose it is, and counts as the test's: a test that
    /// fails for another's finding is better than a missed finding.
    func owns(_ finding: Finding) -> Bool {
        finding.events.isEmpty || finding.events.contains { self.contains($0.threadID) }
    }

    func finish(in context: AnalysisContext) -> [Finding] { [] }
}
