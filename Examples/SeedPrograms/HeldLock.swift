import Dispatch
import SyncTrace

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A lock held for 20 ms while another thread waits for it: what `synctrace stats --waits` shows as
/// one wait of about 20 ms on `cache`, at the waiter's call site.
///
/// `loader` takes the lock, tells `reader` (through an untraced semaphore, so that the trace sees
/// no order but the lock's) that it holds it, and sleeps 20 ms before releasing it; `reader` asks
/// for the lock as soon as it is told, and waits.
func heldLock() {
    let cache = TracedLock(name: "cache")
    let holding = DispatchSemaphore(value: 0)  // untraced on purpose
    let loader = TracedThread.spawn(name: "loader") {
        cache.withLock {
            holding.signal()
            usleep(20_000)
        }
    }
    let reader = TracedThread.spawn(name: "reader") {
        holding.wait()
        cache.withLock { print("reader: got the cache after the loader released it") }
    }
    loader.join()
    reader.join()
}
