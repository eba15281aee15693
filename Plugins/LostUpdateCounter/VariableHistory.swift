import SyncTraceFormat

/// What the lost-update counter keeps per variable: O(threads) whatever the trace's length.
///
/// Writes form a tree: each update's write descends from the write its read saw. The updates a write
/// descends from (within its segment, since the last blind write) are exactly its line of descent,
/// so their number is the write's depth, one more than its parent's: at the end of a segment, the
/// updates lost are the segment's updates minus the depth of its last write. That needs only the
/// depth of the latest write, and per thread the depth its open read saw — no tree.
///
/// To name lost updates, the latest write is kept: a write whose read saw an older write than the
/// latest cuts the updates in between off the line, and they are reported under the site of the
/// latest of them, grouped with a count. A later write can descend from a cut-off write again (its
/// read saw that write before it was cut off): those updates are taken back out of the groups whose
/// lost update was written where that read's write was. The total comes from the depths, exactly;
/// the groups match it when sites are distinct enough to tell the updates apart.
struct VariableHistory {
    /// A thread's read whose update is still open (its next access of the variable may be a write).
    /// 32 bytes: what the read saw, and just enough of the read to name it in a finding.
    struct OpenRead {
        var depth: UInt64
        var index: UInt64
        var thread: ThreadID
        var segment: UInt32
        /// The read's location's raw id, or `UInt32.max` for none.
        var location: UInt32
        /// The location of the write the read saw (the latest update's), or `UInt32.max`.
        var sawWrite: UInt32
        var operation: TraceOperation

        init(depth: UInt64, segment: UInt32, event: TraceEvent, index: UInt64, sawWrite: UInt32 = .max) {
            self.depth = depth
            self.sawWrite = sawWrite
            self.index = index
            self.thread = event.thread
            self.segment = segment
            self.location = event.location?.rawValue ?? .max
            self.operation = event.operation
        }

        /// The read as an event of `object`, for a finding.
        func event(of object: Int) -> TraceEvent {
            TraceEvent(
                operation: self.operation,
                thread: self.thread,
                target: UInt32(object),
                location: self.location == .max ? nil : StringID(self.location)
            )
        }

        /// An unused slot.
        static let empty = OpenRead(depth: 0, segment: 0, event: TraceEvent(operation: .read, thread: ThreadID(0)), index: 0)
    }

    /// An update on the latest write's line of descent.
    struct LineEntry {
        var depth: UInt64
        var write: TraceEvent
        var writeIndex: UInt64
    }

    /// Blind writes so far: each starts a new segment, whose depths count from zero.
    var segment: UInt32 = 0
    /// The depth of the latest write in the current segment (0: a blind write, or no write yet).
    var depth: UInt64 = 0
    /// The latest update's write, for naming the updates a stale write cuts off.
    var latestUpdate: LineEntry?
    /// Open reads, one per thread at most: the first few inline (see ``inlineOpenReads``), so the
    /// common access touches no array, no hash table and no reference count; the counter keeps the
    /// rare others aside.
    var openReads: (OpenRead, OpenRead, OpenRead, OpenRead) = (.empty, .empty, .empty, .empty)
    var openReadCount: UInt8 = 0
    var hasMoreOpenReads = false

    /// How many open reads a variable keeps inline.
    static let inlineOpenReads = 4

    /// The inline open read at `slot` (`0..<inlineOpenReads`). A switch over the tuple's fields
    /// rather than pointer arithmetic into the struct: through the counter's flat array it is
    /// modified in place all the same.
    @inline(__always)
    subscript(openRead slot: Int) -> OpenRead {
        get {
            switch slot {
            case 0: return self.openReads.0
            case 1: return self.openReads.1
            case 2: return self.openReads.2
            default:
                precondition(slot == 3, "open-read slot out of range")
                return self.openReads.3
            }
        }
        set {
            switch slot {
            case 0: self.openReads.0 = newValue
            case 1: self.openReads.1 = newValue
            case 2: self.openReads.2 = newValue
            default:
                precondition(slot == 3, "open-read slot out of range")
                self.openReads.3 = newValue
            }
        }
    }
    /// All updates, and those of the current segment.
    var updates: UInt64 = 0
    var segmentUpdates: UInt64 = 0
    /// Updates lost in segments already closed by a blind write.
    var lostInClosedSegments: UInt64 = 0

    /// Updates lost so far: those of closed segments, and those of the current segment that its
    /// latest write does not descend from.
    var lost: UInt64 { self.lostInClosedSegments + (self.segmentUpdates - self.depth) }

    /// The updates lost whatever the program did after the events seen, when it went on past them (a
    /// trace cut short), and no later write can descend from a write of this segment deeper than
    /// `reachableDepth` (the latest write's depth, or the depth an open read saw).
    ///
    /// Closed segments are final. In the current one, each later update adds one to the updates and
    /// at most one to the depth above `reachableDepth`, so at least `segmentUpdates - reachableDepth`
    /// stay lost; and once any is lost the writes have branched (an update off the latest write's line
    /// and that write are each other's neither ancestor nor descendant), and no line holds both
    /// branches, so at least one stays lost.
    func certainlyLost(reachableDepth: UInt64) -> UInt64 {
        guard self.segmentUpdates > self.depth else { return self.lostInClosedSegments }
        let bound = self.segmentUpdates > reachableDepth ? self.segmentUpdates - reachableDepth : 0
        return self.lostInClosedSegments + max(1, bound)
    }

    /// A blind write closes the segment: its last write's line survives, every other update is lost.
    mutating func closeSegment() {
        self.lostInClosedSegments += self.segmentUpdates - self.depth
        self.segmentUpdates = 0
        self.segment &+= 1
        self.depth = 0
        self.latestUpdate = nil
    }

}

extension Array {
    /// Removes the element at `index` by moving the last element there: O(1), order not kept.
    mutating func swapRemoveAt(_ index: Int) -> Element {
        self.swapAt(index, self.count - 1)
        return self.removeLast()
    }
}

/// Lost updates that share their source locations: the lost update's write, the write that
/// overwrote it, and that write's stale read.
struct LossSites: Hashable {
    var lostWrite: StringID?
    var overwritingWrite: StringID?
    var staleRead: StringID?
}

/// One group of losses: how many, and the first example.
struct LossGroup {
    var count: UInt64
    var lostWrite: TraceEvent?
    var lostWriteIndex: UInt64
    var overwritingWrite: TraceEvent
    var overwritingIndex: UInt64
    var staleRead: TraceEvent
    var staleReadIndex: UInt64
}
