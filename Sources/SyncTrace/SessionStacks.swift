import CSyncTraceRuntime

/// A session's interned (call site, stack) pairs: each distinct pair once, however many threads
/// record it, so that the writer declares it once and the events of every thread name it by one id.
///
/// Reached only on a thread's stack-cache miss (``ThreadRecorder/internMissedStack(file:length:line:)``)
/// and by the writer, which reads a pair through the pointer an event carries. Pairs are immutable
/// once published and live as long as the session (the events and caches that point at them do not
/// outlive it), so they need no reference counts.
///
/// Bounded: at most ``limit`` pairs with stacks. Past it, a new pair is interned without its frames
/// (depth 0: its events carry the call site only), and those are bounded by the program's call
/// sites. The writer's tables follow the same bound.
final class SessionStacks: @unchecked Sendable {
    // Safe to share: `table` is reached only with its lock held; pairs are immutable once made.
    private struct Key: Hashable {
        var file: UInt
        var line: UInt32
        var frames: [UInt]
    }

    private struct Table {
        var pairs: [Key: UnsafeMutablePointer<synctrace_stack_site>] = [:]
        var all: [UnsafeMutablePointer<synctrace_stack_site>] = []
        var withFrames = 0
        var overflowReported = false
    }

    private let table = PlatformLocked(Table())
    /// The pairs published for lock-free lookups (`synctrace_shared_find_stack`), by a slot of
    /// their key; written only under the table's lock, read by any thread.
    private let shared: UnsafeMutablePointer<UnsafePointer<synctrace_stack_site>?>
    /// Frames captured per event (1...SYNCTRACE_MAX_STACK_DEPTH).
    let depth: Int
    /// The most pairs with frames a session keeps.
    let limit: Int

    init(depth: Int, limit: Int = 1 << 16) {
        self.depth = depth
        self.limit = limit
        self.shared = .allocate(capacity: Int(SYNCTRACE_SHARED_STACK_SLOTS))
        self.shared.initialize(repeating: nil, count: Int(SYNCTRACE_SHARED_STACK_SLOTS))
    }

    deinit {
        for pair in self.table.withLock({ $0.all }) { pair.deallocate() }
        self.shared.deallocate()
    }

    /// The pair of a thread cache's last miss, for call site `file` at `line`, if another thread
    /// has published it: no lock.
    func findPublished(_ cache: UnsafePointer<synctrace_stack_cache>, file: UnsafeRawPointer, line: UInt32) -> UnsafePointer<synctrace_stack_site>? {
        synctrace_shared_find_stack(self.shared, cache, file, line)
    }

    /// Pairs interned so far, with their frames and without.
    var counts: (withFrames: Int, total: Int) { self.table.withLock { ($0.withFrames, $0.all.count) } }

    /// The interned pair of call site `file` (`length` bytes) at `line` with `frames` (innermost
    /// first) and `key` (the cache's mix of them), interning it the first time.
    func intern(file: UnsafeRawPointer, length: UInt32, line: UInt32, frames: UnsafeBufferPointer<UInt>, key: UInt64) -> UnsafePointer<synctrace_stack_site> {
        let full = Key(file: UInt(bitPattern: file), line: line, frames: Array(frames))
        let (pair, overflowed): (UnsafeMutablePointer<synctrace_stack_site>, Bool) = self.table.withLock { table in
            if let known = table.pairs[full] { return (known, false) }
            let keepsFrames = table.withFrames < self.limit
            let key2 = keepsFrames ? full : Key(file: full.file, line: line, frames: [])
            if let known = table.pairs[key2] { return (known, false) }
            let pair = UnsafeMutablePointer<synctrace_stack_site>.allocate(capacity: 1)
            var site = synctrace_stack_site()
            site.file = file
            site.file_length = length
            site.line = line
            site.id = UInt32(table.all.count)
            site.depth = keepsFrames ? UInt32(frames.count) : 0
            site.key = key
            withUnsafeMutableBytes(of: &site.frames) { slots in
                let words = slots.bindMemory(to: UInt.self)
                for index in 0..<Int(site.depth) { words[index] = frames[index] }
            }
            pair.initialize(to: site)
            synctrace_shared_publish_stack(self.shared, UnsafePointer(pair))
            table.pairs[key2] = pair
            table.all.append(pair)
            if keepsFrames { table.withFrames += 1 }
            let first = !keepsFrames && !table.overflowReported
            if first { table.overflowReported = true }
            return (pair, first)
        }
        if overflowed {
            printDiagnostic("\(self.limit) distinct call stacks recorded: new ones from here on are recorded as their call site only")
        }
        return UnsafePointer(pair)
    }
}
