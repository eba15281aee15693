import DeadlockDetector
import RaceDetector
import SyncTraceFormat
import SyncTraceReplay
import SyncTraceTestSupport
import Testing

/// Fingerprints: the same bug in another run has the same one; another bug has another.
@Suite("Finding fingerprints")
struct FingerprintTests {
    static func fingerprints(_ text: String, plugins: [any AnalysisPlugin] = [RaceDetector()]) throws -> [String] {
        let report = try TestAnalysis.analyze(text: text, plugins: plugins)
        return report.findings.map { report.fingerprint(of: $0).description }
    }

    @Test("independent of thread and object names, of which access came first, and of the trace's ids")
    func stableAcrossRuns() throws {
        let one = try Self.fingerprints("T0|fork(T1)\nT0|fork(T2)\nT1|w(a)|x.swift:1\nT2|r(a)|x.swift:2")
        let other = try Self.fingerprints("T0|fork(T5)\nT0|fork(T7)\nT0|w(zz)\nT7|r(b)|x.swift:2\nT5|w(b)|x.swift:1")
        #expect(one.count == 1 && one == other)
        #expect(one[0].count == 16 && one[0].allSatisfy(\.isHexDigit))
        #expect(FindingFingerprint(one[0])?.description == one[0])
        #expect(FindingFingerprint("xyz") == nil)
    }

    @Test("another place, operation or plugin gives another fingerprint")
    func distinguishes() throws {
        let base = try Self.fingerprints("T0|fork(T1)\nT1|w(a)|x.swift:1\nT0|r(a)|x.swift:2")
        let otherLine = try Self.fingerprints("T0|fork(T1)\nT1|w(a)|x.swift:1\nT0|r(a)|x.swift:3")
        let otherOperation = try Self.fingerprints("T0|fork(T1)\nT1|w(a)|x.swift:1\nT0|w(a)|x.swift:2")
        #expect(base != otherLine && base != otherOperation && otherLine != otherOperation)
    }

    @Test("a lock-order cycle's fingerprint does not depend on which lock was met first")
    func deadlockRotation() throws {
        let first = try Self.fingerprints(
            "T0|fork(T1)\nT0|fork(T2)\nT1|acq(A)|a:1\nT1|acq(B)|a:2\nT1|rel(B)\nT1|rel(A)\nT2|acq(B)|b:1\nT2|acq(A)|b:2\nT2|rel(A)\nT2|rel(B)",
            plugins: [DeadlockDetector()]
        )
        let second = try Self.fingerprints(
            "T0|fork(T1)\nT0|fork(T2)\nT2|acq(B)|b:1\nT2|acq(A)|b:2\nT2|rel(A)\nT2|rel(B)\nT1|acq(A)|a:1\nT1|acq(B)|a:2\nT1|rel(B)\nT1|rel(A)",
            plugins: [DeadlockDetector()]
        )
        #expect(first.count == 1 && first == second)
    }

    @Test("a baseline removes exactly the findings it holds, and the report says how many")
    func baseline() throws {
        let text = "T0|fork(T1)\nT1|w(a)|x.swift:1\nT0|r(a)|x.swift:2\nT1|w(b)|y.swift:1\nT0|w(b)|y.swift:2"
        var report = try TestAnalysis.analyze(text: text, plugins: [RaceDetector()])
        #expect(report.findings.count == 2)
        let known = Set([report.fingerprint(of: report.findings[0])])
        report.removeBaseline(known, from: "main.json")
        #expect(report.findings.map(report.variable(of:)) == ["b"])
        #expect(report.omitted.inBaseline == 1)
        #expect(TextReportRenderer.render(report).contains("SyncTrace: 1 finding also in the baseline main.json not shown\n"))
    }
}

/// Fingerprints and suppressions of traces with stacks.
@Suite("Fingerprints and suppressions with stacks")
struct StackFingerprintTests {
    /// A race in `bump` reached from `fromAlpha` and `fromBeta`, its lines shifted by `shift` (an edit
    /// above them in the file) and its offsets by `offset` (a rebuild).
    static func trace(shift: Int, offset: Int = 0) -> String {
        """
        @image I0 - 0x1000 0x9000 /build/App
        @frame F0 I0+0x\(String(0x100 + offset, radix: 16)) pc
        @symbol F0 \(16 + shift) /src/App/Counter.swift|bump(_:)
        @frame F1 I0+0x\(String(0x200 + offset, radix: 16))
        @symbol F1 \(21 + shift) /src/App/Counter.swift|fromAlpha(_:)
        @frame F2 I0+0x\(String(0x300 + offset, radix: 16))
        @symbol F2 \(22 + shift) /src/App/Counter.swift|fromBeta(_:)
        @stack S0 F0 F1
        @stack S1 F0 F2
        T0|fork(T1)
        T0|fork(T2)
        T1|w(shared)|App/Counter.swift:\(16 + shift)|S0
        T2|w(shared)|App/Counter.swift:\(16 + shift)|S1
        """
    }

    @Test("with stacks, an edit that moves the lines or a rebuild that moves the code keeps the fingerprint")
    func linesDoNotCount() throws {
        let before = try FingerprintTests.fingerprints(Self.trace(shift: 0))
        let after = try FingerprintTests.fingerprints(Self.trace(shift: 7, offset: 0x40))
        #expect(before.count == 1 && before == after)
        // Without stacks the line is the place: the same edit changes it.
        let plain = try FingerprintTests.fingerprints("T0|fork(T1)\nT1|w(s)|App/Counter.swift:16\nT0|w(s)|App/Counter.swift:16")
        let moved = try FingerprintTests.fingerprints("T0|fork(T1)\nT1|w(s)|App/Counter.swift:23\nT0|w(s)|App/Counter.swift:23")
        #expect(plain != moved)
    }

    @Test("a suppression matches a function of a recorded stack")
    func suppressByFunction() throws {
        var report = try TestAnalysis.analyze(text: Self.trace(shift: 0), plugins: [RaceDetector()])
        #expect(report.findings.count == 1)
        report.suppress(try Suppressions(parsing: "race:^nothing$\nrace:^fromBeta(", source: "s"))
        #expect(report.findings.isEmpty)
        #expect(report.omitted.suppressed.map(\.rule.description) == ["race:^fromBeta("])
    }
}
