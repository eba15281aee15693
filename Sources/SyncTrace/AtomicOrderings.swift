public import Synchronization
public import SyncTraceFormat

// `Synchronization.Atomic` takes its orderings only as constants: `TracedAtomic`, which takes them
// as arguments, turns each into a constant by a switch. Its operations are inlined into the caller,
// where the ordering is a constant too, so the switch folds into the one operation asked for.
// An ordering a later toolchain adds falls to the strongest, sequentially consistent.

extension AtomicLoadOrdering {
    /// The ordering as the trace records it.
    @inlinable @inline(__always)
    var traceOrdering: TraceAtomicOrdering {
        switch self {
        case .relaxed: .relaxed
        case .acquiring: .acquiring
        default: .sequentiallyConsistent
        }
    }
}

extension AtomicStoreOrdering {
    /// The ordering as the trace records it.
    @inlinable @inline(__always)
    var traceOrdering: TraceAtomicOrdering {
        switch self {
        case .relaxed: .relaxed
        case .releasing: .releasing
        default: .sequentiallyConsistent
        }
    }
}

extension AtomicUpdateOrdering {
    /// The ordering as the trace records it.
    @inlinable @inline(__always)
    var traceOrdering: TraceAtomicOrdering {
        switch self {
        case .relaxed: .relaxed
        case .acquiring: .acquiring
        case .releasing: .releasing
        case .acquiringAndReleasing: .acquiringAndReleasing
        default: .sequentiallyConsistent
        }
    }

    /// The ordering of a compare-exchange that fails, when only this one is given: the strongest load
    /// ordering no stronger than it, as `Atomic.compareExchange(expected:desired:ordering:)` takes.
    @inlinable @inline(__always)
    var failureOrdering: AtomicLoadOrdering {
        switch self {
        case .relaxed, .releasing: .relaxed
        case .acquiring, .acquiringAndReleasing: .acquiring
        default: .sequentiallyConsistent
        }
    }
}

extension Atomic where Value == UInt64 {
    @inlinable @inline(__always)
    func load(tracing ordering: AtomicLoadOrdering) -> UInt64 {
        switch ordering {
        case .relaxed: self.load(ordering: .relaxed)
        case .acquiring: self.load(ordering: .acquiring)
        default: self.load(ordering: .sequentiallyConsistent)
        }
    }

    @inlinable @inline(__always)
    func store(_ desired: UInt64, tracing ordering: AtomicStoreOrdering) {
        switch ordering {
        case .relaxed: self.store(desired, ordering: .relaxed)
        case .releasing: self.store(desired, ordering: .releasing)
        default: self.store(desired, ordering: .sequentiallyConsistent)
        }
    }

    @inlinable @inline(__always)
    func exchange(_ desired: UInt64, tracing ordering: AtomicUpdateOrdering) -> UInt64 {
        switch ordering {
        case .relaxed: self.exchange(desired, ordering: .relaxed)
        case .acquiring: self.exchange(desired, ordering: .acquiring)
        case .releasing: self.exchange(desired, ordering: .releasing)
        case .acquiringAndReleasing: self.exchange(desired, ordering: .acquiringAndReleasing)
        default: self.exchange(desired, ordering: .sequentiallyConsistent)
        }
    }

    /// A strong compare-exchange with the given orderings.
    @inlinable @inline(__always)
    func compareExchange(
        expected: UInt64,
        desired: UInt64,
        tracing success: AtomicUpdateOrdering,
        _ failure: AtomicLoadOrdering
    ) -> (exchanged: Bool, original: UInt64) {
        switch failure {
        case .relaxed:
            switch success {
            case .relaxed: self.compareExchange(expected: expected, desired: desired, successOrdering: .relaxed, failureOrdering: .relaxed)
            case .acquiring: self.compareExchange(expected: expected, desired: desired, successOrdering: .acquiring, failureOrdering: .relaxed)
            case .releasing: self.compareExchange(expected: expected, desired: desired, successOrdering: .releasing, failureOrdering: .relaxed)
            case .acquiringAndReleasing:
                self.compareExchange(expected: expected, desired: desired, successOrdering: .acquiringAndReleasing, failureOrdering: .relaxed)
            default:
                self.compareExchange(expected: expected, desired: desired, successOrdering: .sequentiallyConsistent, failureOrdering: .relaxed)
            }
        case .acquiring:
            switch success {
            case .relaxed: self.compareExchange(expected: expected, desired: desired, successOrdering: .relaxed, failureOrdering: .acquiring)
            case .acquiring: self.compareExchange(expected: expected, desired: desired, successOrdering: .acquiring, failureOrdering: .acquiring)
            case .releasing: self.compareExchange(expected: expected, desired: desired, successOrdering: .releasing, failureOrdering: .acquiring)
            case .acquiringAndReleasing:
                self.compareExchange(expected: expected, desired: desired, successOrdering: .acquiringAndReleasing, failureOrdering: .acquiring)
            default:
                self.compareExchange(expected: expected, desired: desired, successOrdering: .sequentiallyConsistent, failureOrdering: .acquiring)
            }
        default:
            switch success {
            case .relaxed:
                self.compareExchange(expected: expected, desired: desired, successOrdering: .relaxed, failureOrdering: .sequentiallyConsistent)
            case .acquiring:
                self.compareExchange(expected: expected, desired: desired, successOrdering: .acquiring, failureOrdering: .sequentiallyConsistent)
            case .releasing:
                self.compareExchange(expected: expected, desired: desired, successOrdering: .releasing, failureOrdering: .sequentiallyConsistent)
            case .acquiringAndReleasing:
                self.compareExchange(
                    expected: expected,
                    desired: desired,
                    successOrdering: .acquiringAndReleasing,
                    failureOrdering: .sequentiallyConsistent
                )
            default:
                self.compareExchange(
                    expected: expected,
                    desired: desired,
                    successOrdering: .sequentiallyConsistent,
                    failureOrdering: .sequentiallyConsistent
                )
            }
        }
    }

    /// A weak compare-exchange that is `ordering` when it exchanges and relaxed when it fails: the
    /// step of a read-modify-write loop, whose failed steps read nothing the loop keeps.
    @inlinable @inline(__always)
    func weakCompareExchange(expected: UInt64, desired: UInt64, tracing ordering: AtomicUpdateOrdering) -> (exchanged: Bool, original: UInt64) {
        switch ordering {
        case .relaxed: self.weakCompareExchange(expected: expected, desired: desired, successOrdering: .relaxed, failureOrdering: .relaxed)
        case .acquiring: self.weakCompareExchange(expected: expected, desired: desired, successOrdering: .acquiring, failureOrdering: .relaxed)
        case .releasing: self.weakCompareExchange(expected: expected, desired: desired, successOrdering: .releasing, failureOrdering: .relaxed)
        case .acquiringAndReleasing:
            self.weakCompareExchange(expected: expected, desired: desired, successOrdering: .acquiringAndReleasing, failureOrdering: .relaxed)
        default:
            self.weakCompareExchange(expected: expected, desired: desired, successOrdering: .sequentiallyConsistent, failureOrdering: .relaxed)
        }
    }
}
