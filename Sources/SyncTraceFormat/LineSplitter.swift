#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Splits a byte input into lines with bounded memory: one chunk, plus the longest line.
///
/// Reads the input in large chunks into one reusable buffer and finds line ends with `memchr`; a
/// line that a chunk boundary cuts is moved to the front of the buffer and completed by the next read.
final class LineSplitter {
    /// A line longer than this is an error rather than a reason to buffer without end.
    static let maximumLineLength = 1 << 20

    private let input: any TraceByteInput
    private var storage: RawBuffer<UInt8>
    /// The buffer's first byte (valid until it grows, which only `refill` does).
    private var buffer: UnsafeMutablePointer<UInt8> { self.storage.base }
    private var capacity: Int { self.storage.capacity }
    private var start = 0
    private var end = 0
    private var inputEnded = false
    /// Bytes consumed by the lines handed out so far.
    private(set) var consumedBytes = 0

    /// The default read size: large enough that a read costs little per line, small enough to stay
    /// mostly in the last-level cache while its lines are parsed.
    static let defaultChunkSize = 1 << 22

    /// Creates a splitter reading `chunkSize` bytes at a time (tests pass tiny ones to cut lines).
    init(input: any TraceByteInput, chunkSize: Int = LineSplitter.defaultChunkSize) {
        precondition(chunkSize > 0, "a chunk holds at least one byte")
        self.input = input
        self.storage = RawBuffer(capacity: chunkSize)
    }

    /// The next line without its line terminator, valid until the next call; `nil` at the end.
    func nextLine() throws(LineError) -> UnsafeBufferPointer<UInt8>? {
        var searchFrom = self.start
        while true {
            if searchFrom < self.end,
                let found = memchr(self.buffer + searchFrom, 0x0A, self.end - searchFrom)
            {
                let newline = found.assumingMemoryBound(to: UInt8.self) - self.buffer
                // The same limit wherever chunk boundaries fall: a long line found whole is as long.
                guard newline - self.start <= Self.maximumLineLength else { throw .tooLong }
                let line = UnsafeBufferPointer(start: self.buffer + self.start, count: newline - self.start)
                self.consumedBytes += newline + 1 - self.start
                self.start = newline + 1
                return line
            }
            searchFrom = self.end
            if self.inputEnded {
                guard self.start < self.end else { return nil }
                guard self.end - self.start <= Self.maximumLineLength else { throw .tooLong }
                let line = UnsafeBufferPointer(start: self.buffer + self.start, count: self.end - self.start)
                self.consumedBytes += self.end - self.start
                self.start = self.end
                return line
            }
            guard self.end - self.start <= Self.maximumLineLength else {
                throw .tooLong
            }
            try self.refill(searchFrom: &searchFrom)
        }
    }

    /// Why a line could not be read.
    enum LineError: Error {
        case tooLong
        case io(TraceIOError)
    }

    private func refill(searchFrom: inout Int) throws(LineError) {
        // Move the partial line to the front, growing the buffer only for a line longer than it.
        let pending = self.end - self.start
        if self.start > 0 {
            self.buffer.update(from: self.buffer + self.start, count: pending)
            searchFrom -= self.start
            self.start = 0
            self.end = pending
        }
        if self.end == self.capacity {
            self.storage.reserve(self.capacity * 2, preserving: self.end)
        }
        let count: Int
        do {
            count = try self.input.read(
                into: UnsafeMutableRawBufferPointer(start: self.buffer + self.end, count: self.capacity - self.end)
            )
        } catch {
            throw .io(error)
        }
        if count == 0 { self.inputEnded = true }
        self.end += count
    }
}
