/// What a plugin needs the replay to compute besides the happens-before order every plugin gets
/// (``AnalysisPlugin/requirements``). Each costs time on every event, so the replay computes one only
/// when a plugin it runs declares it.
public struct AnalysisRequirements: OptionSet, Hashable, Sendable {
    /// One bit per requirement.
    public let rawValue: UInt32

    /// The requirements whose bits `rawValue` holds.
    public init(rawValue: UInt32) {
        self.rawValue = rawValue
    }

    /// Happens-before without the edges of locks (a release and the next acquisition of the lock):
    /// only fork and join, channels, wait groups, atomics, semaphores and conditions order events.
    /// Read it as ``AnalysisContext/happensBeforeWithoutLocks``. The deadlock detector asks for it:
    /// an order that comes only through a lock is an accident of the recorded schedule.
    public static let happensBeforeWithoutLocks = AnalysisRequirements(rawValue: 1 << 0)

    /// The locks each thread holds at the current event (``AnalysisContext/heldLocks(of:)``), kept
    /// from the trace's acquisitions and releases without the plugin taking those events. The race
    /// detector asks for it, to say which locks each side of a race held.
    public static let heldLocks = AnalysisRequirements(rawValue: 1 << 1)
}
