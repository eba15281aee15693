import SyncTraceFormat
import SyncTraceReplay
import Testing

@testable import RaceDetector
import SyncTraceTestSupport

/// The predictor on the patterns prediction is about, each a small text trace: races a lock's
/// recorded order hid (predicted), and orders no schedule can undo (not predicted).
@Suite("Predicted races: patterns")
struct RacePredictorPatternTests {
    /// The predicted and the observed findings of `text`.
    private func analyze(_ text: String) throws -> (predicted: [Finding], observed: [Finding], report: AnalysisReport) {
        let report = try TestAnalysis.analyze(text: text, plugins: [RaceDetector(), RacePredictor()])
        return (report.findings.filter { $0.plugin == "predicted-race" }, report.findings.filter { $0.plugin == "race" }, report)
    }

    /// A writes x, then takes L for unrelated work; B takes L, then reads x. A went first, so
    /// happens-before orders the write before the read; with B's section first, they race.
    @Test func aRaceTheLockOrderHidIsPredicted() throws {
        let (predicted, observed, report) = try self.analyze("""
            T0|fork(A)|main.swift:1
            T0|fork(B)|main.swift:2
            A|w(x)|a.swift:10
            A|acq(L)|a.swift:11
            A|w(y)|a.swift:12
            A|rel(L)|a.swift:13
            B|acq(L)|b.swift:20
            B|w(z)|b.swift:21
            B|rel(L)|b.swift:22
            B|r(x)|b.swift:23
            """)
        #expect(observed.isEmpty)
        let finding = try #require(predicted.only)
        #expect(finding.kind == .predictedDataRace)
        #expect(finding.title == "PREDICTED DATA RACE")
        let text = finding.message.resolved(in: report.symbols)
        #expect(text == "predicted data race on x: read by B would race with write by A in another schedule")
        #expect(finding.events.map(\.index) == [9, 2])
        guard case .text(let lock)? = finding.fields["orderedBy"] else { Issue.record("no orderedBy"); return }
        #expect(lock.resolved(in: report.symbols) == "L")
        let details = finding.details.map { $0.resolved(in: report.symbols) }
        #expect(details[0] == "Ordered in this run only by L: A released it at a.swift:13 after the write, then B acquired it at b.swift:20 before the read.")
        #expect(details[1].hasPrefix("Predicted: had B's critical section on L run before A's"))
        #expect((report.summaries["predicted-race"] ?? []).contains { $0.hasPrefix("1 predicted racing variable, 1 predicted racing pair") })
    }

    /// The same with B reading y, which A's section wrote: B's section cannot run first without its
    /// read seeing another value, so nothing is predicted.
    @Test func sectionsThatConflictKeepTheirOrder() throws {
        let (predicted, observed, _) = try self.analyze("""
            T0|fork(A)|1
            T0|fork(B)|2
            A|w(x)|10
            A|acq(L)|11
            A|w(y)|12
            A|rel(L)|13
            B|acq(L)|20
            B|r(y)|21
            B|rel(L)|22
            B|r(x)|23
            """)
        #expect(predicted.isEmpty)
        #expect(observed.isEmpty)
    }

    /// Ordered sections: B's read of y inside M sees A's write, made while A held L, so A's section
    /// on L began before B's read and B's section on L, later, must come after A's: A's write of x
    /// (late in A's section) stays before B's read of it.
    @Test func aSectionOrderedAfterAnAcquisitionComesAfterItsRelease() throws {
        let (predicted, observed, _) = try self.analyze("""
            T0|fork(A)|1
            T0|fork(B)|2
            A|acq(L)|10
            A|acq(M)|11
            A|w(y)|12
            A|rel(M)|13
            A|w(x)|14
            A|rel(L)|15
            B|acq(M)|20
            B|r(y)|21
            B|rel(M)|22
            B|acq(L)|23
            B|rel(L)|24
            B|r(x)|25
            """)
        #expect(predicted.isEmpty)
        #expect(observed.isEmpty)
    }

    /// Without the read of y, nothing ties the sections on L: the race on x is predicted.
    @Test func withoutTheConflictTheSameShapeIsPredicted() throws {
        let (predicted, _, _) = try self.analyze("""
            T0|fork(A)|1
            T0|fork(B)|2
            A|acq(L)|10
            A|acq(M)|11
            A|w(y)|12
            A|rel(M)|13
            A|w(x)|14
            A|rel(L)|15
            B|acq(M)|20
            B|r(q)|21
            B|rel(M)|22
            B|acq(L)|23
            B|rel(L)|24
            B|r(x)|25
            """)
        #expect(predicted.count == 1)
    }

    /// Orders that are not locks are kept: a join, a channel, an atomic, a wait group, a semaphore.
    @Test(arguments: [
        ("join", "A|w(x)|1\nA|acq(L)|2\nA|rel(L)|3\nT0|join(A)|4\nT0|acq(L)|5\nT0|rel(L)|6\nT0|r(x)|7"),
        ("channel", "A|w(x)|1\nA|acq(L)|2\nA|rel(L)|3\nA|send(c)|4\nB|acq(L)|5\nB|rel(L)|6\nB|recv(c)|7\nB|r(x)|8"),
        ("atomic", "A|w(x)|1\nA|acq(L)|2\nA|rel(L)|3\nA|astore(a, releasing)|4\nB|acq(L)|5\nB|rel(L)|6\nB|aload(a, acquiring)|7\nB|r(x)|8"),
        ("wait group", "T0|wgadd(g, 1)|0\nA|w(x)|1\nA|acq(L)|2\nA|rel(L)|3\nA|wgdone(g)|4\nB|acq(L)|5\nB|rel(L)|6\nB|wgwait(g)|7\nB|r(x)|8"),
        ("semaphore", "A|w(x)|1\nA|acq(L)|2\nA|rel(L)|3\nA|semsignal(s)|4\nB|acq(L)|5\nB|rel(L)|6\nB|semwait(s)|7\nB|r(x)|8"),
        ("read side of a lock", "A|w(x)|1\nA|acq(L)|2\nA|rel(L)|3\nB|racq(L)|5\nB|rrel(L)|6\nB|r(x)|8"),
    ])
    func hardOrderIsNeverReordered(_ kind: String, _ body: String) throws {
        let (predicted, observed, _) = try self.analyze("T0|fork(A)|0\nT0|fork(B)|0\n" + body)
        #expect(predicted.isEmpty, "\(kind)")
        #expect(observed.isEmpty, "\(kind)")
    }

    /// A fork orders everything before it: the parent's write before the child's read, whatever
    /// locks both take.
    @Test func aForkKeepsItsOrder() throws {
        let (predicted, _, _) = try self.analyze("""
            T0|w(x)|1
            T0|acq(L)|2
            T0|rel(L)|3
            T0|fork(A)|4
            A|acq(L)|5
            A|rel(L)|6
            A|r(x)|7
            """)
        #expect(predicted.isEmpty)
    }

    /// A race happens-before sees is the race detector's alone: the predictor does not repeat it.
    @Test func anObservedRaceIsNotPredictedAgain() throws {
        let (predicted, observed, _) = try self.analyze("T0|fork(A)|1\nT0|fork(B)|2\nA|w(x)|3\nB|r(x)|4")
        #expect(predicted.isEmpty)
        #expect(observed.count == 1)
    }

    /// A re-entrant acquisition is one section: the race is still predicted, ordered by L.
    @Test func reentrantSectionsAreOneSection() throws {
        let (predicted, _, _) = try self.analyze("""
            T0|fork(A)|1
            T0|fork(B)|2
            A|w(x)|3
            A|acq(L)|4
            A|acq(L)|5
            A|rel(L)|6
            A|rel(L)|7
            B|acq(L)|8
            B|rel(L)|9
            B|w(x)|10
            """)
        #expect(predicted.count == 1)
    }

    /// A chain: A's write is ordered before C's read through L (A to B) and M (B to C). Either
    /// section pair could swap, so the race is predicted.
    @Test func aChainOfHandOversIsPredicted() throws {
        let (predicted, observed, _) = try self.analyze("""
            T0|fork(A)|1
            T0|fork(B)|2
            T0|fork(C)|3
            A|w(x)|10
            A|acq(L)|11
            A|rel(L)|12
            B|acq(L)|20
            B|rel(L)|21
            B|acq(M)|22
            B|rel(M)|23
            C|acq(M)|30
            C|rel(M)|31
            C|r(x)|32
            """)
        #expect(observed.isEmpty)
        let finding = try #require(predicted.only)
        #expect(finding.details[0].description.contains("lock hand-overs"))
    }

    /// Past its budget of critical-section words the predictor keeps every lock in its recorded
    /// order: nothing is predicted from then on, and the summary says so.
    @Test func pastTheSectionBudgetLocksAreHardOrder() throws {
        var lines = ["T0|fork(A)|1", "T0|fork(B)|2"]
        for _ in 0..<50 { lines += ["A|acq(K)|3", "A|rel(K)|4"] }
        lines += ["A|w(x)|10", "A|acq(L)|11", "A|rel(L)|12", "B|acq(L)|20", "B|rel(L)|21", "B|r(x)|22"]
        let report = try TestAnalysis.analyze(text: lines.joined(separator: "\n"), plugins: [RacePredictor(sectionWordLimit: 100)])
        #expect(report.findings.isEmpty)
        #expect((report.summaries["predicted-race"] ?? []).contains { $0.contains("locks were kept in their recorded order past 100 words") })
        let unbounded = try TestAnalysis.analyze(text: lines.joined(separator: "\n"), plugins: [RacePredictor()])
        #expect(unbounded.findings.count == 1)
    }

    /// Two thousand threads, each writing its variable and handing the lock to the next, which
    /// takes it and reads the variable: every hand-over hides a race, and all two thousand are
    /// predicted (one finding: the same two places).
    @Test func twoThousandThreadsHandingOverALock() throws {
        var lines: [String] = []
        for thread in 0..<2_000 { lines.append("T0|fork(T\(thread + 1))|main.swift:1") }
        for thread in 1...2_000 {
            if thread > 1 { lines += ["T\(thread)|acq(L)|b.swift:1", "T\(thread)|rel(L)|b.swift:2", "T\(thread)|r(x\(thread - 1))|b.swift:3"] }
            lines += ["T\(thread)|w(x\(thread))|a.swift:1", "T\(thread)|acq(L)|a.swift:2", "T\(thread)|rel(L)|a.swift:3"]
        }
        let report = try TestAnalysis.analyze(text: lines.joined(separator: "\n"), plugins: [RacePredictor()])
        let finding = try #require(report.findings.only)
        #expect(finding.objects.count == 1_999)
        #expect((report.summaries["predicted-race"] ?? []).first?.hasPrefix("1999 predicted racing variables, 1999 predicted racing pairs") == true)
    }

    /// Past ``RacePredictor/threadLimit`` threads prediction stops, keeps what it found, and says so.
    @Test func pastTheThreadLimitPredictionStops() throws {
        var lines = ["T0|fork(A)|1", "T0|fork(B)|2", "A|w(x)|3", "A|acq(L)|4", "A|rel(L)|5", "B|acq(L)|6", "B|rel(L)|7", "B|r(x)|8"]
        for thread in 0..<RacePredictor.threadLimit { lines.append("T0|fork(W\(thread))|9") }
        lines += ["A|w(y)|10", "A|acq(L)|11", "A|rel(L)|12", "B|acq(L)|13", "B|rel(L)|14", "B|r(y)|15"]
        let report = try TestAnalysis.analyze(text: lines.joined(separator: "\n"), plugins: [RacePredictor()])
        #expect(report.findings.count == 1)
        #expect((report.summaries["predicted-race"] ?? []).contains { $0.hasPrefix("prediction stopped at event ") && $0.hasSuffix("more than 4096 threads") })
    }

    /// A lock taken a hundred thousand times by two threads, and a thread that never takes it
    /// again: the logs stay within their budget's bookkeeping, and the one hidden race is found.
    @Test func aLongContendedRun() throws {
        var lines = ["T0|fork(A)|1", "T0|fork(B)|2", "A|w(x)|3"]
        for round in 0..<50_000 {
            let first = round % 2 == 0 ? "A" : "B"
            let second = first == "A" ? "B" : "A"
            lines += ["\(first)|acq(L)|4", "\(first)|w(c)|5", "\(first)|rel(L)|6", "\(second)|acq(L)|7", "\(second)|w(c)|8", "\(second)|rel(L)|9"]
        }
        lines += ["T0|acq(L)|10", "T0|rel(L)|11", "T0|r(x)|12"]
        let report = try TestAnalysis.analyze(text: lines.joined(separator: "\n"), plugins: [RaceDetector(), RacePredictor()])
        // c is written in every section: they conflict, keep their order, and order A's write of x
        // before B's sections, and all of them before T0's: nothing is predicted, nothing observed.
        #expect(report.findings.isEmpty)
    }
}
