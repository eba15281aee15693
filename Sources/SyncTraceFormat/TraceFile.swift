/// Opens trace files of either form, telling them apart by content rather than by extension:
/// a binary trace starts with the LZ4 frame magic number, anything else is read as text.
public enum TraceFile {
    /// The two forms of a trace.
    public enum Form: String, Sendable, CustomStringConvertible {
        /// LZ4 frames of binary records.
        case binary
        /// The text form (<doc:TextForm>).
        case text

        public var description: String { self.rawValue }
    }

    /// Whether `prefix` (the first bytes of a file) starts a binary trace.
    public static func isBinary(prefix: some Collection<UInt8>) -> Bool {
        let bytes = Array(prefix.prefix(4))
        guard bytes.count == 4 else { return false }
        if bytes == BinaryLayout.lz4FrameMagic { return true }
        // LZ4 skippable frames (0x184D2A50...0x184D2A5F) may precede the first data frame.
        return bytes[0] & 0xF0 == 0x50 && bytes[1] == 0x2A && bytes[2] == 0x4D && bytes[3] == 0x18
    }

    /// The form of the trace at `path`, read from its first bytes. An empty file reads as text (whose
    /// reader reports that it holds no trace); one of fewer than four bytes that begin the LZ4 frame
    /// magic, as binary.
    ///
    /// - Throws: ``TraceFormatError`` when the file cannot be read.
    public static func form(ofFileAt path: String) throws(TraceFormatError) -> Form {
        Self.form(ofPrefix: try Self.prefix(ofFileAt: path))
    }

    /// Opens the trace at `path` with the reader its content calls for.
    ///
    /// - Throws: ``TraceFormatError`` when the file cannot be opened, holds no trace (it is empty, or
    ///   a binary trace cut inside its first frame; a text file of only comments and blank lines says
    ///   so when it is read), or its beginning is corrupt.
    public static func open(path: String) throws(TraceFormatError) -> any TraceEventSource {
        let prefix = try Self.prefix(ofFileAt: path)
        guard !prefix.isEmpty else { throw .noTrace(file: path) }
        switch Self.form(ofPrefix: prefix) {
        case .binary: return try BinaryTraceReader(path: path)
        case .text: return try TextTraceReader(path: path)
        }
    }

    static func form(ofPrefix bytes: [UInt8]) -> Form {
        // A file of one to three bytes that start the frame magic is a binary trace cut inside its
        // first frame (its reader says so), not text.
        let cutMagic = !bytes.isEmpty && bytes.count < 4 && bytes.elementsEqual(BinaryLayout.lz4FrameMagic.prefix(bytes.count))
        return Self.isBinary(prefix: bytes) || cutMagic ? .binary : .text
    }

    /// The file's first four bytes, or all of them if it is shorter.
    private static func prefix(ofFileAt path: String) throws(TraceFormatError) -> [UInt8] {
        do throws(TraceIOError) {
            return try Self.prefix(of: try FileByteInput(path: path))
        } catch {
            throw TraceFormatError(file: path, position: .input, reason: error.reason)
        }
    }

    /// The first four bytes `input` gives, or all of them if it ends sooner: what tells the form.
    static func prefix(of input: any TraceByteInput) throws(TraceIOError) -> [UInt8] {
        let prefix = UnsafeMutableRawBufferPointer.allocate(byteCount: 4, alignment: 1)
        defer { prefix.deallocate() }
        var count = 0
        while count < 4 {
            let read = try input.read(into: UnsafeMutableRawBufferPointer(rebasing: prefix[count...]))
            if read == 0 { break }
            count += read
        }
        return Array(prefix[..<count])
    }
}
