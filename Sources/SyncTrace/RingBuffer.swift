/// A growable first-in-first-out queue with O(1) append and pop, for channel buffers.
struct RingBuffer<Element> {
    private var storage: [Element?] = []
    private var head = 0
    private(set) var count = 0

    mutating func append(_ element: Element) {
        if self.count == self.storage.count {
            // Unroll into a bigger array, oldest first.
            var grown: [Element?] = []
            grown.reserveCapacity(max(4, self.storage.count * 2))
            for index in 0..<self.count { grown.append(self.storage[(self.head + index) % self.storage.count]) }
            grown.append(contentsOf: repeatElement(nil, count: max(4, self.storage.count * 2) - self.count))
            self.storage = grown
            self.head = 0
        }
        self.storage[(self.head + self.count) % self.storage.count] = element
        self.count += 1
    }

    mutating func popFirst() -> Element? {
        guard self.count > 0 else { return nil }
        let element = self.storage[self.head]
        self.storage[self.head] = nil
        self.head = (self.head + 1) % self.storage.count
        self.count -= 1
        return element
    }
}
