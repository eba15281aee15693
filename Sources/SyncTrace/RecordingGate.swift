/// A one-at-a-time gate that any thread may leave, unlike a mutex, which only its owner may unlock:
/// an asynchronous recording enters on one thread and may leave on another.
final class RecordingGate: @unchecked Sendable {
    // Safe to share: `busy` is read and written only while `lock` is held.
    private let lock = PlatformLock()
    private var busy = false

    /// Waits until nobody is inside, then goes in.
    func enter() {
        self.lock.lock()
        defer { self.lock.unlock() }
        while self.busy { self.lock.wait() }
        self.busy = true
    }

    /// Goes out, letting the next one in.
    func leave() {
        self.lock.lock()
        defer { self.lock.unlock() }
        self.busy = false
        self.lock.signal()
    }
}
