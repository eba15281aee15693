import CSyncTraceRuntime
import Synchronization
import SyncTraceFormat

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A thread whose start and join are recorded (`fork` and `join`), so the replay knows that what the
/// parent did before `spawn` happens before everything the thread does, and everything the thread
/// did happens before what the parent does after `join`.
///
/// ```swift
/// let worker = TracedThread.spawn(name: "worker") { counter.withLock { $0 += 1 } }
/// worker.join()
/// ```
///
/// Threads started another way (Foundation's `Thread`, Dispatch's pool) are recorded too, from the
/// first time they touch a traced object, but without the `fork`/`join` edges only this type gives.
public final class TracedThread: Sendable {
    /// The thread's name, as reports show it.
    public let name: String
    /// The thread's id in the trace.
    let threadID: UInt32
    private let handle: Mutex<pthread_t?>

    private init(name: String, threadID: UInt32, handle: pthread_t) {
        self.name = name
        self.threadID = threadID
        self.handle = Mutex(handle)
    }

    /// Starts a thread running `body` and returns its handle; call ``join(fileID:line:)`` to wait for it.
    ///
    /// - Parameters:
    ///   - name: What reports call the thread (by default "thread N").
    ///   - fileID: The file of the call site the trace records (leave the default).
    ///   - line: The line of the call site the trace records (leave the default).
    ///   - body: What the thread runs; it ends when `body` returns.
    /// - Precondition: the system can start another thread (as with `Thread.start()`, running out
    ///   of threads stops the program with a message).
    @discardableResult
    public static func spawn(
        name: String? = nil,
        fileID: StaticString = #fileID,
        line: UInt = #line,
        _ body: @escaping @Sendable () -> Void
    ) -> TracedThread {
        TraceRecorder.startFromEnvironmentOnce()
        // Inside a traced task, the parent is the task's thread, not the OS thread running it.
        let epoch = currentRecordingEpoch()
        let parent = (epoch == 0 ? nil : LogicalThread.synchronize(epoch: epoch)?.currentTraceThread) ?? ThreadRegistry.currentThreadID()
        let child = ThreadRegistry.register(name: name, parent: parent, site: CallSite.capturing(fileID, line))
        recordEvent(.fork, object: child, sequence: 0, fileID: fileID, line: line)
        guard
            let handle = PlatformThread.spawn({
                synctrace_set_thread_id_plus_one(child + 1)
                // Registered before the body runs: the first event would otherwise register the
                // thread (an allocation, the session's lock) inside whatever lock it records, making
                // every other thread that wants that lock wait for it.
                RecordingSession.registerCurrentThreadIfRecording()
                body()
            })
        else {
            fatalError("TracedThread.spawn: the system cannot start another thread")
        }
        return TracedThread(name: name ?? "thread \(child)", threadID: child, handle: handle)
    }

    /// Waits until the thread has finished. Joining a thread a second time returns at once.
    public func join(fileID: StaticString = #fileID, line: UInt = #line) {
        let handle = self.handle.withLock { handle in
            defer { handle = nil }
            return handle
        }
        guard let handle else { return }
        // A join records nothing until it returns: tell the watchdog, if one watches, who waits.
        let epoch = currentRecordingEpoch()
        let monitor = epoch == 0 ? nil : TraceRecorder.session(epoch: epoch).flatMap { session in
            session.watchdog.map { (session, $0.monitor) }
        }
        let joiner = monitor == nil ? 0 : ThreadRegistry.currentThreadID()
        if let (session, monitor) = monitor {
            monitor.beginJoin(thread: joiner, target: self.threadID, at: session.elapsedMicroseconds())
        }
        PlatformThread.join(handle)
        monitor?.1.endJoin(thread: joiner)
        recordEvent(.join, object: self.threadID, sequence: 0, fileID: fileID, line: line)
    }
}
