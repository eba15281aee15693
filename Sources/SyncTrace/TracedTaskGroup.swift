/// A task group whose children are recorded as threads of their own: `addTask` records a `fork`,
/// and `next()` or `waitForAll()` a `join` of the child whose result it returns.
///
/// ```swift
/// let total = await withTracedTaskGroup(of: Int.self) { group in
///     for slot in slots { group.addTask { slot.update { $0 + 1 } } }
///     var sum = 0
///     for await value in group { sum += value }   // or `while let value = await group.next()`
///     return sum
/// }
/// ```
///
/// What the parent did before `addTask` happens before everything the child does; everything the
/// child did happens before what the parent does after the `next()` that returned its result. Two
/// children are ordered by nothing but what they synchronize on themselves, so a variable both write
/// without a lock is a data race whichever order they happened to run in.
public struct TracedTaskGroup<ChildTaskResult: Sendable> {
    private var group: TaskGroup<TracedChildResult<ChildTaskResult>>

    init(group: TaskGroup<TracedChildResult<ChildTaskResult>>) {
        self.group = group
    }

    /// Adds a child task running `operation`, as `TaskGroup.addTask` does, and records its start.
    ///
    /// - Parameters:
    ///   - name: What reports call the child's thread (by default "task N").
    ///   - priority: The child's priority, as for `TaskGroup.addTask`.
    ///   - fileID: The file of the call site the trace records (leave the default).
    ///   - line: The line of the call site the trace records (leave the default).
    ///   - operation: The child's body; its result comes back through ``next(isolation:fileID:line:)``.
    public mutating func addTask(
        name: String? = nil,
        priority: TaskPriority? = nil,
        fileID: StaticString = #fileID,
        line: UInt = #line,
        operation: sending @escaping @isolated(any) () async -> ChildTaskResult
    ) {
        let child = LogicalThread.fork(name: name, kind: "task", fileID: fileID, line: line)
        self.group.addTask(priority: priority) {
            TracedChildResult(value: await LogicalThread.runTask(child, fileID: fileID, line: line) { await operation() }, thread: child)
        }
    }

    /// Waits for the next child to finish and returns its result (nil when no child is left),
    /// recording the `join` of that child.
    public mutating func next(
        isolation: isolated (any Actor)? = #isolation,
        fileID: StaticString = #fileID,
        line: UInt = #line
    ) async -> ChildTaskResult? {
        guard let result = await self.group.next(isolation: isolation) else { return nil }
        LogicalThread.join(result.thread, fileID: fileID, line: line)
        return result.value
    }

    /// Waits for every remaining child, recording the `join` of each.
    public mutating func waitForAll(
        isolation: isolated (any Actor)? = #isolation,
        fileID: StaticString = #fileID,
        line: UInt = #line
    ) async {
        while await self.next(isolation: isolation, fileID: fileID, line: line) != nil {}
    }

    /// Whether the group has no children left (running or with results not yet taken).
    public var isEmpty: Bool { self.group.isEmpty }

    /// Cancels every child.
    public func cancelAll() {
        self.group.cancelAll()
    }
}

extension TracedTaskGroup: AsyncSequence {
    /// Iterates the group's results as its children finish, recording the `join` of each:
    /// `for await value in group { … }`.
    public struct Iterator: AsyncIteratorProtocol {
        var group: TracedTaskGroup<ChildTaskResult>

        /// The next child's result, or nil when no child is left.
        public mutating func next() async -> ChildTaskResult? {
            await self.group.next(isolation: nil, fileID: "", line: 0)
        }

        /// The next child's result, or nil when no child is left, on the caller's actor.
        public mutating func next(isolation actor: isolated (any Actor)?) async -> ChildTaskResult? {
            await self.group.next(isolation: actor, fileID: "", line: 0)
        }
    }

    /// An iterator over the results.
    public func makeAsyncIterator() -> Iterator {
        Iterator(group: self)
    }
}

/// A child's result together with the logical thread that produced it, so that the parent can
/// record the join of the right child whichever finishes first.
struct TracedChildResult<Value: Sendable>: Sendable {
    var value: Value
    var thread: LogicalThread?
}

/// Runs `body` with a new ``TracedTaskGroup``, as `withTaskGroup` does; children still running when
/// `body` returns are awaited (and their joins recorded) before this returns.
public func withTracedTaskGroup<ChildTaskResult: Sendable, GroupResult>(
    of childTaskResultType: ChildTaskResult.Type,
    returning returnType: GroupResult.Type = GroupResult.self,
    isolation: isolated (any Actor)? = #isolation,
    fileID: StaticString = #fileID,
    line: UInt = #line,
    body: nonisolated(nonsending) (inout TracedTaskGroup<ChildTaskResult>) async -> GroupResult
) async -> GroupResult {
    TraceRecorder.startFromEnvironmentOnce()
    return await withTaskGroup(of: TracedChildResult<ChildTaskResult>.self, returning: GroupResult.self, isolation: isolation) { group in
        var traced = TracedTaskGroup(group: group)
        let result = await body(&traced)
        await traced.waitForAll(isolation: isolation, fileID: fileID, line: line)
        return result
    }
}
