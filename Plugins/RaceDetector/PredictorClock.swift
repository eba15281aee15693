/// A vector clock of the race predictor, one entry per thread index, stored dense up to the highest
/// thread it has heard of (entries beyond are zero).
///
/// The predictor keeps its own clocks rather than the replay's (``SyncTraceReplay/VectorClock``):
/// it runs two orders side by side, happens-before and weak causal precedence, whose entries must
/// count the same local times, so it counts them itself, by thread. Dense is right for the programs
/// prediction is for (a few to a few thousand threads; ``RacePredictor/threadLimit`` bounds them).
struct PredictorClock {
    /// The entries, by thread index.
    private(set) var entries: ContiguousArray<UInt32> = []

    /// An empty clock.
    init() {}

    /// The entry of thread `index`.
    @inline(__always)
    subscript(index: Int) -> UInt32 {
        index < self.entries.count ? self.entries[index] : 0
    }

    /// Sets the entry of thread `index`.
    mutating func set(_ index: Int, to value: UInt32) {
        if index >= self.entries.count {
            guard value != 0 else { return }
            self.entries.append(contentsOf: repeatElement(0, count: index + 1 - self.entries.count))
        }
        self.entries[index] = value
    }

    /// Advances the entry of thread `index` by one.
    mutating func tick(_ index: Int) {
        self.set(index, to: self[index] + 1)
    }

    /// Takes the pointwise maximum with `other`.
    mutating func join(_ other: PredictorClock) {
        other.entries.withUnsafeBufferPointer { self.join($0) }
    }

    /// Takes the pointwise maximum with the entries `other` (by thread index). Writes nothing when
    /// nothing grows, so that a clock sharing its storage with a kept copy is not copied for a join
    /// that changes nothing.
    mutating func join(_ other: UnsafeBufferPointer<UInt32>) {
        let grows = self.entries.withUnsafeBufferPointer { mine in
            (0..<other.count).contains { other[$0] > (($0 < mine.count) ? mine[$0] : 0) }
        }
        guard grows else { return }
        if other.count > self.entries.count {
            self.entries.append(contentsOf: repeatElement(0, count: other.count - self.entries.count))
        }
        self.entries.withUnsafeMutableBufferPointer { mine in
            for index in 0..<other.count where other[index] > mine[index] {
                mine[index] = other[index]
            }
        }
    }

    /// The words the clock stores.
    var words: Int { self.entries.count }
}
