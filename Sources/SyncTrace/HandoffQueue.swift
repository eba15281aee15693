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
    /// Flushes asked for by `TraceRecorder.flush()`, and the last one the writer finished.
    private var flushesRequested: UInt64 = 0
    private var flushesDone: UInt64 = 0
    /// Whether the writer is waiting for a chunk, and how many threads wait for room or for a
    /// flush: a chunk wakes someone only when someone sleeps (a wake-up is a system call, and a
    /// thousand short threads hand over thousands of chunks while the writer is busy anyway).
    private var writerWaiting = false
    private var othersWaiting = 0

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
            self.othersWaiting += 1
            self.lock.wait()
            self.othersWaiting -= 1
        }
        guard !self.closed else { return false }
        self.chunks.append(chunk)
        self.wakeWriter()
        return true
    }

    /// With the lock held: wakes the writer if it sleeps (everyone else who waits wakes too, since
    /// they share the condition).
    private func wakeWriter() {
        if self.writerWaiting { self.lock.broadcast() }
    }

    /// With the lock held: wakes whoever waits, if anyone does.
    private func wakeAll() {
        if self.writerWaiting || self.othersWaiting > 0 { self.lock.broadcast() }
    }

    /// Enqueues a chunk even when the queue is full: for the final flushes of stop() and thread exit,
    /// which must not wait on a writer that may be waiting for them.
    func enqueueUnbounded(_ chunk: EventChunk) -> Bool {
        self.lock.withLock {
            guard !self.closed else { return false }
            self.chunks.append(chunk)
            self.wakeWriter()
            return true
        }
    }

    /// Takes every queued chunk, waiting up to `timeout` nanoseconds for one to arrive, and the
    /// number of the latest flush asked for: once the writer has written the chunks, it flushes and
    /// reports that number to ``finishedFlush(_:)``.
    ///
    /// `closed` says whether the queue was closed when the chunks were taken: then nothing can be
    /// queued after them, and an empty take means the end. (Asking ``isClosed`` after the take would
    /// not do: a last chunk queued just before the close, between the two, would be left behind.)
    func takeAll(timeout: UInt64) -> (chunks: [EventChunk], flush: UInt64, closed: Bool) {
        self.lock.lock()
        defer { self.lock.unlock() }
        if self.chunks.isEmpty && !self.closed && self.flushesRequested == self.flushesDone {
            self.writerWaiting = true
            _ = self.lock.wait(nanoseconds: timeout)
            self.writerWaiting = false
        }
        let taken = self.chunks
        self.chunks.removeAll(keepingCapacity: true)
        // Room again for whoever waited for it.
        if self.othersWaiting > 0 { self.lock.broadcast() }
        return (taken, self.flushesRequested, self.closed)
    }

    /// Asks the writer to write everything queued so far and flush it to the file, and waits until
    /// it has (or the queue closes).
    func requestFlushAndWait() {
        self.lock.lock()
        defer { self.lock.unlock() }
        self.flushesRequested += 1
        let request = self.flushesRequested
        self.wakeWriter()
        while self.flushesDone < request && !self.closed {
            self.othersWaiting += 1
            self.lock.wait()
            self.othersWaiting -= 1
        }
    }

    /// The writer has written every chunk queued before flush number `request`.
    func finishedFlush(_ request: UInt64) {
        self.lock.withLock {
            if request > self.flushesDone { self.flushesDone = request }
            self.wakeAll()
        }
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
