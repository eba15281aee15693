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

    /// The id of the site at `file` (a `#fileID` literal's first byte, `length` bytes long) and
    /// `line`, interning its text through `intern` the first time; nil for an event recorded without
    /// a call site (an empty literal).
    @inline(__always)
    mutating func id(
        file: UnsafeRawPointer?,
        length: UInt32,
        line: UInt32,
        intern: (String) throws(TraceIOError) -> UInt32
    ) throws(TraceIOError) -> UInt32? {
        guard let file, length > 0 else { return nil }
        let address = UInt(bitPattern: file)
        // Fibonacci hashing of address and line: the high bits of one multiply pick the slot.
        let mixed = (UInt64(address) ^ (UInt64(line) &<< 40)) &* 0x9E37_79B9_7F4A_7C15
        let index = Int(truncatingIfNeeded: mixed >> 52)
        let hit = self.slots.withUnsafeBufferPointer { slots in
            slots[index].file == address && slots[index].line == line ? slots[index].id : nil
        }
        if let hit { return hit }
        return try self.miss(address: address, length: length, line: line, index: index, intern: intern)
    }

    @inline(never)
    private mutating func miss(
        address: UInt,
        length: UInt32,
        line: UInt32,
        index: Int,
        intern: (String) throws(TraceIOError) -> UInt32
    ) throws(TraceIOError) -> UInt32 {
        let key = Key(file: address, line: line)
        let id: UInt32
        if let known = self.known[key] {
            id = known
        } else {
            let bytes = UnsafeBufferPointer(start: UnsafePointer<UInt8>(bitPattern: address), count: Int(length))
            id = try intern("\(String(decoding: bytes, as: UTF8.self)):\(line)")
            self.known[key] = id
        }
        self.slots[index] = Slot(file: address, line: line, id: id)
        return id
    }
}
