import CSyncTraceRuntime
import Synchronization
import SyncTraceFormat

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One recording's lifecycle: the trace file, the recorders of the threads that record, the pool
/// of event buffers that circulate between them and the writer thread (``SessionWriter``), and
/// the stop that ends it.
final class RecordingSession: @unchecked Sendable {
    // Safe to share: mutable state is behind `state` (a lock), the queue and the buffer pool; the
    // writer's own state is touched only by the writer thread.
    let epoch: UInt64
    let path: String
    let options: TraceRecorderOptions
    let queue: HandoffQueue
    let writer: SessionWriter
    private let startNanoseconds: UInt64
    /// Event storage the threads and the writer pass between them.
    let buffers: EventBufferPool
    private var writerThread: pthread_t?
    private let droppedEvents = Atomic<UInt64>(0)
    /// The watchdog, when the options or the environment enable it.
    let watchdog: TraceWatchdog?
    /// The interned call stacks, when the options ask for stacks (``TraceRecorderOptions/stackDepth``).
    let stacks: SessionStacks?

    struct State {
        var recorders: [ObjectIdentifier: ThreadRecorder] = [:]
        var stopping = false
        var error: TraceRecorderError?
        var summary: TraceRecordingSummary?
    }
    let state = PlatformLocked(State())
    /// The process that started the session: a child forked from it does not own it.
    let ownerProcess = getpid()

    /// Starts a session recording to `path` (a `%p` in it already replaced by the process id).
    ///
    /// The file is locked (`flock`) for as long as the session writes it: a second process recording
    /// to the same path gets ``TraceRecorderError/pathInUse(path:)`` instead of mixing its frames into
    /// this trace, and a file is truncated only once its lock is held.
    init(path: String, options: TraceRecorderOptions, epoch: UInt64) throws(TraceRecorderError) {
        // synctrace_append recognizes a `req` by its byte, to withhold it (see settleRecordedWaits).
        assert(TraceOperation.request.rawValue == UInt8(SYNCTRACE_REQUEST_OPERATION), "the C runtime's req byte")
        self.epoch = epoch
        self.path = path
        self.options = options
        self.queue = HandoffQueue(limit: options.maximumQueuedBuffers)
        // As much free storage as a full queue holds, and a little more.
        self.buffers = EventBufferPool(
            byteLimit: (options.maximumQueuedBuffers + 8) * options.bufferCapacity * MemoryLayout<synctrace_event>.stride
        )
        // Before the start is read: the process's first session measures the event clock.
        _ = EventClock.Configuration.process
        self.startNanoseconds = synctrace_monotonic_nanoseconds()
        var wallClock = timespec()
        clock_gettime(CLOCK_REALTIME, &wallClock)
        self.stacks = options.stackDepth > 0 ? SessionStacks(depth: options.stackDepth) : nil
        let header = TraceHeader(
            // Version 3 with stacks or without: its atomics carry their orderings.
            formatVersion: TraceHeader.currentFormatVersion,
            program: options.programName ?? CommandLine.arguments.first.map { String($0.split(separator: "/").last ?? "") } ?? "",
            startTime: UInt64(wallClock.tv_sec) * 1_000_000_000 + UInt64(wallClock.tv_nsec),
            clockResolution: 1000
        )
        let descriptor = try TraceFileLock.openLocked(path)
        // A child forked while this session records closes its copy (see `synctrace_fork.c`).
        synctrace_set_trace_descriptor(descriptor)
        self.writer = SessionWriter(
            queue: self.queue,
            writer: TraceWriter(fileDescriptor: descriptor, path: path, header: header),
            epoch: epoch,
            clock: EventClock(startNanoseconds: self.startNanoseconds),
            flushInterval: options.flushInterval
        )
        self.watchdog = (options.watchdog ?? TraceWatchdogOptions.fromEnvironment()).map(TraceWatchdog.init)
        synctrace_set_signal_handling(options.handlesSignals ? 1 : 0, SessionWriter.signalWaitLimit)
        guard let thread = PlatformThread.spawn(blockingProcessSignals: true, { [self] in self.writer.run(for: self) }) else {
            // The writer closes the file as it goes: a later fork must not close what reuses its number.
            synctrace_set_trace_descriptor(-1)
            throw .cannotCreate(path: path, reason: "cannot start the writer thread")
        }
        self.writerThread = thread
        if let watchdog = self.watchdog, !watchdog.start(session: self) {
            printDiagnostic("cannot start the watchdog thread; recording without it")
        }
    }

    // MARK: Buffers

    /// Gives a chunk's storage back: to the pool if it came from there, else to the allocator.
    func release(_ chunk: EventChunk) {
        if chunk.poolCapacity > 0 {
            self.buffers.give(chunk.storage, capacity: chunk.poolCapacity)
        } else {
            chunk.storage.deallocate()
        }
    }

    /// Hands a full buffer to the writer, waiting (or, under the drop policy, dropping it) when the
    /// writer is behind; nil when it went to the writer, else how many events were dropped (counted
    /// here: the chunk's storage goes back to the pool).
    func submit(_ chunk: EventChunk) -> UInt64? {
        let dropWhenFull = self.options.overflowPolicy == .dropEvents
        if self.queue.enqueue(chunk, dropWhenFull: dropWhenFull) { return nil }
        let dropped = UInt64(chunk.eventCount)
        if !self.queue.isClosed { self.droppedEvents.add(dropped, ordering: .relaxed) }
        self.discard(chunk)
        return dropped
    }

    /// Hands over a thread's last events (at its exit, or at stop) without waiting.
    func submitFinal(_ chunk: EventChunk) {
        if !self.queue.enqueueUnbounded(chunk) { self.discard(chunk) }
    }

    /// Frees a chunk that will not be written, with the references its switch records hold for the
    /// writer.
    private func discard(_ chunk: EventChunk) {
        for index in chunk.range {
            let raw = chunk.storage[index]
            if raw.operation >= UInt8(SYNCTRACE_DECLARE_OPERATION), let owner = raw.file
            {
                Unmanaged<LogicalThread>.fromOpaque(owner).release()
            }
        }
        self.release(chunk)
    }

    // MARK: Threads

    /// Gives the calling thread a recorder for this session, unless the session is stopping.
    func registerCurrentThread() -> Bool {
        let threadID = ThreadRegistry.currentThreadID()
        let recorder = ThreadRecorder(threadID: threadID, session: self)
        let registered = self.state.withLock { state in
            // Checked under the lock that the signal snapshot lists the recorders with: a thread that
            // registers after recording froze for the snapshot would write events the trace misses.
            guard !state.stopping, synctrace_session_epoch() == self.epoch else { return false }
            state.recorders[ObjectIdentifier(recorder)] = recorder
            return true
        }
        guard registered else { return false }
        synctrace_set_thread_recorder(recorder.buffer, self.epoch)
        // The thread-exit handler owns one reference: the thread's last events are flushed at exit.
        if let previous = synctrace_thread_exit_value() {
            Unmanaged<ThreadRecorder>.fromOpaque(previous).release()
        }
        _ = synctrace_set_thread_exit_value(Unmanaged.passRetained(recorder).toOpaque())
        return true
    }

    /// Gives the calling thread a recorder for the running session, if one runs and the thread has
    /// none yet: for a thread about to start recording, ahead of its first event.
    static func registerCurrentThreadIfRecording() {
        let epoch = synctrace_session_epoch()
        guard epoch != 0, synctrace_thread_recorder(epoch) == nil, let session = TraceRecorder.session(epoch: epoch) else { return }
        _ = session.registerCurrentThread()
    }

    /// Whether this process started the session (not a child forked from the one that did).
    var isOwnedByThisProcess: Bool { getpid() == self.ownerProcess }

    /// The thread of `recorder` exited: hand over its last events and forget it.
    func threadExited(_ recorder: ThreadRecorder) {
        // In a forked child the session is the parent's: there is nothing to hand over to.
        guard self.isOwnedByThisProcess else { return }
        recorder.flushAtExit()
        // Runs on the exiting thread: an event recorded after this (by another exit handler) finds no
        // buffer and registers afresh instead of writing into the retired one.
        synctrace_set_thread_recorder(nil, 0)
        self.state.withLock { state in _ = state.recorders.removeValue(forKey: ObjectIdentifier(recorder)) }
    }

    /// The trace ids of the threads recording now (registered and not yet exited).
    func liveThreadIDs() -> [UInt32] {
        self.state.withLock { state in state.recorders.values.map(\.threadID) }
    }

    /// Microseconds since the session started, from `CLOCK_MONOTONIC` (event timestamps come from
    /// ``EventClock``, which is calibrated against it).
    func elapsedMicroseconds() -> UInt64 {
        (synctrace_monotonic_nanoseconds() &- self.startNanoseconds) / 1000
    }

    // MARK: Flushing and stopping

    /// Hands over every thread's events so far and waits until the writer has written them to the
    /// file: the trace on disk then holds everything recorded before the call.
    func flush() {
        let recorders = self.state.withLock { state in state.stopping ? [] : Array(state.recorders.values) }
        for recorder in recorders { recorder.flush(retire: false) }
        self.queue.requestFlushAndWait()
    }

    /// Stops recording: takes every thread's pending events, lets the writer drain and finish the
    /// trace, and returns what was written. Safe to call more than once.
    func stop() -> TraceRecordingSummary {
        let recorders: [ThreadRecorder]? = self.state.withLock { state in
            guard !state.stopping else { return nil }
            state.stopping = true
            return Array(state.recorders.values)
        }
        if let recorders {
            self.watchdog?.stop()
            // The trace ends at one cut: the events appended while the session ran. The epoch says
            // it stopped already (TraceRecorder.stop); once every thread has passed a barrier since,
            // an append either saw that or has already raised its `appending` flag, which stop then
            // waits out. Taking the buffers earlier would lose an event a later one depends on.
            assert(synctrace_session_epoch() != self.epoch, "RecordingSession.stop: the session still runs")
            synctrace_process_barrier()
            for recorder in recorders { recorder.waitForAppend(epoch: self.epoch) }
            for recorder in recorders { recorder.flush(retire: true) }
            self.queue.close()
            if let thread = self.writerThread { PlatformThread.join(thread) }
            self.state.withLock { state in state.recorders.removeAll() }
        }
        return self.state.withLock { state in
            state.summary
                ?? TraceRecordingSummary(path: self.path, eventCount: 0, droppedEventCount: 0, byteCount: 0, error: state.error)
        }
    }

    /// Keeps what the session wrote, for stop() to return.
    func recordSummary(of writer: TraceWriter) {
        self.state.withLock { state in
            state.summary = TraceRecordingSummary(
                path: self.path,
                eventCount: writer.eventCount,
                droppedEventCount: self.droppedEvents.load(ordering: .relaxed),
                byteCount: writer.writtenByteCount,
                error: state.error
            )
        }
    }

    /// Takes what every thread has recorded since its last hand-over. A thread that recorded a few
    /// events and went quiet would otherwise hold them until its buffer fills or it exits, and the
    /// replay, which orders events across threads, would have to hold back everything that follows
    /// them: the writer sweeps every ``SessionWriter/sweepInterval`` to bound that lag by time.
    func sweepIdleBuffers() {
        let recorders = self.state.withLock { state in state.stopping ? [] : Array(state.recorders.values) }
        for recorder in recorders { recorder.sweep() }
    }

    /// Stops recording after a write error and reports it once; the program runs on unrecorded.
    func fail(reason: String) {
        let error = TraceRecorderError.writeFailed(path: self.path, reason: reason)
        self.state.withLock { state in state.error = error }
        TraceRecorder.sessionFailed(self)
        if let handler = self.options.errorHandler {
            handler(error)
        } else {
            printDiagnostic("\(error)")
        }
    }

    // MARK: The slow path of recording

    /// What `recordEvent` does when the fast path could not record: register the thread, or hand
    /// over a full buffer.
    @inline(never)
    static func recordingSlowPath(
        status: Int32,
        epoch: UInt64,
        _ operation: TraceOperation,
        object: UInt32,
        sequence: UInt64,
        argument: Int64,
        fileID: StaticString,
        line: UInt
    ) {
        if status == Int32(SYNCTRACE_NO_BUFFER) {
            // No buffer yet for this session: make one, then record through the fast path again.
            guard let session = TraceRecorder.session(epoch: epoch), session.registerCurrentThread() else { return }
            recordEvent(epoch: epoch, operation, object: object, sequence: sequence, argument: argument, fileID: fileID, line: line)
            return
        }
        var status = status
        if status == Int32(SYNCTRACE_TASK_CHANGED) {
            // Another Swift task runs on this OS thread now: switch logical threads, then record.
            guard LogicalThread.synchronize(epoch: epoch) != nil else { return }
            status = synctrace_record_switched(
                epoch,
                operation.rawValue,
                object,
                sequence,
                argument,
                UnsafeRawPointer(fileID.utf8Start),
                UInt32(truncatingIfNeeded: fileID.utf8CodeUnitCount),
                UInt32(truncatingIfNeeded: line)
            )
        }
        if status == Int32(SYNCTRACE_STACK_MISS) {
            // The event's stack is not in the thread's cache: intern it (the session's lock, once per
            // distinct stack and thread), then record the event with it.
            guard let recorder = ThreadRecorder.current(epoch: epoch),
                let site = recorder.internMissedStack(
                    file: UnsafeRawPointer(fileID.utf8Start),
                    length: UInt32(truncatingIfNeeded: fileID.utf8CodeUnitCount),
                    line: UInt32(truncatingIfNeeded: line)
                )
            else { return }
            status = synctrace_record_site(epoch, operation.rawValue, object, sequence, argument, site)
        }
        if status == Int32(SYNCTRACE_BUFFER_FULL) { ThreadRecorder.current(epoch: epoch)?.handOverFullBuffer() }
    }
}
