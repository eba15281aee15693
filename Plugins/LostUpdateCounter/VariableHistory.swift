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
    // Laid out for the cache: 128 bytes, the counts and the latest update first (64 bytes), then two
    // open reads. Ten thousand variables take 1.25 MB where the 256 bytes of four inline reads took
    // 2.5 MB, and an access touches the record's two lines, not four.

    /// The depth of the latest write in the current segment (0: a blind write, or no write yet).
    var depth: UInt64 = 0
    /// All updates, and those of the current segment.
    var updates: UInt64 = 0
    var segmentUpdates: UInt64 = 0
    /// Updates lost in segments already closed by a blind write.
    var lostInClosedSegments: UInt64 = 0
    /// The latest update's write, for naming the updates a stale write cuts off (valid while
    /// ``hasLatestUpdate``).
    private var latestUpdate = AccessRecord(TraceEvent(operation: .write, thread: ThreadID(0)), index: 0)
    /// Blind writes so far: each starts a new segment, whose depths count from zero.
    var segment: UInt32 = 0
    /// The first of the open reads kept aside in the counter's ``OpenReadOverflow``.
    private var overflowHead = OpenReadOverflow.end
    /// The filter bits (``OpenRead/threadBit``) of the threads with reads kept aside: a thread whose
    /// bit is clear has none there, and its access does not walk the list.
    private var overflowBits: UInt16 = 0
    /// How many of ``openReads`` hold a read (the first ones).
    private var inlineCount: UInt8 = 0
    private var hasLatestUpdate = false
    /// Open reads, one per thread at most: two inline, so that the common access (a read and the
    /// write after it, while another thread's read is open) touches no other memory; the others in
    /// the counter's overflow lists.
    private var openReads = (Self.unusedRead, Self.unusedRead)

    private static let unusedRead = OpenRead(depth: 0, access: AccessRecord(TraceEvent(operation: .read, thread: ThreadID(0)), index: 0), segment: 0, sawWrite: .max)

    /// How many open reads a variable keeps inline.
    static let inlineOpenReads = 2

    /// What an update's write did to the latest write's line of descent.
    enum LineChange {
        /// It extends the line (its read saw the latest write), or it is a blind write.
        case extended
        /// It cuts `count` updates off the line, the latest of them `latest` (nil: none recorded);
        /// `staleRead` is the update's read, which saw an older write.
        case cut(count: UInt64, latest: AccessRecord?, staleRead: OpenRead)
        /// Its read saw a write since cut off: that write and the `count` updates below it down to
        /// the line are ancestors again, the deepest written at location `site`.
        case restored(count: UInt64, site: UInt32)
    }

    /// The inline open read at `slot` (`0..<inlineOpenReads`). A switch over the tuple's fields
    /// rather than pointer arithmetic into the struct: through the counter's flat array it is
    /// modified in place all the same.
    @inline(__always)
    private subscript(openRead slot: Int) -> OpenRead {
        get {
            precondition(slot < Self.inlineOpenReads, "open-read slot out of range")
            return slot == 0 ? self.openReads.0 : self.openReads.1
        }
        set {
            precondition(slot < Self.inlineOpenReads, "open-read slot out of range")
            if slot == 0 { self.openReads.0 = newValue } else { self.openReads.1 = newValue }
        }
    }

    /// A read by `access.thread`: opens its update, replacing the thread's open read if it has one.
    mutating func read(_ access: AccessRecord, overflow: inout OpenReadOverflow) {
        let read = OpenRead(
            depth: self.depth,
            access: access,
            segment: self.segment,
            sawWrite: self.hasLatestUpdate ? self.latestUpdate.location : .max
        )
        for slot in 0..<Int(self.inlineCount) where self[openRead: slot].thread == read.thread {
            self[openRead: slot] = read
            return
        }
        if self.overflowBits & read.threadBit != 0, overflow.replace(read, inListAt: self.overflowHead) { return }
        if Int(self.inlineCount) < Self.inlineOpenReads {
            self[openRead: Int(self.inlineCount)] = read
            self.inlineCount += 1
            return
        }
        // Both inline slots taken: the older read goes aside, and the new one, the likelier to be
        // written next, stays inline.
        let older = self.openReads.0.access.index <= self.openReads.1.access.index ? 0 : 1
        let aside = self[openRead: older]
        self.overflowHead = overflow.push(aside, onto: self.overflowHead)
        self.overflowBits |= aside.threadBit
        self[openRead: older] = read
    }

    /// Closes and returns the open read of `thread`, if there is one.
    mutating func closeRead(of thread: ThreadID, overflow: inout OpenReadOverflow) -> OpenRead? {
        for slot in 0..<Int(self.inlineCount) where self[openRead: slot].thread == thread {
            let read = self[openRead: slot]
            if slot == 0 && self.inlineCount == 2 { self.openReads.0 = self.openReads.1 }
            self.inlineCount -= 1
            return read
        }
        guard self.overflowBits & OpenRead.bit(of: thread) != 0,
            let (read, remainingBits) = overflow.remove(thread, fromListAt: &self.overflowHead)
        else { return nil }
        self.overflowBits = remainingBits
        return read
    }

    /// Calls `body` with each open read, inline and aside, in no particular order.
    func forEachOpenRead(overflow: borrowing OpenReadOverflow, _ body: (OpenRead) -> Void) {
        for slot in 0..<Int(self.inlineCount) { body(self[openRead: slot]) }
        overflow.forEach(inListAt: self.overflowHead, body)
    }

    /// A write by `write.thread` that closes `read`, the thread's open read: one more update, on the
    /// line of the write `read` saw.
    mutating func update(by write: AccessRecord, read: OpenRead) -> LineChange {
        self.updates += 1
        self.segmentUpdates += 1
        // The read saw a write of this segment at `read.depth`, or one before the last blind write.
        let parentDepth = read.segment == self.segment ? read.depth : 0
        let latestDepth = self.depth
        let change: LineChange
        if latestDepth > parentDepth {
            // The updates on the latest line above the parent are cut off it.
            change = .cut(count: latestDepth - parentDepth, latest: self.hasLatestUpdate ? self.latestUpdate : nil, staleRead: read)
        } else if parentDepth > latestDepth {
            change = .restored(count: parentDepth - latestDepth, site: read.sawWrite)
        } else {
            change = .extended
        }
        self.setLatestUpdate(write, depth: parentDepth + 1)
        return change
    }

    /// An indivisible read-modify-write (`armw`): it reads the latest write, so it cuts nothing off
    /// and extends the line.
    mutating func indivisibleUpdate(by write: AccessRecord) {
        self.updates += 1
        self.segmentUpdates += 1
        self.setLatestUpdate(write, depth: self.depth + 1)
    }

    private mutating func setLatestUpdate(_ write: AccessRecord, depth: UInt64) {
        self.depth = depth
        self.latestUpdate = write
        self.hasLatestUpdate = true
    }

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
        self.hasLatestUpdate = false
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
