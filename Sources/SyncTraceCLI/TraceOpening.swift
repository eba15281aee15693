import SyncTraceFormat
import SyncTraceReplay

/// Opening inputs and reporting how they ended, shared by the verbs.
enum TraceOpening {
    /// Opens a trace of either form, or fails with the reason. With `ordered`, a binary trace's
    /// per-thread batches come out merged in happens-before order (a text trace is in order already).
    static func open(_ path: String, ordered: Bool = false) throws(CommandFailure) -> any TraceEventSource {
        let source: any TraceEventSource
        do {
            source = try TraceFile.open(path: path)
        } catch {
            throw CommandFailure(error)
        }
        guard ordered, source.recordByteCount != nil else { return source }
        return OrderedTraceSource(source)
    }

    /// Warns on stderr when a trace turned out to be truncated, or to have lost events while recording.
    static func warnIfTruncated(_ source: any TraceEventSource, path: String) {
        if source.droppedEventCount > 0 {
            StandardStream.warn(
                "\(path) is incomplete: the recorder dropped \(source.droppedEventCount) events when its writer "
                    + "fell behind (it recorded with the drop-on-overflow policy)"
            )
        }
        if case .truncated(let dropped) = source.ending {
            StandardStream.warn(Self.truncationMessage(path: path, events: source.eventCount, droppedBytes: dropped))
        }
    }

    static func truncationMessage(path: String, events: UInt64, droppedBytes: Int) -> String {
        if droppedBytes > 0 {
            return "\(path) is truncated: read \(events) events from its complete frames; "
                + "dropped \(droppedBytes) bytes of an incomplete last frame"
        }
        return "\(path) is truncated: read \(events) events; it ends without an end record (the recording did not finish)"
    }
}
