import LostUpdateCounter
import SyncTraceFormat
import SyncTraceReplay
import SyncTraceTestSupport
import Testing

/// A trace cut short counts only the updates lost whatever the program did after the cut: a later
/// write may descend from a write an open read saw and take updates counted lost back, so at the cut
/// the counter never claims more than the whole run loses — and names a variable only if the whole
/// run loses updates of it too.
@Suite("Lost updates in a trace cut short")
struct CutLostUpdateTests {
    /// The lost-update counter's count for `lines`, as a binary trace that is complete or cut short
    /// right after them (`nil` when it reports no loss).
    static func lost(_ lines: [String], cutShort: Bool) throws -> Int? {
        let reader = TextTraceReader(text: lines.joined(separator: "\n"), fileName: "t.trace")
        let writer = TraceWriter(header: TraceHeader(program: "t.trace"))
        var events: [TraceEvent] = []
        while try reader.nextBatch(into: &events) {
            try writer.declare(symbolsFrom: reader.symbols)
            try writer.write(events)
        }
        if cutShort { try writer.flush() } else { try writer.finish() }
        let report = try TestAnalysis.analyze(binary: writer.bytes, plugins: [LostUpdateCounter()])
        guard let finding = report.findings.first else { return nil }
        guard case .integer(let lost) = finding.fields["lost"] else { return nil }
        return lost
    }

    /// T4 read before three updates and then writes, cutting two of them off; T3 read the latest of
    /// them, and its write — after the cut — puts one back on the line.
    static let restored = [
        "T4|r(c)", "T1|r(c)", "T1|w(c)", "T2|r(c)", "T2|w(c)", "T3|r(c)", "T4|w(c)", "T3|w(c)",
    ]

    @Test("an open read's later write takes a loss back: at the cut, only the loss that stays is claimed")
    func openReadRestores() throws {
        #expect(try Self.lost(Self.restored, cutShort: false) == 1)
        let beforeLastWrite = Array(Self.restored.dropLast())
        // Read as if it were complete, the prefix loses two; cut short, at least one.
        #expect(try Self.lost(beforeLastWrite, cutShort: false) == 2)
        #expect(try Self.lost(beforeLastWrite, cutShort: true) == 1)
        let report = try TestAnalysis.analyze(text: "T1|r(c)\nT2|r(c)\nT1|w(c)\nT2|w(c)\n", plugins: [LostUpdateCounter()])
        #expect(report.summaries["lost-update"] == ["c: 2 updates, 1 lost (50.0%)"])
    }

    @Test("random interleavings, cut after every line: never more lost than the whole trace, so never a variable it does not name")
    func everyPrefix() throws {
        var overclaims = 0
        for seed in 0..<100 as Range<UInt64> {
            var random = SeededGenerator(seed: seed)
            var open: Set<Int> = []
            var lines: [String] = []
            for _ in 0..<20 {
                let thread = Int(random.next() % 4) + 1
                if open.contains(thread) && random.next() % 3 != 0 {
                    lines.append("T\(thread)|w(c)")
                    open.remove(thread)
                } else if random.next() % 10 == 0 {
                    lines.append("T\(thread)|w(c)")  // a blind write, or a second access after the read
                    open.remove(thread)
                } else {
                    lines.append("T\(thread)|r(c)")
                    open.insert(thread)
                }
            }
            let whole = try Self.lost(lines, cutShort: false) ?? 0
            for count in 1..<lines.count {
                let prefix = Array(lines.prefix(count))
                let cut = try Self.lost(prefix, cutShort: true) ?? 0
                #expect(cut <= whole, "seed \(seed), cut after line \(count): \(cut) lost, the whole trace \(whole)")
                // What the prefix would claim were it the whole run: more than the run loses, at times.
                if try Self.lost(prefix, cutShort: false) ?? 0 > whole { overclaims += 1 }
            }
        }
        #expect(overclaims > 0, "no interleaving exercised a loss taken back after the cut")
    }
}
