/// The exit statuses of `synctrace`, one meaning each, the same for every verb.
///
/// | status | meaning |
/// | --- | --- |
/// | 0 | success; for `analyze`, no findings in a whole trace |
/// | 1 | `analyze` found something (`--exit-code N` makes it N) |
/// | 2 | bad usage (a wrong argument or option, an output that would replace the input), or no usable trace |
/// | 3 | `analyze` of a trace cut short whose analysed part has no findings |
/// | 4 | the output (`--output`, `convert`'s or `generate`'s file, standard output) could not be written |
enum ExitStatus {
    static let success: Int32 = 0
    /// `analyze`'s default status for findings.
    static let findings: Int32 = 1
    static let usage: Int32 = 2
    static let cutShort: Int32 = 3
    static let cannotWrite: Int32 = 4

    /// The statuses `analyze --exit-code` may choose for findings: 0 (findings do not fail the run,
    /// as GORACE's `exitcode=0`), 1, or 5...125 — not 2, 3 or 4, which mean something else here, and
    /// not 126 and above, which shells use for a command not run or killed by a signal.
    static let choosableForFindings: [ClosedRange<Int32>] = [0...1, 5...125]
}
