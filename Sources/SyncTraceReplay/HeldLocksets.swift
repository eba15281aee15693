public import SyncTraceFormat

/// The locks each thread holds, as a number per thread (a ``HeldLockSet``) that a plugin can keep
/// with a remembered access (4 bytes), so that a race can say which locks each side held — as TSan's
/// reports do — without a set per access. Kept by the replay for the plugins that declare
/// ``AnalysisRequirements/heldLocks``.
///
/// The numbers are nodes of a trie of acquisition sequences: node 0 holds nothing, and a node's
/// child for a lock is that node plus the lock acquired last. Acquiring moves a thread to a child
/// (each node caches the child it moved to last, so a loop taking the same lock is a compare, not a
/// lookup); releasing the lock acquired last moves it back to the parent; releasing another one
/// rebuilds the path without it. A held set is only spelled out to explain a race.
///
/// Bounded: past ``maximumNodes`` distinct sequences the trie stops growing, and a thread whose set
/// would need a new node is marked unknown (``unknown``) for the rest of the trace: its races say
/// that its locks are not known, never a wrong set.
@usableFromInline
final class HeldLocksets {
    /// A lockset number no node has: the thread's locks are not known.
    static let unknown: Int32 = -1
    /// Distinct acquisition sequences kept at most (24 bytes each, and a dictionary entry for nodes
    /// with more than one child).
    static let maximumNodes = 1 << 20

    private struct Node {
        var parent: Int32
        var lock: UInt32
        var reading: Bool
        /// The child made last, for the common repeat.
        var lastChild: Int32 = -1
        var lastChildLock: UInt32 = .max
        var lastChildReading = false
    }

    private struct ChildKey: Hashable {
        var node: Int32
        var lock: UInt32
        var reading: Bool
    }

    @exclusivity(unchecked) private var nodes = [Node(parent: -1, lock: .max, reading: false)]
    @exclusivity(unchecked) private var children: [ChildKey: Int32] = [:]
    /// Each thread's node, by thread index. Read by plugins (inlined) on every access they keep, and
    /// written by the replay between their calls: never at once, so without the dynamic check.
    @usableFromInline @exclusivity(unchecked) var current: [Int32] = []

    init() {}

    /// Follows one event: an acquisition or a release (any other event changes nothing).
    @inline(__always)
    func apply(_ event: TraceEvent) {
        switch event.operation {
        case .acquire: self.acquire(event.object, reading: false, by: event.thread)
        case .readAcquire: self.acquire(event.object, reading: true, by: event.thread)
        case .release, .readRelease: self.release(event.object, by: event.thread)
        default: break
        }
    }

    /// The lockset number of `thread` now: what an access remembers.
    @inlinable
    func lockset(of thread: ThreadID) -> Int32 {
        thread.index < self.current.count ? self.current[thread.index] : 0
    }

    /// `thread` acquired `lock` (for reading, if `reading`).
    func acquire(_ lock: ObjectID, reading: Bool, by thread: ThreadID) {
        self.reserve(thread)
        let node = self.current[thread.index]
        guard node != Self.unknown else { return }
        self.current[thread.index] = self.child(of: node, lock: lock.rawValue, reading: reading)
    }

    /// `thread` released `lock` (the last acquisition of it that it holds).
    func release(_ lock: ObjectID, by thread: ThreadID) {
        self.reserve(thread)
        let node = self.current[thread.index]
        guard node > 0 else { return }  // holding nothing known: a release of an unknown set stays unknown
        if self.nodes[Int(node)].lock == lock.rawValue {
            self.current[thread.index] = self.nodes[Int(node)].parent
            return
        }
        // Out of order: the path without the lock's last acquisition, rebuilt from the root.
        var path = self.path(to: node)
        guard let last = path.lastIndex(where: { $0.lock == lock.rawValue }) else { return }
        path.remove(at: last)
        var rebuilt: Int32 = 0
        for step in path {
            rebuilt = self.child(of: rebuilt, lock: step.lock, reading: step.reading)
            if rebuilt == Self.unknown { break }
        }
        self.current[thread.index] = rebuilt
    }

    /// The locks of lockset `number`, in the order acquired, with whether each is held for reading;
    /// nil for ``unknown``.
    func locks(of number: Int32) -> [(lock: ObjectID, reading: Bool)]? {
        guard number != Self.unknown else { return nil }
        return self.path(to: number).map { (ObjectID($0.lock), $0.reading) }
    }

    private func path(to node: Int32) -> [(lock: UInt32, reading: Bool)] {
        var steps: [(lock: UInt32, reading: Bool)] = []
        var at = node
        while at > 0 {
            steps.append((self.nodes[Int(at)].lock, self.nodes[Int(at)].reading))
            at = self.nodes[Int(at)].parent
        }
        return steps.reversed()
    }

    private func child(of node: Int32, lock: UInt32, reading: Bool) -> Int32 {
        let parent = Int(node)
        if self.nodes[parent].lastChildLock == lock, self.nodes[parent].lastChildReading == reading {
            return self.nodes[parent].lastChild
        }
        let key = ChildKey(node: node, lock: lock, reading: reading)
        let child: Int32
        if let known = self.children[key] {
            child = known
        } else {
            guard self.nodes.count < Self.maximumNodes else { return Self.unknown }
            child = Int32(self.nodes.count)
            self.nodes.append(Node(parent: node, lock: lock, reading: reading))
            self.children[key] = child
        }
        self.nodes[parent].lastChild = child
        self.nodes[parent].lastChildLock = lock
        self.nodes[parent].lastChildReading = reading
        return child
    }

    private func reserve(_ thread: ThreadID) {
        if thread.index >= self.current.count {
            self.current.append(contentsOf: repeatElement(0, count: max(thread.index + 1, self.current.count * 2) - self.current.count))
        }
    }
}

/// The locks a thread held at some point of the replay, as a number (``AnalysisContext/heldLocks(of:)``):
/// 4 bytes to keep with a remembered access, spelled out with ``AnalysisContext/locks(in:)``.
public struct HeldLockSet: Hashable, Sendable {
    /// The trie node's number; -1 when the locks are not known.
    public let rawValue: Int32

    /// The set numbered `rawValue`.
    public init(rawValue: Int32) {
        self.rawValue = rawValue
    }

    /// No lock held.
    public static let none = HeldLockSet(rawValue: 0)
}

/// A lock a thread held, and whether for reading (``AnalysisContext/locks(in:)``).
public struct HeldLock: Hashable, Sendable {
    /// The lock.
    public let lock: ObjectID
    /// Whether it was held for reading (`racq`).
    public let reading: Bool
}
