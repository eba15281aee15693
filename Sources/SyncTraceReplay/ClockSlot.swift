/// An entry of a ``VectorClock``: the position that counts one thread's epochs.
///
/// Not a `ThreadID`: happens-before hands a finished (and joined) thread's slot on to a thread that
/// starts after it, so one slot counts several threads' epochs, one thread after another, and slot
/// numbers and thread numbers part ways as soon as a slot is reused. Ask ``HappensBefore/slot(of:)``
/// for a thread's slot; a clock is read with ``VectorClock/subscript(slot:)`` only, so that a thread
/// cannot be used where a slot is meant.
public struct ClockSlot: Hashable, Comparable, Sendable, CustomStringConvertible {
    /// The slot's position in a clock's entries (see ``VectorClock/entries``).
    public let index: Int

    /// The slot at position `index`; happens-before makes slots, a plugin only passes them on.
    @inlinable init(index: Int) {
        self.index = index
    }

    /// Orders slots by position.
    public static func < (lhs: ClockSlot, rhs: ClockSlot) -> Bool { lhs.index < rhs.index }

    public var description: String { "slot \(self.index)" }
}
