public import SyncTraceFormat

/// What the lost-update counter keeps per variable: O(threads) whatever the trace's length.
///
/// Writes form a tree: each update's write descends from the write its read saw. The updates a write
/// descends from (within its segment, since the last blind write) are exactly its line of descent,
/// so their number is the write's depth, one more than its parent's: at the end of a segment, the
/// updates lost are the segment's updates minus the depth of its last write. That needs only the
/// depth of the latest write, and per thread the depth its open read saw — no tree.
///
/// To name lost updates, the last few updates of the latest write's line are kept: a write whose
/// read saw an older write than the latest cuts the updates in between off the line, and those are
/// the ones reported, grouped by site. (A later write can descend from a cut-off write again, so the
/// named groups can count more than the exact total; the total comes from the depths.)
struct VariableHistory {
    /// A thread's read whose update is still open (its next access of the variable may be a write).
    struct OpenRead {
        var depth: UInt64
        var segment: UInt32
        var event: TraceEvent
        var index: UInt64
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
    /// The last few updates on the latest write's line, newest last, for naming lost updates.
    var line: [LineEntry] = []
    var openReads: [ThreadID: OpenRead] = [:]
    /// All updates, and those of the current segment.
    var updates: UInt64 = 0
    var segmentUpdates: UInt64 = 0
    /// Updates lost in segments already closed by a blind write.
    var lostInClosedSegments: UInt64 = 0

    /// Updates lost so far: those of closed segments, and those of the current segment that its
    /// latest write does not descend from.
    var lost: UInt64 { self.lostInClosedSegments + (self.segmentUpdates - self.depth) }

    /// A blind write closes the segment: its last write's line survives, every other update is lost.
    mutating func closeSegment() {
        self.lostInClosedSegments += self.segmentUpdates - self.depth
        self.segmentUpdates = 0
        self.segment &+= 1
        self.depth = 0
        self.line.removeAll(keepingCapacity: true)
    }

    /// How many line entries are kept to name lost updates; deeper cuts are counted, not named.
    static let lineMemory = 32

    mutating func pushLine(_ entry: LineEntry) {
        if self.line.count == Self.lineMemory { self.line.removeFirst() }
        self.line.append(entry)
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
