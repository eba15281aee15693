/// A hash table from a pair of locks (`from`, `to`) to a `UInt32`, by open addressing with linear
/// probing over two flat arrays.
///
/// The lock-order graph looks up a pair for every lock held at every acquisition — 2 million times
/// for one thread nesting 2,000 locks — and `Dictionary` spends most of that time in SipHash; a
/// multiplicative hash of the packed pair is enough here (the keys are lock numbers, not input an
/// adversary picks), and a key and a 32-bit value take 12 bytes a bucket.
struct PairTable {
    /// Marks a free bucket: no pair has `from == to`, so this one (`UInt32.max` twice) never occurs.
    private static let free = UInt64.max

    private var keys: [UInt64]
    private var values: [UInt32]
    private var mask: Int
    /// How many pairs are stored.
    private(set) var count = 0

    /// An empty table.
    init() {
        self.keys = [UInt64](repeating: Self.free, count: 16)
        self.values = [UInt32](repeating: 0, count: 16)
        self.mask = 15
    }

    /// Where a pair is, or would go: valid until the next ``insert(_:at:)``.
    struct Bucket {
        fileprivate var position: Int
        /// Whether the pair is stored there.
        var found: Bool
    }

    private static func key(_ from: UInt32, _ to: UInt32) -> UInt64 { UInt64(from) << 32 | UInt64(to) }

    private func start(_ key: UInt64) -> Int {
        Int(truncatingIfNeeded: BitMixing.scramble(key)) & self.mask
    }

    /// Finds the pair's bucket.
    func bucket(from: UInt32, to: UInt32) -> Bucket {
        let key = Self.key(from, to)
        var position = self.start(key)
        while true {
            let stored = self.keys[position]
            if stored == key { return Bucket(position: position, found: true) }
            if stored == Self.free { return Bucket(position: position, found: false) }
            position = (position + 1) & self.mask
        }
    }

    /// The value in a bucket ``bucket(from:to:)`` found.
    func value(at bucket: Bucket) -> UInt32 { self.values[bucket.position] }

    /// The pair's value, if it is stored.
    subscript(from: UInt32, to: UInt32) -> UInt32? {
        let bucket = self.bucket(from: from, to: to)
        return bucket.found ? self.values[bucket.position] : nil
    }

    /// Stores `value` for the pair in `bucket` (found by ``bucket(from:to:)`` just before).
    mutating func insert(_ value: UInt32, from: UInt32, to: UInt32, at bucket: Bucket) {
        if bucket.found {
            self.values[bucket.position] = value
            return
        }
        self.keys[bucket.position] = Self.key(from, to)
        self.values[bucket.position] = value
        self.count += 1
        // At most half full: probes stay short.
        if self.count * 2 > self.keys.count { self.grow() }
    }

    private mutating func grow() {
        let oldKeys = self.keys
        let oldValues = self.values
        self.keys = [UInt64](repeating: Self.free, count: oldKeys.count * 2)
        self.values = [UInt32](repeating: 0, count: oldKeys.count * 2)
        self.mask = self.keys.count - 1
        for (position, key) in oldKeys.enumerated() where key != Self.free {
            var target = self.start(key)
            while self.keys[target] != Self.free { target = (target + 1) & self.mask }
            self.keys[target] = key
            self.values[target] = oldValues[position]
        }
    }

    /// Every stored pair with its value, in no particular order.
    func forEach(_ body: (_ from: UInt32, _ to: UInt32, _ value: UInt32) -> Void) {
        for (position, key) in self.keys.enumerated() where key != Self.free {
            body(UInt32(truncatingIfNeeded: key >> 32), UInt32(truncatingIfNeeded: key), self.values[position])
        }
    }
}
