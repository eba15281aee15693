/// A trace that cannot be read: malformed text, a broken happens-before rule, or corrupt binary data.
///
/// Its ``description`` is the one-line reason the CLI prints, and it always says where: the file
/// and line of a text trace, or the byte offset of a binary one.
public struct TraceFormatError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Where in the input the problem is.
    public enum Position: Hashable, Sendable {
        /// A line of a text trace (1-based).
        case line(Int)
        /// A byte offset in a binary trace file.
        case fileOffset(Int)
        /// A byte offset in the decompressed record stream of a binary trace, with the file offset of
        /// the LZ4 frame that holds it.
        case recordOffset(Int, frameAt: Int)
        /// The input as a whole (a missing file, an empty input).
        case input
    }

    /// The file the problem is in (empty when the input was not a file).
    public var file: String
    /// Where in the file.
    public var position: Position
    /// What is wrong, and where that matters, what was expected.
    public var reason: String

    /// Creates an error.
    public init(file: String, position: Position, reason: String) {
        self.file = file
        self.position = position
        self.reason = reason
    }

    /// The error for an input that holds nothing at all (0 bytes, `/dev/null`), in either form: a
    /// recorded process that died before its first write leaves such a file, and it must never read
    /// as a clean trace of no events.
    public static func noTrace(file: String) -> TraceFormatError {
        TraceFormatError(
            file: file,
            position: .input,
            reason: "the file is empty: no trace was written to it (the process may have died before its first write)"
        )
    }

    public var description: String {
        let file = self.file.isEmpty ? "<input>" : self.file
        switch self.position {
        case .line(let line):
            return "\(file):\(line): \(self.reason)"
        case .fileOffset(let offset):
            return "\(file): at byte offset \(offset): \(self.reason)"
        case .recordOffset(let offset, let frame):
            return "\(file): in the LZ4 frame at byte offset \(frame), record byte \(offset): \(self.reason)"
        case .input:
            return "\(file): \(self.reason)"
        }
    }
}
