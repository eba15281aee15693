import Foundation
import SyncTraceFormat
import SyncTraceReplay

/// Writes a replayed trace as Chrome trace-event JSON, the format Perfetto's UI and
/// `chrome://tracing` open (`synctrace export --format perfetto`).
///
/// It runs as a plugin of the replay, beside the analysis plugins, and sees every event in the
/// replay's order. What it draws:
/// - one track per thread (a task's logical thread is a thread of its own), named, under one process;
/// - a small slice per synchronization operation (`acq L`, `send C`, …), which the arrows attach to;
/// - a slice per lock hold (`hold L`, acquisition to release) and per wait (`wait L`, request to
///   acquisition or completion), nested as Perfetto needs: a hold released out of order splits the
///   holds inside it, which continue after it;
/// - flow arrows for the happens-before edges that cross threads (``CrossThreadEdges``): release →
///   acquisition, send → receive, close → receive, fork → the child's first event, the last event
///   → join, done → wait, signal → wait;
/// - with `accesses`, a small slice per read and write (and always the thread's first event, where
///   its fork's arrow ends); and, added after the replay, an instant per event of each finding
///   (``mark(_:symbols:)``).
///
/// **Time.** The trace's timestamps are microseconds since the recording started (a text trace's
/// may be missing), so events close together share one. Each event is drawn at its
/// timestamp or, when that is not later than the event before it in the replay, ten nanoseconds
/// after that event: the display time is strictly increasing in replay order, which respects
/// happens-before, so every arrow points forward and each thread's slices come in their order.
///
/// **Size.** Only events whose timestamp is in the window (``window``) are drawn, and at most
/// ``eventLimit`` JSON events are written; past that the export stops drawing and says so
/// (``truncated``), and the file stays valid JSON.
final class PerfettoExporter: AnalysisPlugin {
    let name = "perfetto-export"
    let summary = "writes the trace as Chrome trace-event JSON for Perfetto"
    let operations = TraceOperationSet(TraceOperation.allCases)

    /// The timestamps (microseconds since the recording started) drawn.
    let window: ClosedRange<UInt64>
    /// Whether reads and writes are drawn as instants.
    let drawsAccesses: Bool
    /// JSON events written at most.
    let eventLimit: Int
    /// Whether the limit stopped the drawing.
    private(set) var truncated = false
    /// JSON events written.
    private(set) var written = 0

    /// Where the JSON goes: a chunk is written whenever the buffer passes a quarter of a megabyte.
    private let sink: (String) throws(CommandFailure) -> Void
    private var buffer = ""
    /// The first write that failed: the export stops, and ``close()`` throws it.
    private var failure: CommandFailure?

    /// A hold or wait being drawn.
    struct OpenSlice {
        var object: ObjectID
        var start: Double
        var name: String
    }

    struct ThreadTrack {
        var named = false
        var started = false
        var holds: [OpenSlice] = []
        var wait: OpenSlice?
    }

    /// One end of an arrow: a thread's operation slice, at its display time.
    typealias Endpoint = CrossThreadEdges<Double>.End

    private var tracks: [ThreadTrack] = []
    /// The edges between the drawn events.
    private var edges = CrossThreadEdges<Double>()
    /// Display time of each drawn event, by replay index, to mark findings there.
    private var drawnAt: [UInt64: Endpoint] = [:]
    private var clock: Double = 0
    private var quotedNames: [String: String] = [:]
    private var nextFlow = 1

    /// An exporter that draws `window` and at most `eventLimit` JSON events, handing the JSON text
    /// to `sink` in chunks.
    init(window: ClosedRange<UInt64>, drawsAccesses: Bool, eventLimit: Int, sink: @escaping (String) throws(CommandFailure) -> Void) {
        self.window = window
        self.drawsAccesses = drawsAccesses
        self.eventLimit = eventLimit
        self.sink = sink
        self.buffer = "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n"
    }

    // MARK: Events

    func handle(_ event: TraceEvent, in context: AnalysisContext) {
        let thread = event.thread
        // Display time: the timestamp, or just after the event before (see the type's docs).
        self.clock = max(Double(event.timestamp), self.clock + Self.step)
        let now = self.clock
        guard self.window.contains(event.timestamp), !self.truncated, self.failure == nil else { return }
        self.ensureTrack(thread, in: context)
        let here = Endpoint(thread: thread, mark: now)
        let operation = event.operation
        guard operation != .begin, operation != .end else { return }
        // Any event after a request ends the wait: the completion, or, for a request the trace
        // cannot pair, whatever the thread went on with (another request starts a wait of its own).
        if operation != .request { self.endWait(thread, at: now) }
        let first = !self.tracks[thread.index].started
        if operation == .read || operation == .write {
            // An access is drawn when asked for, and as the thread's first event (where its fork's
            // arrow ends).
            guard self.drawsAccesses || first else { return }
        }
        // The operation's own slice, which arrows attach to.
        self.emit(#"{"ph":"X","cat":"\#(operation.isAccess ? "access" : "sync")","name":\#(self.label(event, in: context)),"pid":1,"tid":\#(thread.rawValue),"ts":\#(Self.format(now)),"dur":\#(Self.format(Self.operationLength)),"args":\#(self.arguments(event, in: context))}"#)
        self.drawnAt[context.eventIndex] = here
        self.tracks[thread.index].started = true
        self.edges.show(event, at: now) { source, kind in self.arrow(from: source, to: here, name: kind.rawValue) }
        let object = event.object
        switch operation {
        case .request:
            self.endWait(thread, at: now)
            self.tracks[thread.index].wait = OpenSlice(object: object, start: now, name: "wait \(context.objectName(object))")
        case .acquire, .readAcquire:
            self.tracks[thread.index].holds.append(OpenSlice(object: object, start: now, name: "hold \(context.objectName(object))"))
        case .release, .readRelease:
            self.release(object, by: thread, at: now)
        case .fork:
            self.ensureTrack(event.otherThread, in: context)
        default:
            break
        }
    }

    func finish(in context: AnalysisContext) -> [Finding] {
        // What is still held or waited for at the end is drawn up to the last event.
        for index in self.tracks.indices {
            let thread = ThreadID(UInt32(index))
            if let wait = self.tracks[index].wait { self.slice(wait, on: thread, until: self.clock, unfinished: true) }
            for hold in self.tracks[index].holds.reversed() { self.slice(hold, on: thread, until: self.clock, unfinished: true) }
            self.tracks[index].holds = []
            self.tracks[index].wait = nil
        }
        return []
    }

    // MARK: Findings and the end

    /// Marks each event of `findings` that was drawn, with the finding's title and the event's role.
    func mark(_ findings: [Finding], symbols: TraceSymbols) {
        for finding in findings {
            let message = finding.message.resolved(in: symbols)
            for event in finding.events {
                guard let at = self.drawnAt[event.index] else { continue }
                let role = event.role.resolved(in: symbols)
                self.emit(
                    #"{"ph":"i","s":"t","cat":"finding","name":\#(self.quoted("\(finding.title): \(role)")),"pid":1,"tid":\#(at.thread.rawValue),"ts":\#(Self.format(at.mark)),"args":{"message":\#(self.quoted(message)),"plugin":\#(self.quoted(finding.plugin))}}"#,
                    evenPastTheLimit: true
                )
            }
        }
    }

    /// Ends the JSON (with the process's name and whether the limit cut the drawing) and writes
    /// what is left; throws the first write that failed.
    func close(program: String) throws(CommandFailure) {
        let process = self.quoted(program.isEmpty ? "trace" : program)
        self.emit(#"{"ph":"M","name":"process_name","pid":1,"args":{"name":\#(process)}}"#, evenPastTheLimit: true)
        self.emit(#"{"ph":"M","name":"synctrace","pid":1,"args":{"truncated":\#(self.truncated),"eventLimit":\#(self.eventLimit)}}"#, evenPastTheLimit: true)
        self.buffer += "\n]}\n"
        self.flush(force: true)
        if let failure = self.failure { throw failure }
    }

    // MARK: Drawing

    private func ensureTrack(_ thread: ThreadID, in context: AnalysisContext) {
        if thread.index >= self.tracks.count {
            self.tracks.append(contentsOf: repeatElement(ThreadTrack(), count: thread.index + 1 - self.tracks.count))
        }
        guard !self.tracks[thread.index].named else { return }
        self.tracks[thread.index].named = true
        let name = self.quoted(context.threadName(thread))
        self.emit(#"{"ph":"M","name":"thread_name","pid":1,"tid":\#(thread.rawValue),"args":{"name":\#(name)}}"#, evenPastTheLimit: true)
        self.emit(#"{"ph":"M","name":"thread_sort_index","pid":1,"tid":\#(thread.rawValue),"args":{"sort_index":\#(thread.rawValue)}}"#, evenPastTheLimit: true)
    }

    private func endWait(_ thread: ThreadID, at time: Double) {
        guard let wait = self.tracks[thread.index].wait else { return }
        self.tracks[thread.index].wait = nil
        self.slice(wait, on: thread, until: time, unfinished: false)
    }

    /// Ends the hold of `object`. Holds taken after it and still held end here too and go on in
    /// new slices, so that every slice nests in the ones around it.
    private func release(_ object: ObjectID, by thread: ThreadID, at time: Double) {
        guard let position = self.tracks[thread.index].holds.lastIndex(where: { $0.object == object }) else { return }
        let inner = self.tracks[thread.index].holds[(position + 1)...]
        // The release's own slice lies inside the hold.
        let end = time + Self.operationLength
        for hold in inner.reversed() { self.slice(hold, on: thread, until: end, unfinished: false) }
        self.slice(self.tracks[thread.index].holds[position], on: thread, until: end, unfinished: false)
        let continued = inner.map { OpenSlice(object: $0.object, start: end, name: $0.name) }
        self.tracks[thread.index].holds.removeSubrange(position...)
        self.tracks[thread.index].holds.append(contentsOf: continued)
    }

    private func slice(_ slice: OpenSlice, on thread: ThreadID, until end: Double, unfinished: Bool) {
        let start = max(slice.start, Double(self.window.lowerBound))
        self.emit(
            #"{"ph":"X","cat":"\#(slice.name.hasPrefix("wait") ? "wait" : "hold")","name":\#(self.quoted(slice.name)),"pid":1,"tid":\#(thread.rawValue),"ts":\#(Self.format(start)),"dur":\#(Self.format(max(end - start, Self.operationLength)))\#(unfinished ? #","args":{"unfinished":true}"# : "")}"#
        )
    }

    /// A flow arrow between two operation slices: its ends lie inside them.
    private func arrow(from source: Endpoint, to target: Endpoint, name: String) {
        guard self.written + 2 <= self.eventLimit else {
            self.truncated = true
            return
        }
        let id = self.nextFlow
        self.nextFlow += 1
        self.emit(#"{"ph":"s","cat":"happens-before","name":"\#(name)","id":\#(id),"pid":1,"tid":\#(source.thread.rawValue),"ts":\#(Self.format(source.mark + Self.arrowOffset))}"#)
        self.emit(#"{"ph":"f","bp":"e","cat":"happens-before","name":"\#(name)","id":\#(id),"pid":1,"tid":\#(target.thread.rawValue),"ts":\#(Self.format(target.mark + Self.arrowOffset))}"#)
    }

    private func label(_ event: TraceEvent, in context: AnalysisContext) -> String {
        let operation = event.operation
        let target: String
        switch operation.target {
        case .object: target = " " + context.objectName(event.object)
        case .thread: target = " " + context.threadName(event.otherThread)
        case .none: target = ""
        }
        return self.quoted(operation.textName + target)
    }

    private func arguments(_ event: TraceEvent, in context: AnalysisContext) -> String {
        var text = #"{"event":\#(context.eventIndex)"#
        if let location = context.location(event.location) { text += #","location":\#(self.quoted(location))"# }
        return text + "}"
    }

    /// `text` as a JSON string (kept: names repeat).
    private func quoted(_ text: String) -> String {
        if let known = self.quotedNames[text] { return known }
        let data = (try? JSONSerialization.data(withJSONObject: [text], options: [.fragmentsAllowed])) ?? Data("[\"?\"]".utf8)
        let array = String(decoding: data, as: UTF8.self)
        let quoted = String(array.dropFirst().dropLast())
        if self.quotedNames.count < 100_000 { self.quotedNames[text] = quoted }
        return quoted
    }

    /// Display time between two events that share a timestamp, the length of an operation's slice,
    /// and where inside it an arrow's end lies, in microseconds: whole nanoseconds, which is what
    /// Perfetto keeps of JSON times.
    static let step = 0.01
    static let operationLength = 0.004
    static let arrowOffset = 0.002

    /// `time` (microseconds) with three decimals, whole nanoseconds; integer arithmetic, since a
    /// formatted float per event was most of the export's time.
    static func format(_ time: Double) -> String {
        let nanoseconds = Int64((time * 1000).rounded())
        let fraction = Int(nanoseconds % 1000)
        let digits = fraction < 10 ? "00\(fraction)" : fraction < 100 ? "0\(fraction)" : "\(fraction)"
        return "\(nanoseconds / 1000).\(digits)"
    }

    private func emit(_ json: String, evenPastTheLimit: Bool = false) {
        guard self.failure == nil else { return }
        if !evenPastTheLimit {
            guard self.written < self.eventLimit else {
                self.truncated = true
                return
            }
        }
        if self.written > 0 || self.buffer.hasSuffix("}") { self.buffer += ",\n" }
        self.buffer += json
        self.written += 1
        self.flush(force: false)
    }

    private func flush(force: Bool) {
        guard force || self.buffer.utf8.count >= 1 << 18, self.failure == nil else { return }
        do throws(CommandFailure) {
            try self.sink(self.buffer)
        } catch {
            self.failure = error
        }
        self.buffer = ""
    }
}

extension TraceOperation {
    /// A plain read or write.
    fileprivate var isAccess: Bool { self == .read || self == .write }
}
