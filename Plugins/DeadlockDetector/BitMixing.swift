/// Scrambles the bits of a 64-bit key (SplitMix64's finalizer), so that keys that differ in a few
/// low bits — lock numbers, pairs of them — spread over every bit of the result.
enum BitMixing {
    /// `key` scrambled: a bijection, every output bit depending on every input bit.
    static func scramble(_ key: UInt64) -> UInt64 {
        var bits = key &+ 0x9E37_79B9_7F4A_7C15
        bits = (bits ^ (bits >> 30)) &* 0xBF58_476D_1CE4_E5B9
        bits = (bits ^ (bits >> 27)) &* 0x94D0_49BB_1331_11EB
        return bits ^ (bits >> 31)
    }
}
