public import Synchronization

/// A tiny spin lock whose state is also a sequence number: each locked section gets the next number.
///
/// `TracedVar` and `TracedAtomic` take it around each recorded access, so an access and its number
/// are one indivisible step and the numbers give the exact order in which accesses saw each other's
/// values. Sections are a few instructions long, so spinning (with a yield after a while, for when
/// the holder was preempted) beats parking.
@usableFromInline
struct SequenceLock: ~Copyable, @unchecked Sendable {
    // Even: free, odd: held; the number of a section is the state it started from, halved.
    @usableFromInline let state = Atomic<UInt64>(0)

    @usableFromInline init() {}

    /// Runs `body` with the lock held and the section's sequence number.
    @inlinable @inline(__always)
    func withSequence<Result>(_ body: (UInt64) throws -> Result) rethrows -> Result {
        var spins = 0
        while true {
            let current = self.state.load(ordering: .relaxed)
            if current & 1 == 0,
                self.state.weakCompareExchange(
                    expected: current,
                    desired: current | 1,
                    successOrdering: .acquiring,
                    failureOrdering: .relaxed
                ).exchanged
            {
                defer { self.state.store(current &+ 2, ordering: .releasing) }
                return try body(current >> 1)
            }
            spins += 1
            if spins > 64 {
                spins = 0
                yieldProcessor()
            }
        }
    }
}
