@testable import LostUpdateCounter
import SyncTraceFormat
import SyncTraceReplay
import Testing
import SyncTraceTestSupport

/// The open reads a variable's record cannot hold (it keeps two inline): kept aside in overflow
/// lists, found again by thread, given back when closed — and the counts the same as with none aside.
@Suite("Lost updates: open reads kept aside")
struct LostUpdateOverflowTests {
    /// The lost-update finding's counts, or zero losses and the summary's updates.
    static func counts(_ lines: [String], counter: LostUpdateCounter = LostUpdateCounter()) throws -> (updates: Int, lost: Int) {
        let report = try TestAnalysis.analyze(text: lines.joined(separator: "\n"), plugins: [counter])
        guard let finding = report.findings.first else {
            let line = report.summaries["lost-update"]?.first ?? ""
            return (Int(line.split(separator: "(").last?.split(separator: " ").first ?? "0") ?? 0, 0)
        }
        guard case .integer(let updates) = finding.fields["updates"], case .integer(let lost) = finding.fields["lost"] else {
            Issue.record("lost-update finding without counts")
            return (0, 0)
        }
        return (updates, lost)
    }

    @Test("forty threads read, then write in a shuffled order: every update but the first written is lost, nothing stays aside")
    func manyOpenReads() throws {
        // Threads 0, 16 and 32 share a filter bit: the list walk must tell them apart by thread.
        let threads = 40
        var random = SeededGenerator(seed: 7)
        var order = Array(0..<threads)
        for index in order.indices.reversed() { order.swapAt(index, Int(random.next() % UInt64(index + 1))) }
        let lines = (0..<threads).map { "T\($0)|r(x)" } + order.map { "T\($0)|w(x)" }
        let counter = LostUpdateCounter()
        let result = try Self.counts(lines, counter: counter)
        // Each read saw the initial value: the final value is 1.
        #expect(result.updates == threads && result.lost == threads - 1)
        #expect(counter.openReadsKeptAside == 0)
    }

    @Test("reads left open stay aside, one per thread however often it reads again")
    func rereadsReplace() throws {
        let threads = 20
        var lines: [String] = []
        for _ in 0..<5 { lines += (0..<threads).map { "T\($0)|r(x)" } }
        let counter = LostUpdateCounter()
        let result = try Self.counts(lines, counter: counter)
        #expect(result.updates == 0 && result.lost == 0)
        #expect(counter.openReadsKeptAside == threads - VariableHistory.inlineOpenReads)
    }

    @Test("the identity with up to forty threads: random interleavings of increments lose exactly N minus the final value", arguments: 0..<30)
    func randomInterleavings(seed: Int) throws {
        var random = SeededGenerator(seed: UInt64(1000 + seed))
        let threads = 3 + Int(random.next() % 38)
        let perThread = 1 + Int(random.next() % 4)
        let run = IncrementInterleaving(threads: threads, perThread: perThread, rereads: true, random: &random)
        let counter = LostUpdateCounter()
        let result = try Self.counts(run.lines, counter: counter)
        #expect(result.updates == threads * perThread)
        #expect(result.lost == threads * perThread - run.finalValue, "final value \(run.finalValue)")
        #expect(counter.openReadsKeptAside == 0)
    }
}
