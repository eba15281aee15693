import SyncTraceFormat

/// A thread's read of a variable whose update is still open (the thread's next access of the
/// variable may be a write): what the read saw, and enough of the read to name it. 32 bytes.
struct OpenRead {
    /// The depth of the latest write when the read happened (see ``VariableHistory``).
    var depth: UInt64
    /// The read itself.
    var access: AccessRecord
    /// The segment the read happened in: its depth counts only in that segment.
    var segment: UInt32
    /// The location of the write the read saw (the latest update's), or `UInt32.max`.
    var sawWrite: UInt32

    /// The thread whose read it is.
    var thread: ThreadID { self.access.thread }

    /// The read's bit in a variable's filter of threads with open reads kept aside (see
    /// ``VariableHistory``): threads whose indices agree in their low four bits share one.
    var threadBit: UInt16 { Self.bit(of: self.thread) }

    /// The filter bit of `thread`.
    static func bit(of thread: ThreadID) -> UInt16 { 1 << UInt16(thread.rawValue & 15) }
}
