import CSyncTraceRuntime

/// A value behind a pthread mutex, for the recorder's own state that many threads reach at once.
///
/// Not `Synchronization.Mutex`: on Linux that is a priority-inheritance futex, which hands a
/// contended lock to a sleeping waiter instead of letting the running thread take it again, so every
/// contended acquisition costs a context switch. A thousand threads registering with a session and
/// leaving it at about the same time spent more time switching than recording.
///
/// The recorder's process-wide state (the registries, the running session) is also made safe from
/// `fork()` (``init(forkSafe:)``): a child process is a copy of the one thread that forked, so a
/// lock another thread held at that moment stays held in the child forever, and the child's first
/// traced object (or its exit, which stops the recording) would wait for it.
final class PlatformLocked<Value>: @unchecked Sendable {
    // Safe to share: `value` is reached only with `lock` held.
    private let lock = PlatformLock()
    private var value: Value

    init(_ value: Value) {
        self.value = value
    }

    /// A lock that `fork()` cannot leave locked in the child: its mutex is registered with the fork
    /// handlers (`synctrace_fork.c`, in C, because Swift code may hang in a forked child), which take
    /// every registered one before the fork and let go of them on both sides. For state that lives as
    /// long as the process only: the handlers keep the mutex's address for good.
    init(forkSafe value: Value) {
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

    /// Runs `body` with the lock held if no other thread holds it; nil without running it otherwise.
    func withLockIfAvailable<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result? {
        guard self.lock.tryLock() else { return nil }
        defer { self.lock.unlock() }
        return try body(&self.value)
    }
}
