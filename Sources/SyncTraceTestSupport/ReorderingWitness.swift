/// A test oracle for the predictive analyses: whether a correct reordering of a small STD trace
/// reaches a given point — a schedule in which every thread runs a prefix of its own events in its
/// own order, every read sees the write it saw in the trace (or none, if it saw none), locks are
/// held by one thread at a time, a thread starts after its fork and a join waits for the whole
/// joined thread — that ends with chosen events next to run: two accesses (a predicted race), or
/// each thread of a lock-order cycle at its request (a predicted deadlock). Optionally the schedule
/// must also keep each lock's acquisitions in their trace order (a *sync-preserving* reordering).
///
/// An exhaustive search over schedules, remembering the states (each thread's position and each
/// variable's last writer) it has already found to lead nowhere: exponential in general, quick on
/// small traces, and never used by the analyses themselves.
public struct ReorderingWitness {
    private enum Operation { case acquire, release, read, write, fork, join, other }

    private struct Event {
        var thread: Int
        var operation: Operation
        /// The lock, the variable or the thread it names.
        var target: Int
    }

    private var events: [Event] = []
    private var threadEvents: [[Int]] = []
    private var localPosition: [Int] = []
    /// Per read, the write it read from (-1: none).
    private var readsFrom: [Int: Int] = [:]
    /// Per thread, its fork (-1: none).
    private var forkOf: [Int] = []
    private var variableCount = 0
    private var variableNumbers: [String: Int] = [:]
    private var lockCount = 0

    /// Per acquisition (trace position), its rank among its lock's acquisitions in the trace.
    private var acquisitionRank: [Int: Int] = [:]

    /// Parses STD lines (`T1|acq(L0)|12`); `#` lines are skipped. `req` and operations other than
    /// `acq`, `rel`, `r`, `w`, `fork` and `join` have no rule here.
    public init(text: String) {
        var threads: [String: Int] = [:]
        var variables: [String: Int] = [:]
        var locks: [String: Int] = [:]
        func number(_ name: String, in table: inout [String: Int]) -> Int {
            if let known = table[name] { return known }
            table[name] = table.count
            return table.count - 1
        }
        var lastWrite: [Int: Int] = [:]
        var acquisitions: [Int: Int] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") && !line.isEmpty {
            let fields = line.split(separator: "|", omittingEmptySubsequences: false)
            let call = fields[1]
            let open = call.firstIndex(of: "(")!
            let name = String(call[..<open])
            let argument = String(call[call.index(after: open)..<call.index(before: call.endIndex)])
            let thread = number(String(fields[0]), in: &threads)
            let operation: Operation
            let target: Int
            switch name {
            case "acq": (operation, target) = (.acquire, number(argument, in: &locks))
            case "rel": (operation, target) = (.release, number(argument, in: &locks))
            case "r": (operation, target) = (.read, number(argument, in: &variables))
            case "w": (operation, target) = (.write, number(argument, in: &variables))
            case "fork": (operation, target) = (.fork, number(argument, in: &threads))
            case "join": (operation, target) = (.join, number(argument, in: &threads))
            default: (operation, target) = (.other, 0)
            }
            let index = self.events.count
            if operation == .read { self.readsFrom[index] = lastWrite[target] ?? -1 }
            if operation == .write { lastWrite[target] = index }
            if operation == .acquire {
                self.acquisitionRank[index] = acquisitions[target, default: 0]
                acquisitions[target, default: 0] += 1
            }
            self.events.append(Event(thread: thread, operation: operation, target: target))
        }
        self.threadEvents = Array(repeating: [], count: threads.count)
        self.forkOf = Array(repeating: -1, count: threads.count)
        for (index, event) in self.events.enumerated() {
            self.localPosition.append(self.threadEvents[event.thread].count)
            self.threadEvents[event.thread].append(index)
            if event.operation == .fork, self.forkOf[event.target] < 0 { self.forkOf[event.target] = index }
        }
        self.variableCount = variables.count
        self.variableNumbers = variables
        self.lockCount = locks.count
    }

    /// Every pair of accesses to `variable` (trace positions, earlier first) by different threads,
    /// at least one a write.
    public func conflictingPairs(on variable: String) -> [(Int, Int)] {
        guard let target = self.variableNumbers[variable] else { return [] }
        let accesses = self.events.indices.filter { (self.events[$0].operation == .read || self.events[$0].operation == .write) && self.events[$0].target == target }
        var pairs: [(Int, Int)] = []
        for (position, first) in accesses.enumerated() {
            for second in accesses[(position + 1)...] where self.events[first].thread != self.events[second].thread
                && (self.events[first].operation == .write || self.events[second].operation == .write)
            {
                pairs.append((first, second))
            }
        }
        return pairs
    }

    /// Whether the accesses at trace positions `first` and `second` (of different threads) race in
    /// some correct reordering.
    public func isWitnessed(_ first: Int, _ second: Int) -> Bool {
        self.reaches([first, second])
    }

    /// Whether some correct reordering ends with the events at trace positions `events` (of
    /// different threads) all next to run — for a lock-order cycle's requests, a deadlock. With
    /// `preservingLockOrder`, only schedules that take each lock in its trace order count.
    public func reaches(_ events: [Int], preservingLockOrder: Bool = false) -> Bool {
        var search = Search(witness: self, goals: events, preservingLockOrder: preservingLockOrder)
        return search.run()
    }

    /// The thread (numbered in order of first appearance) of the event at trace position `event`,
    /// and the event's position within that thread.
    public func threadPosition(of event: Int) -> (thread: Int, position: Int) {
        (self.events[event].thread, self.localPosition[event])
    }

    private struct Search {
        let witness: ReorderingWitness
        let goal: [Int: Int]
        var limit: [Int]
        var position: [Int]
        var holder: [Int]
        var lastWriter: [Int]
        var executed: Set<Int> = []
        var dead: Set<[Int]> = []
        let preservingLockOrder: Bool
        /// Per lock, the trace rank of the latest acquisition the schedule made (-1: none).
        var latestRank: [Int]

        init(witness: ReorderingWitness, goals: [Int], preservingLockOrder: Bool) {
            self.witness = witness
            self.preservingLockOrder = preservingLockOrder
            self.limit = witness.threadEvents.map(\.count)
            var goal: [Int: Int] = [:]
            for event in goals {
                let thread = witness.events[event].thread
                goal[thread] = witness.localPosition[event]
                self.limit[thread] = witness.localPosition[event]
            }
            self.goal = goal
            self.latestRank = Array(repeating: -1, count: witness.lockCount)
            self.position = Array(repeating: 0, count: witness.threadEvents.count)
            self.holder = Array(repeating: -1, count: witness.lockCount)
            self.lastWriter = Array(repeating: -1, count: witness.variableCount)
        }

        mutating func run() -> Bool {
            if self.goal.allSatisfy({ self.position[$0.key] == $0.value }) { return true }
            let key = self.position + self.lastWriter + (self.preservingLockOrder ? self.latestRank : [])
            guard !self.dead.contains(key) else { return false }
            for thread in 0..<self.position.count where self.position[thread] < self.limit[thread] {
                let index = self.witness.threadEvents[thread][self.position[thread]]
                let event = self.witness.events[index]
                if self.position[thread] == 0, self.witness.forkOf[thread] >= 0, !self.executed.contains(self.witness.forkOf[thread]) { continue }
                let writerBefore = event.operation == .write ? self.lastWriter[event.target] : -1
                let rankBefore = event.operation == .acquire ? self.latestRank[event.target] : -1
                switch event.operation {
                case .acquire:
                    guard self.holder[event.target] < 0 else { continue }
                    // Sync-preserving: the acquisitions the schedule makes come in their trace order
                    // (one it skips is skipped for good).
                    if self.preservingLockOrder, self.witness.acquisitionRank[index]! <= self.latestRank[event.target] { continue }
                    self.holder[event.target] = thread
                case .release:
                    self.holder[event.target] = -1
                case .read:
                    guard self.lastWriter[event.target] == self.witness.readsFrom[index] else { continue }
                case .write:
                    self.lastWriter[event.target] = index
                case .join:
                    guard self.position[event.target] == self.witness.threadEvents[event.target].count else { continue }
                case .fork, .other:
                    break
                }
                if event.operation == .acquire { self.latestRank[event.target] = self.witness.acquisitionRank[index]! }
                self.position[thread] += 1
                self.executed.insert(index)
                if self.run() { return true }
                self.executed.remove(index)
                self.position[thread] -= 1
                switch event.operation {
                case .acquire:
                    self.holder[event.target] = -1
                    self.latestRank[event.target] = rankBefore
                case .release: self.holder[event.target] = thread
                case .write: self.lastWriter[event.target] = writerBefore
                default: break
                }
            }
            self.dead.insert(key)
            return false
        }
    }
}
