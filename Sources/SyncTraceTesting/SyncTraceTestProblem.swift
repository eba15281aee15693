/// Why a traced test could not be recorded or analysed as asked: a suppression file that cannot be
/// read, a trace that cannot be written, a recording already running. It fails the test (an issue,
/// or an XCTest failure, at the test's own location), because a test that silently went unanalysed
/// would pass for a clean one.
struct SyncTraceTestProblem: Error, Sendable, CustomStringConvertible {
    /// What went wrong, as one sentence.
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
