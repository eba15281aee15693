import SyncTraceFormat
import _SyncTraceDataStructures

/// ``TraceOrdering``'s per-object state: the sequence number each object's next operation must
/// have, each channel's capacity, and the threads blocked in a rendezvous send until its receive.
struct ObjectProgress: ~Copyable {
    /// Per object, the sequence number of its next operation (in memory this ordering owns so that
    /// the per-event check is a plain load). Numbering starts at zero, so an object's operation #0
    /// goes out as soon as its thread is ready, without waiting to see whether the rest of the file
    /// holds an earlier one (it cannot); an object whose first recorded number is higher is resumed
    /// there by the ordering's stall resolution.
    var nextSequence = FlatArray<UInt64>()
    /// Per channel (per object: capacity 0 for the others): what its capacity means.
    var channels: [ChannelRules] = []
    /// Per rendezvous channel with sends not yet received: the senders, oldest first.
    var pendingSenders: [Int: FIFOQueue<ThreadID>] = [:]
    /// Per thread: whether it is blocked in a rendezvous send until the receive.
    var blockedInSend: [Bool] = []

    /// Operations whose only ordering rule is their object's sequence number and whose emission only
    /// advances it: the per-event fast path. Channel operations, `fork`, `join` and those without a
    /// sequence number take the general path.
    static let plainSequenced: UInt64 = TraceOperation.allCases.reduce(0) { mask, operation in
        operation.hasSequence && ![.makeChannel, .send, .receive].contains(operation)
            ? mask | 1 << UInt64(operation.rawValue) : mask
    }
}
