import RaceDetector
import SyncTraceFormat
import SyncTraceReplay
import SyncTraceTestSupport
import Testing

/// What a race finding says, in words and in its events: the variable, both threads, both accesses;
/// and how races are grouped into findings.
@Suite("Race findings")
struct RaceMessageTests {
    @Test("the message names the variable and the thread of each access; the events name threads and the variable")
    func messageNamesBothSides() throws {
        let report = try TestAnalysis.analyze(text: "T0|w(balance)\nT1|r(balance)\n", plugins: [RaceDetector()])
        let finding = try #require(report.findings.first)
        #expect(report.text(finding.message) == "data race on balance: read by T1 races with write by T0")
        #expect(finding.events.map { report.symbols.thread($0.threadID).name } == ["T1", "T0"])
        #expect(finding.events.map(\.objectID) == [finding.variableID, finding.variableID])
        #expect(report.variable(of: finding) == "balance")
        #expect(finding.events.map(\.operation) == [.read, .write])
        #expect(finding.objects.map { report.symbols.object($0.id).kind } == [.variable])
        let text = TextReportRenderer.render(report)
        #expect(text.contains("Read at balance by thread T1:\n  (no call site recorded)"))
        #expect(text.contains("data race on balance: read by T1 races with write by T0\n"), "the message is shown with the events")
    }

    @Test("a race says which locks each side held: different locks, a read lock, none, and after an out-of-order release")
    func locksHeldOnEachSide() throws {
        let trace = """
            T0|fork(T1)
            T0|fork(T2)
            T1|acq(A)
            T1|acq(B)
            T1|rel(A)
            T1|racq(RW)
            T1|w(x)|w.swift:1
            T2|acq(C)
            T2|r(x)|r.swift:2
            T2|rel(C)
            T2|w(y)|y.swift:3
            T1|w(y)|y.swift:4
            """
        let report = try TestAnalysis.analyze(text: trace, plugins: [RaceDetector()])
        #expect(report.findings.count == 2)
        let onX = try #require(report.findings.first { report.variable(of: $0) == "x" })
        #expect(onX.details.map(report.text).contains("Locks held: by T2 at the read, C; by T1 at the write, B, RW (read)."))
        #expect(report.strings(onX.fields["firstHeld"]) == ["B", "RW (read)"])
        #expect(report.strings(onX.fields["secondHeld"]) == ["C"])
        let onY = try #require(report.findings.first { report.variable(of: $0) == "y" })
        #expect(onY.details.map(report.text).contains("Locks held: by T1 at the write, B, RW (read); by T2 at the write, no lock."))
    }

    /// `count` variables, each written by T1 at w.swift:1 and read by T2 at r.swift:2, unordered.
    static func manyVariables(_ count: Int) -> String {
        var lines = ["T0|fork(T1)", "T0|fork(T2)"]
        for variable in 0..<count { lines.append("T1|w(v\(variable))|w.swift:1") }
        for variable in 0..<count { lines.append("T2|r(v\(variable))|r.swift:2") }
        // A lock orders T2's first round before T1's second; the second rounds race again, at the
        // same two places.
        lines += ["T2|acq(L)", "T2|rel(L)", "T1|acq(L)", "T1|rel(L)"]
        for variable in 0..<count { lines.append("T2|r(v\(variable))|r.swift:2") }
        for variable in 0..<count { lines.append("T1|w(v\(variable))|w.swift:1") }
        return lines.joined(separator: "\n")
    }

    @Test("fifty variables racing at the same two lines are one finding that lists them all")
    func fiftyVariablesOneFinding() throws {
        let report = try TestAnalysis.analyze(text: Self.manyVariables(50), plugins: [RaceDetector()])
        let finding = try #require(report.findings.only)
        #expect(finding.objects.count == 50)
        #expect(Set(finding.objects.map { report.symbols.object($0.id).name }) == Set((0..<50).map { "v\($0)" }))
        #expect(report.strings(finding.fields["variables"]).count == 50)
        // Per variable: T2's first read races with T1's write; after the lock (ordering T2's first
        // round before T1's second), T2's second read races with T1's first write again (a new
        // epoch of T2), and T1's second write with T2's second read: 3 × 50 pairs, at two places.
        let pairs = 150
        #expect(finding.fields["racingPairs"] == .integer(pairs))
        let message = report.text(finding.message)
        #expect(message.hasPrefix("data race on 50 variables at the same two places (v0, v1, v2, …)"), "\(message)")
        #expect(report.summaries["race"] == ["50 racing variables, \(pairs) racing pairs at 1 distinct pair of source locations"])
        let text = TextReportRenderer.render(report)
        #expect(text.components(separatedBy: "WARNING: DATA RACE").count == 2, "one block")
        #expect(text.contains("50 variables race at these two places, \(pairs) racing pairs in all: v0, v1,"))
        #expect(text.contains("and 30 more."))
    }

    @Test("races at different places are different findings, even on one variable; races without sites are not merged across variables")
    func placesSeparateFindings() throws {
        let trace = """
            T0|fork(T1)
            T0|fork(T2)
            T1|w(x)|a.swift:1
            T2|w(x)|b.swift:2
            T1|w(y)|a.swift:1
            T2|w(y)|c.swift:3
            T1|w(p)
            T2|w(p)
            T1|w(q)
            T2|w(q)
            """
        let report = try TestAnalysis.analyze(text: trace, plugins: [RaceDetector()])
        #expect(report.findings.count == 4)
        #expect(report.findings.map { $0.objects.map { report.symbols.object($0.id).name } } == [["x"], ["y"], ["p"], ["q"]])
        #expect(report.findings.allSatisfy { report.strings($0.fields["variables"]).count == 1 })
    }
}

