import SyncTraceFormat

/// Decides whether the edges of a lock-order cycle share a gate lock: a lock outside the cycle that
/// every edge's thread held at its request, at least one of them for writing. Then the threads
/// cannot all be at their requests at once, and the cycle cannot deadlock.
///
/// Each gate set is spelled out once, sorted, and kept for the next cycle that uses it; the sets of
/// a cycle are then intersected by leapfrogging (each jumps by binary search to the largest lock
/// the others are at), so that sets that overlap in one run — the prefixes of nested locks — cost
/// a few searches, not a walk of all their members: two threads nesting 1,000 locks in opposite
/// orders make half a million two-lock cycles, each with two gate sets of up to 1,000 locks.
struct CommonGateLocks {
    /// Gate sets spelled out: members (`lock << 1 | reading`) in ascending order.
    private var sorted: [GateSets.ID: [GateSets.Member]] = [:]

    /// How many gate sets have been spelled out.
    var spelledOut: Int { self.sorted.count }

    /// Whether the gate sets `sets` (one per edge of the cycle through `cycle`) have a lock in
    /// common that is not on the cycle and that not every edge holds only for reading.
    mutating func commonGate(_ sets: [GateSets.ID], cycle: [ObjectID], in gateSets: GateSets) -> Bool {
        let members = sets.map { set in
            if let known = self.sorted[set] { return known }
            let spelled = gateSets.members(of: set).sorted()
            self.sorted[set] = spelled
            return spelled
        }
        guard !members.isEmpty else { return false }
        var lock: UInt64 = 0
        while true {
            // Leapfrog: move every set to its first member at or above `lock`, raising `lock` to
            // whatever a set is at, until all are at the same lock (or one runs out).
            var agreed = 0
            var position = 0
            while agreed < members.count {
                let set = members[position]
                let index = Self.firstIndex(in: set, atOrAbove: lock << 1)
                guard index < set.count else { return false }
                let at = set[index] >> 1
                if at == lock {
                    agreed += 1
                } else {
                    lock = at
                    agreed = 1
                }
                position = (position + 1) % members.count
            }
            if !cycle.contains(where: { UInt64($0.rawValue) == lock }) {
                let allReading = members.allSatisfy { set in
                    let index = Self.firstIndex(in: set, atOrAbove: lock << 1)
                    // Held for reading only: the set has `lock << 1 | 1` and not `lock << 1`.
                    return set[index] == lock << 1 | 1
                }
                if !allReading { return true }
            }
            lock += 1
        }
    }

    /// The first position in `set` whose member is `member` or above (`set.count` when none is).
    private static func firstIndex(in set: [GateSets.Member], atOrAbove member: GateSets.Member) -> Int {
        var low = 0
        var high = set.count
        while low < high {
            let middle = (low + high) / 2
            if set[middle] < member { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
