/// An object's own operation counter, numbering from zero in each recording session.
///
/// The replay orders an object's events by these numbers, and expects them to start at zero: an
/// object created before `TraceRecorder.start` (or used in an earlier session) would otherwise start
/// at whatever count it had reached, and the replay would have to read ahead to be sure no earlier
/// number was coming. The owner takes numbers only while holding the object's own synchronization.
@usableFromInline
struct SessionCounter: Sendable {
    @usableFromInline var epoch: UInt64 = 0
    @usableFromInline var next: UInt64 = 0

    @usableFromInline init() {}

    /// The next number in session `epoch`.
    ///
    /// An operation that read the epoch before a later session started may number after one that
    /// read the later epoch (it read it, then waited for the object): its session has stopped, so
    /// its event will not be recorded, and it must not restart the later session's numbering.
    @inlinable @inline(__always)
    mutating func take(_ epoch: UInt64) -> UInt64 {
        if self.epoch != epoch {
            // Epochs only grow: an older one is a stopped session's.
            if epoch < self.epoch { return Self.stale }
            self.epoch = epoch
            self.next = 0
        }
        defer { self.next &+= 1 }
        return self.next
    }

    /// The number an operation of a stopped session gets; never recorded.
    @usableFromInline static let stale = UInt64.max
}
