/// A byte string's length and two words of its bytes, loaded without a byte loop: for strings of
/// up to 16 bytes (every thread and object name of a typical trace) the words hold every byte, so
/// comparing keys compares the strings; for longer ones they are a prefilter.
struct ShortKey: Hashable {
    /// Strings of at most this many bytes are held whole.
    static let wholeLength = 16

    /// The first eight bytes (first four, or bytes 0, n/2 and n-1, for shorter strings).
    var first: UInt64
    /// The last eight bytes (last four for strings of four to seven bytes; zero for shorter ones).
    var last: UInt64
    var count: Int

    /// The key of `bytes`. Reads only inside `bytes`: the words overlap for strings under 16 bytes.
    @inline(__always)
    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        let count = bytes.count
        self.count = count
        guard let base = bytes.baseAddress, count > 0 else {
            self.first = 0
            self.last = 0
            return
        }
        let raw = UnsafeRawPointer(base)
        if count >= 8 {
            self.first = raw.loadUnaligned(as: UInt64.self)
            self.last = raw.loadUnaligned(fromByteOffset: count - 8, as: UInt64.self)
        } else if count >= 4 {
            self.first = UInt64(raw.loadUnaligned(as: UInt32.self))
            self.last = UInt64(raw.loadUnaligned(fromByteOffset: count - 4, as: UInt32.self))
        } else {
            // One to three bytes: positions 0, n/2 and n-1 cover them all.
            self.first = UInt64(base[0]) | UInt64(base[count >> 1]) << 8 | UInt64(base[count - 1]) << 16
            self.last = 0
        }
    }

    /// Whether the key holds every byte of its string, so that equal keys mean equal strings.
    var isWhole: Bool { self.count <= Self.wholeLength }
}
