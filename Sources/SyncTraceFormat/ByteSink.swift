#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A growable byte buffer for the encoder: raw memory with unchecked writes after one capacity check
/// per record, because `Array.append` per byte costs more than the rest of encoding an event.
///
/// Not thread-safe; one writer owns it.
final class ByteSink {
    private var storage: RawBuffer<UInt8>
    private(set) var count = 0

    init(capacity: Int = 1 << 16) {
        self.storage = RawBuffer(capacity: max(capacity, 64))
    }

    /// The first byte's address (valid until the sink grows).
    var base: UnsafeMutablePointer<UInt8> { self.storage.base }
    private var capacity: Int { self.storage.capacity }

    /// The bytes written so far.
    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: self.base, count: self.count) }

    /// Makes room for `extra` more bytes, so that the unchecked writes that follow stay in bounds.
    @inline(__always)
    func reserve(_ extra: Int) {
        if self.count + extra > self.capacity { self.grow(to: self.count + extra) }
    }

    private func grow(to needed: Int) {
        self.storage.reserve(needed, preserving: self.count)
    }

    func removeAll() { self.count = 0 }

    // The writes below assume `reserve` made room: at most 10 bytes per varint.

    @inline(__always)
    func writeByte(_ byte: UInt8) {
        self.base[self.count] = byte
        self.count &+= 1
    }

    @inline(__always)
    func writeVarint(_ value: UInt64) {
        var value = value
        var pointer = self.base + self.count
        while value >= 0x80 {
            pointer.pointee = UInt8(truncatingIfNeeded: value) | 0x80
            pointer += 1
            value >>= 7
        }
        pointer.pointee = UInt8(truncatingIfNeeded: value)
        self.count = pointer - self.base + 1
    }

    @inline(__always)
    func writeSignedVarint(_ value: Int64) {
        self.writeVarint(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }

    /// Makes room for `maximum` more bytes and lets `body` write at most that many through a cursor
    /// held in a local, then counts what it wrote.
    ///
    /// For hot loops: every `writeByte` above stores through a pointer that may alias the sink's own
    /// `count`, so the compiler reloads and stores `count` around each byte; a local cursor stays in a
    /// register. The caller bounds what `body` writes by construction (say, events × largest event).
    @inline(__always)
    func appendReserved(maximum: Int, _ body: (inout UncheckedWriter) -> Void) {
        self.reserve(maximum)
        let start = self.base + self.count
        var writer = UncheckedWriter(pointer: start)
        body(&writer)
        let written = writer.pointer - start
        // Too late to prevent an overrun, but it turns a broken bound into a crash, never silent corruption.
        precondition(written >= 0 && written <= maximum, "wrote past the reserved space")
        self.count += written
    }

    /// Writes `value` as four little-endian bytes at `offset` (for a length known only afterwards).
    func patchUInt32(_ value: UInt32, at offset: Int) {
        var value = value.littleEndian
        withUnsafeBytes(of: &value) { raw in
            (self.base + offset).update(from: raw.bindMemory(to: UInt8.self).baseAddress!, count: 4)
        }
    }

    func writeBytes(_ raw: UnsafeRawBufferPointer) {
        self.reserve(raw.count)
        if let source = raw.baseAddress {
            (self.base + self.count).update(from: source.assumingMemoryBound(to: UInt8.self), count: raw.count)
        }
        self.count += raw.count
    }

    /// Writes a length-prefixed UTF-8 string.
    func writeString(_ string: String) {
        var string = string
        string.withUTF8 { utf8 in
            self.reserve(10 + utf8.count)
            self.writeVarint(UInt64(utf8.count))
            self.writeBytes(UnsafeRawBufferPointer(utf8))
        }
    }
}

/// A write cursor into space that ``ByteSink/appendReserved(maximum:_:)`` reserved: no checks, so the
/// caller's bound on what it writes is what keeps it in bounds.
@usableFromInline
struct UncheckedWriter {
    @usableFromInline var pointer: UnsafeMutablePointer<UInt8>

    @inlinable
    init(pointer: UnsafeMutablePointer<UInt8>) {
        self.pointer = pointer
    }

    @inlinable @inline(__always)
    mutating func writeByte(_ byte: UInt8) {
        self.pointer.pointee = byte
        self.pointer += 1
    }

    /// At most 10 bytes.
    @inlinable @inline(__always)
    mutating func writeVarint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            self.pointer.pointee = UInt8(truncatingIfNeeded: value) | 0x80
            self.pointer += 1
            value >>= 7
        }
        self.pointer.pointee = UInt8(truncatingIfNeeded: value)
        self.pointer += 1
    }

    /// At most 10 bytes.
    @inlinable @inline(__always)
    mutating func writeSignedVarint(_ value: Int64) {
        self.writeVarint(UInt64(bitPattern: (value << 1) ^ (value >> 63)))
    }
}
