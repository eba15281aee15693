import LostUpdateCounter
import RaceDetector
import SyncTraceFormat
import SyncTraceReplay
import SyncTraceTestSupport
import Testing

/// The lost-update rules of `LostUpdateCounter`'s documentation, case by case, and the identity that defines them: for a
/// counter incremented N times from zero, the updates lost are N minus the final value.
@Suite("Lost updates")
struct LostUpdateCounterTests {
    /// (updates, lost) per variable with losses or updates, from the plugin's JSON fields.
    static func counts(_ text: String) throws -> (updates: Int, lost: Int, racy: Bool) {
        let report = try TestAnalysis.analyze(text: text, plugins: [RaceDetector(), LostUpdateCounter()])
        let racy = report.findings.contains { $0.plugin == "race" }
        guard let finding = report.findings.first(where: { $0.plugin == "lost-update" }) else {
            let line = report.summaries["lost-update"]?.first ?? ""
            let updates = Int(line.split(separator: "(").last?.split(separator: " ").first ?? "0") ?? 0
            return (updates, 0, racy)
        }
        guard case .integer(let updates) = finding.fields["updates"], case .integer(let lost) = finding.fields["lost"] else {
            Issue.record("lost-update finding without counts")
            return (0, 0, racy)
        }
        return (updates, lost, racy)
    }

    @Test("interleaved racy increments: two updates, one lost, and the accesses race")
    func racyIncrements() throws {
        let result = try Self.counts("T1|r(x)\nT2|r(x)\nT1|w(x)\nT2|w(x)")
        #expect(result.updates == 2 && result.lost == 1 && result.racy)
    }

    @Test("a read and a write in separate critical sections lose updates with no data race")
    func splitCriticalSections() throws {
        let result = try Self.counts(
            """
            T1|acq(L)
            T1|r(x)
            T1|rel(L)
            T2|acq(L)
            T2|r(x)
            T2|rel(L)
            T1|acq(L)
            T1|w(x)
            T1|rel(L)
            T2|acq(L)
            T2|w(x)
            T2|rel(L)
            """
        )
        #expect(result.updates == 2 && result.lost == 1 && !result.racy)
    }

    @Test("an atomic load then store is an update, and can be lost")
    func atomicLoadStore() throws {
        let result = try Self.counts("T1|aload(a)\nT2|aload(a)\nT1|astore(a)\nT2|astore(a)")
        #expect(result.updates == 2 && result.lost == 1 && !result.racy)
    }

    @Test("read-modify-writes are never lost")
    func readModifyWrite() throws {
        let result = try Self.counts("T1|armw(a)\nT2|armw(a)\nT1|armw(a)\nT2|aload(a)\nT1|armw(a)\nT2|armw(a)")
        #expect(result.updates == 5 && result.lost == 0)
    }

    @Test("a blind write closes a segment: its last write's line survives, the rest is lost")
    func blindWrites() throws {
        let result = try Self.counts(
            """
            T0|fork(T1)
            T0|fork(T2)
            T1|r(x)
            T2|r(x)
            T1|w(x)
            T2|w(x)
            T0|join(T1)
            T0|join(T2)
            T0|w(x)
            T0|r(x)
            T0|w(x)
            """
        )
        // T2's write cut T1's update; the blind write keeps T2's line; the last update survives.
        #expect(result.updates == 3 && result.lost == 1)
    }

    @Test("an update cut off by a stale write survives when a later write descends from it")
    func survivesThroughSecondReader() throws {
        let result = try Self.counts(
            """
            T1|r(x)
            T1|w(x)
            T2|r(x)
            T3|r(x)
            T3|w(x)
            T4|r(x)
            T2|w(x)
            T4|w(x)
            """
        )
        // T4 read T3's write before T2 overwrote it, so T3's update is an ancestor of the last write:
        // only T2's update is lost.
        #expect(result.updates == 4 && result.lost == 1)
    }

    @Test("a long chain of ordered updates loses nothing; one stale write at its end loses the chain")
    func longChains() throws {
        var lines = ["T9|r(x)"]
        for index in 0..<100 {
            let thread = "T\(index % 3)"
            lines += ["\(thread)|acq(L)", "\(thread)|r(x)", "\(thread)|w(x)", "\(thread)|rel(L)"]
        }
        #expect(try Self.counts(lines.dropFirst().joined(separator: "\n")).lost == 0)
        // T9 read before the chain and writes after it: the 100 updates it never saw are lost.
        lines += ["T9|w(x)"]
        let result = try Self.counts(lines.joined(separator: "\n"))
        #expect(result.updates == 101 && result.lost == 100)
    }

    @Test("the identity: random interleavings of increments lose exactly N minus the final value", arguments: 0..<40)
    func randomInterleavings(seed: Int) throws {
        var random = SeededGenerator(seed: UInt64(seed))
        let threads = 2 + Int(random.next() % 5)
        let perThread = 1 + Int(random.next() % 8)
        // Each thread: read, then write what it read plus one.
        let run = IncrementInterleaving(threads: threads, perThread: perThread, random: &random)
        let lines = run.lines
        let value = run.finalValue
        let result = try Self.counts(lines.joined(separator: "\n"))
        #expect(result.updates == threads * perThread)
        #expect(result.lost == threads * perThread - value, "final value \(value)")
        // With one site for everything, the named groups add up to the exact count too.
        let report = try TestAnalysis.analyze(text: lines.joined(separator: "\n"), plugins: [LostUpdateCounter()])
        if let finding = report.findings.first, case let sites = report.strings(finding.fields["sites"]), !sites.isEmpty {
            let named = sites.compactMap { Int($0.prefix { $0 != " " }) }.reduce(0, +)
            #expect(named == result.lost, "\(sites)")
        }
    }

    @Test("a lost update on a racy variable says so, and the race says updates were lost")
    func crossReference() throws {
        let report = try TestAnalysis.analyze(text: "T1|r(x)\nT2|r(x)\nT1|w(x)\nT2|w(x)", plugins: [RaceDetector(), LostUpdateCounter()])
        let lost = try #require(report.findings.first { $0.plugin == "lost-update" })
        let race = try #require(report.findings.first { $0.plugin == "race" })
        #expect(lost.fields["alsoReportedBy"] == .strings(["race"]))
        #expect(race.fields["alsoReportedBy"] == .strings(["lost-update"]))
        #expect(lost.details.map(report.text).contains("Also reported on x: data race (race)."))
        #expect(report.text(lost.message) == "x: 2 updates, 1 lost (50.0%)")
    }

    @Test("identical site pairs are grouped with a count")
    func grouping() throws {
        var lines: [String] = []
        for _ in 0..<10 {
            lines += ["T1|r(x)|a.swift:1", "T2|r(x)|b.swift:2", "T1|w(x)|a.swift:3", "T2|w(x)|b.swift:4"]
        }
        let report = try TestAnalysis.analyze(text: lines.joined(separator: "\n"), plugins: [LostUpdateCounter()])
        let finding = try #require(report.findings.first)
        #expect(finding.fields["lost"] == .integer(10))
        #expect(
            report.strings(finding.fields["sites"])
                == ["10 lost: updates written at a.swift:3, overwritten by updates that read at b.swift:2 and wrote at b.swift:4"]
        )
    }
}

