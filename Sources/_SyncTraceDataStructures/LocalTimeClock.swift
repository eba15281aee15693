/// A vector clock over thread indices whose entries are local times a plugin counts itself, stored
/// dense up to the highest thread it has heard of (entries beyond are zero).
///
/// The replay's clocks (`SyncTraceReplay.VectorClock`) count synchronization epochs by slot, which a
/// finished thread may hand on; the predictive analyses need their own orders (weak causal
/// precedence, the order a sync-preserving reordering keeps) whose entries count times they choose
/// by thread: the race predictor's and the deadlock detector's witness search keep theirs in these.
/// Dense is right for the programs prediction is for (a few to a few thousand threads; each keeps a
/// thread limit).
///
/// The one clock of the predictive plugins. Public only so that they can inline it.
public struct LocalTimeClock {
    /// The entries, by thread index.
    @usableFromInline var storage: ContiguousArray<UInt32> = []

    /// The entries, by thread index, up to the highest the clock stores.
    @inlinable public var entries: ContiguousArray<UInt32> { self.storage }

    /// An empty clock.
    @inlinable public init() {}

    /// The entry of thread `index`.
    @inlinable @inline(__always)
    public subscript(index: Int) -> UInt32 {
        index < self.storage.count ? self.storage[index] : 0
    }

    /// Sets the entry of thread `index`.
    @inlinable
    public mutating func set(_ index: Int, to value: UInt32) {
        if index >= self.storage.count {
            guard value != 0 else { return }
            self.storage.append(contentsOf: repeatElement(0, count: index + 1 - self.storage.count))
        }
        self.storage[index] = value
    }

    /// Advances the entry of thread `index` by one.
    @inlinable
    public mutating func tick(_ index: Int) {
        self.set(index, to: self[index] + 1)
    }

    /// Takes the pointwise maximum with `other`.
    @inlinable
    public mutating func join(_ other: LocalTimeClock) {
        _ = other.storage.withUnsafeBufferPointer { self.join($0) }
    }

    /// Takes the pointwise maximum with the entries `other` (by thread index). Writes nothing when
    /// nothing grows, so that a clock sharing its storage with a kept copy is not copied for a join
    /// that changes nothing. Returns whether an entry grew.
    @inlinable @discardableResult
    public mutating func join(_ other: UnsafeBufferPointer<UInt32>) -> Bool {
        let grows = self.storage.withUnsafeBufferPointer { mine in
            (0..<other.count).contains { other[$0] > (($0 < mine.count) ? mine[$0] : 0) }
        }
        guard grows else { return false }
        if other.count > self.storage.count {
            self.storage.append(contentsOf: repeatElement(0, count: other.count - self.storage.count))
        }
        self.storage.withUnsafeMutableBufferPointer { mine in
            for index in 0..<other.count where other[index] > mine[index] {
                mine[index] = other[index]
            }
        }
        return true
    }

    /// The words the clock stores.
    @inlinable public var words: Int { self.storage.count }
}
