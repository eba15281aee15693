import Foundation
import RaceDetector
import SyncTrace
import SyncTraceReplay
import SyncTraceFormat
import Testing

/// Every recorder test runs inside this suite, one at a time: a recording session is process-wide,
/// and a test running beside another's session would put its events into that trace.
@Suite("The recorder", .serialized)
struct RecorderTests {}

/// A finished recording read back from its file.
struct RecordedTrace {
    /// The events in file order.
    var events: [TraceEvent]
    /// The events in the replay's order.
    var ordered: [TraceEvent]
    var symbols: TraceSymbols
    var ending: TraceEnding
    var summary: TraceRecordingSummary
    /// Events the reader says the recorder dropped.
    var dropped: UInt64
    /// The race detector's report on the trace.
    var analysis: AnalysisReport

    /// The variables the race detector reports.
    var racyVariables: Set<String> { Set(self.analysis.findings.flatMap(self.analysis.objectNames(of:))) }

    /// Records `body` to a temporary file and reads the trace back.
    static func record(
        options: TraceRecorderOptions = TraceRecorderOptions(),
        _ body: () throws -> Void
    ) throws -> RecordedTrace {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("recorder-\(UUID().uuidString).synctrace").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let summary = try TraceRecorder.record(to: path, options: options, body).summary
        return try Self.read(path: path, summary: summary)
    }

    /// Reads back the trace at `path`, and keeps its events in the replay's order too.
    static func read(path: String, summary: TraceRecordingSummary) throws -> RecordedTrace {
        let reader = try BinaryTraceReader(path: path)
        var events: [TraceEvent] = []
        var batch: [TraceEvent] = []
        while try reader.nextBatch(into: &batch) { events.append(contentsOf: batch) }
        let ordering = TraceOrdering(source: try BinaryTraceReader(path: path))
        var ordered: [TraceEvent] = []
        while try ordering.nextBatch(into: &batch) { ordered.append(contentsOf: batch) }
        return RecordedTrace(
            events: events,
            ordered: ordered,
            symbols: reader.symbols,
            ending: reader.ending,
            summary: summary,
            dropped: reader.droppedEventCount,
            analysis: try TraceAnalysis.run(path: path, plugins: [RaceDetector()])
        )
    }

    /// The id of the object declared under `name` (the latest, should a program reuse a name).
    func object(_ name: String) throws -> ObjectID {
        try #require(self.symbols.objects.last { $0.name == name }).id
    }

    /// The id of the thread declared under `name` (the latest, as for objects).
    func thread(_ name: String) throws -> ThreadID {
        try #require(self.symbols.threads.last { $0.name == name }).id
    }

    /// The events on one object, in file order.
    func events(on object: ObjectID) -> [TraceEvent] {
        self.events.filter { $0.operation.hasObject && $0.object == object }
    }

    /// The events of one thread, in file order (which is the thread's program order).
    func events(of thread: ThreadID) -> [TraceEvent] {
        self.events.filter { $0.thread == thread }
    }

    /// The location text of an event.
    func location(_ event: TraceEvent) -> String? { self.symbols.location(event.location) }
}
