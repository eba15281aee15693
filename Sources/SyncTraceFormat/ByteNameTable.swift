/// How a ``ByteNameTable`` hashes its keys. A parameter so that tests can make every name collide.
protocol ByteStringHash {
    /// A hash of `bytes`, whose ``ShortKey`` is `key`; equal byte strings must hash equally.
    static func hash(_ key: ShortKey, _ bytes: UnsafeBufferPointer<UInt8>) -> UInt64
}

/// A hash that folds 128-bit products of words: a short string's hash is its ``ShortKey``'s two
/// words multiplied, a longer one reads every eight bytes. Every input bit reaches the low bits that
/// pick a slot (names that differ only in their last byte must not share one); a byte-at-a-time hash
/// would cost more than the rest of a line's parse.
enum WordMixingHash: ByteStringHash {
    @inline(__always) private static var seeds: (UInt64, UInt64) { (0xA076_1D64_78BD_642F, 0xE703_7ED1_A0B4_28DB) }

    @inline(__always)
    static func hash(_ key: ShortKey, _ bytes: UnsafeBufferPointer<UInt8>) -> UInt64 {
        let length = UInt64(truncatingIfNeeded: key.count)
        if key.isWhole {
            return Self.fold(key.first ^ Self.seeds.0, key.last ^ Self.seeds.1 ^ length)
        }
        let raw = UnsafeRawPointer(bytes.baseAddress!)
        var hash = length
        var offset = 0
        while offset + 8 <= key.count {
            hash = Self.fold(hash ^ raw.loadUnaligned(fromByteOffset: offset, as: UInt64.self) ^ Self.seeds.0, Self.seeds.1)
            offset += 8
        }
        // The last one to seven bytes are in the key's last word.
        return Self.fold(hash ^ key.last ^ Self.seeds.0, Self.seeds.1)
    }

    /// The high and low halves of the full product, xored.
    @inline(__always)
    private static func fold(_ left: UInt64, _ right: UInt64) -> UInt64 {
        let product = left.multipliedFullWidth(by: right)
        return product.high ^ product.low
    }
}

/// Interns byte strings: numbers each distinct one densely from zero in order of first insertion.
///
/// Open addressing with linear probing over a power-of-two slot array at most three quarters full.
/// A slot holds its key's ``ShortKey`` and number, so that a probe reads one place: for keys of up
/// to 16 bytes (names, most locations) comparing slots is comparing bytes; longer keys' bytes are
/// compared in the arena that holds every key.
struct ByteNameTable<Hash: ByteStringHash> {
    /// A key's words, length and number plus one (zero: an empty slot).
    private struct Slot {
        var first: UInt64 = 0
        var last: UInt64 = 0
        var count: UInt32 = 0
        var numberPlusOne: UInt32 = 0

        @inline(__always)
        func holds(_ key: ShortKey) -> Bool {
            self.first == key.first && self.last == key.last && Int(self.count) == key.count
        }
    }

    /// Where each key's bytes start in ``arena``, and the arena's end after the last key.
    private var starts: [Int] = [0]
    /// Each key's hash, to place it again when the slots grow.
    private var hashes: [UInt64] = []
    private var arena: [UInt8] = []
    private var slots: [Slot]
    private var mask: Int

    /// The number of distinct keys.
    var count: Int { self.hashes.count }

    /// Creates an empty table with room for `capacity` keys before it grows.
    init(capacity: Int = 64) {
        var slotCount = 16
        while slotCount * 3 < capacity * 4 { slotCount *= 2 }
        self.slots = Array(repeating: Slot(), count: slotCount)
        self.mask = slotCount - 1
    }

    /// The key's number, if the table has it.
    func find(_ key: UnsafeBufferPointer<UInt8>) -> Int? {
        let short = ShortKey(key)
        return self.probe(key, short, hash: Hash.hash(short, key)).number
    }

    /// The key's number, inserting it (with the next number) when it is new.
    mutating func insert(_ key: UnsafeBufferPointer<UInt8>) -> (index: Int, inserted: Bool) {
        self.insert(key, short: ShortKey(key))
    }

    /// The key's number, inserting it when it is new; `short` is the key's ``ShortKey``.
    @inline(__always)
    mutating func insert(_ key: UnsafeBufferPointer<UInt8>, short: ShortKey) -> (index: Int, inserted: Bool) {
        precondition(key.count <= Int(UInt32.max), "a name of 4 GiB or more")
        let hash = Hash.hash(short, key)
        let (slot, found) = self.probe(key, short, hash: hash)
        if let found { return (found, false) }
        let index = self.hashes.count
        precondition(index < Int(UInt32.max), "more than 2^32 - 1 distinct names")
        self.hashes.append(hash)
        self.arena.append(contentsOf: key)
        self.starts.append(self.arena.count)
        self.slots[slot] = Slot(first: short.first, last: short.last, count: UInt32(short.count), numberPlusOne: UInt32(index + 1))
        if self.hashes.count * 4 > self.slots.count * 3 { self.grow() }
        return (index, true)
    }

    /// The bytes of key number `index`.
    func key(_ index: Int) -> [UInt8] {
        Array(self.arena[self.starts[index]..<self.starts[index + 1]])
    }

    /// The slot that holds the key and its number, or the empty slot where it belongs and `nil`.
    @inline(__always)
    private func probe(_ key: UnsafeBufferPointer<UInt8>, _ short: ShortKey, hash: UInt64) -> (slot: Int, number: Int?) {
        var slot = Int(truncatingIfNeeded: hash) & self.mask
        while true {
            let entry = self.slots[slot]
            if entry.numberPlusOne == 0 { return (slot, nil) }
            if entry.holds(short) {
                let number = Int(entry.numberPlusOne) - 1
                if short.isWhole || self.arenaEquals(number, key) { return (slot, number) }
            }
            slot = (slot + 1) & self.mask
        }
    }

    private func arenaEquals(_ index: Int, _ key: UnsafeBufferPointer<UInt8>) -> Bool {
        let start = self.starts[index]
        return self.arena.withUnsafeBytes { arena in
            Self.bytesEqual(arena.baseAddress! + start, UnsafeRawPointer(key.baseAddress!), count: key.count)
        }
    }

    /// Compares eight bytes at a time, inline (only long keys get here).
    @inline(__always)
    private static func bytesEqual(_ left: UnsafeRawPointer, _ right: UnsafeRawPointer, count: Int) -> Bool {
        var offset = 0
        while offset + 8 <= count {
            if left.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
                != right.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            {
                return false
            }
            offset += 8
        }
        while offset < count {
            if left.load(fromByteOffset: offset, as: UInt8.self) != right.load(fromByteOffset: offset, as: UInt8.self) {
                return false
            }
            offset += 1
        }
        return true
    }

    /// Doubles the slots and places every key again from its stored hash (no key is hashed twice).
    private mutating func grow() {
        let slotCount = self.slots.count * 2
        self.mask = slotCount - 1
        var slots = [Slot](repeating: Slot(), count: slotCount)
        for old in self.slots where old.numberPlusOne != 0 {
            var slot = Int(truncatingIfNeeded: self.hashes[Int(old.numberPlusOne) - 1]) & self.mask
            while slots[slot].numberPlusOne != 0 { slot = (slot + 1) & self.mask }
            slots[slot] = old
        }
        self.slots = slots
    }
}
