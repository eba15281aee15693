/// Storage for up to ``capacity`` elements that one owner holds alone: the one place in
/// `SyncTraceFormat` that allocates, grows and frees raw memory. The byte sinks, the line splitter,
/// the LZ4 frame buffers and the encoder's sequence table keep their bytes in one.
///
/// The buffer does not know which of its elements are initialized; its owner does, and says how many
/// to keep when it grows. It is not copyable, so the storage has exactly one owner and is freed
/// exactly once. ``base`` changes when the buffer grows: a pointer taken before a growth must not be
/// used after it.
struct RawBuffer<Element: BitwiseCopyable>: ~Copyable {
    /// The first element's address (valid until the next growth).
    private(set) var base: UnsafeMutablePointer<Element>
    /// How many elements fit.
    private(set) var capacity: Int

    /// Storage for `capacity` elements (at least one), uninitialized.
    init(capacity: Int) {
        self.capacity = max(capacity, 1)
        self.base = .allocate(capacity: self.capacity)
    }

    deinit {
        self.base.deallocate()
    }

    /// Makes room for at least `minimum` elements, at least doubling the capacity when it grows (so
    /// that growing one element at a time is amortized O(1)), and keeps the first `preserved`
    /// elements; the rest of the new storage is uninitialized. Nothing happens if it fits already.
    mutating func reserve(_ minimum: Int, preserving preserved: Int) {
        guard minimum > self.capacity else { return }
        precondition(preserved >= 0 && preserved <= self.capacity, "RawBuffer: preserving more than it holds")
        var newCapacity = max(self.capacity * 2, 1)
        while newCapacity < minimum { newCapacity *= 2 }
        let grown = UnsafeMutablePointer<Element>.allocate(capacity: newCapacity)
        grown.update(from: self.base, count: preserved)
        self.base.deallocate()
        self.base = grown
        self.capacity = newCapacity
    }
}
