#if canImport(Glibc)
public import Glibc
#elseif canImport(Darwin)
public import Darwin
#endif

/// A pthread mutex with a condition variable, on the heap so its address never moves.
///
/// The recorder's own plumbing and the traced primitives that need explicit lock/unlock or waiting
/// (NSLock-like locks, conditions, channels, wait groups, semaphores) are built on it.
@usableFromInline
final class PlatformLock: @unchecked Sendable {
    // Safe to share: the pthread objects are only touched through pthread calls, which synchronize.
    @usableFromInline let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let condition: UnsafeMutablePointer<pthread_cond_t>

    @usableFromInline init() {
        self.mutex = .allocate(capacity: 1)
        self.condition = .allocate(capacity: 1)
        pthread_mutex_init(self.mutex, nil)
        pthread_cond_init(self.condition, nil)
    }

    deinit {
        pthread_cond_destroy(self.condition)
        pthread_mutex_destroy(self.mutex)
        self.condition.deallocate()
        self.mutex.deallocate()
    }

    @inlinable @inline(__always) func lock() { pthread_mutex_lock(self.mutex) }
    @inlinable @inline(__always) func unlock() { pthread_mutex_unlock(self.mutex) }
    /// Takes the lock if it is free; `false` when another thread holds it.
    @inlinable @inline(__always) func tryLock() -> Bool { pthread_mutex_trylock(self.mutex) == 0 }

    /// Waits on the condition; the caller holds the lock.
    func wait() { pthread_cond_wait(self.condition, self.mutex) }

    /// Waits on the condition for at most `nanoseconds`; returns `false` on time-out.
    func wait(nanoseconds: UInt64) -> Bool {
        var deadline = timespec()
        clock_gettime(CLOCK_REALTIME, &deadline)
        let total = UInt64(deadline.tv_nsec) + nanoseconds
        deadline.tv_sec += Int(total / 1_000_000_000)
        deadline.tv_nsec = Int(total % 1_000_000_000)
        return pthread_cond_timedwait(self.condition, self.mutex, &deadline) != ETIMEDOUT
    }

    func signal() { pthread_cond_signal(self.condition) }
    func broadcast() { pthread_cond_broadcast(self.condition) }

    @inline(__always)
    func withLock<Result>(_ body: () throws -> Result) rethrows -> Result {
        self.lock()
        defer { self.unlock() }
        return try body()
    }
}

/// Gives up the processor, for spin loops whose lock holder may have been preempted.
@usableFromInline @inline(never)
func yieldProcessor() {
    sched_yield()
}
