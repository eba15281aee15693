import SyncTraceFormat
import SyncTraceReplay

/// An event as the detector remembers it: the event and its position in the replay.
struct IndexedEvent {
    var event: TraceEvent
    var index: UInt64
}

/// One way the lock-order graph's edge `from → to` was taken: thread `thread`, holding `from`
/// (taken at `held`), asked for `to` (at `request`, a `req`, or the acquisition itself when it did
/// not have to wait). The graph stores ways compactly; this is one of them spelled out, for the
/// search of a feasible way to take a cycle.
struct LockOrderEdge {
    var from: ObjectID
    /// Whether `from` is held as a read lock.
    var heldForReading: Bool
    var held: IndexedEvent
    /// The acquisition of `to`, with what every edge it added shares.
    var requested: LockOrderGraph.Request

    var to: ObjectID { self.requested.to }
    var thread: ThreadID { self.requested.thread }
    var requestedForReading: Bool { self.requested.reading }
    var request: IndexedEvent { self.requested.event }
    /// Every lock the thread held at the request, with its mode (`from` among them).
    var gates: GateSets.ID { self.requested.gates }

    /// Whether this edge's request happens before `other`'s, by synchronization other than locks.
    func requestHappensBefore(_ other: LockOrderEdge) -> Bool {
        let slot = self.requested.slot
        let epoch = self.requested.clock[slot: slot]
        return epoch > 0 && other.requested.clock[slot: slot] >= epoch
    }
}

/// The lock-order graph: for each pair of locks (held, then taken), the distinct ways threads took
/// that edge. "Distinct" is per thread, pair of call sites, read/write modes and set of locks held,
/// so that a loop taking the same two locks a million times keeps one way, while a different thread
/// or another call site keeps its own (their happens-before can differ).
///
/// Stored near-linearly: what the ways of one acquisition share (the request, the locks held, the
/// clock) is kept once per acquisition as a ``Request``, each held lock's acquisition once however
/// many edges leave it, the locks held as an interned ``GateSets`` number, and a way is then a few
/// integers in a flat array, found through a ``PairTable``. One thread nesting 2,000 locks adds 2
/// million edges (every pair is one): about 50 bytes each.
struct LockOrderGraph {
    /// At most this many ways are kept per pair of locks; enough for the precision rules, bounded
    /// for programs that nest the same pair of locks from everywhere.
    static let maximumWaysPerPair = 32

    /// A way's identity: two ways of a pair with the same identity are one.
    struct WayKey {
        var from: ObjectID
        var to: ObjectID
        var thread: ThreadID
        var heldSite: UInt32
        var requestSite: UInt32
        var heldForReading: Bool
        var requestedForReading: Bool
        var gates: GateSets.ID
    }

    /// What every way one acquisition adds has in common: the lock taken (`to`, for reading or not),
    /// by which thread, requested where (`site`, the location of `event`), holding which locks, and
    /// happens-before without lock edges at the request (``DeadlockDetector`` keeps that order) with
    /// the clock entry that counts the thread's epochs.
    struct Request {
        var to: ObjectID
        var thread: ThreadID
        var reading: Bool
        var site: UInt32
        var event: IndexedEvent
        var gates: GateSets.ID
        var clock: VectorClock
        var slot: Int
    }

    /// One way, by reference to what it shares with others.
    private struct Way {
        var from: ObjectID
        var heldSite: UInt32
        var held: UInt32
        var request: UInt32
        /// The way of the same pair kept before this one, or `.max`.
        var previous: UInt32
        /// How many ways of the pair there are up to this one.
        var rank: UInt8
        var heldForReading: Bool
    }

    /// A pair of locks: some thread took `to` while holding `from`.
    struct PairKey {
        var from: UInt32
        var to: UInt32
    }

    /// Where ``accepts(_:)`` found room for a new way.
    struct Place {
        fileprivate var bucket: PairTable.Bucket
        fileprivate var previous: UInt32
        fileprivate var rank: UInt8
    }

    /// The sets of locks held at requests, interned.
    var gateSets = GateSets()
    private var requests: [Request] = []
    private var heldAcquisitions: [IndexedEvent] = []
    private var ways: [Way] = []
    /// For each pair, its newest way.
    private var pairs = PairTable()

    /// How many pairs of locks (edges of the graph over locks) there are.
    var pairCount: Int { self.pairs.count }
    /// How many ways, requests and held acquisitions are stored: what the graph's memory grows with.
    var wayCount: Int { self.ways.count }
    var requestCount: Int { self.requests.count }
    var heldAcquisitionCount: Int { self.heldAcquisitions.count }

    /// Whether some thread took `to` while holding `from`.
    func hasPair(from: UInt32, to: UInt32) -> Bool { self.pairs[from, to] != nil }

    /// Where a way with this identity would be kept, if it would: its pair has room and no such way yet.
    func accepts(_ key: WayKey) -> Place? {
        let bucket = self.pairs.bucket(from: key.from.rawValue, to: key.to.rawValue)
        guard bucket.found else { return Place(bucket: bucket, previous: .max, rank: 1) }
        let newest = self.pairs.value(at: bucket)
        let rank = self.ways[Int(newest)].rank
        guard rank < Self.maximumWaysPerPair else { return nil }
        var current = newest
        while current != .max {
            let way = self.ways[Int(current)]
            let request = self.requests[Int(way.request)]
            if way.heldSite == key.heldSite, way.heldForReading == key.heldForReading, request.site == key.requestSite,
                request.reading == key.requestedForReading, request.thread == key.thread, request.gates == key.gates
            {
                return nil
            }
            current = way.previous
        }
        return Place(bucket: bucket, previous: newest, rank: rank + 1)
    }

    /// Remembers what the ways of one acquisition share; returns its reference for ``insert(_:held:request:)``.
    mutating func remember(_ request: Request) -> UInt32 {
        self.requests.append(request)
        return UInt32(self.requests.count - 1)
    }

    /// Remembers a held lock's acquisition; returns its reference for ``insert(_:held:request:)``.
    mutating func remember(held acquisition: IndexedEvent) -> UInt32 {
        self.heldAcquisitions.append(acquisition)
        return UInt32(self.heldAcquisitions.count - 1)
    }

    /// Keeps a way where ``accepts(_:)`` found room, with nothing inserted in between.
    mutating func insert(_ key: WayKey, at place: Place, held: UInt32, request: UInt32) {
        self.pairs.insert(UInt32(self.ways.count), from: key.from.rawValue, to: key.to.rawValue, at: place.bucket)
        self.ways.append(
            Way(
                from: key.from,
                heldSite: key.heldSite,
                held: held,
                request: request,
                previous: place.previous,
                rank: place.rank,
                heldForReading: key.heldForReading
            )
        )
    }

    /// The pairs `(a, b)` with `a < b` taken both ways, sorted: the two-lock cycles.
    func inversions() -> [PairKey] {
        var found: [PairKey] = []
        self.pairs.forEach { from, to, _ in
            if from < to && self.hasPair(from: to, to: from) { found.append(PairKey(from: from, to: to)) }
        }
        return found.sorted { ($0.from, $0.to) < ($1.from, $1.to) }
    }

    /// How many threads took an edge.
    func threadCount() -> Int {
        Set(self.requests.map(\.thread)).count
    }

    /// The graph over locks, with nodes numbered densely, for the cycle search.
    func nodes() -> (locks: [ObjectID], successors: [[Int]]) {
        // Lock numbers are dense (indices into the trace's objects): flat arrays, not dictionaries.
        var highest: UInt32 = 0
        self.pairs.forEach { from, to, _ in highest = max(highest, from, to) }
        var number = [Int](repeating: -1, count: self.pairs.count == 0 ? 0 : Int(highest) + 1)
        var locks: [ObjectID] = []
        // Numbered in lock order, so cycles start at the lock declared first and come out stably;
        // locks only ever taken last lie on no cycle and come after.
        self.pairs.forEach { from, _, _ in number[Int(from)] = 0 }
        for lock in number.indices where number[lock] == 0 {
            number[lock] = locks.count
            locks.append(ObjectID(UInt32(lock)))
        }
        var successors = [[Int]](repeating: [], count: locks.count)
        self.pairs.forEach { from, to, _ in
            if number[Int(to)] < 0 {
                number[Int(to)] = locks.count
                locks.append(ObjectID(to))
                successors.append([])
            }
            successors[number[Int(from)]].append(number[Int(to)])
        }
        return (locks, successors)
    }

    /// The ways of taking `from → to`, in the order they were kept.
    func ways(from: ObjectID, to: ObjectID) -> [LockOrderEdge] {
        var edges: [LockOrderEdge] = []
        var current = self.pairs[from.rawValue, to.rawValue] ?? .max
        while current != .max {
            let way = self.ways[Int(current)]
            edges.append(
                LockOrderEdge(
                    from: way.from,
                    heldForReading: way.heldForReading,
                    held: self.heldAcquisitions[Int(way.held)],
                    requested: self.requests[Int(way.request)]
                )
            )
            current = way.previous
        }
        return edges.reversed()
    }

    /// One way for each edge of the cycle `locks` (lock i held, lock i+1 taken) that could deadlock
    /// together: different threads, read locks that block, no gate lock common to all, and no
    /// request ordered before another by synchronization other than locks. `nil` when none.
    func feasibleAssignment(of locks: [ObjectID], budget: inout Int) -> [LockOrderEdge]? {
        let candidates = locks.indices.map { position in
            self.ways(from: locks[position], to: locks[(position + 1) % locks.count])
        }
        var chosen: [LockOrderEdge] = []
        chosen.reserveCapacity(locks.count)
        let cycleLocks = Set(locks.map(\.rawValue))

        func fits(_ edge: LockOrderEdge) -> Bool {
            for other in chosen {
                if other.thread == edge.thread { return false }
                if other.requestHappensBefore(edge) || edge.requestHappensBefore(other) { return false }
            }
            // Edge i-1 asks for lock i, which edge i holds: two read sides do not block each other.
            if let previous = chosen.last, previous.requestedForReading && edge.heldForReading { return false }
            return true
        }

        func search(_ position: Int) -> Bool {
            if position == candidates.count {
                guard let first = chosen.first, let last = chosen.last else { return false }
                if last.requestedForReading && first.heldForReading { return false }
                return !self.gated(chosen, cycleLocks: cycleLocks)
            }
            for edge in candidates[position] {
                budget -= 1
                if budget < 0 { return false }
                guard fits(edge) else { continue }
                chosen.append(edge)
                if search(position + 1) { return true }
                chosen.removeLast()
            }
            return false
        }
        return search(0) ? chosen : nil
    }

    /// Whether a lock outside the cycle is held by every edge, and by at least one for writing: then
    /// the threads cannot all be at their requests at once. (An edge's gate set also holds its own
    /// `from`, and `to` when the thread took it again; both are on the cycle, so left out here.)
    func gated(_ edges: [LockOrderEdge], cycleLocks: Set<UInt32>) -> Bool {
        let gates = edges.map { Set(self.gateSets.members(of: $0.gates)) }
        guard var common = gates.first.map({ Set($0.map { $0 >> 1 }) }) else { return false }
        for set in gates.dropFirst() { common.formIntersection(set.map { $0 >> 1 }) }
        for gate in common where !cycleLocks.contains(UInt32(truncatingIfNeeded: gate)) {
            let allReading = gates.allSatisfy { set in set.contains(gate << 1 | 1) && !set.contains(gate << 1) }
            if !allReading { return true }
        }
        return false
    }
}
