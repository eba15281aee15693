import CSyncTraceRuntime

/// A run of one thread's raw events on its way to the writer thread, which owns the storage until
/// it returns it to the session's pool.
struct EventChunk: @unchecked Sendable {
    // Sendable by hand-over: the producing thread stops touching the storage before it enqueues.
    var thread: UInt32
    var storage: UnsafeMutablePointer<synctrace_event>
    var range: Range<Int>
    /// Events of the thread lost (drop-on-overflow policy) before these, for the writer to report.
    var droppedBefore: UInt64 = 0
    /// Whether `storage` is a full-size buffer of the session's pool (else it was allocated to fit,
    /// for a partial flush, and is freed after writing).
    var pooled = true
}
