/// A value behind a lock that `fork()` cannot leave locked in the child.
///
/// A child process is a copy of the one thread that forked: a lock another thread held at that
/// moment stays held in the child forever, and the child's first traced object (or its exit, which
/// stops the recording) would wait for it. The recorder's process-wide locks are these, and its
/// `pthread_atfork` handlers take every one before the fork and let go of them on both sides after.
final class ForkSafeLocked<Value>: @unchecked Sendable {
    // Safe to share: `value` is reached only with `lock` held.
    private let lock = PlatformLock()
    private var value: Value

    init(_ value: Value) {
        self.value = value
    }

    /// Runs `body` with the lock held and the value to change.
    func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        self.lock.lock()
        defer { self.lock.unlock() }
        return try body(&self.value)
    }

    /// Runs `body` with the value if the lock is free right now; `nil` without running it otherwise.
    func withLockIfAvailable<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result? {
        guard self.lock.tryLock() else { return nil }
        defer { self.lock.unlock() }
        return try body(&self.value)
    }

    /// Before a fork: takes the lock (the forking thread then holds it on both sides).
    func lockForFork() { self.lock.lock() }

    /// After a fork, in the parent or the child: lets go of what ``lockForFork()`` took.
    func unlockAfterFork() { self.lock.unlock() }

    /// Between ``lockForFork()`` and ``unlockAfterFork()``: the value, to change in the child.
    func withLockHeldForFork<Result>(_ body: (inout Value) -> Result) -> Result {
        body(&self.value)
    }
}
