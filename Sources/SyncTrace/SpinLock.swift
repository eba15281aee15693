public import Synchronization

/// A tiny spin lock for sections a few instructions long.
///
/// `TracedVar`, `TracedAtomic`, `TracedRWLock` and `TracedCondition` take it around each recorded
/// operation, so that an access and its number in the object's own order are one indivisible step:
/// the numbers then give the exact order in which accesses saw each other's values. Spinning (with a
/// yield after a while, for when the holder was preempted) beats parking for sections this short.
@usableFromInline
struct SpinLock: ~Copyable, @unchecked Sendable {
    @usableFromInline let state = Atomic<Bool>(false)

    @usableFromInline init() {}

    /// Runs `body` with the lock held.
    @inlinable @inline(__always)
    func withLock<Result>(_ body: () throws -> Result) rethrows -> Result {
        var spins = 0
        while true {
            if !self.state.load(ordering: .relaxed),
                self.state.weakCompareExchange(
                    expected: false,
                    desired: true,
                    successOrdering: .acquiring,
                    failureOrdering: .relaxed
                ).exchanged
            {
                defer { self.state.store(false, ordering: .releasing) }
                return try body()
            }
            spins += 1
            if spins > 64 {
                spins = 0
                yieldProcessor()
            }
        }
    }
}
