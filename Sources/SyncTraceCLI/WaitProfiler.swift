import SyncTraceFormat
import SyncTraceReplay

/// Where threads waited, like `go tool trace`'s synchronization blocking profile: per lock,
/// channel, wait group, semaphore and condition, how many operations completed, how many of them
/// had to wait, the total and longest wait, and the call sites that waited longest
/// (`synctrace stats --waits`).
///
/// A wait is what the recorder writes when a thread is about to block: a `req` of the object, then
/// the operation that completed it — the acquisition of a lock (`acq`, `racq`), a `send` or `recv`,
/// a `wgwait`, `semwait` or `cwait`. It lasts from the request's timestamp to the completion's. A
/// request never completed (the trace ended with the thread waiting) is counted apart, up to the
/// trace's last timestamp. The recorder's timestamps are microseconds: a wait is exact to
/// about a microsecond, and a shorter one reads 0.
///
/// Runs as a plugin of the replay (the events of each thread in program order, which a request and
/// its completion need); memory grows with the objects and call sites, not the events.
final class WaitProfiler: AnalysisPlugin {
    let name = "wait-profile"
    let summary = "where threads waited: per synchronization object, the waits and the call sites"
    /// Everything but plain accesses and atomic blocks: any other event of a thread after a request
    /// shows it went on without the completion (a request the trace cannot pair).
    let operations = TraceOperationSet(TraceOperation.allCases.filter { ![.read, .write, .begin, .end].contains($0) })

    /// One object's profile.
    struct Entry {
        var object: ObjectID
        /// Operations that can block and completed (acquisitions, sends, receives, waits).
        var operations = 0
        /// Of them, those that waited (a request came first).
        var waited = 0
        var totalMicroseconds: UInt64 = 0
        var longestMicroseconds: UInt64 = 0
        /// Requests the trace ends in: threads still waiting.
        var stillWaiting = 0
        /// Per call site of the request (a location, or nil), the waits and their total.
        var sites: [StringID?: (waits: Int, microseconds: UInt64)] = [:]
    }

    /// A thread's request not yet completed.
    private struct Request {
        var object: ObjectID
        var timestamp: UInt64
        var site: StringID?
    }

    private var entries: [ObjectID: Entry] = [:]
    private var requests: [Request?] = []
    private var lastTimestamp: UInt64 = 0

    func handle(_ event: TraceEvent, in context: AnalysisContext) {
        let thread = event.thread.index
        if thread >= self.requests.count { self.requests.append(contentsOf: repeatElement(nil, count: thread + 1 - self.requests.count)) }
        self.lastTimestamp = max(self.lastTimestamp, event.timestamp)
        let operation = event.operation
        if operation == .request {
            self.requests[thread] = Request(object: event.object, timestamp: event.timestamp, site: event.location)
            return
        }
        let pending = self.requests[thread]
        self.requests[thread] = nil
        guard Self.completions.contains(operation) else { return }
        var entry = self.entries[event.object] ?? Entry(object: event.object)
        entry.operations += 1
        if let pending, pending.object == event.object {
            let wait = event.timestamp >= pending.timestamp ? event.timestamp - pending.timestamp : 0
            entry.waited += 1
            entry.totalMicroseconds += wait
            entry.longestMicroseconds = max(entry.longestMicroseconds, wait)
            let known = entry.sites[pending.site] ?? (0, 0)
            entry.sites[pending.site] = (known.waits + 1, known.microseconds + wait)
        }
        self.entries[event.object] = entry
    }

    /// The operations that complete a wait.
    private static let completions: Set<TraceOperation> = [
        .acquire, .readAcquire, .send, .receive, .waitGroupWait, .semaphoreWait, .conditionWait,
    ]

    func finish(in context: AnalysisContext) -> [Finding] {
        for request in self.requests.compactMap({ $0 }) {
            var entry = self.entries[request.object] ?? Entry(object: request.object)
            entry.stillWaiting += 1
            let wait = self.lastTimestamp >= request.timestamp ? self.lastTimestamp - request.timestamp : 0
            entry.longestMicroseconds = max(entry.longestMicroseconds, wait)
            self.entries[request.object] = entry
        }
        self.requests = []
        return []
    }

    /// The objects that were waited for or can block, longest total wait first (then by object).
    var profile: [Entry] {
        self.entries.values.sorted { ($0.totalMicroseconds, $1.object.rawValue) > ($1.totalMicroseconds, $0.object.rawValue) }
    }
}

extension WaitProfiler.Entry {
    /// The call sites that waited, longest total first (at most `limit`).
    func topSites(_ limit: Int) -> [(site: StringID?, waits: Int, microseconds: UInt64)] {
        let sorted = self.sites.map { (site: $0.key, waits: $0.value.waits, microseconds: $0.value.microseconds) }.sorted {
            ($0.microseconds, $1.site?.rawValue ?? .max) > ($1.microseconds, $0.site?.rawValue ?? .max)
        }
        return Array(sorted.prefix(limit))
    }
}
