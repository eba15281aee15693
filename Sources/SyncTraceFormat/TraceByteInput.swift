#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a reader gets its bytes: a file read in chunks, or bytes already in memory.
protocol TraceByteInput: AnyObject {
    /// Reads up to `buffer.count` bytes; returns 0 only at the end of the input.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(TraceIOError) -> Int
}

/// A failed read or write of a trace file, with the system's reason.
public struct TraceIOError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong, e.g. "cannot open out.synctrace: No such file or directory".
    public var reason: String

    /// Creates an error with a reason.
    public init(reason: String) {
        self.reason = reason
    }

    /// An error for the current `errno`.
    static func system(_ what: String) -> TraceIOError {
        TraceIOError(reason: "\(what): \(String(cString: strerror(errno)))")
    }

    public var description: String { self.reason }
}

/// Reads a file through `FILE*` in caller-sized chunks.
final class FileByteInput: TraceByteInput {
    private let file: UnsafeMutablePointer<FILE>
    private let path: String

    init(path: String) throws(TraceIOError) {
        guard let file = fopen(path, "rb") else { throw .system("cannot open \(path)") }
        self.file = file
        self.path = path
    }

    deinit {
        fclose(self.file)
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(TraceIOError) -> Int {
        let count = fread(buffer.baseAddress, 1, buffer.count, self.file)
        if count == 0 && ferror(self.file) != 0 { throw .system("cannot read \(self.path)") }
        return count
    }
}

/// Serves bytes that are already in memory.
final class MemoryByteInput: TraceByteInput {
    private let bytes: [UInt8]
    private var position = 0

    init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(TraceIOError) -> Int {
        let count = min(buffer.count, self.bytes.count - self.position)
        guard count > 0 else { return 0 }
        self.bytes.withUnsafeBytes { source in
            buffer.baseAddress!.copyMemory(from: source.baseAddress! + self.position, byteCount: count)
        }
        self.position += count
        return count
    }
}
