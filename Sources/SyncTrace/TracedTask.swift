/// A Swift `Task` whose start and completion are recorded: a `fork` where it is created, and a
/// `join` where its value is awaited, with the task's own events in between on a thread of its own
/// in the trace, however many OS threads run it.
///
/// ```swift
/// let worker = TracedTask { counter.update { $0 += 1 } }
/// await worker.value
/// ```
///
/// What the creator did before creating the task happens before everything the task does, and
/// everything the task did happens before what the awaiting side does after `value` returns. A
/// plain `Task {}` is recorded too, but as events of whichever OS threads run it, without those
/// edges, so its events may look unordered (or falsely ordered) against everyone else's: use this
/// type (or ``TracedTaskGroup``, or ``TracedAsyncLet``) for tasks that touch traced state.
public struct TracedTask<Success: Sendable, Failure: Error>: Sendable {
    /// The task itself, for what this type does not wrap (priority, cancellation checks).
    public let task: Task<Success, Failure>
    let thread: LogicalThread?

    /// Cancels the task.
    public func cancel() {
        self.task.cancel()
    }
}

extension TracedTask where Failure == Never {
    /// Starts a task running `operation`, as `Task.init` does, and records its start.
    ///
    /// - Parameters:
    ///   - name: What reports call the task's thread (by default "task N").
    ///   - priority: The task's priority, as for `Task.init`.
    ///   - fileID: The file of the call site the trace records (leave the default).
    ///   - line: The line of the call site the trace records (leave the default).
    ///   - operation: The task's body; its events are one thread of the trace across every `await`.
    public init(
        name: String? = nil,
        priority: TaskPriority? = nil,
        fileID: StaticString = #fileID,
        line: UInt = #line,
        @_inheritActorContext operation: sending @escaping @isolated(any) () async -> Success
    ) {
        TraceRecorder.startFromEnvironmentOnce()
        let child = LogicalThread.fork(name: name, kind: "task", fileID: fileID, line: line)
        self.thread = child
        self.task = Task(priority: priority) {
            await LogicalThread.runTask(child, fileID: fileID, line: line) { await operation() }
        }
    }

    /// Waits for the task to finish and returns its result, recording the `join`.
    public var value: Success {
        get async { await self.value(fileID: "", line: 0) }
    }

    /// Waits for the task to finish and returns its result, recording the `join` at the call site.
    public func value(fileID: StaticString = #fileID, line: UInt = #line) async -> Success {
        let result = await self.task.value
        LogicalThread.join(self.thread, fileID: fileID, line: line)
        return result
    }
}

extension TracedTask where Failure == any Error {
    /// Starts a task running the throwing `operation`, as `Task.init` does, and records its start.
    ///
    /// - Parameters:
    ///   - name: What reports call the task's thread (by default "task N").
    ///   - priority: The task's priority, as for `Task.init`.
    ///   - fileID: The file of the call site the trace records (leave the default).
    ///   - line: The line of the call site the trace records (leave the default).
    ///   - operation: The throwing body; the task's thread ends when it returns or throws.
    public init(
        name: String? = nil,
        priority: TaskPriority? = nil,
        fileID: StaticString = #fileID,
        line: UInt = #line,
        @_inheritActorContext operation: sending @escaping @isolated(any) () async throws -> Success
    ) {
        TraceRecorder.startFromEnvironmentOnce()
        let child = LogicalThread.fork(name: name, kind: "task", fileID: fileID, line: line)
        self.thread = child
        self.task = Task(priority: priority) {
            try await LogicalThread.runTask(child, fileID: fileID, line: line) { try await operation() }
        }
    }

    /// Waits for the task to finish and returns its result or throws its error, recording the `join`.
    public var value: Success {
        get async throws { try await self.value(fileID: "", line: 0) }
    }

    /// Waits for the task to finish and returns its result or throws its error, recording the `join`
    /// at the call site.
    public func value(fileID: StaticString = #fileID, line: UInt = #line) async throws -> Success {
        defer { LogicalThread.join(self.thread, fileID: fileID, line: line) }
        return try await self.task.value
    }
}

/// Runs `body` in the calling task as a traced task of its own: recorded like a ``TracedTask`` that
/// the calling thread starts and at once waits for, but without starting a task.
///
/// A task that is not traced is recorded as whichever OS threads run it, which suits threads but not
/// a task that awaits between traced operations: after an `await` it may go on on another OS thread,
/// where nothing orders its events after its own earlier ones. Wrap the top of such code — an `async`
/// `main`, a test — in this, and its events form one thread in the trace.
///
/// ```swift
/// @main struct App {
///     static func main() async {
///         await withTracedTask(name: "main") { await run() }
///     }
/// }
/// ```
public func withTracedTask<Result>(
    name: String? = nil,
    isolation: isolated (any Actor)? = #isolation,
    fileID: StaticString = #fileID,
    line: UInt = #line,
    _ body: () async throws -> Result
) async rethrows -> Result {
    TraceRecorder.startFromEnvironmentOnce()
    let thread = LogicalThread.fork(name: name, kind: "task", fileID: fileID, line: line)
    defer { LogicalThread.join(thread, fileID: fileID, line: line) }
    return try await LogicalThread.runTask(thread, isolation: isolation, fileID: fileID, line: line) { try await body() }
}
