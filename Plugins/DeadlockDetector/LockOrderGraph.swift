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
    /// happens-before without lock edges at the request (the replay's, kept valid by the detector) with
    /// the clock entry that counts the thread's epochs.
    struct Request {
        var to: ObjectID
        var thread: ThreadID
        var reading: Bool
        var site: UInt32
        var event: IndexedEvent
        var gates: GateSets.ID
        var clock: VectorClock
        var slot: ClockSlot
    }

    /// One way, by reference to what it shares with others.
    private struct Way {
        var from: ObjectID
        var heldSite: UInt32
        var held: UInt32
        var request: UInt32
        /// The way of the same pair kept after this one, or `.max`.
        var next: UInt32 = .max
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
        /// The pair's last way so far, or `.max` for a new pair.
        fileprivate var last: UInt32
        fileprivate var rank: UInt8
    }

    /// The sets of locks held at requests, interned.
    var gateSets = GateSets()
    private var requests: [Request] = []
    private var heldAcquisitions: [IndexedEvent] = []
    private var ways: [Way] = []
    /// For each pair, its first way (the others follow it through ``Way/next``).
    private var pairs = PairTable()

    /// How many held entries ``addWays(from:to:by:reading:site:request:)`` walked: the detector's work per acquisition.
    private(set) var entriesWalked = 0

    /// How many pairs of locks (edges of the graph over locks) there are.
    var pairCount: Int { self.pairs.count }
    /// How many ways, requests and held acquisitions are stored: what the graph's memory grows with.
    var wayCount: Int { self.ways.count }
    var requestCount: Int { self.requests.count }
    var heldAcquisitionCount: Int { self.heldAcquisitions.count }

    /// Where a way with this identity would be kept, if it would: its pair has room and no such way yet.
    private func accepts(_ key: WayKey) -> Place? {
        let bucket = self.pairs.bucket(from: key.from.rawValue, to: key.to.rawValue)
        guard bucket.found else { return Place(bucket: bucket, last: .max, rank: 1) }
        var current = self.pairs.value(at: bucket)
        while true {
            let way = self.ways[Int(current)]
            let request = Int(way.request)
            if way.heldSite == key.heldSite, way.heldForReading == key.heldForReading, self.requests[request].site == key.requestSite,
                self.requests[request].reading == key.requestedForReading, self.requests[request].thread == key.thread,
                self.requests[request].gates == key.gates
            {
                return nil
            }
            guard way.next != .max else { break }
            current = way.next
        }
        let rank = self.ways[Int(current)].rank
        return rank < Self.maximumWaysPerPair ? Place(bucket: bucket, last: current, rank: rank + 1) : nil
    }

    /// Adds the ways of one acquisition: `thread` took `to` (for reading or not), asked for at
    /// `site`, holding `held`. What the new ways share is made by `request` (given the set of locks
    /// held) only if one of them is new, which in a loop over the same locks none is.
    ///
    /// A method of the graph taking the held locks `inout`, so that the loop over them, run for every
    /// lock held at every acquisition, reads both without copies or exclusivity checks.
    mutating func addWays(
        from held: inout HeldLocks,
        to: ObjectID,
        by thread: ThreadID,
        reading: Bool,
        site: UInt32,
        request: (GateSets.ID) -> Request
    ) {
        let gates = held.gates(in: &self.gateSets)
        self.entriesWalked += held.entries.count
        var shared: UInt32?
        for position in held.entries.indices where held.entries[position].lock != to {
            let key = WayKey(
                from: held.entries[position].lock,
                to: to,
                thread: thread,
                heldSite: held.entries[position].site,
                requestSite: site,
                heldForReading: held.entries[position].reading,
                requestedForReading: reading,
                gates: gates
            )
            guard let place = self.accepts(key) else { continue }
            let requestReference = shared ?? {
                self.requests.append(request(gates))
                return UInt32(self.requests.count - 1)
            }()
            shared = requestReference
            let holding: UInt32
            if let remembered = held.entries[position].remembered {
                holding = remembered
            } else {
                holding = UInt32(self.heldAcquisitions.count)
                self.heldAcquisitions.append(held.entries[position].first)
                held.setRemembered(holding, at: position)
            }
            self.insert(key, at: place, held: holding, request: requestReference)
        }
    }

    /// Keeps a way where ``accepts(_:)`` found room, with nothing inserted in between.
    private mutating func insert(_ key: WayKey, at place: Place, held: UInt32, request: UInt32) {
        let added = UInt32(self.ways.count)
        if place.last == .max {
            self.pairs.insert(added, from: key.from.rawValue, to: key.to.rawValue, at: place.bucket)
        } else {
            self.ways[Int(place.last)].next = added
        }
        self.ways.append(
            Way(from: key.from, heldSite: key.heldSite, held: held, request: request, rank: place.rank, heldForReading: key.heldForReading)
        )
    }

    /// A two-lock cycle: the pair `(a, b)`, `a < b`, taken both ways, with the first way of each.
    struct Inversion {
        var pair: PairKey
        fileprivate var forward: UInt32
        fileprivate var backward: UInt32
    }

    /// The two-lock cycles, sorted by their pairs.
    func inversions() -> [Inversion] {
        var found: [Inversion] = []
        self.pairs.forEach { from, to, first in
            if from < to, let back = self.pairs[to, from] {
                found.append(Inversion(pair: PairKey(from: from, to: to), forward: first, backward: back))
            }
        }
        return found.sorted { ($0.pair.from, $0.pair.to) < ($1.pair.from, $1.pair.to) }
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

    /// The way `way` spelled out.
    func edge(_ way: UInt32) -> LockOrderEdge {
        let stored = self.ways[Int(way)]
        return LockOrderEdge(
            from: stored.from,
            heldForReading: stored.heldForReading,
            held: self.heldAcquisitions[Int(stored.held)],
            requested: self.requests[Int(stored.request)]
        )
    }

    /// A way chosen for one edge of a cycle, with what the search compares other ways with.
    fileprivate struct Chosen {
        var way: UInt32
        var request: Int
        var thread: ThreadID
        var slot: ClockSlot
        /// The request's epoch: its own entry of its clock without lock edges.
        var epoch: UInt32
        var requestedForReading: Bool
    }

    private func chosen(_ way: UInt32) -> Chosen {
        let request = Int(self.ways[Int(way)].request)
        let slot = self.requests[request].slot
        return Chosen(
            way: way,
            request: request,
            thread: self.requests[request].thread,
            slot: slot,
            epoch: self.requests[request].clock[slot: slot],
            requestedForReading: self.requests[request].reading
        )
    }

    /// One way for each edge of the cycle `locks` (lock i held, lock i+1 taken) that could deadlock
    /// together: different threads, read locks that block, no gate lock common to all, and no
    /// request ordered before another by synchronization other than locks. `nil` when none, or when
    /// the search's budget ran out.
    ///
    /// A depth-first search over the ways of each edge, in the order they were kept, by number
    /// (spelled out only for the answer) and in the search's reused buffers: the half million
    /// two-lock cycles of two threads nesting 1,000 locks each cost no copies and no allocations.
    func feasibleAssignment(of locks: [ObjectID], search: inout AssignmentSearch) -> [LockOrderEdge]? {
        search.first.removeAll(keepingCapacity: true)
        for position in locks.indices {
            search.first.append(self.pairs[locks[position].rawValue, locks[(position + 1) % locks.count].rawValue] ?? .max)
        }
        return self.assignment(of: locks, search: &search)
    }

    /// ``feasibleAssignment(of:search:)`` for a two-lock cycle, whose first ways are known.
    func feasibleAssignment(of inversion: Inversion, search: inout AssignmentSearch) -> [LockOrderEdge]? {
        search.first.removeAll(keepingCapacity: true)
        search.first.append(inversion.forward)
        search.first.append(inversion.backward)
        search.pairLocks[0] = ObjectID(inversion.pair.from)
        search.pairLocks[1] = ObjectID(inversion.pair.to)
        return self.assignment(of: search.pairLocks, search: &search)
    }

    /// The search itself, from the first way of each edge in `search.first`.
    private func assignment(of locks: [ObjectID], search: inout AssignmentSearch) -> [LockOrderEdge]? {
        search.chosen.removeAll(keepingCapacity: true)
        var way = search.first.first ?? .max
        while true {
            guard way != .max else {
                // This edge's ways are used up: back to the previous edge's next way.
                guard let last = search.chosen.popLast() else { return nil }
                way = self.ways[Int(last.way)].next
                continue
            }
            search.budget -= 1
            if search.budget < 0 { return nil }
            let candidate = self.chosen(way)
            if self.fits(candidate, after: search.chosen) {
                search.chosen.append(candidate)
                if search.chosen.count < locks.count {
                    way = search.first[search.chosen.count]
                    continue
                }
                if self.closes(search.chosen, cycle: locks, gates: &search.gates) { return search.chosen.map { self.edge($0.way) } }
                search.chosen.removeLast()
            }
            way = self.ways[Int(way)].next
        }
    }

    /// Whether `candidate` can join the ways `chosen` for the edges before it: another thread, and
    /// no request ordered before the other's by synchronization other than locks.
    private func fits(_ candidate: Chosen, after chosen: [Chosen]) -> Bool {
        for other in chosen {
            if other.thread == candidate.thread { return false }
            if other.epoch > 0 && self.requests[candidate.request].clock[slot: other.slot] >= other.epoch { return false }
            if candidate.epoch > 0 && self.requests[other.request].clock[slot: candidate.slot] >= candidate.epoch { return false }
        }
        // Edge i-1 asks for lock i, which edge i holds: two read sides do not block each other.
        if let previous = chosen.last, previous.requestedForReading && self.ways[Int(candidate.way)].heldForReading { return false }
        return true
    }

    /// Whether a way for every edge, `chosen`, closes the cycle: the last edge's request blocks the
    /// first's lock, and no gate lock keeps the threads apart.
    private func closes(_ chosen: [Chosen], cycle: [ObjectID], gates: inout CommonGateLocks) -> Bool {
        guard let head = chosen.first, let last = chosen.last else { return false }
        if last.requestedForReading && self.ways[Int(head.way)].heldForReading { return false }
        return !gates.commonGate(chosen.map { self.requests[$0.request].gates }, cycle: cycle, in: self.gateSets)
    }
}

/// What ``LockOrderGraph/feasibleAssignment(of:search:)`` keeps from one cycle to the next: the
/// budget left (candidate ways it may still try), the gate sets spelled out, and its buffers.
struct AssignmentSearch {
    var budget: Int
    var gates = CommonGateLocks()
    fileprivate var first: [UInt32] = []
    fileprivate var chosen: [LockOrderGraph.Chosen] = []
    fileprivate var pairLocks = [ObjectID(0), ObjectID(0)]

    init(budget: Int) { self.budget = budget }
}
