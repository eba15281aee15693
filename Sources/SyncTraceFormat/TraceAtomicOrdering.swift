/// The memory ordering of an atomic operation (`aload`, `astore`, `armw`): the orderings of Swift's
/// `Synchronization.Atomic` (and C++'s `std::memory_order`), each with the happens-before it gives
/// (see <doc:TextForm>).
///
/// An event holds its operation's ordering in its ``TraceEvent/argument`` (read it as
/// ``TraceEvent/atomicOrdering``), so that an atomic load is `.atomicLoad` whatever its ordering and a
/// plugin that subscribes to atomic operations sees every one of them. The raw values are those
/// arguments, and what the binary format writes (from format version 3; an atomic of an older trace
/// is sequentially consistent): never renumber an ordering. ``sequentiallyConsistent`` is 0, the
/// argument of an event made without one.
///
/// A struct with a static member per ordering, not an enum, as ``TraceOperation`` is: a `switch`
/// over it needs its `default:`.
public struct TraceAtomicOrdering: RawRepresentable, Hashable, CaseIterable, Sendable, CustomStringConvertible {
    /// The ordering's code: what an atomic event's argument holds.
    public let rawValue: UInt8

    /// The ordering with code `rawValue`, if there is one.
    @inlinable public init?(rawValue: UInt8) {
        guard rawValue <= Self.highestCode else { return nil }
        self.rawValue = rawValue
    }

    @inlinable init(code: UInt8) {
        self.rawValue = code
    }

    @usableFromInline static let highestCode: UInt8 = 4

    /// Every ordering, by code.
    public static let allCases: [TraceAtomicOrdering] = (0...Self.highestCode).map(TraceAtomicOrdering.init(code:))

    /// Sequentially consistent: acquires and releases as the Go memory model's atomics do, and what an
    /// atomic operation is when nothing says otherwise (`aload(A)` in the text form, every atomic of a
    /// trace older than format version 3).
    @inlinable public static var sequentiallyConsistent: TraceAtomicOrdering { TraceAtomicOrdering(code: 0) }
    /// Relaxed: atomic, and orders nothing.
    @inlinable public static var relaxed: TraceAtomicOrdering { TraceAtomicOrdering(code: 1) }
    /// Acquiring: a load, a read-modify-write, or a failed compare-exchange that synchronizes with the
    /// releases whose value it reads.
    @inlinable public static var acquiring: TraceAtomicOrdering { TraceAtomicOrdering(code: 2) }
    /// Releasing: a store or read-modify-write that an acquiring operation reading its value
    /// synchronizes with.
    @inlinable public static var releasing: TraceAtomicOrdering { TraceAtomicOrdering(code: 3) }
    /// Acquiring and releasing: a read-modify-write that is both.
    @inlinable public static var acquiringAndReleasing: TraceAtomicOrdering { TraceAtomicOrdering(code: 4) }

    /// Whether an operation of this ordering acquires (``acquiring``, ``acquiringAndReleasing``,
    /// ``sequentiallyConsistent``).
    @inlinable public var acquires: Bool { self.rawValue == 0 || self.rawValue == 2 || self.rawValue == 4 }

    /// Whether an operation of this ordering releases (``releasing``, ``acquiringAndReleasing``,
    /// ``sequentiallyConsistent``).
    @inlinable public var releases: Bool { self.rawValue == 0 || self.rawValue == 3 || self.rawValue == 4 }

    /// Whether `operation` may have this ordering, as Swift's ordering types allow: a load is relaxed,
    /// acquiring or sequentially consistent (`AtomicLoadOrdering`), a store relaxed, releasing or
    /// sequentially consistent (`AtomicStoreOrdering`), a read-modify-write any of the five
    /// (`AtomicUpdateOrdering`). No other operation has an ordering.
    @inlinable public func isValid(for operation: TraceOperation) -> Bool {
        switch operation {
        case .atomicLoad: self.rawValue != 3 && self.rawValue != 4
        case .atomicStore: self.rawValue != 2 && self.rawValue != 4
        case .atomicReadModifyWrite: true
        default: false
        }
    }

    /// The ordering whose code is `argument`, if `operation` may have it: how an atomic event's
    /// argument is read and checked.
    @inlinable public init?(argument: Int64, of operation: TraceOperation) {
        guard let code = UInt8(exactly: argument), let ordering = TraceAtomicOrdering(rawValue: code),
            ordering.isValid(for: operation)
        else { return nil }
        self = ordering
    }

    /// The ordering's name in the text form, as Swift spells it: `relaxed`, `acquiring`, `releasing`,
    /// `acquiringAndReleasing`, `sequentiallyConsistent`.
    public var textName: String { Self.textNames[Int(self.rawValue)] }

    private static let textNames = ["sequentiallyConsistent", "relaxed", "acquiring", "releasing", "acquiringAndReleasing"]

    /// The ordering with the given text-form name, if there is one.
    public init?(textName: some StringProtocol) {
        guard let index = Self.textNames.firstIndex(of: String(textName)) else { return nil }
        self.rawValue = UInt8(index)
    }

    /// The orderings `operation` may have, weakest first, for messages.
    static func orderings(of operation: TraceOperation) -> [TraceAtomicOrdering] {
        [.relaxed, .acquiring, .releasing, .acquiringAndReleasing, .sequentiallyConsistent].filter { $0.isValid(for: operation) }
    }

    public var description: String { self.textName }
}
