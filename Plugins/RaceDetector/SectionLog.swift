import _SyncTraceDataStructures
/// One lock's critical sections, in the order the trace ran them: for each, the thread that ran it,
/// its local time at the acquisition, and its happens-before clock at the release. Weak causal
/// precedence's second rule reads it: when a thread releases the lock, every earlier section of
/// another thread whose acquisition it is ordered after must be released before this release, and
/// its release's clock joins the thread's.
///
/// One flat array of words — `[owner, acquired, width, clock entries…]` per section — walked by
/// each thread from its own cursor (``WeakCausalOrder``): a section costs its clock's width plus
/// three words, and no allocation of its own. A lock's sections never overlap (a section's entry is
/// open only while its thread holds the lock), so a section's clock is appended at its release.
struct SectionLog {
    /// The sections' words.
    private(set) var words: [UInt32] = []

    /// Where the first section starts.
    static let start = 0

    /// Opens a section of thread `owner` acquired at local time `acquired`; returns where it starts.
    mutating func open(owner: Int, acquired: UInt32) -> Int {
        let offset = self.words.count
        self.words.append(UInt32(owner))
        self.words.append(acquired)
        self.words.append(0)
        return offset
    }

    /// Closes the section that starts at `offset` (the last one) with its release's clock.
    mutating func close(_ offset: Int, releasedAt clock: LocalTimeClock) {
        precondition(offset + 3 == self.words.count, "a lock's sections do not overlap: the open one is the last")
        self.words[offset + 2] = UInt32(clock.entries.count)
        self.words.append(contentsOf: clock.entries)
    }

    /// The thread that ran the section at `offset`.
    func owner(at offset: Int) -> Int { Int(self.words[offset]) }

    /// The owner's local time at the section's acquisition.
    func acquired(at offset: Int) -> UInt32 { self.words[offset + 1] }

    /// Where the section after the one at `offset` starts.
    func next(after offset: Int) -> Int { offset + 3 + Int(self.words[offset + 2]) }

    /// Joins the release clock of the section at `offset` into `clock`.
    func joinRelease(at offset: Int, into clock: inout LocalTimeClock) {
        let width = Int(self.words[offset + 2])
        _ = self.words.withUnsafeBufferPointer { all in
            clock.join(UnsafeBufferPointer(rebasing: all[(offset + 3)..<(offset + 3 + width)]))
        }
    }

    /// The end of the log: where the next section will start.
    var end: Int { self.words.count }
}
