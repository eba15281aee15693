/// Records an `async let` child task as a thread of its own: a `fork` where it is made, and a `join`
/// where its value is taken.
///
/// `async let` is syntax, so it cannot be wrapped; instead, make one of these just before it, run
/// the child's work through ``run(fileID:line:_:)``, and pass the awaited value through ``join(_:fileID:line:)``:
///
/// ```swift
/// let left = TracedAsyncLet()
/// async let leftSum = left.run { await sum(of: firstHalf) }
/// let total = left.join(await leftSum) + sum(of: secondHalf)
/// ```
public struct TracedAsyncLet: Sendable {
    let thread: LogicalThread?

    /// Records the `fork` of the child about to be created by the next `async let`.
    ///
    /// - Parameters:
    ///   - name: What reports call the child's thread (by default "task N").
    ///   - fileID: The file of the call site the trace records (leave the default).
    ///   - line: The line of the call site the trace records (leave the default).
    public init(name: String? = nil, fileID: StaticString = #fileID, line: UInt = #line) {
        TraceRecorder.startFromEnvironmentOnce()
        self.thread = LogicalThread.fork(name: name, kind: "task", fileID: fileID, line: line)
    }

    /// Runs `operation` as the child: call it in the `async let`'s initializer.
    public func run<Result>(fileID: StaticString = #fileID, line: UInt = #line, _ operation: () async throws -> Result) async rethrows -> Result {
        try await LogicalThread.runTask(self.thread, fileID: fileID, line: line) { try await operation() }
    }

    /// Records the `join` of the child, whose `value` was just awaited, and returns the value.
    public func join<Value>(_ value: Value, fileID: StaticString = #fileID, line: UInt = #line) -> Value {
        LogicalThread.join(self.thread, fileID: fileID, line: line)
        return value
    }
}
