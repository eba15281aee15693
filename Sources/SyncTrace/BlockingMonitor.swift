import CSyncTraceRuntime
import SyncTraceFormat

/// What each recording thread holds and waits for, as its events say — kept for the watchdog.
///
/// Nothing here runs on a recording thread's hot path, nor even on its blocking path: a traced
/// primitive already records `req` before it blocks (and `acq`, `recv`… once it gets what it waited
/// for), so the writer thread, which sees every event anyway, keeps the picture up to date as it
/// encodes each chunk. The writer's periodic sweep of partly filled buffers bounds how stale it is
/// (about 10 ms); the watchdog flushes before it trusts it. Joins, which record nothing until they
/// return, are the one thing the joining thread reports itself (``beginJoin(thread:target:at:)``).
final class BlockingMonitor: @unchecked Sendable {
    // Safe to share: every field is read and written with `lock` held; the call-site pointers are
    // `#fileID` literals, valid for the life of the process.

    /// A call site as the recorder has it: a `#fileID` literal and a line.
    struct Site {
        var file: UnsafeRawPointer?
        var length: UInt32
        var line: UInt32

        var text: String {
            guard let file, self.length > 0 else { return "no call site recorded" }
            let bytes = UnsafeBufferPointer(start: file.assumingMemoryBound(to: UInt8.self), count: Int(self.length))
            return "\(String(decoding: bytes, as: UTF8.self)):\(self.line)"
        }
    }

    struct Held {
        var object: UInt32
        var reading: Bool
        var site: Site
    }

    struct Wait {
        var object: UInt32
        /// When the wait began, in the session's microseconds.
        var since: UInt64
        var site: Site
    }

    struct ThreadView {
        var held: [Held] = []
        /// The `req`s since the thread's last other event (several for a select).
        var waits: [Wait] = []
        var joining: (thread: UInt32, since: UInt64)?

        /// When the thread began waiting, if it waits.
        var blockedSince: UInt64? {
            if let first = self.waits.map(\.since).min() { return first }
            return self.joining?.since
        }
    }

    private let lock = PlatformLock()
    private var threads: [UInt32: ThreadView] = [:]

    /// Follows one chunk of a thread's events (the writer thread, before encoding it).
    func observe(_ chunk: EventChunk, clock: EventClock) {
        self.lock.lock()
        defer { self.lock.unlock() }
        var view = self.threads[chunk.thread] ?? ThreadView()
        let now = EventClock.now()
        for index in chunk.range {
            let raw = chunk.storage[index]
            let site = Site(file: raw.file, length: UInt32(raw.file_length), line: raw.line)
            switch TraceOperation(rawValue: raw.operation) {
            case .request:
                view.waits.append(Wait(object: raw.object, since: clock.microseconds(ofStamp: raw.timestamp, now: now), site: site))
                continue
            case .acquire, .readAcquire:
                view.held.append(Held(object: raw.object, reading: raw.operation == TraceOperation.readAcquire.rawValue, site: site))
            case .release, .readRelease:
                let reading = raw.operation == TraceOperation.readRelease.rawValue
                if let position = view.held.lastIndex(where: { $0.object == raw.object && $0.reading == reading }) {
                    view.held.remove(at: position)
                }
            default:
                break
            }
            if !view.waits.isEmpty { view.waits.removeAll() }
        }
        self.threads[chunk.thread] = view
    }

    /// The calling thread starts joining `target` (it records nothing until the join returns).
    func beginJoin(thread: UInt32, target: UInt32, at now: UInt64) {
        self.lock.withLock { self.threads[thread, default: ThreadView()].joining = (target, now) }
    }

    /// The join returned.
    func endJoin(thread: UInt32) {
        self.lock.withLock { self.threads[thread]?.joining = nil }
    }

    /// Every thread's view, now.
    func snapshot() -> [UInt32: ThreadView] {
        self.lock.withLock { self.threads }
    }
}
