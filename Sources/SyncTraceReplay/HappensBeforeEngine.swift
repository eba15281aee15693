import SyncTraceFormat

/// Happens-before for one replay, computed once in one pass and shared by every plugin: the whole
/// order, and — only when a plugin declares ``AnalysisRequirements/happensBeforeWithoutLocks`` — the
/// order without lock edges, each a ``ClockFamily``. The replay alone drives it; plugins see its
/// families through ``HappensBefore`` views, which cannot change them.
final class HappensBeforeEngine {
    /// The order of every rule.
    let order = ClockFamily()
    /// The order of every rule but a lock's release and acquisition, if a plugin asked for it.
    let orderWithoutLocks: ClockFamily?
    /// The locks each thread holds, if a plugin asked for them.
    let heldLocks: HeldLocksets?

    /// An engine for plugins that together declare `requirements`.
    init(requirements: AnalysisRequirements) {
        self.orderWithoutLocks = requirements.contains(.happensBeforeWithoutLocks) ? ClockFamily() : nil
        self.heldLocks = requirements.contains(.heldLocks) ? HeldLocksets() : nil
    }

    /// Declares threads and objects up to the counts `symbols` holds, in every family.
    func grow(to symbols: TraceSymbols) {
        self.order.grow(to: symbols)
        self.orderWithoutLocks?.grow(to: symbols)
    }

    /// Applies one event's rules (see ``ClockFamily/apply(_:)``).
    @inline(__always)
    func apply(_ event: TraceEvent) {
        self.order.apply(event)
        if let withoutLocks = self.orderWithoutLocks, !event.operation.isSkippedWithoutLocks {
            withoutLocks.apply(event)
        }
        self.heldLocks?.apply(event)
    }
}

extension TraceOperation {
    /// Whether the order without locks skips the operation: a lock hand-over (a release or an
    /// acquisition, either side: the edges that order leaves out), or a plain access, which has no
    /// rule and only marks its epoch used — in that order nobody keeps the epoch of an access
    /// without saying so (``HappensBefore/keepCurrentPoint(of:)``), and the accesses are most of the
    /// events. A `req` has no rule in either order.
    var isSkippedWithoutLocks: Bool {
        self == .acquire || self == .release || self == .readAcquire || self == .readRelease || self == .read || self == .write
    }
}
