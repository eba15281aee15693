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
    /// How many events `storage` holds when it belongs to the session's buffer pool, which takes it
    /// back after writing; 0 when it was allocated to fit (a partial flush) and is freed instead.
    var poolCapacity: Int

    /// How many of the chunk's records are events (not switch, announcement or declaration records):
    /// what dropping the chunk loses, as the trace counts it.
    var eventCount: Int {
        var count = 0
        for index in self.range where self.storage[index].operation < UInt8(SYNCTRACE_DECLARE_OPERATION) { count += 1 }
        return count
    }
}
