import SyncTrace
import SyncTraceFormat
import SyncTraceReplay
import Synchronization

/// Tells the analysis which thread of a trace is the traced test's own: the test's body takes a
/// lock of a unique name once, first thing, and the replay notes the thread that took it.
///
/// Why a marker: untraced tests running in parallel record into the same session (the recorder
/// has one per process), so a trace holds other tests' threads too. The test's own threads are its
/// root and every thread forked from it, transitively (``TestThreadTree``); the marker finds the
/// root whether the body runs as a traced task (Swift Testing, XCTest's async methods) or on the
/// calling thread (XCTest's synchronous methods).
struct TestRootMarker: Sendable {
    /// Numbers the markers of one process, so that no two recordings share a marker's name.
    private static let numbers = Atomic<UInt64>(0)

    /// The marker lock's name in the trace.
    let name: String

    init() {
        let number = Self.numbers.wrappingAdd(1, ordering: .relaxed).oldValue
        self.name = "SyncTraceTesting.root.\(number)"
    }

    /// Records the marker on the calling thread of the trace (the test's root).
    func mark() {
        let lock = TracedLock(name: self.name)
        lock.lock()
        lock.unlock()
    }
}

/// The analysis plugin that finds the thread that took a ``TestRootMarker``'s lock. It reports
/// nothing: the traced test reads ``root`` after the replay.
final class TestRootLocator: AnalysisPlugin {
    let name = "synctrace-testing-root"
    let summary = "the thread that marked itself as a traced test's root"
    let operations = TraceOperationSet([.acquire])

    private let markerName: String
    /// The marker lock, once its declaration has been seen.
    private var marker: ObjectID?
    /// The thread that first acquired the marker lock.
    private(set) var root: ThreadID?

    init(marker: TestRootMarker) {
        self.markerName = marker.name
    }

    func handle(_ event: TraceEvent, in context: AnalysisContext) {
        guard self.root == nil else { return }
        if self.marker == nil {
            // One name comparison per lock acquisition until the marker turns up: the marker is taken
            // first thing in the test, so this runs only for the few acquisitions recorded before it
            // (by other tests running in parallel).
            guard context.symbols.object(event.object).name == self.markerName else { return }
            self.marker = event.object
        }
        if event.object == self.marker { self.root = event.thread }
    }

    func finish(in context: AnalysisContext) -> [Finding] { [] }
}
