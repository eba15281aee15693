/// Finds the elementary cycles of a directed graph, each once, with Johnson's algorithm (1975):
/// time O((nodes + edges) · (cycles + 1)), so a graph of thousands of locks with a handful of
/// cycles is searched in milliseconds, where a plain depth-first enumeration of paths can take
/// exponential time.
///
/// Each cycle comes out starting at its smallest node, which is what makes "once" hold: the search
/// from node `s` only walks nodes greater than `s`.
public struct ElementaryCycles: Sendable {
    /// The successors of each node, by node index; nodes are `0..<successors.count`.
    public var successors: [[Int]]

    /// A graph with `successors[n]` the targets of node `n`'s edges (duplicates are ignored).
    public init(successors: [[Int]]) {
        // Sorted, then duplicates dropped: no hashing of what can be millions of edges.
        self.successors = successors.map { targets in
            var sorted = targets.sorted()
            var kept = 0
            for position in sorted.indices where kept == 0 || sorted[kept - 1] != sorted[position] {
                sorted[kept] = sorted[position]
                kept += 1
            }
            sorted.removeLast(sorted.count - kept)
            return sorted
        }
    }

    /// Calls `body` with each elementary cycle (its nodes, smallest first, without repeating the
    /// first at the end) until `body` returns `false`, `limit` cycles were found or `steps` edge
    /// visits were spent (a dense graph can have astronomically many cycles); returns how many were
    /// found. `steps` is what remains of the budget afterwards.
    @discardableResult
    public func forEach(limit: Int = .max, steps: inout Int, _ body: ([Int]) -> Bool) -> Int {
        let count = self.successors.count
        var found = 0
        var blocked = [Bool](repeating: false, count: count)
        var blockedBy = [[Int]](repeating: [], count: count)
        var stack: [Int] = []
        var stopped = false
        var least = 0

        while least < count && !stopped {
            // Johnson's outer loop: the strongly connected components of the subgraph of nodes ≥
            // `least`; the smallest node on any cycle there starts the next search, inside its
            // component. Each pass costs O(nodes + edges) and finds at least one cycle.
            let component = Self.components(of: self.successors, from: least)
            var size = [Int](repeating: 0, count: count)
            for node in least..<count { size[component[node]] += 1 }
            guard let start = (least..<count).first(where: { size[component[$0]] > 1 }) else { break }
            least = start + 1
            let home = component[start]
            func inside(_ node: Int) -> Bool { node >= start && component[node] == home }
            for node in start..<count where component[node] == home {
                blocked[node] = false
                blockedBy[node].removeAll(keepingCapacity: true)
            }

            // Johnson's CIRCUIT, iteratively: each frame is a node and the position in its successors.
            var frames: [(node: Int, next: Int, foundCycle: Bool)] = [(start, 0, false)]
            stack = [start]
            blocked[start] = true
            while let top = frames.last, !stopped {
                let node = top.node
                let successors = self.successors[node]
                if top.next < successors.count {
                    frames[frames.count - 1].next += 1
                    steps -= 1
                    if steps < 0 {
                        stopped = true
                        break
                    }
                    let target = successors[top.next]
                    guard inside(target) else { continue }
                    if target == start {
                        found += 1
                        frames[frames.count - 1].foundCycle = true
                        if !body(stack) || found >= limit { stopped = true }
                    } else if !blocked[target] {
                        frames.append((target, 0, false))
                        stack.append(target)
                        blocked[target] = true
                    }
                    continue
                }
                // Every successor explored: unblock (if a cycle went through) or remember who blocks.
                frames.removeLast()
                stack.removeLast()
                if top.foundCycle {
                    Self.unblock(node, &blocked, &blockedBy)
                } else {
                    for target in successors where inside(target) && !blockedBy[target].contains(node) {
                        blockedBy[target].append(node)
                    }
                }
                if top.foundCycle, !frames.isEmpty { frames[frames.count - 1].foundCycle = true }
            }
        }
        return found
    }

    private static func unblock(_ node: Int, _ blocked: inout [Bool], _ blockedBy: inout [[Int]]) {
        var pending = [node]
        while let next = pending.popLast() {
            guard blocked[next] else { continue }
            blocked[next] = false
            pending.append(contentsOf: blockedBy[next])
            blockedBy[next].removeAll(keepingCapacity: true)
        }
    }

    /// ``forEach(limit:steps:_:)`` with no step budget.
    @discardableResult
    public func forEach(limit: Int = .max, _ body: ([Int]) -> Bool) -> Int {
        var steps = Int.max
        return self.forEach(limit: limit, steps: &steps, body)
    }

    /// Tarjan's strongly connected components, iteratively: the component number of each node.
    /// Nodes below `least` are left out (component -1), and so are edges to them.
    static func components(of successors: [[Int]], from least: Int = 0) -> [Int] {
        let count = successors.count
        var index = [Int](repeating: -1, count: count)
        var lowLink = [Int](repeating: 0, count: count)
        var onStack = [Bool](repeating: false, count: count)
        var component = [Int](repeating: -1, count: count)
        var stack: [Int] = []
        var nextIndex = 0
        var nextComponent = 0
        for root in least..<count where index[root] < 0 {
            var frames: [(node: Int, next: Int)] = [(root, 0)]
            index[root] = nextIndex
            lowLink[root] = nextIndex
            nextIndex += 1
            stack.append(root)
            onStack[root] = true
            while let top = frames.last {
                let node = top.node
                if top.next < successors[node].count {
                    frames[frames.count - 1].next += 1
                    let target = successors[node][top.next]
                    if target < least { continue }
                    if index[target] < 0 {
                        index[target] = nextIndex
                        lowLink[target] = nextIndex
                        nextIndex += 1
                        stack.append(target)
                        onStack[target] = true
                        frames.append((target, 0))
                    } else if onStack[target] {
                        lowLink[node] = min(lowLink[node], index[target])
                    }
                    continue
                }
                frames.removeLast()
                if let parent = frames.last { lowLink[parent.node] = min(lowLink[parent.node], lowLink[node]) }
                if lowLink[node] == index[node] {
                    while let member = stack.popLast() {
                        onStack[member] = false
                        component[member] = nextComponent
                        if member == node { break }
                    }
                    nextComponent += 1
                }
            }
        }
        return component
    }
}
