public import SyncTraceFormat

/// A vector clock: for each thread, how many of its synchronization epochs are known to have
/// happened before. Entries beyond `entries.count` are zero, so clocks grow only as far as the
/// highest thread they have heard of.
///
/// In ``HappensBefore``, entries are by slot rather than by thread: a thread that starts after
/// another has finished (and been joined) may count its epochs in that thread's slot, above every
/// epoch the other used, which keeps clocks as wide as the threads that overlap.
public struct VectorClock: Hashable, Sendable, CustomStringConvertible {
    /// The entries, indexed by ``ThreadID/index`` (or by slot, in ``HappensBefore``).
    public private(set) var entries: [UInt32]

    /// An empty clock (every entry zero).
    public init() {
        self.entries = []
    }

    /// The entry of `thread`.
    @inlinable public subscript(thread: ThreadID) -> UInt32 {
        let index = thread.index
        return index < self.entries.count ? self.entries[index] : 0
    }

    /// The entry at `slot` (see ``HappensBefore/slot(of:)``).
    @inlinable public subscript(slot slot: Int) -> UInt32 {
        slot < self.entries.count ? self.entries[slot] : 0
    }

    /// Sets the entry at `slot`.
    mutating func set(slot: Int, to value: UInt32) {
        self.grow(to: slot + 1)
        self.entries[slot] = value
    }

    /// Advances the entry at `slot` by one.
    mutating func tick(slot: Int) {
        self.grow(to: slot + 1)
        self.entries[slot] &+= 1
    }

    /// Sets the entry of `thread`.
    public mutating func set(_ thread: ThreadID, to value: UInt32) {
        self.grow(to: thread.index + 1)
        self.entries[thread.index] = value
    }

    /// Advances the entry of `thread` by one.
    public mutating func tick(_ thread: ThreadID) {
        self.grow(to: thread.index + 1)
        self.entries[thread.index] &+= 1
    }

    /// Takes the pointwise maximum with `other`: afterwards this clock knows everything `other` knew.
    public mutating func join(_ other: VectorClock) {
        let count = other.entries.count
        if count > self.entries.count { self.grow(to: count) }
        self.entries.withUnsafeMutableBufferPointer { mine in
            other.entries.withUnsafeBufferPointer { theirs in
                for index in 0..<count where theirs[index] > mine[index] { mine[index] = theirs[index] }
            }
        }
    }

    /// Becomes a copy of `other`, reusing this clock's storage when it has the room, so that
    /// publishing a clock does not share (and later copy) the publisher's storage.
    mutating func assign(_ other: VectorClock) {
        let count = other.entries.count
        guard count == self.entries.count else {
            self.entries = other.entries
            return
        }
        self.entries.withUnsafeMutableBufferPointer { mine in
            other.entries.withUnsafeBufferPointer { theirs in
                for index in 0..<count { mine[index] = theirs[index] }
            }
        }
    }

    /// Whether every entry of this clock is at most the same entry of `other`.
    public func isBeforeOrEqual(_ other: VectorClock) -> Bool {
        for (index, value) in self.entries.enumerated() where value > other[ThreadID(UInt32(index))] {
            return false
        }
        return true
    }

    private mutating func grow(to count: Int) {
        if count > self.entries.count {
            self.entries.append(contentsOf: repeatElement(0, count: count - self.entries.count))
        }
    }

    public var description: String { "[" + self.entries.map(String.init).joined(separator: ", ") + "]" }
}

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
