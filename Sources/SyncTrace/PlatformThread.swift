import CSyncTraceRuntime

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Starts and joins pthreads running Swift closures: the writer thread, and ``TracedThread``'s threads.
enum PlatformThread {
    private final class Box {
        let body: () -> Void
        init(_ body: @escaping () -> Void) { self.body = body }
    }

    /// Starts a thread running `body`; `nil` when the system refuses (too many threads).
    ///
    /// With `blockingProcessSignals`, the thread starts with SIGTERM, SIGINT and SIGXFSZ blocked (the
    /// recorder's own threads: see `synctrace_block_process_signals`); the mask is set around the
    /// creation, since a thread inherits its creator's, so no such signal can reach it even once.
    static func spawn(blockingProcessSignals: Bool = false, _ body: @escaping @Sendable () -> Void) -> pthread_t? {
        var savedMask = sigset_t()
        if blockingProcessSignals {
            pthread_sigmask(SIG_SETMASK, nil, &savedMask)
            _ = synctrace_block_process_signals()
        }
        defer { if blockingProcessSignals { pthread_sigmask(SIG_SETMASK, &savedMask, nil) } }
        let context = Unmanaged.passRetained(Box(body)).toOpaque()
        #if canImport(Glibc)
        var thread = pthread_t()
        let status = pthread_create(&thread, nil, { context in
            Unmanaged<Box>.fromOpaque(context!).takeRetainedValue().body()
            return nil
        }, context)
        #elseif canImport(Darwin)
        var thread: pthread_t?
        let status = pthread_create(&thread, nil, { context in
            Unmanaged<Box>.fromOpaque(context).takeRetainedValue().body()
            return nil
        }, context)
        #endif
        guard status == 0 else {
            Unmanaged<Box>.fromOpaque(context).release()
            return nil
        }
        #if canImport(Glibc)
        return thread
        #else
        return thread
        #endif
    }

    /// Waits for a thread started by ``spawn(_:)`` to end.
    static func join(_ thread: pthread_t) {
        pthread_join(thread, nil)
    }
}
