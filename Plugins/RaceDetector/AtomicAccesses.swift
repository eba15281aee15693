import SyncTraceFormat

/// What the race detector keeps of a variable's atomic accesses, once it has had any: an atomic
/// access does not race with another atomic access, but a plain access that conflicts with a
/// concurrent atomic one is a data race (as in Go's, C++'s and Swift's memory models), so each
/// side checks against the other's last accesses. Kept apart from the plain state: most variables
/// are never accessed both ways, and they pay one array load to learn it.
struct AtomicAccesses {
    /// The last atomic store or read-modify-write.
    var lastWrite: TimedAccess?
    /// Each thread's last atomic load (a read-modify-write counts as both).
    var reads: [ThreadID: TimedAccess] = [:]
}

extension TraceOperation {
    /// Whether the operation writes its variable (plain or atomic).
    var writesVariable: Bool { self == .write || self == .atomicStore || self == .atomicReadModifyWrite }

    /// Whether the operation is an atomic access.
    var isAtomicAccess: Bool { self == .atomicLoad || self == .atomicStore || self == .atomicReadModifyWrite }
}
