public import SyncTraceFormat
import _SyncTraceDataStructures

/// One happens-before order of a trace, rebuilt event by event with vector clocks: the replay's
/// engine (``HappensBeforeEngine``) keeps one for the whole order and, when a plugin asks for it, a
/// second one that leaves lock edges out. Plugins read it through ``HappensBefore``; only the engine
/// changes it (the text form's specification, `SyncTraceFormat.docc/TextForm.md`, gives the rule of
/// each operation).
///
/// Each thread has a clock; a release (unlock, send, atomic store, `done`, fork…) publishes the
/// thread's clock into the object's, and the matching acquire (lock, receive, atomic load, `wait`,
/// join…) joins the object's clock into the thread's. A thread's own entry advances after each
/// release, so that what it does next is not covered by what it published. Clocks are joined in
/// place and copied only when published; an object's clock is allocated on its first release.
@usableFromInline final class ClockFamily {
    // One replay drives this engine from one thread, and plugins only read it between events: no two
    // accesses to these arrays can overlap, so the runtime's exclusivity checks (a call and a
    // thread-local lookup per access, on every event) are switched off.

    /// Per thread (by index), its slot: the clock entry that counts its epochs (`unassigned` until
    /// its first event). A thread keeps its slot for good; a slot serves several threads, one after
    /// another (see ``fork(_:_:)``).
    @exclusivity(unchecked) @usableFromInline var slotOf = FlatArray<UInt32>()
    /// Per slot, the clock of the thread that holds it now.
    @exclusivity(unchecked) @usableFromInline var clocks = FlatArray<VectorClock>()
    /// Per slot, the index of the thread that holds it now.
    @exclusivity(unchecked) private var holder = FlatArray<Int>()
    @exclusivity(unchecked) private var objects = FlatArray<ObjectClocks>()
    /// Slots whose thread has exited, with the highest epoch it used there: another thread may take
    /// one over once the thread that starts it knows that whole history.
    private var exitedSlots = FIFOQueue<(slot: UInt32, final: UInt32)>()
    /// The last clocks of threads whose slot went to another thread, for a join that comes late (the
    /// most recent ones; see ``join(_:_:)``).
    private var retired: [Int: VectorClock] = [:]
    private var retiredOrder: [Int] = []
    /// Per thread (by index), the last epoch it used, once another thread has taken its slot.
    @exclusivity(unchecked) private var lastEpochs = FlatArray<UInt32>()
    /// Per slot, whether its thread's current epoch is used: it made an access since its clock last
    /// advanced (a plugin may keep an access's epoch), or a plugin said it keeps that point
    /// (``keepCurrentPoint(of:)``). Without either, the thread's last used epoch is the one before,
    /// and a thread taking its slot over may start at the current one. Never written by a query.
    @exclusivity(unchecked) private var accessedSinceTick = FlatArray<Bool>()
    /// Threads forked but not started: the clock each starts from. A thread takes its slot at its
    /// first event, when it may know more than at its fork (a dispatched work item learns the item
    /// before it from the queue's lock), so that it can take over more finished threads' slots.
    private var unstarted: [Int: VectorClock] = [:]
    /// How many objects ``grow(to:)`` has seen declared, and the capacity of each declared channel
    /// whose capacity is not zero (by object index).
    private var declaredObjects = 0
    private var declaredCapacities: [Int: Int] = [:]
    private static let retiredLimit = 1024
    private static let unassigned = UInt32.max

    /// What one object keeps: the clock its releases published, and for channels the clocks of the
    /// sends and receives still to be matched.
    struct ObjectClocks {
        /// Releases of a lock's write side, of an atomic, a wait group, a semaphore or a condition.
        var released = VectorClock()
        /// Releases of a lock's read side (`rrel`), which the next `acq` acquires.
        var readReleased = VectorClock()
        /// A channel's capacity, its close, and its pending sends and receives.
        var capacity = 0
        var closed: VectorClock?
        var sends = FIFOQueue<(clock: VectorClock, thread: ThreadID)>()
        var receives = FIFOQueue<(clock: VectorClock, thread: ThreadID)>()
        var sendCount = 0
        /// The thread whose release wrote ``released`` last, when nothing else has joined into it
        /// since (-1 otherwise): that thread's clock already covers it, so its next `acq` needs no join.
        var releasedOnlyBy: Int32 = -1
    }

    /// Creates a family with no threads yet.
    init() {}

    /// The current clock of `thread` (its last clock, once it has finished): see
    /// ``HappensBefore/clock(of:)``. Reads only.
    func clock(of thread: ThreadID) -> VectorClock {
        guard thread.index < self.slotOf.count else { return VectorClock() }
        guard self.slotOf[thread.index] != Self.unassigned else { return self.unstarted[thread.index] ?? VectorClock() }
        let slot = Int(self.slotOf[thread.index])
        if self.holder[slot] == thread.index { return self.clocks[slot] }
        return self.retired[thread.index] ?? VectorClock()
    }

    /// The slot that counts `thread`'s epochs, `nil` before it has one. Reads only.
    func slot(of thread: ThreadID) -> ClockSlot? {
        guard thread.index < self.slotOf.count, self.slotOf[thread.index] != Self.unassigned else { return nil }
        return ClockSlot(index: Int(self.slotOf[thread.index]))
    }

    /// Marks `thread`'s current point as kept by a plugin (see ``HappensBefore/keepCurrentPoint(of:)``):
    /// starts the thread if it has no slot yet, marks its current epoch used, and returns it.
    func keepCurrentPoint(of thread: ThreadID) -> Epoch {
        let slot = self.slot(thread)
        guard self.holder[slot] == thread.index else {
            // Finished, and its slot went on: its last epoch was counted when the slot was taken.
            return Epoch(thread: thread, clock: self.lastEpochs[thread.index])
        }
        self.accessedSinceTick[slot] = true
        return Epoch(thread: thread, clock: self.clocks[slot][slotIndex: slot])
    }

    /// How many clock entries threads share: at most the number of threads, fewer when finished and
    /// joined threads hand their slot on. Clocks are this wide.
    var slotCount: Int { self.clocks.count }

    /// The words every clock the engine keeps stores its entries in (threads', objects', pending
    /// channel operations', clocks kept for late joins): what happens-before costs in memory beyond
    /// its fixed per-thread and per-object parts. Linear in the threads when each knows few others.
    var storedClockWords: Int {
        var words = 0
        for slot in 0..<self.clocks.count { words += self.clocks[slot].storedWords }
        for index in 0..<self.objects.count {
            let object = self.objects[index]
            words += object.released.storedWords + object.readReleased.storedWords + (object.closed?.storedWords ?? 0)
            words += object.sends.pending.reduce(0) { $0 + $1.clock.storedWords }
            words += object.receives.pending.reduce(0) { $0 + $1.clock.storedWords }
        }
        words += self.unstarted.values.reduce(0) { $0 + $1.storedWords }
        words += self.retired.values.reduce(0) { $0 + $1.storedWords }
        return words
    }

    /// The current epoch of `thread`: its own entry of its own clock (see ``HappensBefore/epoch(of:)``).
    @inlinable @inline(__always) func epoch(of thread: ThreadID) -> Epoch {
        Epoch(thread: thread, clock: self.entry(thread, of: thread))
    }

    /// Whether what `epoch` marks happens before `thread`'s current point (or is that point).
    @inlinable @inline(__always) func happensBefore(_ epoch: Epoch, _ thread: ThreadID) -> Bool {
        epoch.clock <= self.entry(epoch.thread, of: thread)
    }

    /// Entry `entry` of `thread`'s clock. A thread that has not started has no epochs in anyone's
    /// clock, and its own clock is the one it will start from.
    @inlinable @inline(__always) func entry(_ entry: ThreadID, of thread: ThreadID) -> UInt32 {
        let slot = self.slotOf[thread.index]
        guard slot != UInt32.max else { return self.entryBeforeStart(entry, of: thread) }
        let entrySlot = self.slotOf[entry.index]
        return entrySlot != UInt32.max ? self.clocks[Int(slot)][slotIndex: Int(entrySlot)] : 0
    }

    /// ``entry(_:of:)`` for a thread without a slot: read from the clock it will start from, without
    /// starting it (a query must not decide when a thread takes its slot, nor which).
    @usableFromInline func entryBeforeStart(_ entry: ThreadID, of thread: ThreadID) -> UInt32 {
        let entrySlot = self.slotOf[entry.index]
        guard entrySlot != Self.unassigned, let clock = self.unstarted[thread.index] else { return 0 }
        return clock[slotIndex: Int(entrySlot)]
    }

    /// Declares threads and objects up to the counts `symbols` holds (channel capacities included).
    func grow(to symbols: TraceSymbols) {
        while self.slotOf.count < symbols.threads.count {
            let thread = self.slotOf.count
            self.slotOf.append(Self.unassigned)
            self.lastEpochs.append(0)
            // A thread nobody forks has a slot from the start; a forked one gets one at its fork,
            // perhaps one a finished thread has handed on.
            if symbols.threads[thread].parent == nil { _ = self.assignNewSlot(thread) }
        }
        // An object's clocks are made when a rule first names it (``clocks(through:)``): most
        // objects are plain variables, which no rule names, and the order without locks names no
        // lock. Only the capacities are kept from the declarations, those of channels.
        while self.declaredObjects < symbols.objects.count {
            let capacity = symbols.objects[self.declaredObjects].capacity
            if capacity != 0 { self.declaredCapacities[self.declaredObjects] = capacity }
            self.declaredObjects += 1
        }
    }

    /// How many objects have clocks (up to the highest a rule has named): for tests of the memory.
    var objectClockCount: Int { self.objects.count }

    /// Makes the clocks of every object up to `object`, which a rule is about to use.
    private func clocks(through object: Int) {
        while self.objects.count <= object {
            var clocks = ObjectClocks()
            clocks.capacity = self.declaredCapacities[self.objects.count] ?? 0
            self.objects.append(clocks)
        }
    }

    /// The slot of `thread`, giving it a new one if it has none (a thread seen before any fork of it).
    @inline(__always)
    private func slot(_ thread: ThreadID) -> Int {
        let slot = self.slotOf[thread.index]
        if slot != Self.unassigned { return Int(slot) }
        return self.start(thread.index)
    }

    /// Gives a thread seen for the first time its slot: for a forked thread, one an exited thread
    /// handed on if the clock it starts from covers that thread's whole history (see ``fork(_:_:)``),
    /// else a new one.
    private func start(_ thread: Int) -> Int {
        guard let clock = self.unstarted.removeValue(forKey: thread) else { return self.assignNewSlot(thread) }
        let slot = self.takeExitedSlot(knownTo: clock) ?? self.assignNewSlot(thread)
        self.slotOf[thread] = UInt32(slot)
        self.holder[slot] = thread
        // Its epochs start above every epoch used in the slot that its clock knows of: above all
        // of a previous holder's, when the slot was handed on.
        let first = max(clock[slotIndex: slot] + 1, 1)
        self.clocks[slot].assign(clock)
        self.clocks[slot].set(slot: slot, to: first)
        self.accessedSinceTick[slot] = false
        return slot
    }

    /// Advances `slot`'s own entry, after a release of what its thread did so far.
    @inline(__always)
    private func tick(_ slot: Int) {
        self.clocks[slot].tick(slot: slot)
        self.accessedSinceTick[slot] = false
    }

    private func assignNewSlot(_ thread: Int) -> Int {
        let slot = self.clocks.count
        var clock = VectorClock()
        // Epochs start at 1, so that 0 means "nothing known".
        clock.set(slot: slot, to: 1)
        self.clocks.append(clock)
        self.holder.append(thread)
        // A flat array, not an Array: written on every access, where an array's uniqueness check
        // would cost more than the store.
        self.accessedSinceTick.grow(to: slot + 1, filling: false)
        self.accessedSinceTick[slot] = false
        self.slotOf[thread] = UInt32(slot)
        return slot
    }

    /// Applies one event's rule. Events must come in an order that respects happens-before (a
    /// ``TraceOrdering``'s, or a text trace's), and ``grow(to:)`` must cover them.
    @inline(__always)
    func apply(_ event: TraceEvent) {
        // An access by a thread that has its slot, the commonest event, inline in the replay's loop:
        // the rule of every other event is a call (with the prologue of a large function).
        if event.operation == .read || event.operation == .write {
            let slot = self.slotOf[event.thread.index]
            if slot != Self.unassigned {
                self.accessedSinceTick[Int(slot)] = true
                return
            }
        }
        self.applyRule(event)
    }

    /// ``apply(_:)`` past its inline fast path.
    private func applyRule(_ event: TraceEvent) {
        let thread = event.thread
        // The count first: one comparison for the usual event, whose object has its clocks already.
        if event.object.index >= self.objects.count, event.operation.hasObject { self.clocks(through: event.object.index) }
        switch event.operation {
        case .read, .write:
            // No rule, but plugins ask for the thread's epoch next: it needs a slot (taking one may
            // grow `accessedSinceTick`, which the store below then reaches through its new storage).
            let slot = self.slot(thread)
            self.accessedSinceTick[slot] = true
        case .request, .begin, .end, .resume:
            return
        case .exit:
            let slot = self.slot(thread)
            guard self.holder[slot] == thread.index else { return }
            // The last epoch the thread used: the current one if it accessed anything since its last
            // release, else the one that release published (what took that release knows it all).
            let current = self.clocks[slot][slotIndex: slot]
            self.exitedSlots.append((UInt32(slot), self.accessedSinceTick[slot] ? current : current - 1))
            // It will not run again: its clock is kept for joins and a slot hand-off only, so it need
            // not stay as wide as the slots are.
            self.clocks[slot].compact()
        case .fork:
            self.fork(thread, event.otherThread)
        case .join:
            self.join(thread, event.otherThread)
        case .acquire:
            let object = event.object.index
            if self.slotOf[thread.index] == Self.unassigned, self.unstarted[thread.index] != nil {
                // A thread starting with a lock (a dispatched work item, after the item before it):
                // it starts knowing what the lock's last holders did.
                self.unstarted[thread.index]!.join(self.objects[object].released)
                self.unstarted[thread.index]!.join(self.objects[object].readReleased)
            }
            let slot = self.slot(thread)
            // A thread taking again the lock it released last learns nothing from that release.
            if self.objects[object].releasedOnlyBy != Int32(truncatingIfNeeded: thread.rawValue) {
                self.joinReleased(object, into: slot)
            }
            if self.objects[object].readReleased.storedWords != 0 {
                self.joinReleased(object, readSide: true, into: slot)
            }
        case .readAcquire:
            if self.slotOf[thread.index] == Self.unassigned, self.unstarted[thread.index] != nil {
                self.unstarted[thread.index]!.join(self.objects[event.object.index].released)
            }
            self.joinReleased(event.object.index, into: self.slot(thread))
        case .release:
            let slot = self.slot(thread)
            // Copied into the object's own storage, so that the thread's tick does not copy its clock.
            self.publishClock(of: slot, into: event.object.index, accumulate: false)
            self.objects[event.object.index].releasedOnlyBy = Int32(truncatingIfNeeded: thread.rawValue)
            self.tick(slot)
        case .readRelease:
            let slot = self.slot(thread)
            self.objects[event.object.index].readReleased.join(self.clocks[slot])
            self.tick(slot)
        case .atomicLoad:
            // Acquiring or sequentially consistent (and a failed compare-exchange of that failure
            // ordering): acquires the atomic's clock. Relaxed: orders nothing.
            let slot = self.slot(thread)
            if event.argument != Int64(TraceAtomicOrdering.relaxed.rawValue) {
                self.joinReleased(event.object.index, into: slot)
            }
            self.accessedSinceTick[slot] = true
        case .semaphoreWait, .conditionWait, .waitGroupWait:
            self.joinReleased(event.object.index, into: self.slot(thread))
        case .semaphoreSignal, .conditionSignal, .conditionBroadcast, .waitGroupDone:
            self.publish(thread, into: event.object.index)
        case .atomicStore:
            self.atomicStore(event)
        case .atomicReadModifyWrite:
            // Acquires unless relaxed or releasing; releases unless relaxed or acquiring, into the
            // atomic's clock (a read-modify-write continues every release sequence it reads from).
            let ordering = event.atomicOrdering ?? .sequentiallyConsistent
            if ordering.acquires { self.joinReleased(event.object.index, into: self.slot(thread)) }
            if ordering.releases { self.publish(thread, into: event.object.index) }
            self.accessedSinceTick[self.slot(thread)] = true
        case .waitGroupAdd:
            if event.argument < 0 { self.publish(thread, into: event.object.index) }
        case .makeChannel:
            self.objects[event.object.index].capacity = Int(clamping: event.argument)
        case .send:
            self.send(event)
        case .receive:
            self.receive(event)
        case .close:
            let slot = self.slot(thread)
            self.objects[event.object.index].closed = self.clocks[slot]
            self.tick(slot)
        default:
            // Every operation this build can decode has its case above; one added later gets its
            // rule here with it.
            return
        }
    }

    /// An atomic store's rule, by its ordering. Sequentially consistent: releases into the atomic's
    /// clock, which accumulates (the Go memory model's rule). Releasing: the atomic's clock becomes
    /// the storing thread's, since a store starts a release sequence of its own and an acquire that
    /// reads it synchronizes with it alone. Relaxed: the atomic's clock is emptied, since the store
    /// ends every release sequence and an acquire that reads it synchronizes with nothing.
    private func atomicStore(_ event: TraceEvent) {
        let object = event.object.index
        let slot = self.slot(event.thread)
        switch event.atomicOrdering ?? .sequentiallyConsistent {
        case .releasing:
            self.publishClock(of: slot, into: object, accumulate: false)
            self.objects[object].releasedOnlyBy = -1
            self.tick(slot)
        case .relaxed:
            if self.objects[object].released.storedWords != 0 { self.objects[object].released = VectorClock() }
            self.objects[object].releasedOnlyBy = -1
        default:
            self.publish(event.thread, into: object)
        }
        // An access: its epoch (the one after a store's release) may be kept, like a read's.
        self.accessedSinceTick[slot] = true
    }

    /// `clocks[slot].join(objects[object].released)` (`.readReleased` for `readSide`), lending the
    /// object's clock in place on the dense path (see ``VectorClock/withMutableStoredWords(_:)``):
    /// the join of every acquire, with no retain and release of the clock's storage.
    @inline(__always)
    private func joinReleased(_ object: Int, readSide: Bool = false, into slot: Int) {
        let dense = readSide
            ? self.clocks[slot].joinsDensely(self.objects[object].readReleased)
            : self.clocks[slot].joinsDensely(self.objects[object].released)
        guard dense else {
            if readSide {
                self.clocks[slot].join(self.objects[object].readReleased)
            } else {
                self.clocks[slot].join(self.objects[object].released)
            }
            return
        }
        self.clocks[slot].withMutableStoredWords { mine in
            if readSide {
                self.objects[object].readReleased.withStoredWords { VectorClock.joinDense(mine, $0) }
            } else {
                self.objects[object].released.withStoredWords { VectorClock.joinDense(mine, $0) }
            }
        }
    }

    /// `objects[object].released.assign(clocks[slot])` (a lock's release), or `.join` for `accumulate`
    /// (an atomic store's, a semaphore's), lending the thread's clock in place (see
    /// ``joinReleased(_:readSide:into:)``).
    @inline(__always)
    private func publishClock(of slot: Int, into object: Int, accumulate: Bool) {
        let inPlace = accumulate
            ? self.objects[object].released.joinsDensely(self.clocks[slot])
            : self.objects[object].released.storesLike(self.clocks[slot])
        guard inPlace else {
            if accumulate {
                self.objects[object].released.join(self.clocks[slot])
            } else {
                self.objects[object].released.assign(self.clocks[slot])
            }
            return
        }
        self.objects[object].released.withMutableStoredWords { mine in
            self.clocks[slot].withStoredWords { accumulate ? VectorClock.joinDense(mine, $0) : VectorClock.copyWords(mine, $0) }
        }
    }

    /// `parent` starts `child`: the child's clock begins as the parent's.
    ///
    /// At its first event (``start(_:)``) the child takes over the slot of an exited thread when its
    /// clock covers that thread's whole history (the parent joined it, or the child's first step took
    /// a lock that thread released last): the child's epochs there start above every epoch the exited
    /// thread used, so a clock that knows the child's events knows the other's too — right, since the
    /// other happened before the child's first step — and a clock that knew only the other's still
    /// knows exactly those. Nothing is lost, and clocks stay as wide as the threads that overlap (a
    /// task group's children, a serial queue's items) instead of as all the threads there were.
    private func fork(_ parent: ThreadID, _ child: ThreadID) {
        let parentSlot = self.slot(parent)
        if self.slotOf[child.index] == Self.unassigned {
            // The child takes its slot at its first event (``start(_:)``).
            self.unstarted[child.index, default: VectorClock()].join(self.clocks[parentSlot])
        } else {
            let slot = self.slot(child)
            let parent = self.clocks[parentSlot]
            self.clocks[slot].join(parent)
        }
        self.tick(parentSlot)
    }

    /// An exited thread's slot whose whole history `clock` covers, if there is one; its last clock
    /// is kept aside for joins of it still to come.
    ///
    /// Looks at a few of the longest-exited threads first (those the parent has most likely joined by
    /// now); the ones it does not know yet go to the back, so that a thread nobody ever joins (a
    /// dispatched work item, say) does not stand in the way. A few compares per fork, whatever the
    /// number of exited threads.
    private func takeExitedSlot(knownTo clock: VectorClock) -> Int? {
        var looked = 0
        while looked < 64, let candidate = self.exitedSlots.popFirst() {
            if clock[slotIndex: Int(candidate.slot)] >= candidate.final {
                let reused = Int(candidate.slot)
                self.retire(self.holder[reused], clock: self.clocks[reused])
                return reused
            }
            self.exitedSlots.append(candidate)
            looked += 1
            if looked >= self.exitedSlots.count { break }
        }
        return nil
    }

    private func retire(_ thread: Int, clock: VectorClock) {
        self.lastEpochs[thread] = clock[slotIndex: Int(self.slotOf[thread])]
        if self.retiredOrder.count == Self.retiredLimit {
            self.retired[self.retiredOrder.removeFirst()] = nil
        }
        self.retired[thread] = clock
        self.retiredOrder.append(thread)
    }

    /// `thread` has waited for `joined` to finish: it learns the joined thread's last clock. A thread
    /// joined long after another took its slot (and after its last clock was let go) contributes its
    /// own epochs only, not what it had learned from others: a join of it may then miss order that
    /// came through it (reports could name a race that is not one), which only a program that joins
    /// the same finished thread again, more than a thousand thread exits later, can meet.
    private func join(_ thread: ThreadID, _ joined: ThreadID) {
        let slot = self.slot(thread)
        guard joined.index < self.slotOf.count else { return }
        guard self.slotOf[joined.index] != Self.unassigned else {
            // Joined before it did anything: its clock is the one it would have started from.
            if let clock = self.unstarted[joined.index] { self.clocks[slot].join(clock) }
            return
        }
        let joinedSlot = Int(self.slotOf[joined.index])
        if self.holder[joinedSlot] == joined.index {
            let last = self.clocks[joinedSlot]
            self.clocks[slot].join(last)
        } else if let last = self.retired[joined.index] {
            self.clocks[slot].join(last)
        } else if self.lastEpochs[joined.index] > self.clocks[slot][slotIndex: joinedSlot] {
            self.clocks[slot].set(slot: joinedSlot, to: self.lastEpochs[joined.index])
        }
    }

    /// A release that accumulates: every earlier release of the object stays known to its acquirers.
    private func publish(_ thread: ThreadID, into object: Int) {
        let slot = self.slot(thread)
        self.publishClock(of: slot, into: object, accumulate: true)
        self.objects[object].releasedOnlyBy = -1
        self.tick(slot)
    }

    private func send(_ event: TraceEvent) {
        let thread = event.thread
        let slot = self.slot(thread)
        let object = event.object.index
        let rules = ChannelRules(capacity: self.objects[object].capacity)
        // Capacity C: the k-th receive happens before the (k+C)-th send completes. `receives` holds
        // the receives not yet paired with a send, oldest first: its head is that k-th receive.
        if rules.receiveMakingRoom(forSend: self.objects[object].sendCount) != nil,
            let receive = self.objects[object].receives.popFirst()
        {
            self.clocks[slot].join(receive.clock)
        }
        self.objects[object].sendCount += 1
        self.objects[object].sends.append((self.clocks[slot], thread))
        self.tick(slot)
    }

    private func receive(_ event: TraceEvent) {
        let thread = event.thread
        let slot = self.slot(thread)
        let object = event.object.index
        guard let send = self.objects[object].sends.popFirst() else {
            // No send left to take: the receive found the channel closed (and empty).
            if let closed = self.objects[object].closed { self.clocks[slot].join(closed) }
            return
        }
        // The i-th send happens before the i-th receive completes.
        self.clocks[slot].join(send.clock)
        if ChannelRules(capacity: self.objects[object].capacity).isRendezvous {
            // A rendezvous: the sender waited from its send until this receive, so what the
            // receiver did up to here happens before what the sender does next.
            let senderSlot = self.slot(send.thread)
            let receiver = self.clocks[slot]
            self.clocks[senderSlot].join(receiver)
            self.tick(senderSlot)
        } else {
            self.objects[object].receives.append((self.clocks[slot], thread))
        }
        self.tick(slot)
    }
}
