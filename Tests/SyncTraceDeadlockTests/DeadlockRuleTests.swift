import DeadlockDetector
import Foundation
import SyncTraceFormat
import SyncTraceReplay
import SyncTraceTestSupport
import Testing

/// Analyses a text trace with the deadlock detector alone.
func analyzeDeadlocks(_ text: String) throws -> AnalysisReport {
    try TraceAnalysis.run(source: TextTraceReader(text: text, fileName: "t.trace"), plugins: [DeadlockDetector()], path: "t.trace")
}

extension AnalysisReport {
    /// The names in a finding's `"locks"` field.
    func locks(_ finding: Finding) -> [String] { self.strings(finding.fields["locks"]) }

    /// The names in a finding's `"threads"` field.
    func threads(_ finding: Finding) -> [String] { self.strings(finding.fields["threads"]) }
}

@Suite("Deadlock rules on text traces")
struct DeadlockRuleTests {
    static let twoLockInversion = """
        T0|fork(T1)|main.swift:1
        T0|fork(T2)|main.swift:2
        T1|acq(A)|one.swift:10
        T1|acq(B)|one.swift:11
        T1|rel(B)|one.swift:12
        T1|rel(A)|one.swift:13
        T2|acq(B)|two.swift:20
        T2|req(A)|two.swift:21
        T2|acq(A)|two.swift:21
        T2|rel(A)|two.swift:22
        T2|rel(B)|two.swift:23
        """

    @Test("A two-lock inversion by two threads is a potential deadlock, named edge by edge with both sites")
    func twoLockCycle() throws {
        let report = try analyzeDeadlocks(Self.twoLockInversion)
        let finding = try #require(report.findings.only)
        #expect(finding.plugin == "deadlock")
        #expect(finding.kind == "potential")
        #expect(finding.title == "POTENTIAL DEADLOCK")
        #expect(report.locks(finding) == ["A", "B"])
        #expect(report.threads(finding) == ["T1", "T2"])
        // For each edge: where the held lock was taken, and where the next one was requested.
        let shown = finding.events.map { "\(report.threadName(of: $0)) \($0.operation)(\(report.targetName(of: $0) ?? "")) \(report.location(of: $0) ?? "")" }
        #expect(shown == ["T1 acq(A) one.swift:10", "T1 acq(B) one.swift:11", "T2 acq(B) two.swift:20", "T2 req(A) two.swift:21"])
        #expect(report.text(finding.events[1].role) == "Requested B while holding A")
        #expect(report.summaries["deadlock"]?.first == "1 potential deadlock")
    }

    @Test("The order that lock release and acquisition impose does not clear a cycle; other orders do")
    func lockOrderingAloneDoesNotClear() throws {
        // T1's critical sections end before T2's begin, but only through A and B themselves.
        #expect(try analyzeDeadlocks(Self.twoLockInversion).findings.count == 1)
    }

    /// Three threads, each holding one lock of A, B, C and asking for the next; T1 repeats its edge.
    static let threeLockCycle = """
        T0|fork(T1)
        T0|fork(T2)
        T0|fork(T3)
        T1|acq(A)|a:1
        T1|acq(B)|a:2
        T1|rel(B)
        T1|rel(A)
        T2|acq(B)|b:1
        T2|acq(C)|b:2
        T2|rel(C)
        T2|rel(B)
        T3|acq(C)|c:1
        T3|acq(A)|c:2
        T3|rel(A)
        T3|rel(C)
        T1|acq(A)|a:1
        T1|acq(B)|a:2
        T1|rel(B)
        T1|rel(A)
        """

    @Test("A three-lock cycle over three threads is reported once")
    func threeLocks() throws {
        let trace = Self.threeLockCycle
        let report = try analyzeDeadlocks(trace)
        let finding = try #require(report.findings.only)
        #expect(report.locks(finding) == ["A", "B", "C"])
        #expect(report.threads(finding) == ["T1", "T2", "T3"])
        #expect(finding.events.count == 6)
    }

    @Test("A cycle whose edges all come from one thread is not reported")
    func singleThread() throws {
        let trace = """
            T1|acq(A)
            T1|acq(B)
            T1|rel(B)
            T1|rel(A)
            T1|acq(B)
            T1|acq(A)
            T1|rel(A)
            T1|rel(B)
            """
        #expect(try analyzeDeadlocks(trace).findings.isEmpty)
    }

    static func gated(_ gate: String, _ release: String) -> String {
        """
        T0|fork(T1)
        T0|fork(T2)
        T1|\(gate)(G)
        T1|acq(A)
        T1|acq(B)
        T1|rel(B)
        T1|rel(A)
        T1|\(release)(G)
        T2|\(gate)(G)
        T2|acq(B)
        T2|acq(A)
        T2|rel(A)
        T2|rel(B)
        T2|\(release)(G)
        """
    }

    @Test("A gate lock held across every edge of the cycle clears it; a gate held only for reading does not")
    func gateLock() throws {
        #expect(try analyzeDeadlocks(Self.gated("acq", "rel")).findings.isEmpty)
        let readGate = try analyzeDeadlocks(Self.gated("racq", "rrel"))
        #expect(readGate.findings.map(readGate.locks) == [["A", "B"]])
    }

    @Test("Critical sections ordered by fork are not a potential deadlock")
    func forkOrdered() throws {
        let trace = """
            T0|acq(A)
            T0|acq(B)
            T0|rel(B)
            T0|rel(A)
            T0|fork(T1)
            T1|acq(B)
            T1|acq(A)
            T1|rel(A)
            T1|rel(B)
            """
        #expect(try analyzeDeadlocks(trace).findings.isEmpty)
    }

    @Test("Critical sections ordered by join are not a potential deadlock")
    func joinOrdered() throws {
        let trace = """
            T0|fork(T1)
            T1|acq(A)
            T1|acq(B)
            T1|rel(B)
            T1|rel(A)
            T0|join(T1)
            T0|acq(B)
            T0|acq(A)
            T0|rel(A)
            T0|rel(B)
            """
        #expect(try analyzeDeadlocks(trace).findings.isEmpty)
    }

    @Test("Critical sections ordered by a channel are not a potential deadlock")
    func channelOrdered() throws {
        let trace = """
            T0|chan(C, 1)
            T0|fork(T1)
            T0|fork(T2)
            T1|acq(A)
            T1|acq(B)
            T1|rel(B)
            T1|rel(A)
            T1|send(C)
            T2|recv(C)
            T2|acq(B)
            T2|acq(A)
            T2|rel(A)
            T2|rel(B)
            """
        #expect(try analyzeDeadlocks(trace).findings.isEmpty)
    }

    @Test("Critical sections ordered by a wait group are not a potential deadlock")
    func waitGroupOrdered() throws {
        let trace = """
            T0|wgadd(W, 1)
            T0|fork(T1)
            T1|acq(A)
            T1|acq(B)
            T1|rel(B)
            T1|rel(A)
            T1|wgdone(W)
            T0|wgwait(W)
            T0|acq(B)
            T0|acq(A)
            T0|rel(A)
            T0|rel(B)
            """
        #expect(try analyzeDeadlocks(trace).findings.isEmpty)
    }

    @Test("Critical sections ordered by an atomic flag are not a potential deadlock")
    func atomicOrdered() throws {
        let trace = """
            T0|fork(T1)
            T0|fork(T2)
            T1|acq(A)
            T1|acq(B)
            T1|rel(B)
            T1|rel(A)
            T1|astore(ready)
            T2|aload(ready)
            T2|acq(B)
            T2|acq(A)
            T2|rel(A)
            T2|rel(B)
            """
        #expect(try analyzeDeadlocks(trace).findings.isEmpty)
    }

    @Test("Two readers of an rwlock do not block each other; a writer does")
    func readLocks() throws {
        func trace(_ second: String, _ secondRelease: String) -> String {
            """
            T0|fork(T1)
            T0|fork(T2)
            T1|racq(R)
            T1|acq(A)
            T1|rel(A)
            T1|rrel(R)
            T2|acq(A)
            T2|\(second)(R)
            T2|\(secondRelease)(R)
            T2|rel(A)
            """
        }
        #expect(try analyzeDeadlocks(trace("racq", "rrel")).findings.isEmpty)
        let writerReport = try analyzeDeadlocks(trace("acq", "rel"))
        let writer = try #require(writerReport.findings.only)
        #expect(writer.kind == "potential")
        #expect(Set(writerReport.locks(writer)) == ["A", "R"])
    }

    @Test("Taking a lock again while holding it is a self deadlock")
    func selfDeadlock() throws {
        let nested = """
            T1|acq(L)|a.swift:1
            T1|acq(L)|a.swift:2
            T1|rel(L)
            T1|rel(L)
            """
        let nestedReport = try analyzeDeadlocks(nested)
        let finding = try #require(nestedReport.findings.only)
        #expect(finding.kind == "self")
        #expect(nestedReport.locks(finding) == ["L"])
        #expect(finding.events.map(nestedReport.location(of:)) == ["a.swift:1", "a.swift:2"])

        // As the recorder writes it: the second lock() records req and never returns.
        let hung = """
            T1|acq(L)|a.swift:1
            T1|req(L)|a.swift:2
            """
        let hungFinding = try #require(try analyzeDeadlocks(hung).findings.only)
        #expect(hungFinding.kind == "self")
        #expect(hungFinding.events.last?.operation == .request)
    }

    /// T1 holds A and asks for B; T2 holds B and asks for A; the trace ends there.
    static let actualCycle = """
        T0|fork(T1)
        T0|fork(T2)
        T1|acq(A)|one.swift:1
        T2|acq(B)|two.swift:1
        T1|req(B)|one.swift:2
        T2|req(A)|two.swift:2
        """

    @Test("Threads that end the trace waiting for each other's locks are an actual deadlock")
    func actualLockCycle() throws {
        let report = try analyzeDeadlocks(Self.actualCycle)
        let finding = try #require(report.findings.only)
        #expect(finding.kind == "actual")
        #expect(finding.title == "DEADLOCK")
        #expect(Set(report.locks(finding)) == ["A", "B"])
        #expect(report.threads(finding) == ["T1", "T2"])
        let shown = finding.events.map { "\(report.threadName(of: $0)) \($0.operation)(\(report.targetName(of: $0) ?? ""))" }
        #expect(shown == ["T1 acq(A)", "T1 req(B)", "T2 acq(B)", "T2 req(A)"])
        #expect(report.summaries["deadlock"]?.first == "1 deadlock")
    }

    @Test("A thread waiting to receive from a channel nobody sends on is blocked forever")
    func blockedReceive() throws {
        let trace = """
            T0|chan(C, 0)
            T0|fork(T1)
            T1|req(C)|worker.swift:7
            """
        let report = try analyzeDeadlocks(trace)
        let finding = try #require(report.findings.only)
        #expect(finding.kind == "actual")
        #expect(finding.title == "BLOCKED FOREVER")
        #expect(report.locks(finding) == ["C"])
        #expect(report.threads(finding) == ["T1"])
        #expect(finding.events.first.flatMap(report.location(of:)) == "worker.swift:7")
        #expect(report.text(finding.message).contains("T1 waits for channel C"))
    }

    @Test("A thread waiting for a lock held by a deadlocked thread is reported blocked, beside the deadlock")
    func blockedBehindDeadlock() throws {
        let trace = """
            T0|fork(T1)
            T0|fork(T2)
            T0|fork(T3)
            T1|acq(A)
            T2|acq(B)
            T1|req(B)
            T2|req(A)
            T3|req(A)
            """
        let report = try analyzeDeadlocks(trace)
        #expect(report.findings.map(\.title) == ["DEADLOCK", "BLOCKED FOREVER"])
        #expect(report.findings.last.map { report.text($0.message).contains("held by T1 (deadlocked)") } == true)
    }

    @Test("A request followed by its acquisition is not a hang")
    func grantedRequest() throws {
        #expect(try analyzeDeadlocks("T1|req(A)\nT1|acq(A)\nT1|rel(A)").findings.isEmpty)
    }

    @Test("The JSON report carries plugin, kind, locks and the explaining events")
    func json() throws {
        let report = try analyzeDeadlocks(Self.twoLockInversion)
        let text = JSONReportRenderer.render(report)
        let root = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let findings = try #require(root["findings"] as? [[String: Any]])
        let finding = try #require(findings.first)
        #expect(finding["plugin"] as? String == "deadlock")
        #expect(finding["kind"] as? String == "potential")
        #expect(finding["locks"] as? [String] == ["A", "B"])
        let events = try #require(finding["events"] as? [[String: Any]])
        #expect(events.count == 4)
        #expect(events.first?["location"] as? String == "one.swift:10")
    }
}


@Suite("Elementary cycle search")
struct ElementaryCycleTests {
    @Test("Every elementary cycle once, smallest node first")
    func completeGraph() {
        // The complete directed graph on 4 nodes has 6 + 8 + 6 = 20 elementary cycles.
        let successors = (0..<4).map { node in (0..<4).filter { $0 != node } }
        var cycles: [[Int]] = []
        ElementaryCycles(successors: successors).forEach { cycles.append($0); return true }
        #expect(cycles.count == 20)
        #expect(Set(cycles).count == 20)
        #expect(cycles.allSatisfy { $0.first == $0.min() })
    }

    @Test("A long ring is one cycle; a chain is none; the limit stops the search")
    func ringAndChain() {
        let ring = (0..<5000).map { [($0 + 1) % 5000] }
        var lengths: [Int] = []
        ElementaryCycles(successors: ring).forEach { lengths.append($0.count); return true }
        #expect(lengths == [5000])
        let chain = (0..<5000).map { $0 + 1 < 5000 ? [$0 + 1] : [] }
        #expect(ElementaryCycles(successors: chain).forEach { _ in true } == 0)
        let complete = (0..<6).map { node in (0..<6).filter { $0 != node } }
        #expect(ElementaryCycles(successors: complete).forEach(limit: 7) { _ in true } == 7)
    }
}
