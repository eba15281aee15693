import CSyncTraceRuntime

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One thread's recording state for one session: the buffer its events go into, and the hand-over
/// of full buffers to the writer.
///
/// Only the owning thread appends (through `synctrace_record`, which reaches the buffer through a
/// C thread-local). Taking events out — when the buffer is full, when the thread exits, when the
/// session stops — happens under `handoverLock`, so stop() on another thread can take the events
/// written so far without racing the owner's own hand-over.
final class ThreadRecorder: @unchecked Sendable {
    // Safe to share: `buffer.events`, `flushed` and `retired` change only with `handoverLock` held;
    // the owner's appends only write slots at or past the published count, which stop() never reads.
    let threadID: UInt32
    // Strong: a thread's recorder lives as long as the thread (its exit handler holds it), which may
    // be longer than the session is running; the session drops its references when it stops.
    let session: RecordingSession
    let buffer: UnsafeMutablePointer<synctrace_thread_buffer>
    private let handoverLock = PlatformLock()
    /// Events before this index were already taken by a stop() while the owner kept running.
    private var flushed = 0
    private var retired = false
    /// Events dropped under the drop-on-overflow policy and not yet reported to the writer.
    private var droppedSinceReported: UInt64 = 0
    /// The logical thread the buffer's events belong to now (nil: this OS thread): the reference that
    /// keeps alive the counter `buffer.logical` points at. Used by the owning thread only.
    private(set) var logical: LogicalThread?
    /// Whether the buffer ever ran a logical thread (wrote a switch record).
    private var hasSwitched = false
    /// Whether the last chunk handed over ended in a `req` (see ``endsWaiting``).
    private var handedOverEndsWaiting = false

    init(threadID: UInt32, session: RecordingSession) {
        self.threadID = threadID
        self.session = session
        // A cache line pair of its own: the owner writes `count` with every event, and a neighbour
        // written by another thread (the writer's bookkeeping, say) would make every one of those
        // writes fetch the line back.
        // (128 bytes: the struct's size, checked by the recorder's tests.)
        self.buffer = UnsafeMutableRawPointer.allocate(byteCount: max(128, MemoryLayout<synctrace_thread_buffer>.stride), alignment: 128)
            .bindMemory(to: synctrace_thread_buffer.self, capacity: 1)
        // A thread starts with a small buffer and grows it (see `handOverFullBuffer`): a thousand
        // short threads alive at once would otherwise each fault in a full-size buffer for the few
        // thousand events they record.
        let capacity = min(Self.initialCapacity, session.options.bufferCapacity)
        var initial = synctrace_thread_buffer()  // every field zero: no logical thread, no copies
        initial.events = session.buffers.take(capacity: capacity)
        initial.capacity = UInt64(capacity)
        self.buffer.initialize(to: initial)
        self.buffer.pointee.owner = Unmanaged.passUnretained(self).toOpaque()
        if let stacks = session.stacks {
            // Made on the thread itself (registerCurrentThread), so the stack bounds are its own.
            let cache = UnsafeMutableRawPointer.allocate(byteCount: MemoryLayout<synctrace_stack_cache>.size, alignment: 64)
            cache.initializeMemory(as: UInt8.self, repeating: 0, count: MemoryLayout<synctrace_stack_cache>.size)
            let typed = cache.bindMemory(to: synctrace_stack_cache.self, capacity: 1)
            typed.pointee.depth = UInt32(stacks.depth)
            typed.pointee.stack_high = synctrace_current_stack_high()
            self.buffer.pointee.stacks = typed
        }
    }

    /// Called by the owner after `synctrace_append` returned SYNCTRACE_STACK_MISS for call site
    /// `file` (`length` bytes) at `line`: interns the stack the cache's miss fields hold and caches it.
    func internMissedStack(file: UnsafeRawPointer, length: UInt32, line: UInt32) -> UnsafePointer<synctrace_stack_site>? {
        guard let stacks = self.session.stacks, let cache = self.buffer.pointee.stacks else { return nil }
        if let published = stacks.findPublished(cache, file: file, line: line) {
            synctrace_cache_stack(cache, published)
            return published
        }
        let site = withUnsafeBytes(of: &cache.pointee.miss_frames) { raw in
            let frames = UnsafeBufferPointer(rebasing: raw.bindMemory(to: UInt.self)[0..<Int(cache.pointee.miss_depth)])
            return stacks.intern(file: file, length: length, line: line, frames: frames, key: cache.pointee.miss_key)
        }
        synctrace_cache_stack(cache, site)
        return site
    }

    deinit {
        // A forked child's copy of the parent's session keeps what it had: its pool lock may be held
        // by a thread only the parent has.
        if let events = self.buffer.pointee.events, self.session.isOwnedByThisProcess {
            self.session.buffers.give(events, capacity: self.capacity)
        }
        if let stacks = self.buffer.pointee.stacks { UnsafeMutableRawPointer(stacks).deallocate() }
        self.buffer.deallocate()
    }

    /// How many events a thread's first buffer holds; each hand-over doubles it, up to the session's
    /// `bufferCapacity`.
    static let initialCapacity = 256

    /// How many events the buffer holds now.
    private var capacity: Int { Int(self.buffer.pointee.capacity) }

    /// The calling thread's recorder in recording `epoch`, if it has one.
    static func current(epoch: UInt64) -> ThreadRecorder? {
        guard let raw = synctrace_thread_recorder(epoch), let owner = raw.assumingMemoryBound(to: synctrace_thread_buffer.self).pointee.owner
        else { return nil }
        return Unmanaged<ThreadRecorder>.fromOpaque(owner).takeUnretainedValue()
    }

    /// The trace thread the owner's events belong to now.
    var currentTraceThread: UInt32 { self.logical?.id ?? self.threadID }

    /// Called by the owner: its next events belong to `logical` (nil: to this OS thread itself), run
    /// by Swift task `task` (nil: none). Writes a switch record when the trace thread changes.
    func switchTo(_ logical: LogicalThread?, task: UnsafeRawPointer?) {
        if logical === self.logical && (logical == nil || logical!.state.pointee.buffer == UnsafeRawPointer(self.buffer)) {
            self.buffer.pointee.task = task
            return
        }
        if self.writeSwitch(to: logical, task: task) == Int32(SYNCTRACE_BUFFER_FULL) { self.handOverFullBuffer() }
    }

    /// Writes a switch record to `logical` (the writer declares it from the reference the record
    /// carries) and makes it the buffer's; returns `synctrace_record_switch`'s status.
    private func writeSwitch(to logical: LogicalThread?, task: UnsafeRawPointer?) -> Int32 {
        let status = synctrace_record_switch(
            self.buffer,
            UInt8(SYNCTRACE_SWITCH_OPERATION),
            logical?.id ?? self.threadID,
            logical?.position(in: self.session.epoch) ?? UInt64.max,
            logical?.state,
            task,
            logical.map { UnsafeRawPointer(Unmanaged.passRetained($0).toOpaque()) }
        )
        self.logical = logical
        self.hasSwitched = true
        return status
    }

    /// Called by the owner: writes that logical thread `child` has just been forked.
    func announce(_ child: LogicalThread) {
        self.writeMarker(UInt8(SYNCTRACE_ANNOUNCE_OPERATION), for: child)
    }

    /// Called by the owner: writes what the writer needs to declare `thread`, which the owner's next
    /// event names (the writer may meet that event before the fork, recorded on another OS thread).
    func declare(_ thread: LogicalThread) {
        self.writeMarker(UInt8(SYNCTRACE_DECLARE_OPERATION), for: thread)
    }

    private func writeMarker(_ operation: UInt8, for thread: LogicalThread) {
        let owner = UnsafeRawPointer(Unmanaged.passRetained(thread).toOpaque())
        let status = synctrace_record_switch(self.buffer, operation, thread.id, 0, nil, nil, owner)
        if status == Int32(SYNCTRACE_BUFFER_FULL) { self.handOverFullBuffer() }
    }

    /// Called by the owner when its buffer has just filled. A buffer at the session's full capacity
    /// hands a copy of the events to the writer and starts over in the same buffer; a smaller one
    /// (a thread's first few) goes to the writer itself, and the thread goes on in one twice the size.
    ///
    /// Copying costs about a nanosecond an event, in one sequential sweep; handing over the buffer
    /// itself would be cheaper here but dearer on the hot path, where every store into a buffer last
    /// read by the writer's core must fetch its cache line back, and the next lock instruction waits
    /// for those fetches. A buffer that never leaves its thread stays in that core's cache. While a
    /// buffer grows, the next one is new to the thread either way, so the filled one goes uncopied.
    func handOverFullBuffer() {
        self.handoverLock.lock()
        defer { self.handoverLock.unlock() }
        guard !self.retired, let events = self.buffer.pointee.events else {
            // The session has stopped: keep the owner's writes in bounds, and keep nothing.
            self.buffer.pointee.count = 0
            return
        }
        let count = Int(synctrace_published_count(self.buffer))
        self.handedOverEndsWaiting = Self.endsWithRequest(events, count: count) ?? self.handedOverEndsWaiting
        let chunk: EventChunk
        let full = self.session.options.bufferCapacity
        if self.capacity >= full {
            let copy = self.session.buffers.take(capacity: full)
            copy.update(from: events + self.flushed, count: count - self.flushed)
            chunk = EventChunk(
                thread: self.threadID,
                storage: copy,
                range: 0..<(count - self.flushed),
                droppedBefore: self.droppedSinceReported,
                poolCapacity: full
            )
        } else {
            // Still growing: the filled buffer itself goes to the writer (a copy would cost as much as
            // the bigger buffer's first touch), and the thread goes on in one twice the size.
            chunk = EventChunk(
                thread: self.threadID,
                storage: events,
                range: self.flushed..<count,
                droppedBefore: self.droppedSinceReported,
                poolCapacity: self.capacity
            )
            let capacity = min(self.capacity * 2, full)
            self.buffer.pointee.events = self.session.buffers.take(capacity: capacity)
            self.buffer.pointee.capacity = UInt64(capacity)
        }
        self.flushed = 0
        // The owner is the only writer of `count`; resetting it here is ordered before its next append.
        self.buffer.pointee.count = 0
        if let dropped = self.session.submit(chunk) {
            self.droppedSinceReported += dropped
            // The dropped events may have held switch records: say again whose events follow (into
            // the buffer just emptied, which one record cannot fill).
            if self.hasSwitched { _ = self.writeSwitch(to: self.logical, task: self.buffer.pointee.task) }
        } else {
            self.droppedSinceReported = 0
        }
    }

    /// Called at the owner's exit: hands over what was written so far, storage and all, and retires.
    func flushAtExit() {
        self.handoverLock.lock()
        defer { self.handoverLock.unlock() }
        guard !self.retired, let events = self.buffer.pointee.events else { return }
        let count = Int(synctrace_published_count(self.buffer))
        self.buffer.pointee.events = nil
        self.retired = true
        self.session.submitFinal(
            EventChunk(
                thread: self.threadID,
                storage: events,
                range: self.flushed..<count,
                droppedBefore: self.droppedSinceReported,
                poolCapacity: self.capacity
            )
        )
        self.droppedSinceReported = 0
    }

    /// Called by stop(), once the session epoch no longer says `epoch` and every thread has passed a
    /// barrier since (`synctrace_process_barrier`): waits until the owner has published the event it
    /// may be appending past its check that the session runs (no event of the session follows it), or
    /// until `deadline` (monotonic nanoseconds); whether the owner is done. stop() waits for good: the
    /// owner is between two stores a few instructions apart, and waits only if it was preempted. A
    /// dying process's writer cannot: the thread a signal handler interrupted in the middle of an
    /// append never finishes it.
    @discardableResult
    func waitForAppend(epoch: UInt64, deadline: UInt64 = .max) -> Bool {
        while synctrace_is_appending(self.buffer, epoch) != 0 {
            if deadline != .max && synctrace_monotonic_nanoseconds() >= deadline { return false }
            sched_yield()
        }
        return true
    }

    /// Whether the owner's last recorded event is a `req` it has not got past (switch records after
    /// it aside): the thread waits, as far as the trace can tell. Nil while the owner is handing over
    /// a full buffer (ask again). For a dying process's writer, which lets recorded waits end before
    /// it takes the final snapshot.
    func endsWaiting() -> Bool? {
        guard self.handoverLock.tryLock() else { return nil }
        defer { self.handoverLock.unlock() }
        guard !self.retired, let events = self.buffer.pointee.events else { return false }
        return Self.endsWithRequest(events, count: Int(synctrace_published_count(self.buffer))) ?? self.handedOverEndsWaiting
    }

    /// Whether the last of the first `count` events, switch and other marker records skipped, is a
    /// `req`; nil when there is no such event.
    private static func endsWithRequest(_ events: UnsafeMutablePointer<synctrace_event>, count: Int) -> Bool? {
        var index = count - 1
        while index >= 0 && events[index].operation >= UInt8(SYNCTRACE_DECLARE_OPERATION) { index -= 1 }
        return index >= 0 ? events[index].operation == UInt8(SYNCTRACE_REQUEST_OPERATION) : nil
    }

    /// Called from another thread (stop): hands over a copy of what was written so far, since the
    /// owner may still be writing. With `retire`, the recorder takes nothing more afterwards.
    func flush(retire: Bool) {
        self.handoverLock.lock()
        defer { self.handoverLock.unlock() }
        self.flushLocked(retire: retire)
    }

    /// The writer's periodic sweep: like `flush(retire: false)`, but skipped while the owner is
    /// handing over a full buffer — the owner may be waiting for the writer, which must not wait for it.
    func sweep() {
        guard self.handoverLock.tryLock() else { return }
        defer { self.handoverLock.unlock() }
        self.flushLocked(retire: false)
    }

    // MARK: The last write before a signal ends the process (writer thread only)

    /// Takes the hand-over lock if no one holds it: the writer's snapshot holds every recorder's at
    /// once, so that no buffer changes hands while it reads them.
    func tryHoldForSnapshot() -> Bool { self.handoverLock.tryLock() }

    /// Lets go of what ``tryHoldForSnapshot()`` took.
    func releaseAfterSnapshot() { self.handoverLock.unlock() }

    /// Events the owner has published so far (with the hand-over lock held: the buffer stays put).
    var publishedCount: Int {
        self.retired || self.buffer.pointee.events == nil ? self.flushed : Int(synctrace_published_count(self.buffer))
    }

    /// With the hand-over lock held: a copy of the events before `count` not yet handed over, and the
    /// recorder retires (the trace is being finished; what the owner records later is not written).
    func takeSnapshot(upTo count: Int) -> EventChunk? {
        guard !self.retired else { return nil }
        defer { self.retired = true }
        return self.copyPending(upTo: count)
    }

    private func flushLocked(retire: Bool) {
        guard !self.retired, self.buffer.pointee.events != nil else { return }
        if let chunk = self.copyPending(upTo: Int(synctrace_published_count(self.buffer))) { self.session.submitFinal(chunk) }
        if retire { self.retired = true }
    }

    /// With the hand-over lock held: a copy of the events before `count` not yet handed over (and the
    /// drops not yet reported), which count as handed over from here on; nil when there are none.
    ///
    /// The owner may keep writing: copy rather than take the storage, into storage that fits (a sweep
    /// may take a handful of events from each of many threads).
    private func copyPending(upTo count: Int) -> EventChunk? {
        guard let events = self.buffer.pointee.events, count > self.flushed || self.droppedSinceReported > 0 else { return nil }
        let copy = UnsafeMutablePointer<synctrace_event>.allocate(capacity: max(count - self.flushed, 1))
        copy.update(from: events + self.flushed, count: count - self.flushed)
        let chunk = EventChunk(
            thread: self.threadID,
            storage: copy,
            range: 0..<(count - self.flushed),
            droppedBefore: self.droppedSinceReported,
            poolCapacity: 0
        )
        self.droppedSinceReported = 0
        self.flushed = count
        return chunk
    }
}
