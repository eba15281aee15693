public import SyncTraceFormat
public import SyncTraceReplay

/// An example analysis plugin: shared variables that several threads access without any lock held in
/// common (Eraser's lockset discipline).
///
/// Unlike the race detector, it ignores happens-before: a variable whose accesses are ordered by a
/// channel or a join, but not protected by one common lock, is reported too. That is a different
/// question — "is there a locking discipline?" — with useful answers: a variable that happens not to
/// race in this run, but whose safety rests on timing or on a hand-off nobody wrote down.
///
/// As in Eraser, a variable is exclusive to the first thread that touches it (initialization needs no
/// lock); from the first access by another thread on, its candidate locks are those held at every
/// access. Data written once and then only read by others needs no lock either, so a variable is
/// reported only once it is written while shared (Eraser's shared-modified state) and its candidate
/// set is empty: once, with that access and the previous access by another thread. The option
/// `read-shared` (`--option lockset.read-shared=true`) drops that exemption: data read by several
/// threads without a common lock is reported too, even if only its first thread ever wrote it.
public final class LocksetChecker: AnalysisPlugin {
    public let name = "lockset"
    public let summary = "shared variables accessed by several threads with no lock held in common (Eraser)"
    public let operations = TraceOperationSet([.acquire, .release, .readAcquire, .readRelease, .read, .write])
    public let options: [PluginOption] = [
        .boolean(
            "read-shared",
            default: false,
            help: "also report variables that several threads only read without a common lock (Eraser exempts them)"
        ),
    ]

    private struct VariableState {
        var owner: ThreadID
        /// `nil` while the variable is exclusive to its owner.
        var candidates: Set<ObjectID>?
        /// Whether it was written since it became shared.
        var modifiedWhileShared = false
        var lastAccess: TraceEvent
        var lastIndex: UInt64
        var reported = false
    }

    /// The locks each thread holds (in either mode), with how many times (for recursive holds).
    private var held: [ThreadID: [ObjectID: Int]] = [:]
    private var variables: [ObjectID: VariableState] = [:]
    private var findings: [Finding] = []
    private var sharedVariables = 0
    /// The `read-shared` option, read from the context at the first access that needs it.
    private var reportsReadShared: Bool?

    /// Creates a checker for one replay.
    public init() {}

    public func handle(_ event: TraceEvent, in context: AnalysisContext) {
        switch event.operation {
        case .acquire, .readAcquire:
            self.held[event.thread, default: [:]][event.object, default: 0] += 1
        case .release, .readRelease:
            if let count = self.held[event.thread]?[event.object] {
                self.held[event.thread]![event.object] = count > 1 ? count - 1 : nil
            }
        default:
            self.access(event, in: context)
        }
    }

    private func access(_ event: TraceEvent, in context: AnalysisContext) {
        let locks = Set(self.held[event.thread]?.keys ?? [:].keys)
        guard var state = self.variables[event.object] else {
            self.variables[event.object] = VariableState(
                owner: event.thread,
                candidates: nil,
                lastAccess: event,
                lastIndex: context.eventIndex
            )
            return
        }
        if state.candidates == nil {
            if state.owner == event.thread {
                state.lastAccess = event
                state.lastIndex = context.eventIndex
                self.variables[event.object] = state
                return
            }
            // A second thread: the variable is shared from now on.
            state.candidates = locks
            self.sharedVariables += 1
        } else {
            state.candidates!.formIntersection(locks)
        }
        if event.operation == .write { state.modifiedWhileShared = true }
        if state.candidates!.isEmpty && !state.reported && state.lastAccess.thread != event.thread
            && (state.modifiedWhileShared || self.readShared(in: context))
        {
            state.reported = true
            self.report(event, previous: state.lastAccess, previousIndex: state.lastIndex, in: context)
        }
        state.lastAccess = event
        state.lastIndex = context.eventIndex
        self.variables[event.object] = state
    }

    /// Whether read-shared variables are reported too (the option, read once per replay).
    private func readShared(in context: AnalysisContext) -> Bool {
        if let known = self.reportsReadShared { return known }
        let value = context.optionValues(for: self).boolean("read-shared")
        self.reportsReadShared = value
        return value
    }

    private func report(_ event: TraceEvent, previous: TraceEvent, previousIndex: UInt64, in context: AnalysisContext) {
        let lockNames = { (thread: ThreadID) -> FindingText in
            let locks = (self.held[thread] ?? [:]).keys.sorted { $0.rawValue < $1.rawValue }
            return locks.isEmpty ? "no lock" : FindingText.joined(locks.map { "\(object: $0)" }, separator: ", ")
        }
        let current = context.describe(event, role: event.operation == .write ? "Write" : "Read", index: context.eventIndex)
        let earlier = context.describe(previous, role: previous.operation == .write ? "Previous write" : "Previous read", index: previousIndex)
        self.findings.append(
            Finding(
                kind: .noCommonLock,
                title: "NO COMMON LOCK",
                message: "\(object: event.object) is shared by several threads, and no lock is held at all of its accesses",
                variable: event.object,
                objects: [context.object(event.object)],
                events: [current, earlier],
                details: ["\(thread: event.thread) held \(lockNames(event.thread)) at this access."]
            )
        )
    }

    public func finish(in context: AnalysisContext) -> [Finding] { self.findings }

    public func summaryLines(in context: AnalysisContext) -> [String] {
        ["\(self.sharedVariables) shared variable\(self.sharedVariables == 1 ? "" : "s"), \(self.findings.count) without a common lock"]
    }
}

extension FindingKind {
    /// A shared variable with no lock held at all of its accesses (``LocksetChecker``).
    public static let noCommonLock: FindingKind = "no common lock"
}
