#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads an open file descriptor — standard input, a pipe — in caller-sized chunks, after first
/// handing out the bytes that were read ahead of it.
///
/// A pipe cannot be rewound: telling a trace's form means reading its first bytes, and those bytes
/// must still reach the reader. ``TraceFile/open(fileDescriptor:name:)`` reads them, then gives them
/// back here as `readAhead`. Memory stays one caller's chunk: nothing else is buffered.
final class DescriptorByteInput: TraceByteInput {
    private let descriptor: Int32
    private let name: String
    private var readAhead: [UInt8]
    private var readAheadPosition = 0

    /// Reads `descriptor`, which it does not close (standard input belongs to the process), starting
    /// with the bytes in `readAhead`. `name` is what an error calls the input.
    init(descriptor: Int32, name: String, readAhead: [UInt8] = []) {
        self.descriptor = descriptor
        self.name = name
        self.readAhead = readAhead
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws(TraceIOError) -> Int {
        guard buffer.count > 0 else { return 0 }
        if self.readAheadPosition < self.readAhead.count {
            let count = min(buffer.count, self.readAhead.count - self.readAheadPosition)
            self.readAhead.withUnsafeBytes { source in
                buffer.baseAddress!.copyMemory(from: source.baseAddress! + self.readAheadPosition, byteCount: count)
            }
            self.readAheadPosition += count
            return count
        }
        while true {
            let count = systemRead(self.descriptor, buffer.baseAddress, buffer.count)
            if count >= 0 { return count }
            // A signal (a terminal resize, the profiler's timer) interrupts a read that waits on a pipe.
            if errno == EINTR { continue }
            throw .system("cannot read \(self.name)")
        }
    }
}

/// `read(2)`, out of the method that is named `read` too.
private func systemRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(descriptor, buffer, count)
}
