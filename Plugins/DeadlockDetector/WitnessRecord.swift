import SyncTraceFormat
import _SyncTraceDataStructures
import SyncTraceReplay

/// What the search for a deadlocking schedule keeps of the trace, in the replay's one pass: each
/// thread's local time, the order a sync-preserving reordering must keep, and every lock's critical
/// sections.
///
/// A *sync-preserving* reordering (Tunç, Mathur, Pavlogiannis and Viswanathan, PLDI 2023) runs a
/// prefix of each thread, in the thread's own order, in which every read sees the write it saw in
/// the trace and every lock's critical sections come in the trace's order. The order it must keep
/// whatever it leaves out is kept here as edges between points of threads:
///
/// - **reads-from**: a read comes after the write it saw (the last one before it in the trace);
/// - **fork and join**: a thread's first event after its fork, a `join` after the joined thread's
///   last event;
/// - **every other synchronization object** — channels, wait groups, semaphores, conditions,
///   atomics — keeps the trace's order of all its operations (each after the one before it on the
///   object): more order than a reordering strictly needs (a receive needs its send, not every
///   earlier receive), never less, so a schedule found is one the program can run;
/// - locks are left to the search (``DeadlockWitnessSearch``), which keeps the order of their
///   critical sections, the one thing it may not change.
///
/// A thread's *local time* counts its events: its first event has time 1. An edge is kept as three
/// words (the time it enters the thread, the source thread and the source's time), only when the
/// thread has no edge from that source at that time or later yet, so a thread reading one value a
/// thousand times keeps one. Recording costs no clock work and no allocation per event; the search
/// follows the edges.
///
/// Memory grows with the edges, the critical sections (four words each) and the nested requests
/// (three words): bounded by ``wordLimit``, past which the record stops (``stopReason``) and no
/// cycle is checked.
final class WitnessRecord {
    /// One critical section of one thread on one lock.
    struct Section {
        /// Local time of the acquisition and of the release (``WitnessRecord/open`` while held).
        var acquired: UInt32
        var released: UInt32
        /// Replay index of the acquisition, to find a cycle's held acquisition.
        var index: UInt64
    }

    /// A lock's critical sections, per thread, each thread's in its own order.
    struct LockSections {
        var threads: [Int] = []
        var sections: [[Section]] = []
        /// Per thread index, its position in `threads` (a lock is taken by a few threads: a small table).
        var positionOfThread: [Int: Int] = [:]
    }

    /// A critical section a thread is in.
    struct OpenSection {
        var lock: Int
        var depth: Int
        var position: Int
    }

    struct Timeline {
        var time: UInt32 = 0
        /// Per source thread, the latest of its times the thread has an edge from: a later edge
        /// from an earlier time adds nothing.
        var learned = LocalTimeClock()
        /// The edges into the thread, in its time order: `time, source, source time` triples.
        var edges: [UInt32] = []
        var open: [OpenSection] = []
        /// The `req`s the thread made while it held a lock (only those can be a cycle's request),
        /// by replay index, with their local times.
        var requestIndices: [UInt64] = []
        var requestTimes: [UInt32] = []
    }

    /// The release time of a section still held.
    static let open = UInt32.max

    // Written on every event: flat arrays, unchecked, like the detector's own per-event tables (a
    // Swift array in a class pays a uniqueness check on each write, and exclusivity checks).
    @exclusivity(unchecked) private var timelines = FlatArray<Timeline>()
    /// Per lock's object index, its position in ``locks`` (-1: not a lock).
    @exclusivity(unchecked) private var lockOfObject = FlatArray<Int32>()
    @exclusivity(unchecked) private(set) var locks: [LockSections] = []
    /// Per object index, the thread and time of the last write to it (a variable) or of the last
    /// operation on it (any other synchronization object); thread -1: none yet.
    @exclusivity(unchecked) private var lastWriteThread = FlatArray<Int32>()
    @exclusivity(unchecked) private var lastWriteTime = FlatArray<UInt32>()

    /// Words the record may keep (edges, sections, requests); past them it stops.
    let wordLimit: Int
    /// Threads the record follows at most (its clocks are dense, by thread).
    let threadLimit: Int
    @exclusivity(unchecked) private(set) var words = 0
    /// Why the record stopped, if it did: every cycle is then reported as not checked.
    private(set) var stopReason: String?

    /// A record of at most `wordLimit` words and `threadLimit` threads.
    init(wordLimit: Int, threadLimit: Int) {
        self.wordLimit = wordLimit
        self.threadLimit = threadLimit
    }

    // MARK: Recording

    /// Records one event, with its replay index. Every event of the trace must come here, in the
    /// replay's order: local times count them.
    func apply(_ event: TraceEvent, index: UInt64) {
        guard self.stopReason == nil else { return }
        let thread = event.thread.index
        let other = event.operation == .fork || event.operation == .join ? event.otherThread.index : 0
        guard thread < self.threadLimit, other < self.threadLimit else {
            self.stop("the trace has more than \(self.threadLimit) threads")
            return
        }
        self.grow(to: thread)
        self.timelines[thread].time += 1
        let now = self.timelines[thread].time
        switch event.operation {
        case .read:
            self.readFrom(event.object.index, by: thread)
        case .write:
            self.wrote(event.object.index, by: thread, at: now)
        case .fork:
            let child = event.otherThread.index
            self.grow(to: child)
            // The child's next event is its first after the fork.
            self.edge(into: child, at: self.timelines[child].time + 1, from: thread, at: now)
        case .join:
            let joined = event.otherThread.index
            self.grow(to: joined)
            self.edge(into: thread, at: now, from: joined, at: self.timelines[joined].time)
        case .acquire, .readAcquire:
            self.acquire(event.object.index, by: thread, at: now, index: index)
        case .release, .readRelease:
            self.release(event.object.index, by: thread, at: now)
        case .request:
            if !self.timelines[thread].open.isEmpty {
                self.timelines[thread].requestIndices.append(index)
                self.timelines[thread].requestTimes.append(now)
                self.words += 3
            }
        case .atomicLoad, .atomicStore, .atomicReadModifyWrite, .makeChannel, .send, .receive, .close, .waitGroupAdd,
            .waitGroupDone, .waitGroupWait, .semaphoreSignal, .semaphoreWait, .conditionSignal, .conditionBroadcast,
            .conditionWait:
            // After the operation before it on the object (and so after all of them): an atomic's
            // load after the store it saw, a receive after its send, a wait after the signals.
            self.readFrom(event.object.index, by: thread)
            self.wrote(event.object.index, by: thread, at: now)
        default:
            // `begin`, `end`, `exit`: a point of the thread, no order.
            break
        }
        if self.words > self.wordLimit { self.stop("its record of the trace outgrew \(self.wordLimit / (1 << 18)) MB") }
    }

    private func stop(_ reason: String) {
        self.stopReason = reason
        self.timelines = FlatArray()
        self.locks = []
        self.lockOfObject = FlatArray()
        self.lastWriteThread = FlatArray()
        self.lastWriteTime = FlatArray()
    }

    private func grow(to thread: Int) {
        if thread >= self.timelines.count { self.timelines.grow(to: thread + 1, filling: Timeline()) }
    }

    private func growObjects(to object: Int) {
        if object >= self.lastWriteThread.count {
            let count = max(object + 1, self.lastWriteThread.count * 2, 256)
            self.words += 3 * (count - self.lastWriteThread.count)
            self.lastWriteThread.grow(to: count, filling: -1)
            self.lastWriteTime.grow(to: count, filling: 0)
            self.lockOfObject.grow(to: count, filling: -1)
        }
    }

    private func wrote(_ variable: Int, by thread: Int, at now: UInt32) {
        self.growObjects(to: variable)
        self.lastWriteThread[variable] = Int32(thread)
        self.lastWriteTime[variable] = now
    }

    private func readFrom(_ variable: Int, by thread: Int) {
        guard variable < self.lastWriteThread.count else { return }
        let writer = Int(self.lastWriteThread[variable])
        guard writer >= 0, writer != thread else { return }
        self.edge(into: thread, at: self.timelines[thread].time, from: writer, at: self.lastWriteTime[variable])
    }

    /// `thread`'s point at local time `time` (and every later one) comes after `source`'s point at
    /// `sourceTime`.
    @inline(__always)
    private func edge(into thread: Int, at time: UInt32, from source: Int, at sourceTime: UInt32) {
        guard self.timelines[thread].learned[source] < sourceTime else { return }
        let width = self.timelines[thread].learned.words
        self.timelines[thread].learned.set(source, to: sourceTime)
        self.words += self.timelines[thread].learned.words - width
        self.timelines[thread].edges.append(time)
        self.timelines[thread].edges.append(UInt32(truncatingIfNeeded: source))
        self.timelines[thread].edges.append(sourceTime)
        self.words += 3
    }

    private func acquire(_ object: Int, by thread: Int, at now: UInt32, index: UInt64) {
        if let open = self.timelines[thread].open.lastIndex(where: { $0.lock == object }) {
            // Taken again while held (a recursive lock, or the self-deadlock the detector reports):
            // one section.
            self.timelines[thread].open[open].depth += 1
            return
        }
        self.growObjects(to: object)
        if self.lockOfObject[object] < 0 {
            self.lockOfObject[object] = Int32(self.locks.count)
            self.locks.append(LockSections())
        }
        let lock = Int(self.lockOfObject[object])
        let position: Int
        if let known = self.locks[lock].positionOfThread[thread] {
            position = known
        } else {
            position = self.locks[lock].threads.count
            self.locks[lock].positionOfThread[thread] = position
            self.locks[lock].threads.append(thread)
            self.locks[lock].sections.append([])
            self.words += 4
        }
        self.locks[lock].sections[position].append(Section(acquired: now, released: Self.open, index: index))
        self.words += 4
        self.timelines[thread].open.append(OpenSection(lock: object, depth: 1, position: position))
    }

    private func release(_ object: Int, by thread: Int, at now: UInt32) {
        guard let open = self.timelines[thread].open.lastIndex(where: { $0.lock == object }) else { return }
        self.timelines[thread].open[open].depth -= 1
        guard self.timelines[thread].open[open].depth == 0 else { return }
        let section = self.timelines[thread].open.remove(at: open)
        let lock = Int(self.lockOfObject[object])
        let last = self.locks[lock].sections[section.position].count - 1
        self.locks[lock].sections[section.position][last].released = now
    }

    // MARK: Queries

    /// The edges into `thread`, as `time, source, source time` triples in time order.
    func edges(into thread: Int) -> [UInt32] { self.timelines[thread].edges }

    /// The local time of the `req` at replay index `index` of `thread`, if it was recorded (made
    /// while the thread held a lock).
    func requestTime(of thread: Int, index: UInt64) -> UInt32? {
        guard thread < self.timelines.count else { return nil }
        let indices = self.timelines[thread].requestIndices
        var low = 0
        var high = indices.count
        while low < high {
            let middle = (low + high) / 2
            if indices[middle] < index { low = middle + 1 } else { high = middle }
        }
        return low < indices.count && indices[low] == index ? self.timelines[thread].requestTimes[low] : nil
    }

    /// The section of `thread` on the lock with object index `object` acquired at replay index
    /// `index`, if recorded.
    func section(of thread: Int, lock object: Int, acquiredAt index: UInt64) -> Section? {
        guard object < self.lockOfObject.count, self.lockOfObject[object] >= 0 else { return nil }
        let lock = self.locks[Int(self.lockOfObject[object])]
        guard let position = lock.positionOfThread[thread] else { return nil }
        let sections = lock.sections[position]
        var low = 0
        var high = sections.count
        while low < high {
            let middle = (low + high) / 2
            if sections[middle].index < index { low = middle + 1 } else { high = middle }
        }
        return low < sections.count && sections[low].index == index ? sections[low] : nil
    }

    /// The number of threads recorded.
    var threadCount: Int { self.timelines.count }
}
