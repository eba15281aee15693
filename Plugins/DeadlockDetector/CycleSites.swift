import SyncTraceFormat

/// What makes lock-order cycles one bug: the call sites that take them. A bank whose transfers lock
/// two accounts in argument order has a lock-order cycle for every pair of accounts that two
/// transfers met in opposite orders (and longer ones through three accounts), all taken at the same
/// two lines; a developer fixes one place, so the report shows one finding.
///
/// The key is the set of distinct (held at, requested at, modes) of the cycle's edges, so that the
/// rotations of a cycle, cycles through more instances of the same code, and cycles threads repeat
/// are one; a cycle with an edge taken at another call site is another bug.
struct CycleSites: Hashable {
    /// One edge as code: where the held lock was taken, where the next was asked for, and how.
    struct Site: Hashable, Comparable {
        var held: UInt32
        var requested: UInt32
        var heldForReading: Bool
        var requestedForReading: Bool

        static func < (lhs: Site, rhs: Site) -> Bool {
            (lhs.held, lhs.requested, lhs.heldForReading ? 1 : 0, lhs.requestedForReading ? 1 : 0)
                < (rhs.held, rhs.requested, rhs.heldForReading ? 1 : 0, rhs.requestedForReading ? 1 : 0)
        }
    }

    /// The distinct sites, sorted. An edge whose events recorded no call site counts as a site of
    /// its own per lock (`UInt32.max` is never a string id): without call sites, each lock cycle is
    /// its own finding, as before sites were compared.
    let sites: [Site]
    /// The locks, when a site is unknown (so that site-less cycles are not merged).
    let locksWithoutSites: [UInt32]

    init(_ edges: [LockOrderEdge]) {
        var sites: [Site] = []
        var unknown: [UInt32] = []
        for edge in edges {
            let held = edge.held.event.location?.rawValue
            let requested = edge.request.event.location?.rawValue
            if held == nil || requested == nil { unknown.append(edge.from.rawValue) }
            sites.append(Site(
                held: held ?? .max,
                requested: requested ?? .max,
                heldForReading: edge.heldForReading,
                requestedForReading: edge.requestedForReading
            ))
        }
        self.sites = Array(Set(sites)).sorted()
        self.locksWithoutSites = unknown.sorted()
    }
}
