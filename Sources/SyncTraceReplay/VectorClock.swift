import SyncTraceFormat

/// A vector clock: for each thread, how many of its synchronization epochs are known to have
/// happened before. Entries a clock does not store are zero.
///
/// Entries are by slot (``ClockSlot``) rather than by thread: a thread that starts after another has
/// finished (and been joined) may count its epochs in that thread's slot, above every epoch the
/// other used, which keeps clocks as wide as the threads that overlap.
///
/// ## Two representations
///
/// A clock is stored one of two ways, and switches by itself:
/// - **dense**: one entry per slot up to the highest it has heard of — what a program with a few
///   threads uses, where every operation is a load or a loop over a handful of words;
/// - **sparse**: the non-zero entries only, as (slot, value) pairs sorted by slot — what a thread
///   of a program with many threads uses when it knows only a few of them (a task forked by `main`
///   knows `main` and itself, whatever its slot). Its memory is its number of non-zero entries, so
///   a hundred thousand short-lived threads cost a hundred thousand small clocks, not a square.
///
/// Clocks of at most `denseWidthLimit` slots are always dense. A wider one is sparse while at
/// most a quarter of its entries are non-zero (a pair costs two words, a dense entry one: the
/// factor two between the thresholds keeps a clock from switching back and forth at the boundary),
/// and becomes dense when more are. Only a clock's values count: a sparse and a dense clock with the
/// same entries are equal.
public struct VectorClock: Hashable, Sendable, CustomStringConvertible {
    /// Dense: the entry of each slot (index = slot). Sparse: `slot, value` pairs, sorted by slot,
    /// values non-zero.
    @usableFromInline var storage: [UInt32]
    /// Which of the two the storage holds.
    @usableFromInline var isSparse: Bool

    /// Clocks this wide or narrower are always dense: for them a dense clock is never large.
    @usableFromInline static let denseWidthLimit = 64

    /// An empty clock (every entry zero).
    public init() {
        self.storage = []
        self.isSparse = false
    }

    /// The entries, indexed by slot (``ClockSlot/index``), up to the highest the clock stores;
    /// entries beyond are zero. Built for a sparse clock (its width in words): read
    /// ``subscript(slot:)`` instead to look up a few.
    public var entries: [UInt32] {
        guard self.isSparse else { return self.storage }
        var dense = [UInt32](repeating: 0, count: self.width)
        self.forEachNonZero { slot, value in dense[slot] = value }
        return dense
    }

    /// The entry at `slot` (see ``HappensBefore/slot(of:)``). There is deliberately no subscript by
    /// thread: once slots are reused, a thread's index is not its slot.
    @inlinable public subscript(slot slot: ClockSlot) -> UInt32 {
        self[slotIndex: slot.index]
    }

    /// The entry at position `slot`: the engine's own indexing, which works in slot positions.
    @inlinable subscript(slotIndex slot: Int) -> UInt32 {
        if !self.isSparse { return slot < self.storage.count ? self.storage[slot] : 0 }
        return self.sparseEntry(slot)
    }

    /// Sets the entry at `slot`.
    @inlinable mutating func set(slot: Int, to value: UInt32) {
        if !self.isSparse && slot < self.storage.count {
            self.storage[slot] = value
        } else {
            self.setSlowly(slot: slot, to: value)
        }
    }

    /// Advances the entry at `slot` by one.
    @inlinable mutating func tick(slot: Int) {
        if !self.isSparse && slot < self.storage.count {
            self.storage[slot] &+= 1
        } else {
            self.setSlowly(slot: slot, to: self[slotIndex: slot] &+ 1)
        }
    }

    /// Takes the pointwise maximum with `other`: afterwards this clock knows everything `other` knew.
    @inlinable public mutating func join(_ other: VectorClock) {
        if self.joinsDensely(other) {
            Self.joinDense(&self.storage, other.storage)
        } else {
            self.joinMixed(other)
        }
    }

    // Joins and copies between clocks in two tables (a thread's, an object's): through the stored
    // words of both, the writable one made unique first. `mine.join(theirs)` with `theirs` read from
    // a table retains its storage for the call (the uniqueness step of `mine` could, as far as the
    // compiler knows, free it); borrowed inside `withMutableStoredWords`, it is not.

    /// Whether `join(other)` can take the dense path: both dense, `other` no wider.
    @inlinable func joinsDensely(_ other: borrowing VectorClock) -> Bool {
        !self.isSparse && !other.isSparse && other.storage.count <= self.storage.count
    }

    /// Whether `assign(other)` can copy `other`'s words into this clock's storage.
    @inlinable func storesLike(_ other: borrowing VectorClock) -> Bool {
        self.isSparse == other.isSparse && self.storage.count == other.storage.count
    }

    /// Calls `body` with the clock's stored words (a dense clock's entries), writable, its storage
    /// made unique first.
    @inlinable mutating func withMutableStoredWords<R>(_ body: (UnsafeMutableBufferPointer<UInt32>) -> R) -> R {
        self.storage.withUnsafeMutableBufferPointer { body($0) }
    }

    /// Calls `body` with the clock's stored words, read-only.
    @inlinable func withStoredWords<R>(_ body: (UnsafeBufferPointer<UInt32>) -> R) -> R {
        self.storage.withUnsafeBufferPointer(body)
    }

    /// `mine[i] = max(mine[i], theirs[i])` for each entry of `theirs`, which is no longer than `mine`.
    @inlinable static func joinDense(_ mine: UnsafeMutableBufferPointer<UInt32>, _ theirs: UnsafeBufferPointer<UInt32>) {
        // Every entry stored, changed or not: a loop without a branch, which the compiler turns into
        // vector maxima (a join on every acquire; a conditional store per entry kept it scalar).
        let count = theirs.count
        precondition(count <= mine.count, "joinDense: the other clock is wider")
        guard let mine = mine.baseAddress, let theirs = theirs.baseAddress else { return }
        for index in 0..<count { mine[index] = max(mine[index], theirs[index]) }
    }

    /// `mine[i] = theirs[i]` for each word of `theirs`, which is as long as `mine`.
    @inlinable static func copyWords(_ mine: UnsafeMutableBufferPointer<UInt32>, _ theirs: UnsafeBufferPointer<UInt32>) {
        for index in 0..<theirs.count { mine[index] = theirs[index] }
    }

    /// Becomes a copy of `other`, reusing this clock's storage when it has the room, so that
    /// publishing a clock does not share (and later copy) the publisher's storage.
    @inlinable mutating func assign(_ other: VectorClock) {
        guard self.storesLike(other) else {
            self.storage = other.storage
            self.isSparse = other.isSparse
            return
        }
        self.storage.withUnsafeMutableBufferPointer { mine in
            other.storage.withUnsafeBufferPointer { theirs in Self.copyWords(mine, theirs) }
        }
    }

    /// Whether every entry of this clock is at most the same entry of `other`.
    public func isBeforeOrEqual(_ other: VectorClock) -> Bool {
        var before = true
        self.forEachNonZero { slot, value in
            if before && value > other[slotIndex: slot] { before = false }
        }
        return before
    }

    /// The words the clock stores its entries in (a dense clock's width, twice a sparse one's
    /// non-zero entries): what it costs in memory, beyond its fixed part.
    var storedWords: Int { self.storage.count }

    /// Whether the clock is stored sparse (see the type's documentation).
    var storesSparse: Bool { self.isSparse }

    /// One more than the highest slot with a non-zero entry (or stored, for a dense clock).
    var width: Int {
        guard self.isSparse else { return self.storage.count }
        return self.storage.isEmpty ? 0 : Int(self.storage[self.storage.count - 2]) + 1
    }

    /// Stores the clock sparse if that takes less than half the memory of dense (see the type's
    /// documentation): for a clock that will be kept but not advanced much, a finished thread's.
    mutating func compact() {
        guard !self.isSparse, self.storage.count > Self.denseWidthLimit else { return }
        let nonZero = self.storage.reduce(0) { $0 + ($1 != 0 ? 1 : 0) }
        if 4 * nonZero <= self.storage.count { self.makeSparse() }
    }

    /// Calls `body` with each non-zero entry, in slot order.
    func forEachNonZero(_ body: (Int, UInt32) -> Void) {
        if self.isSparse {
            for pair in stride(from: 0, to: self.storage.count, by: 2) { body(Int(self.storage[pair]), self.storage[pair + 1]) }
        } else {
            for (slot, value) in self.storage.enumerated() where value != 0 { body(slot, value) }
        }
    }

    // MARK: Dense

    /// `mine[i] = max(mine[i], theirs[i])` for each entry of `theirs`, which is no longer than `mine`.
    @inlinable static func joinDense(_ mine: inout [UInt32], _ theirs: [UInt32]) {
        mine.withUnsafeMutableBufferPointer { mine in
            theirs.withUnsafeBufferPointer { theirs in Self.joinDense(mine, theirs) }
        }
    }

    /// Makes a dense clock at least `count` entries wide.
    private mutating func growDense(to count: Int) {
        if count > self.storage.count {
            self.storage.append(contentsOf: repeatElement(0, count: count - self.storage.count))
        }
    }

    private mutating func makeSparse() {
        var pairs: [UInt32] = []
        self.forEachNonZero { slot, value in pairs.append(UInt32(slot)); pairs.append(value) }
        self.storage = pairs
        self.isSparse = true
    }

    private mutating func makeDense(width: Int) {
        var dense = [UInt32](repeating: 0, count: max(width, self.width))
        self.forEachNonZero { slot, value in dense[slot] = value }
        self.storage = dense
        self.isSparse = false
    }

    /// Whether a clock `width` slots wide with `nonZero` non-zero entries is best stored dense.
    private static func prefersDense(width: Int, nonZero: Int) -> Bool {
        width <= Self.denseWidthLimit || 4 * nonZero > width
    }

    // MARK: Sparse

    /// Where `slot`'s pair is in a sparse clock (its index in pairs), or where it would go.
    private func sparseIndex(_ slot: Int) -> (index: Int, found: Bool) {
        var low = 0
        var high = self.storage.count / 2
        while low < high {
            let middle = (low + high) / 2
            let stored = Int(self.storage[2 * middle])
            if stored == slot { return (middle, true) }
            if stored < slot { low = middle + 1 } else { high = middle }
        }
        return (low, false)
    }

    @usableFromInline func sparseEntry(_ slot: Int) -> UInt32 {
        let (index, found) = self.sparseIndex(slot)
        return found ? self.storage[2 * index + 1] : 0
    }

    /// `set(slot:to:)` when the entry is not a stored dense one: a dense clock growing, or a sparse one.
    @usableFromInline mutating func setSlowly(slot: Int, to value: UInt32) {
        if !self.isSparse {
            if Self.prefersDense(width: slot + 1, nonZero: self.nonZeroCount + 1) {
                self.growDense(to: slot + 1)
                self.storage[slot] = value
                return
            }
            self.makeSparse()
        }
        let (index, found) = self.sparseIndex(slot)
        if found {
            if value != 0 {
                self.storage[2 * index + 1] = value
            } else {
                self.storage.removeSubrange(2 * index..<2 * index + 2)
            }
            return
        }
        guard value != 0 else { return }
        self.storage.insert(contentsOf: [UInt32(slot), value], at: 2 * index)
        self.densifyIfFull()
    }

    /// The number of non-zero entries.
    var nonZeroCount: Int {
        self.isSparse ? self.storage.count / 2 : self.storage.reduce(0) { $0 + ($1 != 0 ? 1 : 0) }
    }

    /// A sparse clock whose pairs would take more than half of its dense width becomes dense.
    private mutating func densifyIfFull() {
        if self.isSparse, Self.prefersDense(width: self.width, nonZero: self.storage.count / 2) {
            self.makeDense(width: self.width)
        }
    }

    /// `join(_:)` when either clock is sparse, or `other` is the wider dense one.
    @usableFromInline mutating func joinMixed(_ other: VectorClock) {
        if !other.isSparse {
            // A dense `other` is the wider: the result has at least its non-zero entries.
            if !self.isSparse || Self.prefersDense(width: max(other.storage.count, self.width), nonZero: max(other.nonZeroCount, self.nonZeroCount)) {
                if self.isSparse { self.makeDense(width: other.storage.count) } else { self.growDense(to: other.storage.count) }
                Self.joinDense(&self.storage, other.storage)
                return
            }
            var sparseOther = other
            sparseOther.makeSparse()
            self.joinSparse(sparseOther.storage)
            return
        }
        if !self.isSparse {
            let width = max(self.storage.count, other.width)
            if width <= self.storage.count || Self.prefersDense(width: width, nonZero: self.nonZeroCount + other.storage.count / 2) {
                self.growDense(to: width)
                self.storage.withUnsafeMutableBufferPointer { mine in
                    for pair in stride(from: 0, to: other.storage.count, by: 2) {
                        let slot = Int(other.storage[pair])
                        if other.storage[pair + 1] > mine[slot] { mine[slot] = other.storage[pair + 1] }
                    }
                }
                return
            }
            self.makeSparse()
        }
        self.joinSparse(other.storage)
    }

    /// Merges the sorted pairs `theirs` into this sparse clock's, keeping each slot's maximum: in
    /// place, from the back, after growing by the pairs this clock lacks (no new storage when its
    /// capacity has the room).
    private mutating func joinSparse(_ theirs: [UInt32]) {
        // How many of their slots are missing here (both lists are sorted).
        var missing = 0
        var mine = 0
        var their = 0
        let myCount = self.storage.count
        while their < theirs.count {
            if mine < myCount && self.storage[mine] < theirs[their] {
                mine += 2
            } else {
                if mine >= myCount || self.storage[mine] != theirs[their] { missing += 1 } else { mine += 2 }
                their += 2
            }
        }
        self.storage.append(contentsOf: repeatElement(0, count: 2 * missing))
        self.storage.withUnsafeMutableBufferPointer { pairs in
            var mine = myCount - 2
            var their = theirs.count - 2
            var out = pairs.count - 2
            while their >= 0 {
                if mine >= 0 && pairs[mine] > theirs[their] {
                    pairs[out] = pairs[mine]
                    pairs[out + 1] = pairs[mine + 1]
                    mine -= 2
                } else if mine >= 0 && pairs[mine] == theirs[their] {
                    pairs[out] = pairs[mine]
                    pairs[out + 1] = max(pairs[mine + 1], theirs[their + 1])
                    mine -= 2
                    their -= 2
                } else {
                    pairs[out] = theirs[their]
                    pairs[out + 1] = theirs[their + 1]
                    their -= 2
                }
                out -= 2
            }
            // What is left of this clock's pairs below `out` is already in place.
        }
        self.densifyIfFull()
    }

    // MARK: Equality

    public static func == (lhs: VectorClock, rhs: VectorClock) -> Bool {
        if lhs.isSparse == rhs.isSparse && lhs.storage == rhs.storage { return true }
        return lhs.isBeforeOrEqual(rhs) && rhs.isBeforeOrEqual(lhs)
    }

    public func hash(into hasher: inout Hasher) {
        self.forEachNonZero { slot, value in
            hasher.combine(slot)
            hasher.combine(value)
        }
    }

    public var description: String { "[" + self.entries.map(String.init).joined(separator: ", ") + "]" }
}
