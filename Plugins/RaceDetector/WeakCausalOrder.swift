import SyncTraceFormat
import _SyncTraceDataStructures

/// Weak causal precedence (WCP; Kini, Mathur and Viswanathan, PLDI 2017) over a trace, computed in
/// one pass beside the happens-before order it weakens, both with clocks by thread
/// (``LocalTimeClock``).
///
/// Happens-before orders a lock's release before the next acquisition of the lock, whatever the
/// two critical sections did. WCP drops that edge and keeps only what a reordering of the trace
/// could not undo:
///
/// - **conflicting sections**: a release of a lock is ordered before an access, in a later critical
///   section of another thread on the same lock, that conflicts with an access of the released
///   section (same variable, one of them a write): swapping the sections would change what a read
///   sees;
/// - **ordered sections**: if a critical section's acquisition is ordered before a later section's
///   release, the first section's release is ordered before that release (the sections cannot
///   overlap);
/// - composition with happens-before on both sides: what happens before an ordered event is
///   ordered, and so is what happens after.
///
/// Everything else that orders events — fork and join, channels, wait groups, semaphores,
/// conditions, atomics, the edges of reader-writer locks — is kept as hard order: an edge there
/// orders in WCP exactly as in happens-before (the source's whole happens-before clock joins the
/// target's WCP clock), so no reordering WCP considers moves an event across it.
///
/// Each thread has a happens-before clock `hb` (its own entry is its local time, advanced after
/// each release) and a WCP clock `wcp` whose own entry is not used: the WCP time of a thread's
/// point is `wcp` with the thread's own entry replaced by its local time. An event `e` of thread `u`
/// at local time `n` is WCP-ordered before the current point of thread `t ≠ u` exactly when
/// `n <= wcp_t[u]`: every clock that knows `u` at `n` knows all `u` knew there.
final class WeakCausalOrder {
    /// What the order keeps per thread (by index).
    struct ThreadState {
        var hb = LocalTimeClock()
        var wcp = LocalTimeClock()
        /// The critical sections the thread is in, outermost first (one per lock: a re-entrant
        /// acquisition deepens the section).
        var sections: [OpenSection] = []
        var started = false
    }

    /// A critical section a thread is in.
    struct OpenSection {
        var lock: Int
        var depth = 1
        /// Where the section's entry is in its lock's log (``SectionLog``); -1 for a lock kept as
        /// hard order.
        var entry: Int
        /// The serial number of this section, for ``WeakCausalOrder/readStamps``.
        var serial: UInt32
        var reads: [UInt32] = []
        var writes: [UInt32] = []
    }

    /// What a synchronization object keeps.
    struct ObjectState {
        /// Whether the object's lock edges follow WCP's rules (a plain lock), rather than hard order.
        var predictive = false
        /// Happens-before clock of the last release (locks), or of every release so far (an atomic's
        /// sequentially consistent stores, a semaphore's signals, a wait group's `done`s).
        var released = LocalTimeClock()
        /// WCP clock of a plain lock's last release.
        var wcpReleased = LocalTimeClock()
        /// Happens-before clock of a reader-writer lock's read releases.
        var readReleased = LocalTimeClock()
        /// A plain lock's critical sections, and where each thread's walk of them stands.
        var log = SectionLog()
        var cursors: [Int32: Int] = [:]
        /// A channel's capacity, close, and pending sends and receives.
        var capacity = 0
        var closed: LocalTimeClock?
        var sends = FIFOQueue<(clock: LocalTimeClock, thread: Int)>()
        var receives = FIFOQueue<LocalTimeClock>()
        var sendCount = 0
    }

    /// Per (lock, variable, kind of access), the happens-before clocks of the last two releases, by
    /// different threads, of sections on the lock that accessed the variable so: the join of every
    /// such release by threads other than `t` is the later of them not by `t` (a lock's releases
    /// are ordered by happens-before, so their clocks only grow).
    struct ConflictClocks {
        var latestThread = -1
        var latest = LocalTimeClock()
        var earlierThread = -1
        var earlier = LocalTimeClock()

        mutating func add(_ clock: LocalTimeClock, by thread: Int) {
            if self.latestThread != thread {
                self.earlierThread = self.latestThread
                self.earlier = self.latest
                self.latestThread = thread
            }
            self.latest = clock
        }

        /// The join of the releases by threads other than `thread`, if any.
        func excluding(_ thread: Int) -> LocalTimeClock? {
            if self.latestThread != thread { return self.latestThread < 0 ? nil : self.latest }
            return self.earlierThread < 0 ? nil : self.earlier
        }
    }

    private(set) var threads: [ThreadState] = []
    /// Per object index, the index of its state in ``objects`` (-1: none yet): variables never get one.
    private var objectSlots: [Int32] = []
    private var objects: [ObjectState] = []
    private var conflicts: [UInt64: ConflictClocks] = [:]
    /// Per variable, the serial of the last section that noted a read (write) of it, so that a
    /// section lists each variable once however often it touches it.
    private var readStamps: [UInt32] = []
    private var writeStamps: [UInt32] = []
    private var nextSerial: UInt32 = 1
    private let kindOf: (Int) -> ObjectKind
    private let capacityOf: (Int) -> Int

    /// Words of critical-section logs kept at most: past them, every lock's edges become hard order
    /// (sound: prediction across locks stops, nothing wrong is predicted), and ``sectionLimitReached``
    /// says so.
    let sectionWordLimit: Int
    private var sectionWords = 0
    /// Whether the logs outgrew ``sectionWordLimit`` and locks are hard order from then on.
    private(set) var sectionLimitReached = false

    /// An order over objects whose kinds and channel capacities `kindOf` and `capacityOf` give.
    init(sectionWordLimit: Int, kindOf: @escaping (Int) -> ObjectKind, capacityOf: @escaping (Int) -> Int) {
        self.sectionWordLimit = sectionWordLimit
        self.kindOf = kindOf
        self.capacityOf = capacityOf
    }

    /// The local time of `thread` now.
    @inline(__always)
    func localTime(_ thread: Int) -> UInt32 { self.threads[thread].hb[thread] }

    /// Whether the event of thread `owner` at local time `time` is WCP-ordered before `thread`'s
    /// current point.
    @inline(__always)
    func isOrdered(_ owner: Int, at time: UInt32, before thread: Int) -> Bool {
        owner == thread ? time <= self.localTime(thread) : time <= self.threads[thread].wcp[owner]
    }

    /// The WCP clock of `thread` now (its own entry not used): a copy that shares storage until
    /// either changes.
    func wcpClock(of thread: Int) -> LocalTimeClock { self.threads[thread].wcp }

    /// Advances `thread`'s local time, so that the event just made (a write) has a time of its own:
    /// a clock that learns it then learns nothing of what the thread did after it.
    func tick(_ thread: Int) { self.threads[thread].hb.tick(thread) }

    /// `thread` read the value of the write of `owner` at local time `time`, whose WCP clock was
    /// `clock`, without WCP ordering the two (a race): any schedule in which the read sees that value
    /// runs the write first, so from now on the write and what WCP orders before it are ordered
    /// before `thread`. Only adds order: what is predicted later is still a WCP race.
    func readFrom(_ owner: Int, at time: UInt32, clock: LocalTimeClock, by thread: Int) {
        self.threads[thread].wcp.join(clock)
        if self.threads[thread].wcp[owner] < time { self.threads[thread].wcp.set(owner, to: time) }
    }

    /// Makes thread `index` known, starting at local time 1.
    @inline(__always)
    func start(_ index: Int) {
        if index >= self.threads.count { self.threads.append(contentsOf: repeatElement(ThreadState(), count: index + 1 - self.threads.count)) }
        if !self.threads[index].started {
            self.threads[index].started = true
            self.threads[index].hb.set(index, to: max(self.threads[index].hb[index], 1))
        }
    }

    private func state(of object: Int) -> Int {
        if object >= self.objectSlots.count {
            self.objectSlots.append(contentsOf: repeatElement(-1, count: object + 1 - self.objectSlots.count))
        }
        if self.objectSlots[object] < 0 {
            var state = ObjectState()
            state.predictive = self.kindOf(object) == .lock && !self.sectionLimitReached
            state.capacity = self.capacityOf(object)
            self.objectSlots[object] = Int32(self.objects.count)
            self.objects.append(state)
        }
        return Int(self.objectSlots[object])
    }

    /// Applies one event's rules. Events come in an order that respects happens-before.
    func apply(_ event: TraceEvent) {
        let thread = event.thread.index
        self.start(thread)
        switch event.operation {
        case .read: self.access(thread, event.object.index, write: false)
        case .write: self.access(thread, event.object.index, write: true)
        case .acquire: self.acquire(thread, self.state(of: event.object.index), object: event.object.index)
        case .release: self.release(thread, self.state(of: event.object.index), object: event.object.index)
        case .readAcquire:
            let object = self.state(of: event.object.index)
            self.acquireHard(thread, self.objects[object].released)
            self.enterHardSection(thread, lock: event.object.index)
        case .readRelease:
            let object = self.state(of: event.object.index)
            self.objects[object].readReleased.join(self.threads[thread].hb)
            self.leaveSection(thread, lock: event.object.index)
            self.threads[thread].hb.tick(thread)
        case .fork:
            let child = event.otherThread.index
            self.start(child)
            let parent = self.threads[thread].hb
            self.threads[child].hb.join(parent)
            self.threads[child].wcp.join(parent)
            self.threads[thread].hb.tick(thread)
        case .join:
            let joined = event.otherThread.index
            self.start(joined)
            self.acquireHard(thread, self.threads[joined].hb)
        case .atomicLoad:
            if event.argument != Int64(TraceAtomicOrdering.relaxed.rawValue) {
                self.acquireHard(thread, self.objects[self.state(of: event.object.index)].released)
            }
        case .atomicStore:
            let object = self.state(of: event.object.index)
            switch event.atomicOrdering ?? .sequentiallyConsistent {
            case .releasing:
                self.objects[object].released = self.threads[thread].hb
                self.threads[thread].hb.tick(thread)
            case .relaxed:
                self.objects[object].released = LocalTimeClock()
            default:
                self.publish(thread, into: object)
            }
        case .atomicReadModifyWrite:
            let object = self.state(of: event.object.index)
            let ordering = event.atomicOrdering ?? .sequentiallyConsistent
            if ordering.acquires { self.acquireHard(thread, self.objects[object].released) }
            if ordering.releases { self.publish(thread, into: object) }
        case .semaphoreWait, .conditionWait, .waitGroupWait:
            self.acquireHard(thread, self.objects[self.state(of: event.object.index)].released)
        case .semaphoreSignal, .conditionSignal, .conditionBroadcast, .waitGroupDone:
            self.publish(thread, into: self.state(of: event.object.index))
        case .waitGroupAdd:
            if event.argument < 0 { self.publish(thread, into: self.state(of: event.object.index)) }
        case .makeChannel:
            self.objects[self.state(of: event.object.index)].capacity = Int(clamping: event.argument)
        case .send: self.send(thread, self.state(of: event.object.index))
        case .receive: self.receive(thread, self.state(of: event.object.index))
        case .close:
            let object = self.state(of: event.object.index)
            self.objects[object].closed = self.threads[thread].hb
            self.threads[thread].hb.tick(thread)
        default:
            // `req`, `begin`, `end`, `resume`, `exit`: no order of their own.
            break
        }
    }

    /// A hard edge into `thread`: the source's happens-before clock joins both of its clocks.
    private func acquireHard(_ thread: Int, _ source: LocalTimeClock) {
        self.threads[thread].hb.join(source)
        self.threads[thread].wcp.join(source)
    }

    /// A release that accumulates into the object's clock (a hard edge's source).
    private func publish(_ thread: Int, into object: Int) {
        self.objects[object].released.join(self.threads[thread].hb)
        self.threads[thread].hb.tick(thread)
    }

    private func send(_ thread: Int, _ object: Int) {
        let rules = ChannelRules(capacity: self.objects[object].capacity)
        if rules.receiveMakingRoom(forSend: self.objects[object].sendCount) != nil, let receive = self.objects[object].receives.popFirst() {
            self.acquireHard(thread, receive)
        }
        self.objects[object].sendCount += 1
        self.objects[object].sends.append((self.threads[thread].hb, thread))
        self.threads[thread].hb.tick(thread)
    }

    private func receive(_ thread: Int, _ object: Int) {
        guard let send = self.objects[object].sends.popFirst() else {
            if let closed = self.objects[object].closed { self.acquireHard(thread, closed) }
            return
        }
        self.acquireHard(thread, send.clock)
        if ChannelRules(capacity: self.objects[object].capacity).isRendezvous {
            // The sender waited for this receive: what the receiver did so far is before its next step.
            let receiver = self.threads[thread].hb
            self.acquireHard(send.thread, receiver)
            self.threads[send.thread].hb.tick(send.thread)
        } else {
            self.objects[object].receives.append(self.threads[thread].hb)
        }
        self.threads[thread].hb.tick(thread)
    }

    // MARK: Locks

    private func acquire(_ thread: Int, _ object: Int, object lock: Int) {
        if let open = self.threads[thread].sections.lastIndex(where: { $0.lock == lock }) {
            // Re-entrant: the outermost acquisition opened the section.
            self.threads[thread].sections[open].depth += 1
            return
        }
        guard self.objects[object].predictive else {
            // A reader-writer lock's write side, or any lock once the logs are full: hard order.
            self.acquireHard(thread, self.objects[object].released)
            self.acquireHard(thread, self.objects[object].readReleased)
            self.enterHardSection(thread, lock: lock)
            return
        }
        self.threads[thread].hb.join(self.objects[object].released)
        self.threads[thread].wcp.join(self.objects[object].wcpReleased)
        // A lock of the text form may also be taken for reading (it does not say which locks are
        // reader-writer locks): its read releases order this acquisition as hard order.
        if self.objects[object].readReleased.words != 0 { self.acquireHard(thread, self.objects[object].readReleased) }
        let entry = self.objects[object].log.open(owner: thread, acquired: self.localTime(thread))
        self.sectionWords += 3
        self.threads[thread].sections.append(OpenSection(lock: lock, entry: entry, serial: self.serial()))
    }

    private func serial() -> UInt32 {
        defer { self.nextSerial &+= 1 }
        return self.nextSerial
    }

    private func enterHardSection(_ thread: Int, lock: Int) {
        if let open = self.threads[thread].sections.lastIndex(where: { $0.lock == lock }) {
            self.threads[thread].sections[open].depth += 1
        } else {
            self.threads[thread].sections.append(OpenSection(lock: lock, entry: -1, serial: self.serial()))
        }
    }

    /// Leaves one level of `thread`'s section on `lock`; returns the section when this was its
    /// outermost level (nil for a re-entrant level, or a lock the thread was not known to hold).
    @discardableResult
    private func leaveSection(_ thread: Int, lock: Int) -> OpenSection? {
        guard let open = self.threads[thread].sections.lastIndex(where: { $0.lock == lock }) else { return nil }
        self.threads[thread].sections[open].depth -= 1
        guard self.threads[thread].sections[open].depth == 0 else { return nil }
        let section = self.threads[thread].sections.remove(at: open)
        // The enclosing section contains what this one accessed.
        if open > 0 {
            self.threads[thread].sections[open - 1].reads.append(contentsOf: section.reads)
            self.threads[thread].sections[open - 1].writes.append(contentsOf: section.writes)
        }
        return section
    }

    private func release(_ thread: Int, _ object: Int, object lock: Int) {
        guard let section = self.leaveSection(thread, lock: lock) else {
            // A re-entrant level, or a release of a lock the thread was not known to hold (hard
            // order, like any release).
            if !self.threads[thread].sections.contains(where: { $0.lock == lock }) { self.releaseHard(thread, object) }
            return
        }
        guard section.entry >= 0, self.objects[object].predictive else {
            self.releaseHard(thread, object)
            return
        }
        // Ordered sections: each earlier section of another thread whose acquisition is ordered
        // before this point is released before this release. Acquisitions come in trace order, and
        // an earlier one happens before a later one, so the walk stops at the first that is not.
        var cursor = self.objects[object].cursors[Int32(thread)] ?? SectionLog.start
        while cursor < section.entry {
            let owner = self.objects[object].log.owner(at: cursor)
            guard self.isOrdered(owner, at: self.objects[object].log.acquired(at: cursor), before: thread) else { break }
            self.objects[object].log.joinRelease(at: cursor, into: &self.threads[thread].wcp)
            cursor = self.objects[object].log.next(after: cursor)
        }
        self.objects[object].cursors[Int32(thread)] = cursor
        let released = self.threads[thread].hb
        self.objects[object].log.close(section.entry, releasedAt: released)
        self.sectionWords += released.words
        self.objects[object].released = released
        self.objects[object].wcpReleased = self.threads[thread].wcp
        // Conflicting sections: a later section of another thread that conflicts with these
        // accesses is ordered after this release.
        for variable in section.reads { self.conflicts[Self.key(lock, variable, write: false), default: ConflictClocks()].add(released, by: thread) }
        for variable in section.writes { self.conflicts[Self.key(lock, variable, write: true), default: ConflictClocks()].add(released, by: thread) }
        self.threads[thread].hb.tick(thread)
        if self.sectionWords > self.sectionWordLimit { self.makeLocksHard() }
    }

    /// A release of a lock kept as hard order: the lock's clock becomes the thread's.
    private func releaseHard(_ thread: Int, _ object: Int) {
        self.objects[object].released = self.threads[thread].hb
        self.threads[thread].hb.tick(thread)
    }

    private static func key(_ lock: Int, _ variable: UInt32, write: Bool) -> UInt64 {
        UInt64(lock) << 33 | UInt64(variable) << 1 | (write ? 1 : 0)
    }

    /// An access: first the conflicting-sections rule for each lock the thread holds, then the
    /// access is noted in its innermost section.
    @inline(__always)
    private func access(_ thread: Int, _ variable: Int, write: Bool) {
        guard !self.threads[thread].sections.isEmpty else { return }
        let name = UInt32(truncatingIfNeeded: variable)
        for index in self.threads[thread].sections.indices where self.threads[thread].sections[index].entry >= 0 {
            let lock = self.threads[thread].sections[index].lock
            if let writes = self.conflicts[Self.key(lock, name, write: true)]?.excluding(thread) { self.threads[thread].wcp.join(writes) }
            if write, let reads = self.conflicts[Self.key(lock, name, write: false)]?.excluding(thread) { self.threads[thread].wcp.join(reads) }
        }
        let innermost = self.threads[thread].sections.count - 1
        let serial = self.threads[thread].sections[innermost].serial
        if variable >= self.readStamps.count {
            let grown = max(variable + 1, self.readStamps.count * 2, 1024)
            self.readStamps.append(contentsOf: repeatElement(0, count: grown - self.readStamps.count))
            self.writeStamps.append(contentsOf: repeatElement(0, count: grown - self.writeStamps.count))
        }
        if write {
            if self.writeStamps[variable] != serial {
                self.writeStamps[variable] = serial
                self.threads[thread].sections[innermost].writes.append(name)
            }
        } else if self.readStamps[variable] != serial {
            self.readStamps[variable] = serial
            self.threads[thread].sections[innermost].reads.append(name)
        }
    }

    /// The logs are full: every lock is hard order from now on. A thread inside a section learns
    /// what happened before the lock's last release before its acquisition (the edge hard order
    /// would have given it), so no ordered-sections edge it would still have taken is lost.
    private func makeLocksHard() {
        self.sectionLimitReached = true
        for thread in self.threads.indices {
            for index in self.threads[thread].sections.indices where self.threads[thread].sections[index].entry >= 0 {
                let object = Int(self.objectSlots[self.threads[thread].sections[index].lock])
                self.threads[thread].wcp.join(self.objects[object].released)
                self.threads[thread].sections[index].entry = -1
            }
        }
        for object in self.objects.indices where self.objects[object].predictive {
            self.objects[object].predictive = false
            self.objects[object].log = SectionLog()
            self.objects[object].cursors = [:]
            self.objects[object].wcpReleased = LocalTimeClock()
        }
        self.conflicts = [:]
        self.sectionWords = 0
    }
}
