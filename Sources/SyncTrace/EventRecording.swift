import CSyncTraceRuntime
import SyncTraceFormat

// The hot path every traced primitive calls. With no recorder running it is one relaxed load and
// one predictable branch; while recording, a thread-local read and a handful of stores into the
// thread's own buffer: no lock, no allocation, no write to memory another thread writes.

/// Whether a recording session is running; the epoch to hand to ``recordEvent(epoch:_:object:sequence:argument:fileID:line:)``.
@inline(__always)
func currentRecordingEpoch() -> UInt64 {
    synctrace_session_epoch()
}

/// Records an event if a session is running.
@inline(__always)
func recordEvent(
    _ operation: TraceOperation,
    object: UInt32,
    sequence: UInt64,
    argument: Int64 = 0,
    fileID: StaticString,
    line: UInt
) {
    let epoch = synctrace_session_epoch()
    if epoch == 0 { return }
    recordEvent(epoch: epoch, operation, object: object, sequence: sequence, argument: argument, fileID: fileID, line: line)
}

/// Records an event for a session whose epoch the caller has already read (and found nonzero).
@inline(__always)
func recordEvent(
    epoch: UInt64,
    _ operation: TraceOperation,
    object: UInt32,
    sequence: UInt64,
    argument: Int64 = 0,
    fileID: StaticString,
    line: UInt
) {
    let status = synctrace_record(
        epoch,
        operation.rawValue,
        object,
        sequence,
        argument,
        UnsafeRawPointer(fileID.utf8Start),
        UInt32(truncatingIfNeeded: fileID.utf8CodeUnitCount),
        UInt32(truncatingIfNeeded: line)
    )
    if status != 0 {
        RecordingSession.recordingSlowPath(
            status: status,
            epoch: epoch,
            operation,
            object: object,
            sequence: sequence,
            argument: argument,
            fileID: fileID,
            line: line
        )
    }
}
