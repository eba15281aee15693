extension TraceFile {
    /// What messages and reports call standard input, as `grep` does: "(standard input)".
    public static let standardInputName = "(standard input)"

    /// Opens the trace that arrives on an open file descriptor — standard input by default, which
    /// may be a pipe — with the reader its first bytes call for, and streams it: the descriptor is
    /// read in chunks as the events are asked for, never all at once and never rewound, so memory
    /// stays what reading a file costs (one input chunk and the largest LZ4 frame for a binary
    /// trace, one chunk of lines for a text one). The descriptor stays open.
    ///
    /// - Parameters:
    ///   - descriptor: the descriptor to read, 0 (standard input) by default.
    ///   - name: what errors and reports call the input.
    /// - Throws: ``TraceFormatError`` when the input cannot be read, holds nothing (an empty pipe, a
    ///   closed standard input: no trace), or its beginning is corrupt.
    public static func open(fileDescriptor descriptor: Int32 = 0, name: String = TraceFile.standardInputName) throws(TraceFormatError) -> any TraceEventSource {
        // The form is in the first four bytes; a pipe cannot give them back, so the input that the
        // reader gets serves them again before reading on.
        let prefix: [UInt8]
        do throws(TraceIOError) {
            prefix = try Self.prefix(of: DescriptorByteInput(descriptor: descriptor, name: name))
        } catch {
            throw TraceFormatError(file: name, position: .input, reason: error.reason)
        }
        guard !prefix.isEmpty else {
            throw TraceFormatError(
                file: name,
                position: .input,
                reason: "the input is empty: no trace was written to it (the process may have died before its first write)"
            )
        }
        let input = DescriptorByteInput(descriptor: descriptor, name: name, readAhead: prefix)
        switch Self.form(ofPrefix: prefix) {
        case .binary: return try BinaryTraceReader(input: input, fileName: name)
        case .text: return TextTraceReader(input: input, fileName: name)
        }
    }
}
