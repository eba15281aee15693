/// The sets of locks threads held when they added lock-order edges (the candidates for gate locks),
/// interned: each distinct set is stored once, as one member and the set without it, and gets one
/// number, whatever order its locks were taken in.
///
/// A thread nesting n locks forms n sets of up to n locks; stored whole they would cost n²/2
/// members (and a copy per edge, n³/6), stored as "set plus one" they cost n. Equal sets reached in
/// different orders ({A} + B and {B} + A) are recognised by an order-free hash of their members and
/// then compared member by member, so two sets share a number only when they are equal.
struct GateSets {
    /// A set's number; ``empty`` is the empty set.
    typealias ID = UInt32
    /// A member: `lock << 1 | reading`, so that a lock held for reading and for writing differ.
    typealias Member = UInt64

    static let empty: ID = 0
    private static let none = ID.max

    /// For each set: the set without its newest member, that member, the order-free hash of all its
    /// members, how many there are, and the next set with the same hash (or ``none``).
    private var rest: [ID] = [Self.none]
    private var newest: [Member] = [0]
    private var hash: [UInt64] = [0]
    private var size: [UInt32] = [0]
    private var nextWithSameHash: [ID] = [Self.none]
    private var firstWithHash: [UInt64: ID] = [0: Self.empty]
    /// `set + member` once worked out: the common path, which neither walks nor compares sets.
    private var transitions: [Transition: ID] = [:]

    private struct Transition: Hashable {
        var set: ID
        var member: Member
    }

    /// How many distinct sets are stored (the empty set included).
    var count: Int { self.rest.count }
    /// How many `set + member` steps are remembered.
    var transitionCount: Int { self.transitions.count }

    /// The set `set ∪ {member}`.
    mutating func adding(_ member: Member, to set: ID) -> ID {
        let step = Transition(set: set, member: member)
        if let known = self.transitions[step] { return known }
        let result = self.intern(member, to: set)
        self.transitions[step] = result
        return result
    }

    /// The members of `set`, newest first.
    func members(of set: ID) -> [Member] {
        var members: [Member] = []
        members.reserveCapacity(Int(self.size[Int(set)]))
        var current = set
        while current != Self.empty {
            members.append(self.newest[Int(current)])
            current = self.rest[Int(current)]
        }
        return members
    }

    private mutating func intern(_ member: Member, to set: ID) -> ID {
        var current = set
        while current != Self.empty {
            if self.newest[Int(current)] == member { return set }
            current = self.rest[Int(current)]
        }
        let hash = self.hash[Int(set)] &+ BitMixing.scramble(member)
        let size = self.size[Int(set)] + 1
        var candidate = self.firstWithHash[hash] ?? Self.none
        if candidate != Self.none {
            // The same hash: usually the same set reached in another order. Compare to be sure.
            let wanted = Set(self.members(of: set)).union([member])
            while candidate != Self.none {
                if self.size[Int(candidate)] == size, self.members(of: candidate).allSatisfy(wanted.contains) { return candidate }
                candidate = self.nextWithSameHash[Int(candidate)]
            }
        }
        let id = ID(self.rest.count)
        self.rest.append(set)
        self.newest.append(member)
        self.hash.append(hash)
        self.size.append(size)
        self.nextWithSameHash.append(self.firstWithHash[hash] ?? Self.none)
        self.firstWithHash[hash] = id
        return id
    }
}
