import CSyncTraceRuntime

/// A value behind a lock that `fork()` cannot leave locked in the child.
///
/// A child process is a copy of the one thread that forked: a lock another thread held at that
/// moment stays held in the child forever, and the child's first traced object (or its exit, which
/// stops the recording) would wait for it. The recorder's process-wide locks are these: each
/// registers its mutex with the fork handlers (`synctrace_fork.c`, in C, because Swift code may
/// hang in a forked child), which take every one before the fork and let go of them on both sides.
final class ForkSafeLocked<Value>: @unchecked Sendable {
    // Safe to share: `value` is reached only with `lock` held.
    private let lock = PlatformLock()
    private var value: Value

    init(_ value: Value) {
        self.value = value
        synctrace_install_fork_handlers()
        _ = synctrace_register_fork_lock(self.lock.mutex)
    }

    /// Runs `body` with the lock held and the value to change.
    func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        self.lock.lock()
        defer { self.lock.unlock() }
        return try body(&self.value)
    }
}
