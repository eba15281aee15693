import SyncTraceTestSupport

/// A random interleaving of threads incrementing one counter (each: read, then write what it read
/// plus one), with the counter's values simulated as it goes: the final value is what a run would
/// end with, so the updates lost must be the increments minus it.
struct IncrementInterleaving {
    /// The trace's lines (`T<n>|r(counter)`, `T<n>|w(counter)`).
    var lines: [String] = []
    /// The counter's final value.
    var finalValue = 0

    /// `threads` threads of `perThread` increments each; with `rereads`, a thread about to write
    /// sometimes reads again first (its update is then of the value it read last).
    init(threads: Int, perThread: Int, rereads: Bool = false, random: inout SeededGenerator) {
        var remaining = [Int](repeating: perThread, count: threads)
        var pendingRead = [Int?](repeating: nil, count: threads)
        while remaining.contains(where: { $0 > 0 }) || pendingRead.contains(where: { $0 != nil }) {
            let candidates = (0..<threads).filter { remaining[$0] > 0 || pendingRead[$0] != nil }
            let thread = candidates[Int(random.next() % UInt64(candidates.count))]
            if let seen = pendingRead[thread], !rereads || random.next() % 4 != 0 {
                self.finalValue = seen + 1
                pendingRead[thread] = nil
                self.lines.append("T\(thread)|w(counter)")
            } else {
                if pendingRead[thread] == nil { remaining[thread] -= 1 }
                pendingRead[thread] = self.finalValue
                self.lines.append("T\(thread)|r(counter)")
            }
        }
    }
}
