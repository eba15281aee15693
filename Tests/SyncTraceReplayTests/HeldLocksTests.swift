import SyncTraceFormat
import SyncTraceReplay
import SyncTraceTestSupport
import Testing

/// The locks each thread holds, as the replay keeps them for plugins that declare
/// `AnalysisRequirements.heldLocks`.
@Suite("Held locks")
struct HeldLocksTests {
    /// Writes down, at each write, the locks its thread holds (names, "(read)" for a read lock).
    final class HeldAtWrites: AnalysisPlugin {
        let name = "held"
        let summary = "the locks held at each write"
        let operations = TraceOperationSet([.write])
        let requirements = AnalysisRequirements.heldLocks
        var seen: [String] = []

        func handle(_ event: TraceEvent, in context: AnalysisContext) {
            let set = context.heldLocks(of: event.thread)
            let locks = context.locks(in: set) ?? []
            let names = locks.map { context.objectName($0.lock) + ($0.reading ? " (read)" : "") }
            self.seen.append("\(context.threadName(event.thread)):\(names.joined(separator: ","))")
        }

        func finish(in context: AnalysisContext) -> [Finding] { [] }
    }

    @Test("nested, read, re-entered and out-of-order releases, per thread; the same set is the same number")
    func followsAcquisitions() throws {
        let plugin = HeldAtWrites()
        _ = try TestAnalysis.analyze(
            text: """
                T0|fork(T1)
                T0|w(x)
                T0|acq(A)
                T0|acq(B)
                T0|w(x)
                T0|rel(A)
                T0|w(x)
                T0|racq(R)
                T0|w(x)
                T0|rrel(R)
                T0|rel(B)
                T0|w(x)
                T1|acq(A)
                T1|w(y)
                T1|acq(A)
                T1|rel(A)
                T1|w(y)
                T1|rel(A)
                T1|w(y)
                """,
            plugins: [plugin]
        )
        #expect(plugin.seen == ["T0:", "T0:A,B", "T0:B", "T0:B,R (read)", "T0:", "T1:A", "T1:A", "T1:"])
    }
}
