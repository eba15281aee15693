import SyncTraceFormat
import SyncTraceReplay

/// Decides, for a lock-order cycle, whether some sync-preserving reordering of the trace deadlocks
/// on it: a schedule in which each thread runs a prefix of its own events, every read sees the
/// write it saw, each lock's critical sections keep the trace's order, and every thread of the cycle
/// stops just before its request — holding its lock, asking for the next thread's.
///
/// Such a schedule exists exactly when the *closure* of the events before the requests contains
/// none of the requests (Tunç, Mathur, Pavlogiannis and Viswanathan, PLDI 2023). The closure is the
/// smallest set of events that contains them and is closed under the order the record keeps
/// (``WitnessRecord``: thread order, reads-from, the other synchronization) and under the lock rule:
/// of a lock's critical sections the set holds, every one but the last (in trace order) must be
/// complete, since the next one starts only after it ends. Each thread's part of the set is a
/// prefix, so the set is one local time per thread; the search grows it — following each thread's
/// edges as its prefix grows past them, then applying the lock rule — until nothing changes. Then
/// the set, run in the trace's order, is the schedule: the witness.
///
/// Cost per cycle: each edge is followed at most once, and each round of the lock rule visits
/// every lock's threads once (a binary search each); ``budget`` bounds the work over all cycles.
struct DeadlockWitnessSearch {
    /// What the search found for one cycle.
    enum Verdict {
        /// A schedule deadlocks here: each thread (by index) runs its first `events` events, those of
        /// the cycle up to just before their requests.
        case confirmed([(thread: Int, events: UInt32)])
        /// No sync-preserving schedule does: why, as words for the report.
        case refuted(FindingText)
        /// The search could not tell (its record stopped, or its budget ran out).
        case unchecked(String)
    }

    /// Edges followed and lock visits (each a binary search) the search may still spend.
    var budget: Int

    static let outOfBudget = "the search for a schedule ran out of its budget"

    /// A search that may spend `budget` lock visits in all.
    init(budget: Int) {
        self.budget = budget
    }

    /// The verdict on the cycle `edges` (one edge per thread, edge `i` holding `edges[i].from` and
    /// asking for `edges[i].to`).
    mutating func check(_ edges: [LockOrderEdge], in record: WitnessRecord) -> Verdict {
        if let reason = record.stopReason { return .unchecked("the search for a schedule stopped: \(reason)") }
        guard self.budget > 0 else { return .unchecked(Self.outOfBudget) }
        var goals: [(thread: Int, time: UInt32, edge: LockOrderEdge)] = []
        var closure = Closure(record)
        for edge in edges {
            let thread = edge.thread.index
            let time: UInt32?
            if edge.request.event.operation == .request {
                time = record.requestTime(of: thread, index: edge.request.index)
            } else {
                time = record.section(of: thread, lock: edge.to.index, acquiredAt: edge.request.index)?.acquired
            }
            guard let time, record.section(of: thread, lock: edge.from.index, acquiredAt: edge.held.index) != nil else {
                return .unchecked("its requests were not recorded")
            }
            goals.append((thread, time, edge))
            closure.raise(thread, to: time - 1)
        }
        while true {
            self.budget -= closure.follow(record, limit: self.budget)
            if let passed = goals.first(where: { closure.prefix[$0.thread] >= $0.time }) {
                return .refuted(
                    "every schedule that keeps each lock's critical sections in their recorded order runs \(thread: passed.edge.thread) past its request for \(object: passed.edge.to) before the others reach theirs"
                )
            }
            guard self.budget > 0 else { return .unchecked(Self.outOfBudget) }
            for lock in record.locks where lock.threads.count > 1 {
                self.budget -= lock.threads.count
                // Each thread's last section in the set; the latest of them (in trace order) may stay open.
                var included: [(thread: Int, section: WitnessRecord.Section)] = []
                var latest = -1
                for position in lock.threads.indices {
                    let thread = lock.threads[position]
                    guard let section = Self.lastSection(lock.sections[position], acquiredBy: closure.prefix[thread]) else { continue }
                    if latest < 0 || section.index > included[latest].section.index { latest = included.count }
                    included.append((thread, section))
                }
                for (position, entry) in included.enumerated() where position != latest {
                    guard entry.section.released != WitnessRecord.open else {
                        return .refuted(
                            "a critical section \(thread: ThreadID(UInt32(entry.thread))) never leaves would have to end before another on the same lock"
                        )
                    }
                    closure.raise(entry.thread, to: entry.section.released)
                }
            }
            if closure.pending.isEmpty { break }
        }
        var prefixes: [(thread: Int, events: UInt32)] = []
        for thread in closure.prefix.indices where closure.prefix[thread] > 0 || goals.contains(where: { $0.thread == thread }) {
            prefixes.append((thread, closure.prefix[thread]))
        }
        return .confirmed(prefixes)
    }

    /// The set being closed: a prefix (a local time) per thread, the threads whose prefix grew past
    /// edges not yet followed, and how far each thread's edges have been followed.
    private struct Closure {
        var prefix: [UInt32]
        var followed: [Int]
        var pending: [Int] = []

        init(_ record: WitnessRecord) {
            self.prefix = Array(repeating: 0, count: record.threadCount)
            self.followed = Array(repeating: 0, count: record.threadCount)
        }

        /// Puts `thread`'s events up to local time `time` in the set.
        mutating func raise(_ thread: Int, to time: UInt32) {
            guard self.prefix[thread] < time else { return }
            self.prefix[thread] = time
            self.pending.append(thread)
        }

        /// Follows every edge into the set's prefixes, until none is left or `limit` edges have
        /// been followed; returns the edges followed.
        mutating func follow(_ record: WitnessRecord, limit: Int) -> Int {
            var count = 0
            while count < limit, let thread = self.pending.popLast() {
                let edges = record.edges(into: thread)
                var next = self.followed[thread]
                while next < edges.count, edges[next] <= self.prefix[thread] {
                    self.raise(Int(edges[next + 1]), to: edges[next + 2])
                    next += 3
                    count += 1
                }
                self.followed[thread] = next
            }
            return count
        }
    }

    /// The last of `sections` (one thread's, in order) acquired at or before local time `time`.
    private static func lastSection(_ sections: [WitnessRecord.Section], acquiredBy time: UInt32) -> WitnessRecord.Section? {
        var low = 0
        var high = sections.count
        while low < high {
            let middle = (low + high) / 2
            if sections[middle].acquired <= time { low = middle + 1 } else { high = middle }
        }
        return low > 0 ? sections[low - 1] : nil
    }
}
