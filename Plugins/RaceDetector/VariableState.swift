import SyncTraceFormat
import SyncTraceReplay

/// What the detector reads per variable on every access: FastTrack's write epoch, and its read
/// epoch or read vector. 16 bytes, updated in place: four variables to a cache line, so that the
/// table of ten thousand variables (160 KB) has the best chance to stay in the cache between two
/// accesses of one variable, where a miss costs most of an access. Where and when those accesses
/// were (to explain a race) is kept apart, in ``AccessSites``.
struct VariableState {
    /// The sign of a read vector in ``readWord``: a thread index no trace can declare (thread
    /// indices are dense, and the four billionth thread's declaration would not fit in memory).
    private static let sharedMarker = UInt64(UInt32.max) << 32

    var lastWrite = Epoch.none
    /// ``lastRead``'s raw value while the variable's reads are ordered, else ``sharedMarker`` with
    /// the index of its read vector in the low 32 bits: a variable has one or the other.
    private var readWord: UInt64 = 0

    /// The last read while the variable's reads are ordered; ``Epoch/none`` once it has a read vector.
    var lastRead: Epoch {
        get {
            guard self.readWord & Self.sharedMarker != Self.sharedMarker else { return .none }
            return Epoch(thread: ThreadID(UInt32(truncatingIfNeeded: self.readWord >> 32)), clock: UInt32(truncatingIfNeeded: self.readWord))
        }
        set {
            precondition(self.sharedReads < 0, "a variable with a read vector has no last read")
            self.readWord = newValue.rawValue
        }
    }

    /// The index of the variable's read vector in the detector's `readVectors`, or -1 while its reads
    /// are ordered (``lastRead`` then holds the last one). Setting an index forgets the last read;
    /// setting -1 leaves no last read either.
    var sharedReads: Int32 {
        get {
            guard self.readWord & Self.sharedMarker == Self.sharedMarker else { return -1 }
            return Int32(truncatingIfNeeded: UInt32(truncatingIfNeeded: self.readWord))
        }
        set {
            self.readWord = newValue >= 0 ? Self.sharedMarker | UInt64(UInt32(newValue)) : 0
        }
    }
}

/// Where and when a variable's remembered accesses (its ``VariableState``'s epochs) were, and the
/// locks their threads held (``HeldLocksets`` numbers): 32 bytes, written with each remembered
/// access, read only to explain a race.
struct AccessSites {
    static let noLocation = UInt32.max

    var writeIndex: UInt64 = 0
    var readIndex: UInt64 = 0
    var writeLocation = Self.noLocation
    var readLocation = Self.noLocation
    var writeLockset: Int32 = 0
    var readLockset: Int32 = 0

    /// An access of `object` rebuilt for a finding.
    static func access(_ operation: TraceOperation, at epoch: Epoch, index: UInt64, location: UInt32, lockset: Int32, object: Int) -> TimedAccess {
        let event = TraceEvent(
            operation: operation,
            thread: epoch.thread,
            target: UInt32(object),
            location: location == Self.noLocation ? nil : StringID(location)
        )
        return TimedAccess(epoch: epoch, access: Access(event: event, index: index, lockset: lockset))
    }
}
