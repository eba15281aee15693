import SyncTraceFormat

/// The trace's string id of each call site the writer has met, by the site's `#fileID` literal
/// address and line.
///
/// The writer resolves a call site for nearly every event, so the common case must cost a few
/// instructions: a direct-mapped cache indexed by a multiply of the key (no `Hasher`, which was a
/// third of the writer's time), backed by a dictionary for the sites the cache evicts. A site's text
/// is built and interned only the first time it is met.
///
/// Used by the writer thread only.
struct CallSiteTable {
    /// One cached site: the literal's address (0: empty slot), the line, and the trace's id.
    private struct Slot {
        var file: UInt = 0
        var line: UInt32 = 0
        var id: UInt32 = 0
    }

    /// A power of two: a program's hot sites are far fewer, so collisions are rare.
    private static let slotCount = 4096
    private var slots = [Slot](repeating: Slot(), count: CallSiteTable.slotCount)
    /// Every site met, for the ones the cache has evicted.
    private var known: [Key: UInt32] = [:]

    private struct Key: Hashable {
        var file: UInt
        var line: UInt32
    }

    init() {}

    /// The slot `file` (a `#fileID` literal's first byte) and `line` are cached in.
    @inline(__always)
    private static func slot(file: UInt, line: UInt32) -> Int {
        // Fibonacci hashing of address and line: the high bits of one multiply pick the slot.
        let mixed = (UInt64(file) ^ (UInt64(line) &<< 40)) &* 0x9E37_79B9_7F4A_7C15
        return Int(truncatingIfNeeded: mixed >> 52)
    }

    /// The id of the site at `file` and `line` if the cache holds it: the writer's per-event path.
    @inline(__always)
    func cachedID(file: UnsafeRawPointer, line: UInt32) -> UInt32? {
        let address = UInt(bitPattern: file)
        let index = Self.slot(file: address, line: line)
        return self.slots.withUnsafeBufferPointer { slots in
            slots[index].file == address && slots[index].line == line ? slots[index].id : nil
        }
    }

    /// The id of the site at `file` (`length` bytes of a `#fileID` literal) and `line`, interning its
    /// text through `intern` the first time the table meets it; the site is cached from then on.
    mutating func resolve(
        file: UnsafeRawPointer,
        length: Int,
        line: UInt32,
        intern: (String) throws(TraceIOError) -> UInt32
    ) throws(TraceIOError) -> UInt32 {
        let address = UInt(bitPattern: file)
        let key = Key(file: address, line: line)
        let id: UInt32
        if let known = self.known[key] {
            id = known
        } else {
            let bytes = UnsafeBufferPointer(start: file.assumingMemoryBound(to: UInt8.self), count: length)
            id = try intern("\(String(decoding: bytes, as: UTF8.self)):\(line)")
            self.known[key] = id
        }
        self.slots[Self.slot(file: address, line: line)] = Slot(file: address, line: line, id: id)
        return id
    }
}
