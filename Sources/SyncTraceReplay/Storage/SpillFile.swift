#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

import SyncTraceFormat

/// A temporary file that holds runs of plain values (events the ordering holds back) out of memory,
/// each written once and read back once, in pieces, in any order.
///
/// The file is unlinked as soon as it is created, so it disappears with its descriptor however the
/// process ends. Its place is `$TMPDIR` (else `/tmp`). Each time everything written has been read
/// back, the file starts over empty.
///
/// Only types without references can be stored (``TraceEvent`` and the like): their bytes are the
/// whole value, so writing and reading them back in the same process is a copy.
final class SpillFile {
    /// A run of values in the file.
    struct Segment {
        /// Where its next unread value starts.
        var offset: Int64
        /// How many values are still unread.
        var count: Int
    }

    private let descriptor: Int32
    /// Where the next segment goes.
    private var end: Int64 = 0
    /// Bytes written and not yet read back.
    private(set) var bytesHeld: Int64 = 0
    /// The directory the file was made in.
    let directory: String

    /// Creates and unlinks a temporary file in `directory` (default: `$TMPDIR`, else `/tmp`).
    init(directory: String? = nil) throws(TraceFormatError) {
        let directory = directory ?? Self.defaultDirectory
        self.directory = directory
        var template = Array((directory.hasSuffix("/") ? directory : directory + "/").utf8CString.dropLast())
        template.append(contentsOf: Array("synctrace-spill-XXXXXX".utf8CString))
        let descriptor = template.withUnsafeMutableBufferPointer { mkstemp($0.baseAddress!) }
        guard descriptor >= 0 else { throw Self.failure("cannot create a temporary file in \(directory)") }
        template.withUnsafeBufferPointer { _ = unlink($0.baseAddress!) }
        self.descriptor = descriptor
    }

    deinit {
        close(self.descriptor)
    }

    static var defaultDirectory: String {
        if let directory = getenv("TMPDIR").map({ String(cString: $0) }), !directory.isEmpty { return directory }
        return "/tmp"
    }

    /// Writes `values` at the end of the file.
    func write<Value>(_ values: UnsafeBufferPointer<Value>) throws(TraceFormatError) -> Segment {
        precondition(_isPOD(Value.self), "SpillFile holds plain values only")
        let segment = Segment(offset: self.end, count: values.count)
        let bytes = UnsafeRawBufferPointer(values)
        var written = 0
        while written < bytes.count {
            let result = pwrite(self.descriptor, bytes.baseAddress! + written, bytes.count - written, off_t(self.end) + off_t(written))
            if result < 0 && errno == EINTR { continue }
            guard result > 0 else { throw Self.failure("cannot write to a temporary file in \(self.directory)") }
            written += result
        }
        self.end += Int64(bytes.count)
        self.bytesHeld += Int64(bytes.count)
        return segment
    }

    /// Reads up to `maximum` of the segment's unread values and advances the segment past them; they
    /// are not read again (the file starts over once nothing in it is left unread).
    func read<Value>(_ segment: inout Segment, upTo maximum: Int, as type: Value.Type = Value.self) throws(TraceFormatError) -> [Value] {
        let start = segment.offset
        let values = try self.peek(&segment, upTo: maximum, as: type)
        self.bytesHeld -= segment.offset - start
        self.startOverIfDrained()
        return values
    }

    /// Reads up to `maximum` of the segment's unread values, advancing this copy of the segment past
    /// them, and leaves them in the file (to be read again through another copy).
    func peek<Value>(_ segment: inout Segment, upTo maximum: Int, as type: Value.Type = Value.self) throws(TraceFormatError) -> [Value] {
        precondition(_isPOD(Value.self), "SpillFile holds plain values only")
        let count = min(maximum, segment.count)
        guard count > 0 else { return [] }
        let start = segment.offset
        var failure: TraceFormatError?
        let values = [Value](unsafeUninitializedCapacity: count) { buffer, initialized in
            let bytes = UnsafeMutableRawBufferPointer(buffer)
            var read = 0
            while read < bytes.count {
                let result = pread(self.descriptor, bytes.baseAddress! + read, bytes.count - read, off_t(start) + off_t(read))
                if result < 0 && errno == EINTR { continue }
                guard result > 0 else {
                    failure = Self.failure("cannot read back a temporary file in \(self.directory)")
                    break
                }
                read += result
            }
            // Plain values: bytes that were read are the values; none count if the read failed.
            initialized = failure == nil ? count : 0
        }
        if let failure { throw failure }
        let bytes = Int64(count * MemoryLayout<Value>.stride)
        segment.offset += bytes
        segment.count -= count
        return values
    }

    /// Once nothing in the file waits any more, starts it over empty (its space goes back to the file
    /// system then, not piece by piece).
    private func startOverIfDrained() {
        guard self.bytesHeld == 0 else { return }
        self.end = 0
        _ = ftruncate(self.descriptor, 0)
    }

    private static func failure(_ what: String) -> TraceFormatError {
        let reason = String(cString: strerror(errno))
        return TraceFormatError(
            file: "",
            position: .input,
            reason: "\(what) to hold back events that wait for others (set TMPDIR to a directory with room): \(reason)"
        )
    }
}
