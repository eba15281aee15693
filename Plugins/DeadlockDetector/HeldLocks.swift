import SyncTraceFormat

/// The locks one thread holds, in the order it first took them: one entry per lock, mode and call
/// site, with the acquisitions that took it again (re-entrantly) while it was held counted inside
/// the entry instead of repeated as entries of their own.
///
/// A repeated entry would add nothing to the lock-order graph — it differs from the first one in
/// neither lock, mode, site nor the locks held around it — but walking it costs on every later
/// acquisition: 100,000 re-entrant acquisitions of one lock made the detector walk 5·10⁹ entries.
/// The acquisitions themselves are all kept (a self-deadlock names the latest, an actual deadlock
/// every one), so memory stays linear in the depth.
struct HeldLocks {
    /// One lock held in one mode, taken first at one site.
    struct Entry {
        var lock: ObjectID
        var reading: Bool
        /// The acquisition's location (`StringID.rawValue`), or `.max` when none was recorded.
        var site: UInt32
        /// The first acquisition, which the lock-order edges out of this entry name.
        var first: IndexedEvent
        /// The acquisitions at the same site since, oldest first; empty (no allocation) unless re-entered.
        var again: [IndexedEvent] = []
        /// The set of locks held up to and including this entry (valid below ``HeldLocks/validSets``).
        var gates: GateSets.ID = GateSets.empty
        /// `first` as ``LockOrderGraph`` remembers it, once an edge needed it.
        var remembered: UInt32?
        /// The entries up to and including this one (lock, mode and site, in order) as a number
        /// (valid below ``HeldLocks/validPaths``).
        var path: UInt32 = 0

        /// The newest acquisition.
        var latest: IndexedEvent { self.again.last ?? self.first }
        /// The entry as a member of a gate set.
        var member: GateSets.Member { UInt64(self.lock.rawValue) << 1 | (self.reading ? 1 : 0) }
        /// The acquisitions, oldest first.
        var acquisitions: [IndexedEvent] { [self.first] + self.again }
    }

    private(set) var entries: [Entry] = []
    /// How many entries have been re-entered: while none has, the topmost entry of a lock is also
    /// the one taken last, and lookups can stop there.
    private var reentered = 0
    /// How many entries, from the bottom, have an up-to-date ``Entry/gates`` (an entry removed from
    /// under others makes theirs stale; they are worked out again when next needed).
    private var validSets = 0
    /// The same for ``Entry/path``.
    private var validPaths = 0
    /// Entry sequences numbered: `(path below, lock, mode, site)` → path.
    private var paths: [PathStep: UInt32] = [:]
    /// Acquisitions made with at least ``repeatDepth`` entries held, by the entries and what was taken.
    private var seen: Set<Acquisition> = []

    private struct PathStep: Hashable {
        var below: UInt32
        var member: GateSets.Member
        var site: UInt32
    }

    private struct Acquisition: Hashable {
        var path: UInt32
        var member: GateSets.Member
        var site: UInt32
    }

    /// From how many entries held on an acquisition is looked up in ``seen``: below, walking the
    /// entries costs no more than the lookup.
    static let repeatDepth = 4

    var isEmpty: Bool { self.entries.isEmpty }

    /// Takes `lock` (for reading or writing) at `acquisition`.
    mutating func push(_ lock: ObjectID, reading: Bool, at acquisition: IndexedEvent) {
        let site = acquisition.event.location?.rawValue ?? .max
        if let position = self.entries.lastIndex(where: { $0.lock == lock && $0.reading == reading && $0.site == site }) {
            if self.entries[position].again.isEmpty { self.reentered += 1 }
            self.entries[position].again.append(acquisition)
            return
        }
        self.entries.append(Entry(lock: lock, reading: reading, site: site, first: acquisition))
    }

    /// Gives up the newest acquisition of `lock` in the mode released (or, when the thread holds
    /// it only in the other mode, in that one); nothing when the thread does not hold it.
    mutating func release(_ lock: ObjectID, reading: Bool) {
        guard let position = self.newest(of: lock, reading: reading) ?? self.newest(of: lock, reading: nil) else { return }
        if self.entries[position].again.isEmpty {
            self.entries.remove(at: position)
            self.validSets = min(self.validSets, position)
            self.validPaths = min(self.validPaths, position)
        } else {
            self.entries[position].again.removeLast()
            if self.entries[position].again.isEmpty { self.reentered -= 1 }
        }
    }

    /// The entry of `lock` taken last (in mode `reading`, or either when `nil`).
    func newest(of lock: ObjectID, reading: Bool?) -> Int? {
        var found: Int?
        for position in self.entries.indices.reversed() {
            let entry = self.entries[position]
            guard entry.lock == lock, reading == nil || entry.reading == reading else { continue }
            if self.reentered == 0 { return position }
            if let best = found, self.entries[best].latest.index >= entry.latest.index { continue }
            found = position
        }
        return found
    }

    /// The set of every lock held (with its mode), interned in `sets`.
    mutating func gates(in sets: inout GateSets) -> GateSets.ID {
        for position in self.validSets..<self.entries.count {
            let below = position == 0 ? GateSets.empty : self.entries[position - 1].gates
            self.entries[position].gates = sets.adding(self.entries[position].member, to: below)
        }
        self.validSets = self.entries.count
        return self.entries.last?.gates ?? GateSets.empty
    }

    /// Whether taking `lock` (for reading or not, asked for at `site`) with exactly these entries
    /// held was seen before, and is noted now. A repeat adds no lock-order edge: every edge it would
    /// add has the identity of one the first time added (or found its pair full), so the walk of
    /// the entries can be skipped — what makes a loop under 1,000 held locks cost a lookup per turn.
    /// Answers `false`, and notes nothing, below ``repeatDepth`` entries.
    mutating func repeats(_ lock: ObjectID, reading: Bool, site: UInt32) -> Bool {
        guard self.entries.count >= Self.repeatDepth else { return false }
        for position in self.validPaths..<self.entries.count {
            let step = PathStep(
                below: position == 0 ? 0 : self.entries[position - 1].path,
                member: self.entries[position].member,
                site: self.entries[position].site
            )
            if let known = self.paths[step] {
                self.entries[position].path = known
            } else {
                // Path 0 is the empty sequence.
                let path = UInt32(self.paths.count + 1)
                self.paths[step] = path
                self.entries[position].path = path
            }
        }
        self.validPaths = self.entries.count
        let member = UInt64(lock.rawValue) << 1 | (reading ? 1 : 0)
        return !self.seen.insert(Acquisition(path: self.entries[self.entries.count - 1].path, member: member, site: site)).inserted
    }

    /// Notes how ``LockOrderGraph`` remembers the entry's first acquisition.
    mutating func setRemembered(_ reference: UInt32, at position: Int) {
        self.entries[position].remembered = reference
    }
}
