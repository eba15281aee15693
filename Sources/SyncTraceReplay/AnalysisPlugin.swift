public import SyncTraceFormat

/// An analysis that runs over a replayed trace: the data-race detector, the deadlock detector, the
/// lost-update counter, and yours.
///
/// ## What a plugin sees
///
/// The replay reads a trace once, puts its events in an order that respects happens-before (a
/// recorded trace's per-thread batches are merged by each object's sequence numbers; a text trace
/// is already in order), and computes happens-before once, with vector clocks (``HappensBefore``).
/// Then, for each event whose operation the plugin subscribed to (``operations``), it calls
/// ``handle(_:in:)`` with the event and an ``AnalysisContext``: the trace's names, the position of
/// the event, and queries of happens-before (``HappensBefore``) — the clock of any thread, and the
/// question "does what this epoch marks happen before this thread's current point?". A
/// synchronization event is handed over after its happens-before rule was applied. A plugin that
/// needs more of the replay than that (the order without lock edges) declares it in
/// ``requirements``.
///
/// A plugin never keeps its own copy of happens-before: it asks the context. It keeps only what its
/// analysis needs (for a race detector: the epoch of each variable's last write), and its memory
/// should grow with the number of objects and threads, not of events — traces can be larger than
/// memory.
///
/// At the end, ``finish(in:)`` returns the findings, each naming the plugin, what was found, the
/// objects involved, and the events (thread, operation, source location) that explain it. The CLI
/// renders them for people (blocks like Go's `WARNING: DATA RACE`) or as JSON.
///
/// ## A trace cut short
///
/// A recording killed where no handler runs (SIGKILL, a power cut) leaves a trace without an end
/// record. The replay analyses it up to its consistent cut: only events whose every happens-before
/// predecessor is in the file, nothing past the first gap. So happens-before among the events a
/// plugin sees is exactly that of the whole run, and what a plugin finds among them — a race, a
/// lock-order cycle — is real. But the program went on past the last of them: a state at the end of
/// what the plugin saw (a thread waiting in a `req` whose `acq` the cut lost, an update whose write
/// is missing) says nothing about how the program ended. ``AnalysisContext/reachesProgramEnd`` is
/// `false` then, and a plugin reports nothing that depends on the end being the program's end (the
/// deadlock detector reports no blocked threads), and says in its summary that its counts are of
/// the analysed part. ``AnalysisContext/ending`` tells the endings apart: a trace a signal handler
/// finished (`TraceEnding.signal(_:)`) reaches the program's end — the moment of the signal — and
/// its findings can name the signal. Both are settled before ``finish(in:)``.
///
/// ## Writing one
///
/// ```swift
/// import SyncTraceReplay
///
/// /// Counts lock acquisitions per lock and reports locks taken by more than one thread.
/// public final class SharedLockCounter: AnalysisPlugin {
///     public let name = "shared-locks"
///     public let summary = "locks acquired by more than one thread"
///     public let operations = TraceOperationSet([.acquire])
///     private var threadsByLock: [ObjectID: Set<ThreadID>] = [:]
///
///     public init() {}
///
///     public func handle(_ event: TraceEvent, in context: AnalysisContext) {
///         self.threadsByLock[event.object, default: []].insert(event.thread)
///     }
///
///     public func finish(in context: AnalysisContext) -> [Finding] {
///         self.threadsByLock.filter { $0.value.count > 1 }.map { lock, threads in
///             Finding(
///                 kind: .sharedLock,
///                 title: "SHARED LOCK",
///                 message: "\(object: lock) is taken by \(threads.count) threads",
///                 objects: [context.object(lock)]
///             )
///         }
///     }
/// }
/// 
/// extension FindingKind {
///     public static let sharedLock: FindingKind = "shared lock"   // JSON's "kind"
/// }
/// ```
///
/// The replay stamps each finding with the plugin's ``name``: a plugin never repeats it. A finding
/// names threads and objects by identity (``FindingText``), and the renderers name them.
///
/// Plugins run on one thread, one replay at a time: no locking is needed inside. A plugin instance
/// serves one replay; make a new one for the next.
public protocol AnalysisPlugin: AnyObject {
    /// A short, unique, lower-case name: what `synctrace analyze --plugin NAME` selects and what every
    /// finding's `"plugin"` field says ("race", "deadlock", "lost-update").
    var name: String { get }

    /// One line for `synctrace plugins`: what the plugin finds.
    var summary: String { get }

    /// The operations whose events ``handle(_:in:)`` receives. Subscribing to fewer makes the replay
    /// faster: each event costs one call per subscribed plugin.
    var operations: TraceOperationSet { get }

    /// What the plugin needs computed besides happens-before (``AnalysisRequirements``): read once,
    /// before the first event. The default needs nothing more.
    var requirements: AnalysisRequirements { get }

    /// The options the plugin takes (``PluginOption``): what `synctrace plugins` lists and
    /// `synctrace analyze --option NAME.KEY=VALUE` sets, each with its type, default and help. Read
    /// their values for a replay with ``AnalysisContext/optionValues(for:)``. The default declares none.
    var options: [PluginOption] { get }

    /// Called for each event of a subscribed operation, in happens-before order.
    func handle(_ event: TraceEvent, in context: AnalysisContext)

    /// Called with each batch of events (of every operation, in the order ``handle(_:in:)`` will
    /// see the subscribed ones) before the first of them is handed over: a plugin whose per-object
    /// state is larger than the caches may load the state those events will touch now, all of it at
    /// once (``FlatArray/warm(_:)``), so that the misses overlap instead of stalling one event each.
    /// Must change nothing the plugin finds. The default does nothing.
    func prepare(for events: UnsafeBufferPointer<TraceEvent>)

    /// Called once after the last event: what the plugin found. Check
    /// ``AnalysisContext/reachesProgramEnd`` before reporting anything about the state the trace
    /// ends in (see "A trace cut short" above).
    func finish(in context: AnalysisContext) -> [Finding]

    /// Lines for the summary at the end of a report, e.g. "2 racing variables, 17 racing pairs".
    /// Called after ``finish(in:)``. The default has none.
    func summaryLines(in context: AnalysisContext) -> [String]
}

extension AnalysisPlugin {
    /// Nothing beyond happens-before.
    public var requirements: AnalysisRequirements { [] }

    /// No options.
    public var options: [PluginOption] { [] }

    /// No summary lines.
    public func summaryLines(in context: AnalysisContext) -> [String] { [] }

    /// Nothing to prepare.
    public func prepare(for events: UnsafeBufferPointer<TraceEvent>) {}
}

/// A set of operations, as a bit mask over their opcodes.
public struct TraceOperationSet: Hashable, Sendable {
    /// One bit per operation's raw value.
    public var bits: UInt64

    /// The set of `operations`.
    public init(_ operations: [TraceOperation]) {
        self.bits = operations.reduce(0) { $0 | (1 << UInt64($1.rawValue)) }
    }

    /// Every operation.
    public static let all = TraceOperationSet(TraceOperation.allCases)

    /// Whether the set holds `operation`.
    @inlinable public func contains(_ operation: TraceOperation) -> Bool {
        self.bits & (1 << UInt64(operation.rawValue)) != 0
    }
}
