/// The bytes of a value's inline representation at one moment, kept so that a critical section can
/// tell afterwards whether it changed the value (``TracedMutex`` records a write only then) and
/// whether what it returned is a copy of the whole value.
///
/// Up to 64 bytes are kept whole and compared exactly; a longer value is kept as its byte count and
/// a 64-bit FNV-1a hash of its bytes, so two images of it can be equal while the bytes differ (one
/// chance in 2^64): a change missed, never one made up. The bytes are the value's own storage only:
/// an array's or a class's contents live behind a reference, and a change made there in place leaves
/// the image as it was (a copy that shares the storage makes the change copy it first, which the
/// image does see).
///
/// The one place the mutex reads a value's raw memory: it takes a buffer the caller obtained with
/// `withUnsafeBytes(of:)` and keeps nothing that points into it.
@usableFromInline
struct ValueBytes: Equatable {
    /// The first 64 bytes (the rest zero), or for a longer value its hash in the first word.
    @usableFromInline var words: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64)
    /// The value's size in bytes.
    @usableFromInline var count: Int

    /// The largest value kept whole.
    @usableFromInline static let inlineCapacity = 64

    /// The image of the bytes in `bytes`.
    @inlinable
    init(_ bytes: UnsafeRawBufferPointer) {
        self.words = (0, 0, 0, 0, 0, 0, 0, 0)
        self.count = bytes.count
        if bytes.count <= Self.inlineCapacity {
            withUnsafeMutableBytes(of: &self.words) { words in
                if let base = bytes.baseAddress, bytes.count > 0 {
                    words.baseAddress!.copyMemory(from: base, byteCount: bytes.count)
                }
            }
        } else {
            self.words.0 = Self.hash(bytes)
        }
    }

    /// The image of `value`'s own bytes, as they are now.
    @inlinable
    init<T: ~Copyable>(of value: inout T) {
        self = withUnsafeBytes(of: &value) { ValueBytes($0) }
    }

    /// FNV-1a over the bytes: one multiply a byte, no table, no allocation.
    @inlinable
    static func hash(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes {
            hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
        }
        return hash
    }

    @inlinable
    static func == (lhs: ValueBytes, rhs: ValueBytes) -> Bool {
        lhs.count == rhs.count && lhs.words.0 == rhs.words.0 && lhs.words.1 == rhs.words.1
            && lhs.words.2 == rhs.words.2 && lhs.words.3 == rhs.words.3 && lhs.words.4 == rhs.words.4
            && lhs.words.5 == rhs.words.5 && lhs.words.6 == rhs.words.6 && lhs.words.7 == rhs.words.7
    }
}
