/// A first-in-first-out queue in one contiguous array: O(1) amortized append and removal from the
/// front, and the pending elements readable as one buffer (a run of events taken at once).
///
/// Removed elements stay in the array until they are the larger part of it; then the pending ones
/// move to the front. So memory follows what is pending, and each element moves at most a few times
/// in all. Unlike a ring buffer (swift-collections' `Deque`), the pending elements are always
/// contiguous, which is what the ordering's per-thread queues need to hand a run out in one copy.
///
/// The one FIFO of the format module and the replay: the replay's queues of events and clocks, the
/// rule checker's and the ordering's rendezvous senders. Public only so that those modules can
/// inline it (this toolchain does not inline a `package` generic's body into another module).
public struct FIFOQueue<Element> {
    @usableFromInline var storage: [Element] = []
    @usableFromInline var head = 0

    /// An empty queue.
    @inlinable public init() {}

    /// The number of pending elements.
    @inlinable public var count: Int { self.storage.count - self.head }

    /// Whether nothing is pending.
    @inlinable public var isEmpty: Bool { self.head == self.storage.count }

    /// The oldest pending element.
    @inlinable public var first: Element? { self.isEmpty ? nil : self.storage[self.head] }

    /// Adds `element` at the back.
    @inlinable public mutating func append(_ element: Element) {
        self.compactIfWorthIt()
        self.storage.append(element)
    }

    /// Adds `elements` at the back, in order.
    @inlinable public mutating func append(contentsOf elements: some Sequence<Element>) {
        self.compactIfWorthIt()
        self.storage.append(contentsOf: elements)
    }

    /// Removes and returns the oldest pending element, if any.
    @inlinable public mutating func popFirst() -> Element? {
        guard !self.isEmpty else { return nil }
        let element = self.storage[self.head]
        self.removeFirst(1)
        return element
    }

    /// Removes the `count` oldest pending elements (at most ``count``).
    @inlinable public mutating func removeFirst(_ count: Int) {
        precondition(count >= 0 && count <= self.count, "FIFOQueue.removeFirst: more than are pending")
        self.head += count
        if self.head == self.storage.count {
            // Emptied: keep the room of a small queue for the next elements, give a large one's back
            // (a thread's queue that once held a burst must not hold its room for good).
            self.storage.removeAll(keepingCapacity: self.storage.capacity <= Self.keptCapacity)
            self.head = 0
        }
    }

    /// Removes the `count` newest pending elements (at most ``count``).
    @inlinable public mutating func removeLast(_ count: Int) {
        precondition(count >= 0 && count <= self.count, "FIFOQueue.removeLast: more than are pending")
        self.storage.removeLast(count)
        if self.head == self.storage.count { self.removeAll() }
    }

    /// Gives back storage beyond what the pending elements need (after a burst, or a removal from the
    /// back), so that a queue that once held many elements does not keep their room.
    @inlinable public mutating func shrinkToFit() {
        guard self.storage.capacity > 2 * self.count + Self.keptCapacity else { return }
        self.storage = Array(self.storage[self.head...])
        self.head = 0
    }

    /// Removes every pending element, keeping the storage.
    @inlinable public mutating func removeAll() {
        self.storage.removeAll(keepingCapacity: true)
        self.head = 0
    }

    /// Calls `body` with the pending elements, oldest first, without copying them.
    @inlinable public func withPending<Result, Failure: Error>(
        _ body: (UnsafeBufferPointer<Element>) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        try self.storage.withUnsafeBufferPointer { (all) throws(Failure) -> Result in
            try body(UnsafeBufferPointer(rebasing: all[self.head...]))
        }
    }

    /// The pending elements, oldest first.
    @inlinable public var pending: ArraySlice<Element> { self.storage[self.head...] }

    /// Changes the pending element at `offset` from the front (0 is ``first``).
    @inlinable public mutating func modify<Result, Failure: Error>(
        at offset: Int,
        _ body: (inout Element) throws(Failure) -> Result
    ) throws(Failure) -> Result {
        precondition(offset >= 0 && offset < self.count, "FIFOQueue index out of range")
        return try body(&self.storage[self.head + offset])
    }

    /// The room an emptied queue keeps: enough for a batch of events, little across many threads.
    @inlinable static var keptCapacity: Int { 1024 }

    // Compact when the removed prefix is the larger part, so that memory follows what is pending.
    @inlinable mutating func compactIfWorthIt() {
        if self.head > 64 && self.head * 2 > self.storage.count {
            if self.storage.capacity > 4 * self.count + Self.keptCapacity {
                self.storage = Array(self.storage[self.head...])
            } else {
                self.storage.removeFirst(self.head)
            }
            self.head = 0
        }
    }
}

extension FIFOQueue: Sendable where Element: Sendable {}
