/// A throwing task group whose children are recorded as threads of their own, like
/// ``TracedTaskGroup``: `addTask` records a `fork`, and `next()` a `join` of the child whose result —
/// or error — it returns.
///
/// ```swift
/// let pages = try await withThrowingTracedTaskGroup(of: Page.self) { group in
///     for url in urls { group.addTask { try await fetch(url) } }
///     return try await group.reduce(into: []) { $0.append($1) }
/// }
/// ```
///
/// A child that throws is joined too: what it did before throwing happens before what the parent
/// does after the `next()` that rethrows its error.
public struct TracedThrowingTaskGroup<ChildTaskResult: Sendable> {
    private var group: ThrowingTaskGroup<TracedChildResult<ChildTaskResult>, any Error>

    init(group: ThrowingTaskGroup<TracedChildResult<ChildTaskResult>, any Error>) {
        self.group = group
    }

    /// Adds a child task running the throwing `operation`, as `ThrowingTaskGroup.addTask` does, and
    /// records its start.
    ///
    /// - Parameters:
    ///   - name: What reports call the child's thread (by default "task N").
    ///   - priority: The child's priority, as for `ThrowingTaskGroup.addTask`.
    ///   - fileID: The file of the call site the trace records (leave the default).
    ///   - line: The line of the call site the trace records (leave the default).
    ///   - operation: The throwing body; a child that throws is joined all the same.
    public mutating func addTask(
        name: String? = nil,
        priority: TaskPriority? = nil,
        fileID: StaticString = #fileID,
        line: UInt = #line,
        operation: sending @escaping @isolated(any) () async throws -> ChildTaskResult
    ) {
        let child = LogicalThread.fork(name: name, kind: "task", fileID: fileID, line: line)
        self.group.addTask(priority: priority) {
            do {
                let value = try await LogicalThread.runTask(child, fileID: fileID, line: line) { try await operation() }
                return TracedChildResult(value: value, thread: child)
            } catch {
                // Carried to the parent with the child, so that the parent can record its join.
                throw TracedChildFailure(error: error, thread: child)
            }
        }
    }

    /// Waits for the next child to finish and returns its result (nil when no child is left), or
    /// throws its error, recording the `join` of that child either way.
    public mutating func next(
        isolation: isolated (any Actor)? = #isolation,
        fileID: StaticString = #fileID,
        line: UInt = #line
    ) async throws -> ChildTaskResult? {
        do {
            guard let result = try await self.group.next(isolation: isolation) else { return nil }
            LogicalThread.join(result.thread, fileID: fileID, line: line)
            return result.value
        } catch let failure as TracedChildFailure {
            LogicalThread.join(failure.thread, fileID: fileID, line: line)
            throw failure.error
        }
    }

    /// Waits for every remaining child, recording the `join` of each; throws the first error.
    public mutating func waitForAll(
        isolation: isolated (any Actor)? = #isolation,
        fileID: StaticString = #fileID,
        line: UInt = #line
    ) async throws {
        var firstError: (any Error)?
        while true {
            do {
                guard try await self.next(isolation: isolation, fileID: fileID, line: line) != nil else { break }
            } catch {
                if firstError == nil { firstError = error }
            }
        }
        if let firstError { throw firstError }
    }

    /// Whether the group has no children left (running or with results not yet taken).
    public var isEmpty: Bool { self.group.isEmpty }

    /// Cancels every child.
    public func cancelAll() {
        self.group.cancelAll()
    }
}

extension TracedThrowingTaskGroup: AsyncSequence {
    /// Iterates the group's results as its children finish, recording the `join` of each:
    /// `for try await value in group { … }`.
    public struct Iterator: AsyncIteratorProtocol {
        var group: TracedThrowingTaskGroup<ChildTaskResult>

        /// The next child's result, nil when no child is left; throws a child's error.
        public mutating func next() async throws -> ChildTaskResult? {
            try await self.group.next(isolation: nil, fileID: "", line: 0)
        }
    }

    /// An iterator over the results.
    public func makeAsyncIterator() -> Iterator {
        Iterator(group: self)
    }
}

/// A child's error on its way to the parent, with the child, so that the parent records its join.
struct TracedChildFailure: Error {
    var error: any Error
    var thread: LogicalThread?
}

/// Runs `body` with a new ``TracedThrowingTaskGroup``, as `withThrowingTaskGroup` does; children still
/// running when `body` returns or throws are awaited (and their joins recorded) before this returns,
/// and their errors, which nobody asked for, dropped.
public func withThrowingTracedTaskGroup<ChildTaskResult: Sendable, GroupResult>(
    of childTaskResultType: ChildTaskResult.Type,
    returning returnType: GroupResult.Type = GroupResult.self,
    isolation: isolated (any Actor)? = #isolation,
    fileID: StaticString = #fileID,
    line: UInt = #line,
    body: nonisolated(nonsending) (inout TracedThrowingTaskGroup<ChildTaskResult>) async throws -> GroupResult
) async throws -> GroupResult {
    TraceRecorder.startFromEnvironmentOnce()
    return try await withThrowingTaskGroup(of: TracedChildResult<ChildTaskResult>.self, returning: GroupResult.self, isolation: isolation) {
        group in
        var traced = TracedThrowingTaskGroup(group: group)
        do {
            let result = try await body(&traced)
            // As `withThrowingTaskGroup`: children left are awaited, and errors nobody asked for are
            // dropped; their joins are recorded.
            try? await traced.waitForAll(isolation: isolation, fileID: fileID, line: line)
            return result
        } catch {
            // As `withThrowingTaskGroup`: the children left are cancelled and awaited; their joins too.
            traced.cancelAll()
            try? await traced.waitForAll(isolation: isolation, fileID: fileID, line: line)
            throw error
        }
    }
}
