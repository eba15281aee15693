/// A value a ``TracedAtomic`` can hold: one that fits in 64 bits and converts to and from them.
///
/// The integer types and `Bool` conform. Conform your own small types (an enum with an integer raw
/// value, say) by mapping them to bits and back.
public protocol TracedAtomicValue: Sendable {
    /// The value from its bits, as made by ``atomicBits``.
    init(atomicBits: UInt64)
    /// The value as 64 bits (signed integers sign-extended, so wrapping arithmetic on the bits agrees
    /// with wrapping arithmetic on the value).
    var atomicBits: UInt64 { get }
}

extension TracedAtomicValue where Self: FixedWidthInteger {
    /// The value from its bits.
    public init(atomicBits: UInt64) { self.init(truncatingIfNeeded: atomicBits) }
    /// The value's bits, sign-extended for signed types.
    public var atomicBits: UInt64 { UInt64(truncatingIfNeeded: self) }
}

extension Int: TracedAtomicValue {}
extension Int8: TracedAtomicValue {}
extension Int16: TracedAtomicValue {}
extension Int32: TracedAtomicValue {}
extension Int64: TracedAtomicValue {}
extension UInt: TracedAtomicValue {}
extension UInt8: TracedAtomicValue {}
extension UInt16: TracedAtomicValue {}
extension UInt32: TracedAtomicValue {}
extension UInt64: TracedAtomicValue {}

extension Bool: TracedAtomicValue {
    /// `false` for 0, `true` otherwise.
    public init(atomicBits: UInt64) { self = atomicBits != 0 }
    /// 1 for `true`, 0 for `false`.
    public var atomicBits: UInt64 { self ? 1 : 0 }
}
