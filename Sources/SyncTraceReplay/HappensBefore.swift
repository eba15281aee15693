public import SyncTraceFormat

/// What a plugin reads of happens-before: queries of the order the replay rebuilds once, with
/// vector clocks, for every plugin (``AnalysisContext/happensBefore``; the text form's specification,
/// `SyncTraceFormat.docc/TextForm.md`, gives the rule of each operation).
///
/// A view: the replay alone applies events and declares threads; nothing here changes the order,
/// and which queries a plugin makes changes nothing any plugin sees later. The one call that writes
/// is ``keepCurrentPoint(of:)``, which says that a plugin keeps a point that is not an access.
///
/// ## Epochs that stay valid
///
/// To keep clocks as wide as the threads that overlap, a thread that starts after another has
/// finished (and been joined) may take over that thread's clock entry (its ``ClockSlot``), counting
/// its own epochs above every epoch the other *used*. An epoch is used when the thread made an access
/// at it — a read, a write or an atomic access: the replay marks those itself, so the epoch of an
/// access, taken with ``epoch(of:)`` while the access is handed over, stays valid for good. A plugin
/// that keeps any other point (a thread's clock at a lock request, say) calls
/// ``keepCurrentPoint(of:)`` there; an epoch kept without it may be mistaken later for one of the
/// thread that took the slot over.
public struct HappensBefore {
    /// The order viewed.
    @usableFromInline let family: ClockFamily

    /// A view of `family`.
    init(_ family: ClockFamily) {
        self.family = family
    }

    /// The current epoch of `thread`: its own entry of its own clock, packed with the thread.
    ///
    /// A thread that has not started in this order yet (none of its events so far had a rule here: a
    /// `req`, a `begin`) has no epoch of its own: the result has clock 0, which happens before every
    /// point. Reads only.
    @inlinable @inline(__always) public func epoch(of thread: ThreadID) -> Epoch {
        self.family.epoch(of: thread)
    }

    /// Whether what `epoch` marks happens before `thread`'s current point (or is that point). Reads only.
    @inlinable @inline(__always) public func happensBefore(_ epoch: Epoch, _ thread: ThreadID) -> Bool {
        self.family.happensBefore(epoch, thread)
    }

    /// The current clock of `thread` (its last clock, once it has finished; the clock it will start
    /// from, before it has started), by slot: compare clocks taken at different times with
    /// ``VectorClock/subscript(slot:)`` and ``slot(of:)``. A copy: keeping it costs memory, not
    /// validity — but to compare it later with the thread's epochs, keep the point too
    /// (``keepCurrentPoint(of:)``). Reads only.
    public func clock(of thread: ThreadID) -> VectorClock {
        self.family.clock(of: thread)
    }

    /// The slot that counts `thread`'s epochs, `nil` while it has none (before it has started here).
    /// A thread keeps its slot for good; after it has finished, the slot may count another thread's
    /// epochs, above all of its own. Reads only.
    public func slot(of thread: ThreadID) -> ClockSlot? {
        self.family.slot(of: thread)
    }

    /// How many clock entries threads share: at most the number of threads, fewer when finished and
    /// joined threads hand their slot on. Clocks are at most this wide.
    public var slotCount: Int { self.family.slotCount }

    /// Says that the plugin keeps `thread`'s current point, to compare it later, and returns its epoch.
    ///
    /// The point's epoch then counts as used: a thread that takes over `thread`'s slot later starts
    /// above it, so a clock that knows the newcomer is not mistaken for one that knows this point. A
    /// thread that has not started here yet starts now, so that its point has an epoch (above 0).
    /// Not needed for the epoch of an access handed to the plugin (the replay marks those); needed for
    /// any other point a plugin keeps, the epoch or the clock (``clock(of:)``) and slot of a thread at
    /// a lock request, say. It changes no answer: only which slot a later thread takes.
    @discardableResult
    public func keepCurrentPoint(of thread: ThreadID) -> Epoch {
        self.family.keepCurrentPoint(of: thread)
    }
}
