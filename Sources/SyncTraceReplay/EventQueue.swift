public import SyncTraceFormat

/// A first-in-first-out queue of events with O(1) append and pop, reusing its storage.
struct EventQueue {
    private var storage: [TraceEvent] = []
    private var head = 0

    var isEmpty: Bool { self.head == self.storage.count }
    var count: Int { self.storage.count - self.head }
    var first: TraceEvent? { self.isEmpty ? nil : self.storage[self.head] }

    mutating func append(_ event: TraceEvent) {
        // Compact when the consumed prefix dominates, so memory follows what is pending.
        if self.head > 4096 && self.head * 2 > self.storage.count {
            self.storage.removeFirst(self.head)
            self.head = 0
        }
        self.storage.append(event)
    }

    mutating func removeFirst() -> TraceEvent {
        let event = self.storage[self.head]
        self.head += 1
        if self.head == self.storage.count {
            self.storage.removeAll(keepingCapacity: true)
            self.head = 0
        }
        return event
    }

    /// The pending events, oldest first.
    var pending: ArraySlice<TraceEvent> { self.storage[self.head...] }
}
