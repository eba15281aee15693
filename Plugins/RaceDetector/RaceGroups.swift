import SyncTraceFormat
import SyncTraceReplay

/// Races grouped into findings by the pair of places that race: one bug is one pair of source
/// locations, however many variables it races on. Fifty variables written at one line and read at
/// another are one finding listing the fifty, not fifty findings.
///
/// A place is an event's recorded location (its call site, and the stack when one was recorded,
/// which the trace gives a location of its own); the pair is unordered, so a write at A racing with
/// a read at B and a read at B racing with a write at A are one place pair. Accesses without a
/// recorded location share the place "unknown", one per variable (they are not merged across
/// variables: nothing says they are the same code).
struct RaceGroups {
    /// An unordered pair of places, the key of a group.
    struct Places: Hashable {
        var first: UInt32
        var second: UInt32
        /// The variable, when a place is unknown; `UInt32.max` otherwise.
        var unknownFor: UInt32

        init(_ one: StringID?, _ other: StringID?, variable: ObjectID) {
            let a = one?.rawValue ?? .max
            let b = other?.rawValue ?? .max
            self.first = min(a, b)
            self.second = max(a, b)
            self.unknownFor = (one == nil || other == nil) ? variable.rawValue : .max
        }
    }

    /// One finding: the first race found at its places, and what else raced there.
    struct Group {
        /// The first race at these places, as it will be reported (its events, its variable).
        var finding: Finding
        /// The variables that raced here, in the order their first race here was found.
        var variables: [ObjectID]
        /// The same, to look up.
        var members: Set<UInt32>
        /// Racing pairs of accesses at these places, over all the variables.
        var pairs: Int
    }

    private var groupOf: [Places: Int] = [:]
    /// The groups, in the order found.
    private(set) var groups: [Group] = []
    /// Every variable that raced, anywhere.
    private(set) var racingVariables: Set<UInt32> = []

    /// Counts one racing pair on `variable` at `places`; the first race at new places becomes its
    /// group's finding through `finding`, which is called only then.
    mutating func add(_ places: Places, variable: ObjectID, finding: () -> Finding) {
        self.racingVariables.insert(variable.rawValue)
        if let index = self.groupOf[places] {
            self.groups[index].pairs += 1
            if self.groups[index].members.insert(variable.rawValue).inserted { self.groups[index].variables.append(variable) }
            return
        }
        self.groupOf[places] = self.groups.count
        self.groups.append(Group(finding: finding(), variables: [variable], members: [variable.rawValue], pairs: 1))
    }
}
