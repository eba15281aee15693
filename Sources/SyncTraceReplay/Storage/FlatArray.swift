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
        self.base = Self.allocate(0)
        self.storedCount = 0
        self.capacity = 0
    }

    deinit {
        self.base.deinitialize(count: self.storedCount)
        UnsafeMutableRawPointer(self.base).deallocate()
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

    /// Loads the cache lines element `index` spans (nothing for an index out of bounds) and
    /// returns a byte of each, combined: what a plugin calls for the elements a batch of events
    /// will touch, all of them before handling the first event, so that the memory system fetches
    /// those lines in parallel (many misses in flight at once) instead of one miss per event, each
    /// waited for in turn. The caller keeps the result (stores it somewhere), so that the loads are
    /// not optimized away; the value itself means nothing.
    @inlinable public func warm(_ index: Int) -> UInt8 {
        guard UInt(bitPattern: index) < UInt(bitPattern: self.storedCount) else { return 0 }
        let start = UnsafeRawPointer(self.base + index)
        let size = MemoryLayout<Element>.size
        // A load of the first byte, then one per further line the element reaches into.
        var combined = start.load(as: UInt8.self)
        var offset = 64 - Int(UInt(bitPattern: start) & 63)
        while offset < size {
            combined ^= start.load(fromByteOffset: offset, as: UInt8.self)
            offset += 64
        }
        return combined
    }

    /// Calls `body` with the storage's address, for the tests of its alignment (nothing else may
    /// hold on to it: growing moves the elements).
    func withBaseAddressForTests<Result>(_ body: (UnsafeRawPointer) -> Result) -> Result {
        body(UnsafeRawPointer(self.base))
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

    /// Storage for `capacity` elements, starting on a cache line: a table of elements of 16, 32, 64 or
    /// 128 bytes then never has one straddle two lines more than its size needs (from an allocator's
    /// 16-byte alignment, a 128-byte element touches three lines as often as two), and each access of
    /// an element costs the fewest cache misses its size allows.
    private static func allocate(_ capacity: Int) -> UnsafeMutablePointer<Element> {
        let alignment = max(MemoryLayout<Element>.alignment, Self.cacheLine)
        return UnsafeMutableRawPointer.allocate(byteCount: capacity * MemoryLayout<Element>.stride, alignment: alignment)
            .bindMemory(to: Element.self, capacity: capacity)
    }

    /// The cache line size of the machines the replay runs on (x86-64, and Apple's and most other
    /// arm64 cores' L1; where it is 128 bytes, 64-byte alignment still halves the straddles).
    private static var cacheLine: Int { 64 }

    /// Makes room for `minimum` elements, doubling the capacity at least (so appends are amortized
    /// O(1)), and moves the elements into the new storage.
    private mutating func reserve(_ minimum: Int) {
        guard minimum > self.capacity else { return }
        let capacity = max(minimum, self.capacity * 2, 16)
        let grown = Self.allocate(capacity)
        grown.moveInitialize(from: self.base, count: self.storedCount)
        UnsafeMutableRawPointer(self.base).deallocate()
        self.base = grown
        self.capacity = capacity
    }
}
