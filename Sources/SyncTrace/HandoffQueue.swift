/// Full buffers waiting for the writer thread, bounded so that a writer that cannot keep up slows
/// the recording threads down instead of letting memory grow without end.
///
/// Taking this queue's lock happens once per buffer (thousands of events), never per event.
final class HandoffQueue: @unchecked Sendable {
    // Safe to share: every field is read and written with `lock` held.
    private let lock = PlatformLock()
    private var chunks: [EventChunk] = []
    private var closed = false
    private let limit: Int

    init(limit: Int) {
        self.limit = max(limit, 1)
    }

    /// Enqueues a chunk, waiting while the queue is full; returns `false` (without enqueueing) when
    /// `dropWhenFull` is set and the queue is full, or once the queue is closed.
    func enqueue(_ chunk: EventChunk, dropWhenFull: Bool) -> Bool {
        self.lock.lock()
        defer { self.lock.unlock() }
        while self.chunks.count >= self.limit && !self.closed {
            if dropWhenFull { return false }
            self.lock.wait()
        }
        guard !self.closed else { return false }
        self.chunks.append(chunk)
        self.lock.broadcast()
        return true
    }

    /// Enqueues a chunk even when the queue is full: for the final flushes of stop() and thread exit,
    /// which must not wait on a writer that may be waiting for them.
    func enqueueUnbounded(_ chunk: EventChunk) -> Bool {
        self.lock.withLock {
            guard !self.closed else { return false }
            self.chunks.append(chunk)
            self.lock.broadcast()
            return true
        }
    }

    /// Takes every queued chunk, waiting up to `timeout` nanoseconds for one to arrive.
    func takeAll(timeout: UInt64) -> [EventChunk] {
        self.lock.lock()
        defer { self.lock.unlock() }
        if self.chunks.isEmpty && !self.closed { _ = self.lock.wait(nanoseconds: timeout) }
        let taken = self.chunks
        self.chunks.removeAll(keepingCapacity: true)
        self.lock.broadcast()
        return taken
    }

    /// Refuses new chunks and wakes everyone; chunks already queued can still be taken.
    func close() {
        self.lock.withLock {
            self.closed = true
            self.lock.broadcast()
        }
    }

    var isClosed: Bool { self.lock.withLock { self.closed } }
}
