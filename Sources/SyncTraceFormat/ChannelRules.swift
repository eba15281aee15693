/// What a channel's capacity means for the order of its operations: the one home of channel
/// semantics, which the text form's rule checker enforces, the replay's ordering waits for and the
/// happens-before engine turns into edges (the channel rules of the Go memory model).
///
/// - A channel of capacity 0 is a rendezvous: a send completes only together with the receive that
///   takes its value, and its sender is blocked from the send until then.
/// - A receive takes the oldest value not yet received: receive *k* takes send *k* (counting from 0).
/// - On a channel of capacity *C* > 0, a send finds the buffer full while *C* values wait; send *k*
///   then completes only after receive *k* − *C* has made room.
/// - A close is ordered before every receive that returns because the channel is closed.
package struct ChannelRules: Hashable, Sendable {
    /// How many values the channel buffers (0: a rendezvous channel).
    package var capacity: Int

    /// The rules of a channel of `capacity`.
    @inlinable package init(capacity: Int) {
        self.capacity = capacity
    }

    /// Whether the channel is a rendezvous channel: a sender is blocked from its send until the
    /// receive that takes its value.
    @inlinable package var isRendezvous: Bool { self.capacity == 0 }

    /// Whether a send after `sends` sends and `receives` receives finds a buffered channel's buffer
    /// full (a rendezvous channel is never full: its send waits for its receive instead).
    @inlinable package func isFull(sends: Int, receives: Int) -> Bool {
        self.capacity > 0 && sends - receives >= self.capacity
    }

    /// The receive (numbered from 0) that send number `send` waits for when the buffer is full:
    /// receive `send` − capacity; nil for a rendezvous channel and for the first `capacity` sends.
    @inlinable package func receiveMakingRoom(forSend send: Int) -> Int? {
        self.capacity > 0 && send >= self.capacity ? send - self.capacity : nil
    }
}
