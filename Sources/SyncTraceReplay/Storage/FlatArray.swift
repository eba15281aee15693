/// An array of elements in memory it owns alone, for the replay's tables that are read and written
/// on every event (per object, per thread, per clock slot).
///
/// A Swift `Array` stored in a class pays, on every write, a uniqueness check and often a retain and
/// release of its buffer; on the replay's hot path (one or two table writes per event, tens of
/// millions of events) that is most of the cost of the write. `FlatArray` is not copyable, so its
/// storage has exactly one owner and a write is a store: no copy-on-write, no reference counting.
/// Every access is bounds-checked, like an array's; growing moves the elements into new storage, and
/// because the type hands out no pointers, nothing can keep using the old storage — the one way the
/// hand-grown buffers it replaces went wrong (a pointer loaded before a growth, stored through after).
///
/// ```swift
/// var flags = FlatArray<Bool>()
/// flags.grow(to: 64, filling: false)
/// flags[3] = true
/// ```
public struct FlatArray<Element>: ~Copyable {
    @usableFromInline var base: UnsafeMutablePointer<Element>
    @usableFromInline var storedCount: Int
    @usableFromInline var capacity: Int

    /// An empty array.
    public init() {
        self.base = UnsafeMutablePointer<Element>.allocate(capacity: 0)
        self.storedCount = 0
        self.capacity = 0
    }

    deinit {
        self.base.deinitialize(count: self.storedCount)
        self.base.deallocate()
    }

    /// The number of elements.
    @inlinable public var count: Int { self.storedCount }

    /// Whether there are no elements.
    @inlinable public var isEmpty: Bool { self.storedCount == 0 }

    /// The element at `index`, which must be in `0..<count`.
    @inlinable public subscript(index: Int) -> Element {
        // Yielded rather than returned: a caller that only reads the element (a field of it, or an
        // argument passed on) borrows it in place, with no copy and, for an element holding a
        // reference, no retain and release.
        _read {
            self.checkIndex(index)
            yield self.base[index]
        }
        _modify {
            self.checkIndex(index)
            yield &self.base[index]
        }
    }

    /// Stops the program if `index` is out of bounds (one unsigned compare).
    @inlinable @inline(__always) func checkIndex(_ index: Int) {
        precondition(UInt(bitPattern: index) < UInt(bitPattern: self.storedCount), "FlatArray index out of range")
    }

    /// Adds `element` at the end.
    public mutating func append(_ element: Element) {
        if self.storedCount == self.capacity { self.reserve(self.storedCount + 1) }
        (self.base + self.storedCount).initialize(to: element)
        self.storedCount += 1
    }

    /// Makes the array at least `count` long, new elements being `value`.
    public mutating func grow(to count: Int, filling value: Element) {
        guard count > self.storedCount else { return }
        self.reserve(count)
        (self.base + self.storedCount).initialize(repeating: value, count: count - self.storedCount)
        self.storedCount = count
    }

    /// Removes every element, keeping the storage.
    public mutating func removeAll() {
        self.base.deinitialize(count: self.storedCount)
        self.storedCount = 0
    }

    /// Makes room for `minimum` elements, doubling the capacity at least (so appends are amortized
    /// O(1)), and moves the elements into the new storage.
    private mutating func reserve(_ minimum: Int) {
        guard minimum > self.capacity else { return }
        let capacity = max(minimum, self.capacity * 2, 16)
        let grown = UnsafeMutablePointer<Element>.allocate(capacity: capacity)
        grown.moveInitialize(from: self.base, count: self.storedCount)
        self.base.deallocate()
        self.base = grown
        self.capacity = capacity
    }
}
