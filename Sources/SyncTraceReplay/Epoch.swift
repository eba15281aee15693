public import SyncTraceFormat

/// One thread's position in its own history: the pair (thread, that thread's clock entry), packed
/// in 64 bits. FastTrack's insight: most accesses need only this, not a whole vector clock.
public struct Epoch: Hashable, Sendable, CustomStringConvertible {
    /// The packed value: thread in the high 32 bits, clock in the low 32; 0 means "none".
    public var rawValue: UInt64

    /// The epoch `clock@thread`.
    @inlinable public init(thread: ThreadID, clock: UInt32) {
        self.rawValue = UInt64(thread.rawValue) << 32 | UInt64(clock)
    }

    /// No epoch: nothing happened yet.
    public static let none = Epoch(rawValue: 0)

    private init(rawValue: UInt64) {
        self.rawValue = rawValue
    }

    /// The thread.
    @inlinable public var thread: ThreadID { ThreadID(UInt32(truncatingIfNeeded: self.rawValue >> 32)) }
    /// The thread's clock entry at the time.
    @inlinable public var clock: UInt32 { UInt32(truncatingIfNeeded: self.rawValue) }
    /// Whether this is ``none``.
    @inlinable public var isNone: Bool { self.rawValue == 0 }

    public var description: String { self.isNone ? "none" : "\(self.clock)@\(self.thread.rawValue)" }
}
