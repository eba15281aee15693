import SyncTraceFormat

/// An `AsyncStream` whose yields and receptions are recorded as a channel's `send` and `recv`, so that
/// what a producer did before `yield` happens before what the consumer does after the `next()` that
/// returns that element (and `finish` before the `next()` that returns nil).
///
/// ```swift
/// let (results, continuation) = TracedAsyncStream.makeStream(of: Int.self, name: "results")
/// TracedTask {
///     for value in 0..<10 { continuation.yield(value) }
///     continuation.finish()
/// }
/// for await value in results { print(value) }
/// ```
///
/// The stream buffers without bound (`AsyncStream`'s `.unbounded` policy), so that each element yielded
/// is received exactly once, in order: the replay pairs the k-th receive with the k-th send. Like
/// `AsyncStream`, it has one consumer.
public struct TracedAsyncStream<Element: Sendable>: AsyncSequence, Sendable {
    private let stream: AsyncStream<Element>
    private let channel: TracedStreamChannel

    /// Makes a stream and the continuation that feeds it; `name` is what reports call its channel.
    public static func makeStream(
        of elementType: Element.Type = Element.self,
        name: String? = nil,
        fileID: StaticString = #fileID,
        line: UInt = #line
    ) -> (stream: TracedAsyncStream<Element>, continuation: Continuation) {
        let (stream, continuation) = AsyncStream.makeStream(of: Element.self, bufferingPolicy: .unbounded)
        let channel = TracedStreamChannel(name: name, fileID: fileID, line: line)
        return (TracedAsyncStream(stream: stream, channel: channel), Continuation(continuation: continuation, channel: channel))
    }

    /// Feeds a ``TracedAsyncStream``.
    public struct Continuation: Sendable {
        private let continuation: AsyncStream<Element>.Continuation
        private let channel: TracedStreamChannel

        fileprivate init(continuation: AsyncStream<Element>.Continuation, channel: TracedStreamChannel) {
            self.continuation = continuation
            self.channel = channel
        }

        /// Hands `value` to the consumer, recording a `send`; returns what `AsyncStream` says about it.
        @discardableResult
        public func yield(_ value: sending Element, fileID: StaticString = #fileID, line: UInt = #line) -> AsyncStream<Element>.Continuation.YieldResult {
            self.channel.record(.send, fileID: fileID, line: line) {
                self.continuation.yield(value)
            } recordIf: { result in
                if case .enqueued = result { return true }
                return false
            }
        }

        /// Ends the stream, recording a `close`: the consumer's `next()` returns nil after the last element.
        public func finish(fileID: StaticString = #fileID, line: UInt = #line) {
            self.channel.record(.close, fileID: fileID, line: line) {
                self.continuation.finish()
            } recordIf: { _ in true }
        }
    }

    /// Iterates a ``TracedAsyncStream``, recording a `recv` for each element and for the end.
    public struct AsyncIterator: AsyncIteratorProtocol {
        private var iterator: AsyncStream<Element>.AsyncIterator
        private let channel: TracedStreamChannel

        fileprivate init(iterator: AsyncStream<Element>.AsyncIterator, channel: TracedStreamChannel) {
            self.iterator = iterator
            self.channel = channel
        }

        /// The next element, or nil once the stream is finished (or the task cancelled).
        public mutating func next() async -> Element? {
            await self.next(fileID: "", line: 0)
        }

        /// The next element, or nil once the stream is finished, recording the `recv` at the call site.
        public mutating func next(fileID: StaticString = #fileID, line: UInt = #line) async -> Element? {
            let element = await self.iterator.next()
            // A nil from cancellation, not from `finish`, saw no close: it receives nothing.
            if element != nil || self.channel.isFinished {
                self.channel.record(.receive, fileID: fileID, line: line) { () } recordIf: { _ in true }
            }
            return element
        }
    }

    /// An iterator over the stream (one consumer at a time, as with `AsyncStream`).
    public func makeAsyncIterator() -> AsyncIterator {
        AsyncIterator(iterator: self.stream.makeAsyncIterator(), channel: self.channel)
    }
}

/// The channel a ``TracedAsyncStream`` is recorded as, numbering its operations in the order they
/// take effect.
final class TracedStreamChannel: @unchecked Sendable {
    // Safe to share: `numbers` and `finished` are read and written only while `lock` is held.
    private let lock = PlatformLock()
    // Guarded by the object's own lock: the runtime's exclusivity check (a call on every
    // recorded operation) would only repeat what that lock guarantees.
    @exclusivity(unchecked) private var numbers = SessionCounter()
    private var finished = false
    let objectID: UInt32

    init(name: String?, fileID: StaticString, line: UInt) {
        // Unbounded: no receive waits for room, so none orders a later send (the k/(k+C) rule never applies).
        let capacity = Int(Int32.max)
        self.objectID = ObjectRegistry.register(kind: .channel, name: name, typeName: "TracedAsyncStream", fileID: fileID, line: line, capacity: capacity)
        let epoch = currentRecordingEpoch()
        if epoch != 0 {
            recordEvent(epoch: epoch, .makeChannel, object: self.objectID, sequence: self.numbers.take(epoch), argument: Int64(capacity), fileID: fileID, line: line)
        }
    }

    var isFinished: Bool { self.lock.withLock { self.finished } }

    /// Runs `body` (the stream operation itself) and numbers and records `operation` with it, in one
    /// step, so that numbers follow the order the operations took effect in; unless `recordIf` says
    /// the operation did not take effect (an element the stream did not enqueue).
    func record<Result>(
        _ operation: TraceOperation,
        fileID: StaticString,
        line: UInt,
        _ body: () -> Result,
        recordIf: (Result) -> Bool
    ) -> Result {
        self.lock.lock()
        defer { self.lock.unlock() }
        let result = body()
        if operation == .close { self.finished = true }
        let epoch = currentRecordingEpoch()
        if epoch != 0 && recordIf(result) {
            recordEvent(epoch: epoch, operation, object: self.objectID, sequence: self.numbers.take(epoch), fileID: fileID, line: line)
        }
        return result
    }
}
