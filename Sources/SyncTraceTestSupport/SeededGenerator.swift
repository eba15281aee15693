/// A small, fast pseudo-random generator (SplitMix64) whose output depends only on its seed: the
/// one generator of the tests, the benchmarks and the synthetic traces, which must give the same
/// events (and the same bytes) on every run and machine. `SystemRandomNumberGenerator` would not.
///
/// Not for anything that needs unpredictability.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// A generator whose sequence is fixed by `seed`.
    public init(seed: UInt64) {
        self.state = seed
    }

    /// The next 64 pseudo-random bits.
    public mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// A number in `0..<bound`, from one draw (with a negligible bias: this is test data, not
    /// cryptography), so that a seed gives the same numbers wherever they are drawn.
    public mutating func next(below bound: UInt64) -> UInt64 {
        self.next().multipliedFullWidth(by: bound).high
    }
}
