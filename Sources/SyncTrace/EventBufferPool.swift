import CSyncTraceRuntime

/// Event storage that circulates between the recording threads and the writer, kept by size.
///
/// A thread's buffer starts small and doubles at each hand-over up to the session's buffer capacity
/// (see `ThreadRecorder`), so storage comes in a few sizes. What the writer has finished with comes
/// back here and goes out again to the next thread that needs that size: a program that starts and
/// ends a thousand threads then reuses memory it has already touched, instead of faulting in fresh
/// pages and unmapping old ones, which take the process's address-space lock that every other
/// thread's page faults wait for.
final class EventBufferPool: @unchecked Sendable {
    // Safe to share: `free` and `keptBytes` are reached only with `lock` held.
    private let lock = PlatformLock()
    /// Free storage by capacity (a handful of sizes, so a linear search).
    private var free: [(capacity: Int, storage: [UnsafeMutablePointer<synctrace_event>])] = []
    private var keptBytes = 0
    /// How many bytes of free storage the pool keeps at most; the rest goes back to the allocator.
    let byteLimit: Int

    init(byteLimit: Int) {
        self.byteLimit = byteLimit
    }

    deinit {
        for size in self.free {
            for storage in size.storage { storage.deallocate() }
        }
    }

    /// Storage for `capacity` events: reused if the pool has some of that size, else newly allocated.
    func take(capacity: Int) -> UnsafeMutablePointer<synctrace_event> {
        let reused: UnsafeMutablePointer<synctrace_event>? = self.lock.withLock {
            guard let index = self.free.firstIndex(where: { $0.capacity == capacity }),
                let storage = self.free[index].storage.popLast()
            else { return nil }
            self.keptBytes -= capacity * MemoryLayout<synctrace_event>.stride
            return storage
        }
        return reused ?? .allocate(capacity: capacity)
    }

    /// Takes back storage of `capacity` events that ``take(capacity:)`` gave out; frees it when the
    /// pool already keeps its limit.
    func give(_ storage: UnsafeMutablePointer<synctrace_event>, capacity: Int) {
        let bytes = capacity * MemoryLayout<synctrace_event>.stride
        let kept = self.lock.withLock {
            guard self.keptBytes + bytes <= self.byteLimit else { return false }
            self.keptBytes += bytes
            if let index = self.free.firstIndex(where: { $0.capacity == capacity }) {
                self.free[index].storage.append(storage)
            } else {
                self.free.append((capacity, [storage]))
            }
            return true
        }
        if !kept { storage.deallocate() }
    }

    /// Bytes of free storage kept now.
    var freeByteCount: Int { self.lock.withLock { self.keptBytes } }
}
