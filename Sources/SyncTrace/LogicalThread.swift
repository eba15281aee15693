import CSyncTraceRuntime
import Synchronization

/// A thread of the trace that is not an OS thread: a traced Swift task (``TracedTask``, a child of
/// ``TracedTaskGroup``) or a work item of a ``TracedDispatchQueue``.
///
/// A task moves between OS threads at every suspension, and an OS thread runs many tasks and work
/// items; the trace must still show each of them as one thread with its own program order. The OS
/// thread running a logical thread writes a switch record into its own buffer when it starts running
/// it, and counts the logical thread's events in ``state`` while it runs it; the writer turns those
/// into `resume` events that tell the replay where each run of the logical thread's events belongs
/// (see `TraceOperation.resume`).
///
/// A task's logical thread is found through a task-local (``current``) and checked against the task
/// that owns it, because an untraced child task (`Task {}` inside a traced one) inherits the
/// task-local but is a thread of its own: its events are recorded as its OS thread's.
final class LogicalThread: @unchecked Sendable {
    // Safe to share: `state` is written only by the OS thread running the logical thread, one at a
    // time (a task or work item runs on one thread at a time, and the hand-over between threads is
    // ordered by the Swift runtime or Dispatch); `task` is written once, before the first event.

    /// The logical thread of the traced task running now, if the task is traced.
    @TaskLocal static var current: LogicalThread?

    /// The flag that sets logical threads' ids apart from OS threads' (``ThreadRegistry``'s).
    static let idFlag: UInt32 = 0x8000_0000
    /// Numbers logical threads without a lock: forking one is on the path of every task creation.
    private static let numbers = Atomic<UInt32>(0)

    /// The thread's id for the recorder: `idFlag` and its number (each trace renumbers the threads
    /// it names).
    let id: UInt32
    /// What reports call it, if the program named it; else "`kind` N".
    let name: String?
    let kind: String
    /// Where it was forked, and the id of the thread that forked it (and that thread, if logical: the
    /// writer may meet the child before the parent, and declares the parent first).
    let site: CallSite
    let parent: UInt32
    let parentThread: LogicalThread?
    /// Its event count, incremented by the recording fast path (`synctrace_record`).
    let state: UnsafeMutablePointer<synctrace_logical_thread>
    /// The Swift task that runs it (identity only), or nil for a dispatched work item.
    var task: UnsafeRawPointer?
    /// The recording it was forked in: in a later one (it outlived a `stop()`), it has no parent.
    let forkEpoch: UInt64
    /// The recording its positions count in, and its event count when that recording first saw it:
    /// each trace numbers a thread's events from zero. Written by the OS thread running it, at a switch.
    var positionEpoch: UInt64 = 0
    var positionBase: UInt64 = 0

    private init(name: String?, kind: String, parent: UInt32, parentThread: LogicalThread?, site: CallSite, epoch: UInt64) {
        self.forkEpoch = epoch
        self.positionEpoch = epoch
        self.id = Self.idFlag | (Self.numbers.wrappingAdd(1, ordering: .relaxed).oldValue & ~Self.idFlag)
        self.name = name
        self.kind = kind
        self.parent = parent
        self.parentThread = parentThread
        self.site = site
        self.state = UnsafeMutablePointer.allocate(capacity: 1)
        var initial = synctrace_logical_thread()  // every field zero: no events, no copies
        initial.id = self.id
        self.state.initialize(to: initial)
    }

    /// The name reports show.
    var displayName: String { self.name ?? "\(self.kind) \(self.id & ~Self.idFlag)" }

    deinit {
        self.state.deallocate()
    }

    /// How many events it has recorded so far.
    var events: UInt64 { self.state.pointee.events }

    /// Its position in its program order as recording `epoch` counts it: events it recorded in that
    /// recording so far. Called by the OS thread about to run it.
    func position(in epoch: UInt64) -> UInt64 {
        if self.positionEpoch != epoch {
            self.positionEpoch = epoch
            self.positionBase = self.events
        }
        return self.events - self.positionBase
    }

    // MARK: Forking and joining

    /// Records that the calling thread starts a new logical thread (`fork`), if a recording runs.
    /// Returns nil, recording nothing, when none does: the task or work item then runs untraced.
    static func fork(name: String?, kind: String, fileID: StaticString, line: UInt) -> LogicalThread? {
        let epoch = currentRecordingEpoch()
        guard epoch != 0, let recorder = Self.synchronize(epoch: epoch) else { return nil }
        let child = LogicalThread(
            name: name,
            kind: kind,
            parent: recorder.currentTraceThread,
            parentThread: recorder.logical,
            site: CallSite.capturing(fileID, line),
            epoch: epoch
        )
        // The announcement first: it carries what the writer needs to declare the child, which the
        // fork names.
        recorder.announce(child)
        recordEvent(epoch: epoch, .fork, object: child.id, sequence: 0, fileID: fileID, line: line)
        return child
    }

    /// Records that the calling thread has waited for `child` to finish (`join`).
    static func join(_ child: LogicalThread?, fileID: StaticString, line: UInt) {
        guard let child else { return }
        let epoch = currentRecordingEpoch()
        guard epoch != 0, let recorder = Self.synchronize(epoch: epoch) else { return }
        // The joining task may have moved to another OS thread since the fork: the writer may meet
        // this join before the fork's announcement, so the join's own buffer says who the child is.
        recorder.declare(child)
        recordEvent(epoch: epoch, .join, object: child.id, sequence: 0, fileID: fileID, line: line)
    }

    /// Records the logical thread's last event (`exit`); a join of it waits for this in the replay.
    ///
    /// Then forgets the task on this OS thread: its address may soon belong to another task, which
    /// must not be taken for this one. (Other OS threads that ran it notice on their own: the logical
    /// thread's last buffer is not theirs.)
    func exit(fileID: StaticString, line: UInt) {
        self.exit(epoch: currentRecordingEpoch(), fileID: fileID, line: line)
    }

    /// Records the `exit` in recording `epoch` only (nothing if another one runs now).
    func exit(epoch: UInt64, fileID: StaticString, line: UInt) {
        guard epoch != 0, epoch == currentRecordingEpoch() else { return }
        recordEvent(epoch: epoch, .exit, object: 0, sequence: 0, fileID: fileID, line: line)
        if let buffer = ThreadRecorder.current(epoch: epoch)?.buffer, buffer.pointee.logical == self.state {
            buffer.pointee.task = Self.uncachedTask
        }
    }

    /// A task value no task has: a buffer holding it checks which task runs at its next event.
    nonisolated(unsafe) static let uncachedTask = UnsafeRawPointer(bitPattern: 1)

    // MARK: Running

    /// Runs `body` as this logical thread on the calling OS thread, then goes back to what the OS
    /// thread ran before: a dispatched work item, which runs start to finish without suspending.
    func run<Result>(fileID: StaticString, line: UInt, _ body: () throws -> Result) rethrows -> Result {
        let epoch = currentRecordingEpoch()
        guard epoch != 0, let recorder = Self.synchronize(epoch: epoch) else { return try body() }
        let previous = recorder.logical
        let task = synctrace_current_task().map { UnsafeRawPointer($0) }
        recorder.switchTo(self, task: task)
        defer {
            // Only if the same recording still runs: a new one started its own buffer afresh, and
            // this thread's end belongs to the trace it started in.
            if ThreadRecorder.current(epoch: epoch) === recorder {
                self.exit(epoch: epoch, fileID: fileID, line: line)
                recorder.switchTo(previous, task: task)
            }
        }
        return try body()
    }

    /// Runs `body` in the calling task as logical thread `thread`: with the task-local bound, the
    /// task adopted, and `exit` recorded when `body` returns or throws. Runs `body` as is when
    /// `thread` is nil (nothing was recording at the fork). What every traced task runs its work in.
    static func runTask<Result>(
        _ thread: LogicalThread?,
        isolation: isolated (any Actor)? = #isolation,
        fileID: StaticString,
        line: UInt,
        _ body: () async throws -> Result
    ) async rethrows -> Result {
        guard let thread else { return try await body() }
        return try await Self.$current.withValue(
            thread,
            operation: {
                thread.adoptCurrentTask()
                defer { thread.exit(fileID: fileID, line: line) }
                return try await body()
            },
            isolation: isolation
        )
    }

    /// Marks the calling task as the one running this logical thread, and turns on the per-event
    /// check of which task runs (from now on, for the rest of the process).
    func adoptCurrentTask() {
        self.task = synctrace_current_task().map { UnsafeRawPointer($0) }
        synctrace_enable_task_tracing()
    }

    // MARK: Which thread runs now

    /// Makes the calling OS thread's buffer for session `epoch` (registering the thread if it has
    /// none) belong to the trace thread that runs now: the traced task running on it, or the OS
    /// thread itself. Returns its recorder, or nil when the session is stopping.
    @discardableResult
    static func synchronize(epoch: UInt64) -> ThreadRecorder? {
        if synctrace_thread_recorder(epoch) == nil {
            guard let session = TraceRecorder.session(epoch: epoch), session.registerCurrentThread() else { return nil }
        }
        guard let recorder = ThreadRecorder.current(epoch: epoch) else { return nil }
        let buffer = recorder.buffer
        let task = synctrace_task_tracing() == 0 ? nil : synctrace_current_task().map { UnsafeRawPointer($0) }
        // The buffer's view still holds if the same task runs and its logical thread ran nowhere else
        // since. A task pointer is cached only while its traced task lives (see `exit`), so a new task
        // at a freed task's address cannot be taken for it.
        let logicalStayed = recorder.logical.map { $0.state.pointee.buffer == UnsafeRawPointer(buffer) } ?? true
        if task == buffer.pointee.task && logicalStayed { return recorder }
        if let task, let logical = Self.current, logical.task == task {
            recorder.switchTo(logical, task: task)
        } else {
            // Not a traced task (or none): the OS thread's own events. An untraced task's pointer is
            // not cached, since nothing tells when it ends and its address is reused.
            recorder.switchTo(nil, task: task == nil ? nil : Self.uncachedTask)
        }
        return recorder
    }
}
