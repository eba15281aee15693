public import CSyncTraceRuntime
public import SyncTraceFormat

// The hot path every traced primitive calls. With no recorder running it is one relaxed load and
// one predictable branch; while recording, a thread-local read and a handful of stores into the
// thread's own buffer: no lock, no allocation, no write to memory another thread writes.
//
// It is inlinable, and so are the primitives' operations, so that it compiles into the program's
// own code: a call across the module boundary into unspecialized generic code would cost more than
// all of it.

/// The running session's epoch, or 0 when nothing records.
@inlinable @inline(__always)
func currentRecordingEpoch() -> UInt64 {
    synctrace_session_epoch()
}

/// Records an event if a session is running.
@inlinable @inline(__always)
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

/// Records an event numbered in `counter`'s order if a session is running, reading the epoch once
/// for both: a number taken in one session must not go into another's trace. The caller holds the
/// object's own synchronization (see `synctrace_append`: the event is appended while it is held).
@inlinable @inline(__always)
func recordNumberedEvent(
    _ operation: TraceOperation,
    object: UInt32,
    counter: inout SessionCounter,
    argument: Int64 = 0,
    fileID: StaticString,
    line: UInt
) {
    let epoch = synctrace_session_epoch()
    if epoch == 0 { return }
    recordEvent(epoch: epoch, operation, object: object, sequence: counter.take(epoch), argument: argument, fileID: fileID, line: line)
}

/// Records an event for a session whose epoch the caller has already read (and found nonzero).
///
/// Nothing is recorded once that session has stopped. An event numbered in its object's order must
/// be recorded while the object's own synchronization is held, so that its object's later events
/// (recorded after it let go) are in the trace only if it is.
@inlinable @inline(__always)
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
        recordEventSlowPath(
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

/// What `recordEvent` does when the fast path could not record: register the thread, or hand over
/// a full buffer. Out of line: it runs once per thread and once per few thousand events.
@usableFromInline @inline(never)
func recordEventSlowPath(
    status: Int32,
    epoch: UInt64,
    _ operation: TraceOperation,
    object: UInt32,
    sequence: UInt64,
    argument: Int64,
    fileID: StaticString,
    line: UInt
) {
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

/// The slots in which the thread the trace attributes the running critical section to remembers the
/// mutexes whose whole value it copied out (``TracedMutex``); nil when the thread has no buffer for
/// session `epoch`. Only that thread reads or writes them.
@inlinable @inline(__always)
func valueCopySlots(epoch: UInt64) -> UnsafeMutableBufferPointer<UInt64>? {
    guard let slots = synctrace_value_copies(epoch) else { return nil }
    return UnsafeMutableBufferPointer(start: slots, count: Int(SYNCTRACE_VALUE_COPY_SLOTS))
}
