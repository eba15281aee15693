/// A bounds-checked reader over one decompressed frame: every length and count it reads is checked
/// against what remains, so a malformed trace throws instead of crashing or allocating wildly.
struct ByteCursor {
    /// A malformed field, with the offset (relative to the start of the buffer) where it begins.
    struct Malformed: Error {
        var offset: Int
        var reason: String
    }

    let base: UnsafePointer<UInt8>
    let end: Int
    var position: Int

    init(_ buffer: UnsafeRawBufferPointer, position: Int = 0) {
        // An empty buffer may have a nil base address; any valid pointer works since nothing is read.
        self.base = buffer.baseAddress.map { $0.assumingMemoryBound(to: UInt8.self) } ?? UnsafePointer(bitPattern: 1)!
        self.end = buffer.count
        self.position = position
    }

    var remaining: Int { self.end - self.position }
    var isAtEnd: Bool { self.position >= self.end }

    @inline(__always)
    mutating func readByte() throws(Malformed) -> UInt8 {
        guard self.position < self.end else { throw Malformed(offset: self.position, reason: "record cut short") }
        let byte = self.base[self.position]
        self.position &+= 1
        return byte
    }

    @inline(__always)
    mutating func readVarint() throws(Malformed) -> UInt64 {
        // The common cases, one and two bytes (sequence deltas under contention, ids past 127), stay
        // inline and branch-light; longer ones take the out-of-line loop.
        let position = self.position
        if position < self.end {
            let first = self.base[position]
            if first < 0x80 {
                self.position = position &+ 1
                return UInt64(first)
            }
            if position &+ 1 < self.end {
                let second = self.base[position &+ 1]
                if second < 0x80 {
                    self.position = position &+ 2
                    return UInt64(first & 0x7F) | UInt64(second) << 7
                }
            }
        }
        return try self.readLongVarint()
    }

    private mutating func readLongVarint() throws(Malformed) -> UInt64 {
        let start = self.position
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard self.position < self.end else { throw Malformed(offset: start, reason: "varint cut short") }
            let byte = self.base[self.position]
            self.position &+= 1
            if shift == 63 && byte > 1 { throw Malformed(offset: start, reason: "varint overflows 64 bits") }
            result |= UInt64(byte & 0x7F) << shift
            if byte < 0x80 { return result }
            shift += 7
        }
    }

    @inline(__always)
    mutating func readSignedVarint() throws(Malformed) -> Int64 {
        let raw = try self.readVarint()
        return Int64(bitPattern: raw >> 1) ^ -Int64(bitPattern: raw & 1)
    }

    /// Reads a varint that must fit `limit` (exclusive), naming `what` in the error.
    @inline(__always)
    mutating func readIndex(below limit: Int, _ what: @autoclosure () -> String) throws(Malformed) -> UInt32 {
        let start = self.position
        let value = try self.readVarint()
        guard value < UInt64(limit) else {
            throw Malformed(offset: start, reason: "\(what()) \(value) is not declared (only \(limit) are)")
        }
        return UInt32(truncatingIfNeeded: value)
    }

    mutating func readUInt32LittleEndian() throws(Malformed) -> UInt32 {
        guard self.remaining >= 4 else { throw Malformed(offset: self.position, reason: "record cut short") }
        var value: UInt32 = 0
        for index in 0..<4 { value |= UInt32(self.base[self.position + index]) << (8 * index) }
        self.position += 4
        return value
    }

    /// Reads a length-prefixed UTF-8 string; the length must fit in what remains.
    mutating func readString() throws(Malformed) -> String {
        let start = self.position
        let length = try self.readVarint()
        guard length <= UInt64(self.remaining) else {
            throw Malformed(offset: start, reason: "string length \(length) runs past the end of the frame")
        }
        let bytes = UnsafeBufferPointer(start: self.base + self.position, count: Int(length))
        self.position += Int(length)
        guard let string = String(validating: bytes, as: UTF8.self) else {
            throw Malformed(offset: start, reason: "string is not valid UTF-8")
        }
        return string
    }
}
