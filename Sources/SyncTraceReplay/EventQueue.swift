import SyncTraceFormat

/// A first-in-first-out queue of events with O(1) append and pop, reusing its storage.
struct EventQueue {
    private var storage: [TraceEvent] = []
    private var head = 0

    var isEmpty: Bool { self.head == self.storage.count }
    var count: Int { self.storage.count - self.head }
    var first: TraceEvent? { self.isEmpty ? nil : self.storage[self.head] }

    mutating func append(_ event: TraceEvent) {
        self.compactIfWorthIt()
        self.storage.append(event)
    }

    /// Appends a run of events at once (a batch's events of one thread).
    mutating func append(contentsOf events: UnsafeBufferPointer<TraceEvent>) {
        self.compactIfWorthIt()
        self.storage.append(contentsOf: events)
    }

    // Compact when the consumed prefix dominates, so memory follows what is pending.
    private mutating func compactIfWorthIt() {
        if self.head > 4096 && self.head * 2 > self.storage.count {
            self.storage.removeFirst(self.head)
            self.head = 0
        }
    }

    mutating func removeFirst() -> TraceEvent {
        let event = self.storage[self.head]
        self.removeFirst(1)
        return event
    }

    /// Drops the `count` oldest events.
    mutating func removeFirst(_ count: Int) {
        self.head += count
        if self.head == self.storage.count {
            self.storage.removeAll(keepingCapacity: true)
            self.head = 0
        }
    }

    /// Calls `body` with the pending events, oldest first, without copying them.
    func withPending<Result>(_ body: (UnsafeBufferPointer<TraceEvent>) -> Result) -> Result {
        self.storage.withUnsafeBufferPointer { all in body(UnsafeBufferPointer(rebasing: all[self.head...])) }
    }

    /// The pending events, oldest first.
    var pending: ArraySlice<TraceEvent> { self.storage[self.head...] }
}
