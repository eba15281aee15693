import DeadlockDetector
import Foundation
import SyncTraceFormat
import SyncTraceReplay
import SyncTraceTestSupport
import Testing

/// Analyses a text trace with a deadlock detector that confirms its cycles (`analyze --predict`).
func confirmDeadlocks(_ text: String, wordLimit: Int = 64 << 20) throws -> AnalysisReport {
    try TraceAnalysis.run(
        source: TextTraceReader(text: text, fileName: "t.trace"),
        plugins: [DeadlockDetector(confirmingCycles: true, wordLimit: wordLimit)],
        path: "t.trace"
    )
}

extension Finding {
    /// Whether the deadlock detector confirmed the finding with a schedule.
    var isConfirmed: Bool? {
        if case .boolean(let value)? = self.fields["confirmed"] { return value }
        return nil
    }

    /// The trace positions of a potential deadlock's requests (every second event).
    var requestPositions: [Int] {
        stride(from: 1, to: self.events.count, by: 2).map { Int(self.events[$0].index) }
    }
}

@Suite("Potential deadlocks confirmed by a schedule")
struct DeadlockConfirmationTests {
    @Test("A two-lock inversion is confirmed, with how far each thread runs in the schedule")
    func inversionIsConfirmed() throws {
        let report = try confirmDeadlocks(DeadlockRuleTests.twoLockInversion)
        let finding = try #require(report.findings.only)
        #expect(finding.isConfirmed == true)
        #expect(finding.title == "POTENTIAL DEADLOCK (CONFIRMED)")
        #expect(report.text(finding.message) == "confirmed potential deadlock: lock-order cycle A → B → A taken by T1, T2")
        // T0 forks both; T1 has taken A, T2 has taken B: the next event of each is its request.
        #expect(report.strings(finding.fields["witness"]) == ["T0:2", "T1:1", "T2:1"])
        let detail = try #require(finding.details.last.map(report.text))
        #expect(detail.hasPrefix("Confirmed: a schedule deadlocks here. Run, in the recorded order, T0's first 2 events, T1's first event, T2's first event;"))
        #expect(report.summaries["deadlock"]?.first == "1 potential deadlock (1 confirmed by a schedule)")
        #expect(ReorderingWitness(text: DeadlockRuleTests.twoLockInversion).reaches(finding.requestPositions, preservingLockOrder: true))
    }

    @Test("Without --predict nothing is checked and nothing is said about it")
    func withoutConfirmation() throws {
        let finding = try #require(try analyzeDeadlocks(DeadlockRuleTests.twoLockInversion).findings.only)
        #expect(finding.isConfirmed == nil)
        #expect(finding.title == "POTENTIAL DEADLOCK")
    }

    /// T2 reads, before its request, a value T1 wrote inside its nested sections: any schedule in
    /// which the read sees it has T1 past its request.
    static let readPastTheRequest = """
        T0|fork(T1)|m:1
        T0|fork(T2)|m:2
        T1|acq(A)|one:1
        T1|req(B)|one:2
        T1|acq(B)|one:2
        T1|w(x)|one:3
        T1|rel(B)|one:4
        T1|rel(A)|one:5
        T2|r(x)|two:1
        T2|acq(B)|two:2
        T2|req(A)|two:3
        T2|acq(A)|two:3
        T2|rel(A)|two:4
        T2|rel(B)|two:5
        """

    @Test("A read that needs a write past a request refutes the cycle")
    func readsFromRefutes() throws {
        let report = try confirmDeadlocks(Self.readPastTheRequest)
        let finding = try #require(report.findings.only)
        #expect(finding.isConfirmed == false)
        #expect(finding.title == "POTENTIAL DEADLOCK")
        let detail = try #require(finding.details.last.map(report.text))
        #expect(detail.hasPrefix("Not confirmed: every schedule that keeps each lock's critical sections in their recorded order runs T1 past its request for B"))
        #expect(report.summaries["deadlock"]?.first == "1 potential deadlock (0 confirmed by a schedule)")
        let witness = ReorderingWitness(text: Self.readPastTheRequest)
        #expect(!witness.reaches(finding.requestPositions))
    }

    /// T3 writes `z` in a section of A after T1's; T2 reads it before its request. Keeping A's
    /// sections in order puts T1's release of A (after its request) before T3's section: no
    /// sync-preserving schedule deadlocks. Running T3's section first does: a deadlock beyond what
    /// the confirmation claims, which it leaves unconfirmed rather than wrong.
    static let deadlockOnlyBySwappingSections = """
        T0|fork(T1)|m:1
        T0|fork(T2)|m:2
        T0|fork(T3)|m:3
        T1|acq(A)|one:1
        T1|req(B)|one:2
        T1|acq(B)|one:2
        T1|rel(B)|one:3
        T1|rel(A)|one:4
        T3|acq(A)|three:1
        T3|w(z)|three:2
        T3|rel(A)|three:3
        T2|acq(B)|two:1
        T2|r(z)|two:2
        T2|req(A)|two:3
        T2|acq(A)|two:3
        T2|rel(A)|two:4
        T2|rel(B)|two:5
        """

    @Test("A deadlock that needs a lock's sections swapped is not confirmed (the oracle agrees it needs that)")
    func swappedSectionsAreBeyondIt() throws {
        let report = try confirmDeadlocks(Self.deadlockOnlyBySwappingSections)
        let finding = try #require(report.findings.only)
        #expect(finding.isConfirmed == false)
        let witness = ReorderingWitness(text: Self.deadlockOnlyBySwappingSections)
        #expect(witness.reaches(finding.requestPositions))
        #expect(!witness.reaches(finding.requestPositions, preservingLockOrder: true))
    }

    @Test("An earlier critical section of a third lock, needed before a request, does not refute")
    func earlierSectionsComplete() throws {
        // T1's section of C ends before its request; T2 reads in C what T1 wrote there.
        let trace = """
            T0|fork(T1)|m:1
            T0|fork(T2)|m:2
            T1|acq(C)|one:1
            T1|w(y)|one:2
            T1|rel(C)|one:3
            T1|acq(A)|one:4
            T1|req(B)|one:5
            T1|acq(B)|one:5
            T1|rel(B)|one:6
            T1|rel(A)|one:7
            T2|acq(C)|two:1
            T2|r(y)|two:2
            T2|rel(C)|two:3
            T2|acq(B)|two:4
            T2|req(A)|two:5
            T2|acq(A)|two:5
            T2|rel(A)|two:6
            T2|rel(B)|two:7
            """
        let report = try confirmDeadlocks(trace)
        let finding = try #require(report.findings.only)
        #expect(finding.isConfirmed == true)
        #expect(report.strings(finding.fields["witness"]) == ["T0:2", "T1:4", "T2:4"])
    }

    @Test("Channels, semaphores and atomics that do not order the requests keep the cycle confirmed")
    func otherSynchronizationKeepsItsOrder() throws {
        let trace = """
            T0|fork(T1)|m:1
            T0|fork(T2)|m:2
            T2|chan(c, 1)|two:0
            T2|send(c)|two:1
            T2|astore(flag)|two:2
            T2|semsignal(s)|two:3
            T1|recv(c)|one:1
            T1|aload(flag)|one:2
            T1|semwait(s)|one:3
            T1|acq(A)|one:4
            T1|req(B)|one:5
            T1|acq(B)|one:5
            T1|rel(B)|one:6
            T1|rel(A)|one:7
            T2|acq(B)|two:4
            T2|req(A)|two:5
            T2|acq(A)|two:5
            T2|rel(A)|two:6
            T2|rel(B)|two:7
            """
        let report = try confirmDeadlocks(trace)
        let finding = try #require(report.findings.only)
        #expect(finding.isConfirmed == true)
        // T1 must run its receive, load and wait, so T2 its send, store and signal first.
        #expect(report.strings(finding.fields["witness"]) == ["T0:2", "T1:4", "T2:5"])
    }

    @Test("A three-lock cycle over three threads is confirmed")
    func threeLocks() throws {
        let trace = DeadlockRuleTests.threeLockCycle
        let report = try confirmDeadlocks(trace)
        let finding = try #require(report.findings.only)
        #expect(finding.isConfirmed == true)
        #expect(ReorderingWitness(text: trace).reaches(finding.requestPositions, preservingLockOrder: true))
    }

    @Test("Past its memory budget the confirmation stops and says the cycles were not checked")
    func budgetStopsIt() throws {
        var lines = ["T0|fork(T1)", "T0|fork(T2)"]
        // Many reads of another thread's writes: each one a clock kept.
        for step in 0..<2_000 {
            lines.append("T1|w(v\(step))")
            lines.append("T2|r(v\(step))")
        }
        let report = try confirmDeadlocks((lines + DeadlockRuleTests.twoLockInversion.split(separator: "\n").dropFirst(2).map(String.init)).joined(separator: "\n"), wordLimit: 10_000)
        let finding = try #require(report.findings.only)
        #expect(finding.isConfirmed == false)
        #expect(finding.details.last.map(report.text)?.hasPrefix("Not checked for a schedule: the search for a schedule stopped: its record of the trace outgrew") == true)
        #expect(report.summaries["deadlock"]?.contains { $0.hasPrefix("1 potential deadlock not checked for a schedule") } == true)
    }

    @Test("Past its time budget the search stops and says the cycles were not checked")
    func timeBudgetStopsIt() throws {
        var lines = ["T0|fork(T1)", "T0|fork(T2)"]
        // A chain of reads the search must follow back: more edges than its budget.
        for step in 0..<100 {
            lines.append("T1|w(v\(step))")
            lines.append("T2|r(v\(step))")
            lines.append("T2|w(u\(step))")
            lines.append("T1|r(u\(step))")
        }
        lines += DeadlockRuleTests.twoLockInversion.split(separator: "\n").dropFirst(2).map(String.init)
        let detector = DeadlockDetector(confirmingCycles: true)
        detector.confirmationBudget = 20
        let report = try TraceAnalysis.run(source: TextTraceReader(text: lines.joined(separator: "\n"), fileName: "t.trace"), plugins: [detector], path: "t.trace")
        let finding = try #require(report.findings.only)
        #expect(finding.isConfirmed == false)
        #expect(finding.details.last.map(report.text) == "Not checked for a schedule: the search for a schedule ran out of its budget.")
        // With its budget, the same trace is confirmed.
        #expect(try confirmDeadlocks(lines.joined(separator: "\n")).findings.only?.isConfirmed == true)
    }

    @Test("Past the thread limit the confirmation stops and says so")
    func threadLimitStopsIt() throws {
        let extra = DeadlockDetector.confirmationThreadLimit
        var lines = (1...extra).map { "T0|fork(W\($0))" }
        lines += (1...extra).map { "W\($0)|w(x)" }
        let report = try confirmDeadlocks((DeadlockRuleTests.twoLockInversion.split(separator: "\n").map(String.init) + lines).joined(separator: "\n"))
        let finding = try #require(report.findings.only)
        #expect(finding.isConfirmed == false)
        #expect(finding.details.last.map(report.text) == "Not checked for a schedule: the search for a schedule stopped: the trace has more than \(extra) threads.")
    }

    @Test("2,000 threads each taking two locks in one order or the other", arguments: [false, true])
    func manyThreads(reading: Bool) throws {
        var lines: [String] = []
        for thread in 1...2_000 {
            lines.append("T0|fork(W\(thread))")
        }
        for thread in 1...2_000 {
            let (first, second) = thread % 2 == 0 ? ("A", "B") : ("B", "A")
            lines.append("W\(thread)|acq(\(first))|w\(thread % 2):1")
            if reading { lines.append("W\(thread)|r(shared)") }
            lines += ["W\(thread)|acq(\(second))|w\(thread % 2):2", "W\(thread)|w(shared)", "W\(thread)|rel(\(second))", "W\(thread)|rel(\(first))"]
        }
        let report = try confirmDeadlocks(lines.joined(separator: "\n"))
        let finding = try #require(report.findings.only)
        // Reading what the thread before wrote inside its inner section needs that thread past its
        // request, and every earlier section of both locks complete: no schedule keeps two threads
        // at their requests. Without the read, any two threads of opposite orders deadlock.
        #expect(finding.isConfirmed == !reading)
        #expect(report.summaries["deadlock"]?.first == "1 potential deadlock (\(reading ? 0 : 1) confirmed by a schedule)")
    }

    @Test("A cycle whose schedule needs 700,000 earlier events, each read seeing the other thread's write")
    func longRun() throws {
        var lines = ["T0|fork(T1)|m:1", "T0|fork(T2)|m:2"]
        lines.reserveCapacity(700_010)
        for _ in 0..<100_000 {
            lines += ["T1|acq(C)|one:1", "T1|w(x)|one:2", "T1|rel(C)|one:3", "T2|acq(C)|two:1", "T2|r(x)|two:2", "T2|w(x)|two:3", "T2|rel(C)|two:4"]
        }
        lines += ["T1|acq(A)|one:4", "T1|acq(B)|one:5", "T1|rel(B)|one:6", "T1|rel(A)|one:7"]
        lines += ["T2|acq(B)|two:5", "T2|acq(A)|two:6", "T2|rel(A)|two:7", "T2|rel(B)|two:8"]
        let report = try confirmDeadlocks(lines.joined(separator: "\n"))
        let finding = try #require(report.findings.only)
        #expect(finding.isConfirmed == true)
        // Every section of C, both threads': T1 to its acquisition of A, T2 to its of B.
        #expect(report.strings(finding.fields["witness"]) == ["T0:2", "T1:300001", "T2:400001"])
    }

    // MARK: Agreement with an exhaustive schedule search

    /// Random programs of two or three threads nesting two or three locks in random orders, with
    /// reads and writes of two variables, run by a random scheduler: every potential deadlock found
    /// is confirmed exactly when an exhaustive search finds a sync-preserving schedule that
    /// deadlocks on it — and every confirmed one has a schedule.
    @Test func agreesWithTheScheduleSearch() throws {
        var findings = 0
        var confirmed = 0
        var beyond = 0
        for seed in UInt64(1)...400 {
            guard let trace = RandomLockProgram.trace(seed: seed) else { continue }
            let report = try confirmDeadlocks(trace)
            let witness = ReorderingWitness(text: trace)
            for finding in report.findings where finding.kind == "potential" {
                findings += 1
                let isConfirmed = try #require(finding.isConfirmed)
                let syncPreserving = witness.reaches(finding.requestPositions, preservingLockOrder: true)
                #expect(isConfirmed == syncPreserving, "seed \(seed): confirmed \(isConfirmed), a sync-preserving schedule \(syncPreserving)\n\(trace)")
                if isConfirmed {
                    confirmed += 1
                    #expect(witness.reaches(finding.requestPositions))
                } else if witness.reaches(finding.requestPositions) {
                    beyond += 1
                }
            }
        }
        // The generator must exercise both verdicts.
        #expect(findings >= 100)
        #expect(confirmed >= 30)
        #expect(findings - confirmed >= 10)
        print("deadlock confirmation: \(findings) potential deadlocks, \(confirmed) confirmed, \(beyond) more deadlock only when a lock's sections swap")
    }
}

/// Small random lock programs, run by a random scheduler into STD traces.
enum RandomLockProgram {
    enum Step {
        case acquire(String)
        case release(String)
        case read(String)
        case write(String)
    }

    /// The trace of one run, or `nil` when the run deadlocked (the test wants complete runs).
    static func trace(seed: UInt64) -> String? {
        var random = SeededGenerator(seed: seed)
        func pick(_ bound: Int) -> Int { Int(random.next(below: UInt64(bound))) }
        let threadCount = 2 + pick(2)
        let locks = Array(["A", "B", "C"].prefix(2 + pick(2)))
        let variables = ["x", "y"]
        func access() -> Step {
            let variable = variables[pick(variables.count)]
            return pick(2) == 0 ? .read(variable) : .write(variable)
        }
        var programs: [[Step]] = []
        for _ in 0..<threadCount {
            var steps: [Step] = []
            for _ in 0..<(1 + pick(3)) {
                if pick(2) == 0 { steps.append(access()) }
                let outer = locks[pick(locks.count)]
                var inner = locks[pick(locks.count)]
                while inner == outer { inner = locks[pick(locks.count)] }
                steps.append(.acquire(outer))
                if pick(2) == 0 { steps.append(access()) }
                if pick(4) > 0 {
                    steps.append(.acquire(inner))
                    if pick(2) == 0 { steps.append(access()) }
                    steps.append(.release(inner))
                }
                if pick(2) == 0 { steps.append(access()) }
                steps.append(.release(outer))
            }
            programs.append(steps)
        }
        var lines = (1...threadCount).map { "T0|fork(T\($0))|0" }
        var positions = Array(repeating: 0, count: threadCount)
        var holder: [String: Int] = [:]
        var site = 1
        while true {
            let runnable = (0..<threadCount).filter { thread in
                guard positions[thread] < programs[thread].count else { return false }
                if case .acquire(let lock) = programs[thread][positions[thread]] { return holder[lock] == nil }
                return true
            }
            if runnable.isEmpty {
                if positions.indices.allSatisfy({ positions[$0] == programs[$0].count }) { break }
                return nil
            }
            let thread = runnable[pick(runnable.count)]
            let name = "T\(thread + 1)"
            site += 1
            switch programs[thread][positions[thread]] {
            case .acquire(let lock):
                if holder.values.contains(thread) { lines.append("\(name)|req(\(lock))|\(site)") }
                holder[lock] = thread
                lines.append("\(name)|acq(\(lock))|\(site)")
            case .release(let lock):
                holder[lock] = nil
                lines.append("\(name)|rel(\(lock))|\(site)")
            case .read(let variable):
                lines.append("\(name)|r(\(variable))|\(site)")
            case .write(let variable):
                lines.append("\(name)|w(\(variable))|\(site)")
            }
            positions[thread] += 1
        }
        lines += (1...threadCount).map { "T0|join(T\($0))|1" }
        return lines.joined(separator: "\n")
    }
}
