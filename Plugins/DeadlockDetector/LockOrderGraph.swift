import SyncTraceFormat
import SyncTraceReplay

/// An event as the detector remembers it: the event and its position in the replay.
struct IndexedEvent {
    var event: TraceEvent
    var index: UInt64
}

/// One way the lock-order graph's edge `from → to` was taken: thread `thread`, holding `from`
/// (taken at `held`), asked for `to` (at `request`, a `req`, or the acquisition itself when it did
/// not have to wait).
struct LockOrderEdge {
    var from: ObjectID
    var to: ObjectID
    var thread: ThreadID
    /// Whether `from` is held, and `to` was taken, as a read lock.
    var heldForReading: Bool
    var requestedForReading: Bool
    var held: IndexedEvent
    var request: IndexedEvent
    /// The other locks the thread held at the request (`lock << 1 | reading`), sorted.
    var gates: [UInt64]
    /// Happens-before without lock edges at the request (``DeadlockDetector`` keeps that order), and
    /// the clock entry that counts the thread's epochs.
    var clock: VectorClock
    var slot: Int

    /// Whether this edge's request happens before `other`'s, by synchronization other than locks.
    func requestHappensBefore(_ other: LockOrderEdge) -> Bool {
        let epoch = self.clock[slot: self.slot]
        return epoch > 0 && other.clock[slot: self.slot] >= epoch
    }
}

/// The lock-order graph: for each pair of locks (held, then taken), the distinct ways threads took
/// that edge. "Distinct" is per thread, pair of call sites, read/write modes and gate locks held, so
/// that a loop taking the same two locks a million times keeps one edge, while a different thread
/// or another call site keeps its own (their happens-before can differ).
struct LockOrderGraph {
    /// At most this many ways are kept per pair of locks; enough for the precision rules, bounded
    /// for programs that nest the same pair of locks from everywhere.
    static let maximumWaysPerPair = 32

    struct WayKey: Hashable {
        var from: UInt32
        var to: UInt32
        var thread: UInt32
        var heldSite: UInt32
        var requestSite: UInt32
        var modes: UInt8
        var gates: [UInt64]
    }

    struct PairKey: Hashable {
        var from: UInt32
        var to: UInt32
    }

    private(set) var edges: [LockOrderEdge] = []
    private(set) var ways: [PairKey: [Int]] = [:]
    private var known: Set<WayKey> = []

    /// Whether an edge with this identity is already kept (then nothing more needs computing).
    func contains(_ key: WayKey) -> Bool { self.known.contains(key) }

    /// Keeps `edge` under `key`, unless its pair of locks has enough ways already.
    mutating func insert(_ edge: LockOrderEdge, key: WayKey) {
        self.known.insert(key)
        let pair = PairKey(from: edge.from.rawValue, to: edge.to.rawValue)
        let count = self.ways[pair]?.count ?? 0
        guard count < Self.maximumWaysPerPair else { return }
        self.ways[pair, default: []].append(self.edges.count)
        self.edges.append(edge)
    }

    /// The graph over locks, with nodes numbered densely, for the cycle search.
    func nodes() -> (locks: [ObjectID], successors: [[Int]]) {
        var number: [UInt32: Int] = [:]
        var locks: [ObjectID] = []
        func node(_ lock: UInt32) -> Int {
            if let known = number[lock] { return known }
            number[lock] = locks.count
            locks.append(ObjectID(lock))
            return locks.count - 1
        }
        // Numbered in lock order, so cycles start at the lock declared first and come out stably.
        for pair in self.ways.keys.sorted(by: { ($0.from, $0.to) < ($1.from, $1.to) }) {
            _ = node(pair.from)
        }
        for pair in self.ways.keys { _ = node(pair.to) }
        var successors = [[Int]](repeating: [], count: locks.count)
        for pair in self.ways.keys { successors[node(pair.from)].append(node(pair.to)) }
        return (locks, successors)
    }

    /// The ways of taking `from → to`.
    func ways(from: ObjectID, to: ObjectID) -> [LockOrderEdge] {
        (self.ways[PairKey(from: from.rawValue, to: to.rawValue)] ?? []).map { self.edges[$0] }
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
                return !Self.gated(chosen, cycleLocks: cycleLocks)
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
    /// the threads cannot all be at their requests at once.
    static func gated(_ edges: [LockOrderEdge], cycleLocks: Set<UInt32>) -> Bool {
        guard var common = edges.first.map({ Set($0.gates.map { $0 >> 1 }) }) else { return false }
        for edge in edges.dropFirst() { common.formIntersection(edge.gates.map { $0 >> 1 }) }
        for gate in common where !cycleLocks.contains(UInt32(truncatingIfNeeded: gate)) {
            let allReading = edges.allSatisfy { edge in edge.gates.contains(gate << 1 | 1) && !edge.gates.contains(gate << 1) }
            if !allReading { return true }
        }
        return false
    }
}
