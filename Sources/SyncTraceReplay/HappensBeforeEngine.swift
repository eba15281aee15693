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

    /// An engine for plugins that together declare `requirements`.
    init(requirements: AnalysisRequirements) {
        self.orderWithoutLocks = requirements.contains(.happensBeforeWithoutLocks) ? ClockFamily() : nil
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
        if let withoutLocks = self.orderWithoutLocks, !event.operation.isLockHandOver {
            withoutLocks.apply(event)
        }
    }
}

extension TraceOperation {
    /// Whether the operation hands a lock from one holder to the next (a release or an acquisition,
    /// either side): the edges the order without locks leaves out. A `req` has no rule in either.
    var isLockHandOver: Bool {
        self == .acquire || self == .release || self == .readAcquire || self == .readRelease
    }
}
