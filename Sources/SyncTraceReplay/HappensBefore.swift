public import SyncTraceFormat

/// The happens-before order of a trace, rebuilt event by event with vector clocks, once per replay
/// and shared by every plugin (see `TEXT-FORM.md` for the rule of each operation).
///
/// Each thread has a clock; a release (unlock, send, atomic store, `done`, fork…) publishes the
/// thread's clock into the object's, and the matching acquire (lock, receive, atomic load, `wait`,
/// join…) joins the object's clock into the thread's. A thread's own entry advances after each
/// release, so that what it does next is not covered by what it published. Clocks are joined in
/// place and copied only when published; an object's clock is allocated on its first release.
public final class HappensBefore {
    // One replay drives this engine from one thread, and plugins only read it between events: no two
    // accesses to these arrays can overlap, so the runtime's exclusivity checks (a call and a
    // thread-local lookup per access, on every event) are switched off.
    @exclusivity(unchecked) @usableFromInline var threads: [VectorClock] = []
    @exclusivity(unchecked) private var objects: [ObjectClocks] = []

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
        var sends = ClockQueue()
        var receives = ClockQueue()
        var sendCount = 0
        /// The thread whose release wrote ``released`` last, when nothing else has joined into it
        /// since (-1 otherwise): that thread's clock already covers it, so its next `acq` needs no join.
        var releasedOnlyBy: Int32 = -1
    }

    /// Creates an engine with no threads yet.
    public init() {}

    /// The current clock of `thread`.
    public func clock(of thread: ThreadID) -> VectorClock {
        thread.index < self.threads.count ? self.threads[thread.index] : VectorClock()
    }

    /// The current epoch of `thread`: its own entry of its own clock.
    @inlinable public func epoch(of thread: ThreadID) -> Epoch {
        Epoch(thread: thread, clock: self.entry(thread, of: thread))
    }

    /// Whether what `epoch` marks happens before `thread`'s current point (or is that point).
    @inlinable public func happensBefore(_ epoch: Epoch, _ thread: ThreadID) -> Bool {
        epoch.clock <= self.entry(epoch.thread, of: thread)
    }

    /// Entry `entry` of `thread`'s clock.
    @inlinable func entry(_ entry: ThreadID, of thread: ThreadID) -> UInt32 {
        self.threads[thread.index][entry]
    }

    /// Declares threads and objects up to the counts `symbols` holds (channel capacities included).
    public func grow(to symbols: TraceSymbols) {
        while self.threads.count < symbols.threads.count {
            var clock = VectorClock()
            // Epochs start at 1, so that 0 means "nothing known".
            clock.set(ThreadID(UInt32(self.threads.count)), to: 1)
            self.threads.append(clock)
        }
        while self.objects.count < symbols.objects.count {
            var clocks = ObjectClocks()
            clocks.capacity = symbols.objects[self.objects.count].capacity
            self.objects.append(clocks)
        }
    }

    /// Applies one event's rule. Events must come in an order that respects happens-before (a
    /// ``TraceOrdering``'s, or a text trace's), and ``grow(to:)`` must cover them.
    public func apply(_ event: TraceEvent) {
        let thread = event.thread
        switch event.operation {
        case .read, .write, .request, .begin, .end, .resume, .exit:
            return
        case .fork:
            self.threads[event.otherThread.index].join(self.threads[thread.index])
            self.threads[thread.index].tick(thread)
        case .join:
            self.threads[thread.index].join(self.threads[event.otherThread.index])
        case .acquire:
            let object = event.object.index
            // A thread taking again the lock it released last learns nothing from that release.
            if self.objects[object].releasedOnlyBy != Int32(truncatingIfNeeded: thread.rawValue) {
                self.threads[thread.index].join(self.objects[object].released)
            }
            if !self.objects[object].readReleased.entries.isEmpty {
                self.threads[thread.index].join(self.objects[object].readReleased)
            }
        case .readAcquire:
            self.threads[thread.index].join(self.objects[event.object.index].released)
        case .release:
            // Copied into the object's own storage, so that the thread's tick does not copy its clock.
            self.objects[event.object.index].released.assign(self.threads[thread.index])
            self.objects[event.object.index].releasedOnlyBy = Int32(truncatingIfNeeded: thread.rawValue)
            self.threads[thread.index].tick(thread)
        case .readRelease:
            self.objects[event.object.index].readReleased.join(self.threads[thread.index])
            self.threads[thread.index].tick(thread)
        case .atomicLoad, .semaphoreWait, .conditionWait, .waitGroupWait:
            self.threads[thread.index].join(self.objects[event.object.index].released)
        case .atomicStore, .semaphoreSignal, .conditionSignal, .conditionBroadcast, .waitGroupDone:
            self.publish(thread, into: event.object.index)
        case .atomicReadModifyWrite:
            self.threads[thread.index].join(self.objects[event.object.index].released)
            self.publish(thread, into: event.object.index)
        case .waitGroupAdd:
            if event.argument < 0 { self.publish(thread, into: event.object.index) }
        case .makeChannel:
            self.objects[event.object.index].capacity = Int(clamping: event.argument)
        case .send:
            self.send(event)
        case .receive:
            self.receive(event)
        case .close:
            self.objects[event.object.index].closed = self.threads[thread.index]
            self.threads[thread.index].tick(thread)
        }
    }

    /// A release that accumulates: every earlier release of the object stays known to its acquirers.
    private func publish(_ thread: ThreadID, into object: Int) {
        self.objects[object].released.join(self.threads[thread.index])
        self.objects[object].releasedOnlyBy = -1
        self.threads[thread.index].tick(thread)
    }

    private func send(_ event: TraceEvent) {
        let thread = event.thread
        let object = event.object.index
        let capacity = self.objects[object].capacity
        // Capacity C: the k-th receive happens before the (k+C)-th send completes.
        if capacity > 0 && self.objects[object].sendCount >= capacity, let receive = self.objects[object].receives.popFirst() {
            self.threads[thread.index].join(receive.clock)
        }
        self.objects[object].sendCount += 1
        self.objects[object].sends.append(self.threads[thread.index], thread: thread)
        self.threads[thread.index].tick(thread)
    }

    private func receive(_ event: TraceEvent) {
        let thread = event.thread
        let object = event.object.index
        guard let send = self.objects[object].sends.popFirst() else {
            // No send left to take: the receive found the channel closed (and empty).
            if let closed = self.objects[object].closed { self.threads[thread.index].join(closed) }
            return
        }
        // The i-th send happens before the i-th receive completes.
        self.threads[thread.index].join(send.clock)
        if self.objects[object].capacity == 0 {
            // A rendezvous: the sender waited from its send until this receive, so what the
            // receiver did up to here happens before what the sender does next.
            self.threads[send.thread.index].join(self.threads[thread.index])
            self.threads[send.thread.index].tick(send.thread)
        } else {
            self.objects[object].receives.append(self.threads[thread.index], thread: thread)
        }
        self.threads[thread.index].tick(thread)
    }
}

/// A first-in-first-out queue of clocks (a channel's unmatched sends or receives).
struct ClockQueue {
    private var items: [(clock: VectorClock, thread: ThreadID)] = []
    private var head = 0

    mutating func append(_ clock: VectorClock, thread: ThreadID) {
        if self.head > 64 && self.head * 2 > self.items.count {
            self.items.removeFirst(self.head)
            self.head = 0
        }
        self.items.append((clock, thread))
    }

    mutating func popFirst() -> (clock: VectorClock, thread: ThreadID)? {
        guard self.head < self.items.count else { return nil }
        let item = self.items[self.head]
        self.head += 1
        if self.head == self.items.count {
            self.items.removeAll(keepingCapacity: true)
            self.head = 0
        }
        return item
    }
}
