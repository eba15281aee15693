import SyncTraceFormat
import SyncTraceReplay

/// Opening inputs and reporting how they ended, shared by the verbs.
enum TraceOpening {
    /// What messages and reports call the trace argument `path`: `-` is "(standard input)".
    static func name(_ path: String) -> String {
        path == "-" ? TraceFile.standardInputName : path
    }

    /// Opens a trace of either form, or fails with the reason; `-` is standard input, streamed like a
    /// file (``TraceFile/open(fileDescriptor:name:)``). With `ordered`, a binary trace's per-thread
    /// batches come out merged in happens-before order (a text trace is in order already).
    static func open(_ path: String, ordered: Bool = false) throws(CommandFailure) -> any TraceEventSource {
        let source: any TraceEventSource
        do {
            source = path == "-" ? try TraceFile.open(fileDescriptor: 0) : try TraceFile.open(path: path)
        } catch {
            throw CommandFailure(error)
        }
        guard ordered, !source.isOrdered else { return source }
        return OrderedTraceSource(source)
    }

    /// Warns on stderr when a trace turned out to have lost events while recording, to be cut short,
    /// or to be finished by a signal handler (the process died): what `stats`, `dump` and `convert`
    /// say besides their output. They exit 0 all the same: they report what the file holds, no verdict.
    static func warnAboutEnding(_ source: any TraceEventSource, path: String, used: String = "used") {
        if source.droppedEventCount > 0 {
            StandardStream.warn(
                "\(path) is incomplete: the recorder dropped \(source.droppedEventCount) events when its writer "
                    + "fell behind (it recorded with the drop-on-overflow policy)"
            )
        }
        switch source.ending {
        case .truncated(let dropped):
            let leftOut = (source as? OrderedTraceSource)?.leftOutEventCount
            StandardStream.warn(
                Self.cutShortMessage(path: path, events: source.eventCount, leftOut: leftOut, droppedBytes: dropped, used: used)
            )
        case .signal:
            StandardStream.warn("\(path): \(source.ending.summary)")
        case .open, .complete:
            break
        }
    }

    /// Warns that the trace a replay read was cut short, if it was, and that the recorder dropped
    /// events, if it did: what `analyze` and `export` say after their output (`used`: "analysed",
    /// "exported").
    static func warnAboutReplayEnding(_ report: AnalysisReport, path: String, used: String) {
        if case .truncated(let dropped) = report.trace.ending {
            StandardStream.warn(
                Self.cutShortMessage(
                    path: path,
                    events: report.trace.analysedEvents,
                    leftOut: report.trace.unanalysedEvents,
                    droppedBytes: dropped,
                    used: used
                )
            )
        }
        if report.trace.droppedEvents > 0 {
            StandardStream.warn("\(path) is incomplete: the recorder dropped \(report.trace.droppedEvents) events")
        }
    }

    /// "app.synctrace was cut short (no end record): …": how many events were read, and for an
    /// ordered read (`leftOut` known), how many of them were `used` (printed, analysed…) up to the
    /// first gap, and how many wait behind it and were left out.
    static func cutShortMessage(path: String, events: UInt64, leftOut: UInt64?, droppedBytes: Int, used: String) -> String {
        let ending = TraceEnding.truncated(droppedBytes: droppedBytes).summary
        guard let leftOut else {
            return "\(path) was \(ending): read \(events) events, and the recording went on past them"
        }
        guard leftOut > 0 else {
            return "\(path) was \(ending): \(used) all \(events) events read (none waits behind a gap)"
        }
        return "\(path) was \(ending): \(used) the \(events) events before its first gap, left out \(leftOut) read after it"
    }
}
