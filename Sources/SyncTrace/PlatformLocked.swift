/// A value behind a pthread mutex, for the recorder's own state that many threads reach at once.
///
/// Not `Synchronization.Mutex`: on Linux that is a priority-inheritance futex, which hands a
/// contended lock to a sleeping waiter instead of letting the running thread take it again, so every
/// contended acquisition costs a context switch. A thousand threads registering with a session and
/// leaving it at about the same time spent more time switching than recording.
final class PlatformLocked<Value>: @unchecked Sendable {
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

    /// Runs `body` with the lock held if no other thread holds it; nil without running it otherwise.
    func withLockIfAvailable<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result? {
        guard self.lock.tryLock() else { return nil }
        defer { self.lock.unlock() }
        return try body(&self.value)
    }
}
