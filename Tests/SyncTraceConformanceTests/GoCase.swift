import Testing

/// One test case of Go's race detector suite (`src/runtime/race/testdata/`), ported: its verdict, the
/// Swift program that plays it with the traced primitives, and whether a text trace of it ships in
/// `Traces/<name>.trace`.
///
/// Go's `TestRace…` functions must report a race and `TestNoRace…` must not; here the verdict is the
/// exact set of variables the race detector must name, so a port also checks that nothing else races.
struct GoCase: Sendable, CustomTestStringConvertible {
    /// The Go test function's name, which is also the fixture's file name.
    let name: String
    /// The Go file it comes from, e.g. `mutex_test.go`.
    let file: String
    /// The variables that race (empty for a `TestNoRace…` case).
    let racy: Set<String>
    /// The port as a Swift program, or `nil` when only a text trace can say it.
    let program: (@Sendable () -> Void)?
    /// Whether `Traces/<name>.trace` holds the case as a text trace.
    let hasTrace: Bool
    /// Why the analysis is known to disagree with Go's verdict (see CONFORMANCE.md); the test then
    /// expects the failure instead of hiding the case.
    let knownIssue: String?
    /// Whether two threads of the program access some variable (false for the few Go cases that
    /// only exercise a primitive, or whose one variable only one goroutine touches).
    let sharesVariables: Bool

    init(
        _ name: String,
        file: String,
        racy: Set<String>,
        trace: Bool = true,
        knownIssue: String? = nil,
        sharesVariables: Bool = true,
        program: (@Sendable () -> Void)?
    ) {
        self.name = name
        self.file = file
        self.racy = racy
        self.program = program
        self.hasTrace = trace
        self.knownIssue = knownIssue
        self.sharesVariables = sharesVariables
    }

    var testDescription: String { self.name }

    /// Whether Go expects a race.
    var expectsRace: Bool { !self.racy.isEmpty }
}
