import SyncTraceFormat

/// A failure the tool reports in one line on stderr and an exit status: 2 (``ExitStatus/usage``)
/// unless it says otherwise.
struct CommandFailure: Error {
    var reason: String
    var status: Int32

    init(_ reason: String, status: Int32 = ExitStatus.usage) {
        self.reason = reason
        self.status = status
    }

    init(_ error: some CustomStringConvertible, status: Int32 = ExitStatus.usage) {
        self.reason = error.description
        self.status = status
    }

    /// An output that could not be written: "cannot write PATH: REASON", ``ExitStatus/cannotWrite``.
    static func cannotWrite(_ path: String, _ reason: String) -> CommandFailure {
        CommandFailure("cannot write \(path): \(reason)", status: ExitStatus.cannotWrite)
    }

    /// A failed conversion: a malformed input is bad usage or no usable trace (2), an output that
    /// could not be written is ``ExitStatus/cannotWrite`` (its reason already says "cannot write …").
    init(conversion error: TraceConversionError) {
        switch error {
        case .input(let input): self.init(input)
        case .output(let output): self.init(output.reason, status: ExitStatus.cannotWrite)
        }
    }
}
