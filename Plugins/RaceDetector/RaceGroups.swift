import SyncTraceFormat
import SyncTraceReplay

/// Races grouped into findings by the pair of places that race: one bug is one pair of source
/// locations, however many variables it races on. Fifty variables written at one line and read at
/// another are one finding listing the fifty, not fifty findings.
///
/// A place is an event's call site (the traced operation's line): a race inside a helper called from
/// three places is one bug, at the helper's line, whichever caller reached it. Where stacks were
/// recorded the trace gives each (call site, stack) pair a location of its own; the group keys on
/// the call site and keeps the accesses of other stacks it met (up to ``maximumOtherStacks``), so the
/// finding shows each caller. The pair is unordered, so a write at A racing with a read at B and a
/// read at B racing with a write at A are one place pair. Accesses without a recorded location share
/// the place "unknown", one per variable (they are not merged across variables: nothing says they
/// are the same code).
struct RaceGroups {
    /// Accesses of other stacks a finding shows at most, besides its first race's two.
    static let maximumOtherStacks = 6

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
        /// The locations (call site and stack) its events show, so that each other stack is shown once.
        var shownLocations: Set<UInt32>
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
    /// Each location's call site: the first location met with the same text (a location per
    /// (call site, stack) pair shares its call site's text).
    private var siteOfLocation: [UInt32: UInt32] = [:]
    private var siteOfText: [String: UInt32] = [:]
    /// The groups, in the order found.
    private(set) var groups: [Group] = []
    /// Every variable that raced, anywhere.
    private(set) var racingVariables: Set<UInt32> = []

    /// The call site of `location`, its text read from `context`'s names the first time: what a
    /// place is.
    mutating func site(of location: StringID?, in context: AnalysisContext) -> StringID? {
        guard let location else { return nil }
        if let site = self.siteOfLocation[location.rawValue] { return StringID(site) }
        let text = context.location(location) ?? ""
        let site = self.siteOfText[text] ?? location.rawValue
        self.siteOfText[text] = site
        self.siteOfLocation[location.rawValue] = site
        return StringID(site)
    }

    /// Counts one racing pair on `variable` at `places`; the first race at new places becomes its
    /// group's finding through `finding`, which is called only then. `accesses` are the pair's two
    /// events, as the finding would show them: one of a stack the finding does not show yet is added
    /// to it (up to ``maximumOtherStacks``).
    mutating func add(
        _ places: Places,
        variable: ObjectID,
        locations: (StringID?, StringID?),
        accesses: () -> [FindingEvent],
        finding: () -> Finding
    ) {
        self.racingVariables.insert(variable.rawValue)
        if let index = self.groupOf[places] {
            self.groups[index].pairs += 1
            if self.groups[index].members.insert(variable.rawValue).inserted { self.groups[index].variables.append(variable) }
            // Cheap when nothing is new (every racing pair of a loop): both locations already shown.
            let shown = self.groups[index].shownLocations
            func isNew(_ location: StringID?) -> Bool { location.map { !shown.contains($0.rawValue) } ?? false }
            guard self.groups[index].finding.events.count - 2 < Self.maximumOtherStacks, isNew(locations.0) || isNew(locations.1) else { return }
            for access in accesses() where self.groups[index].finding.events.count - 2 < Self.maximumOtherStacks {
                guard let location = access.location?.rawValue, self.groups[index].shownLocations.insert(location).inserted else { continue }
                var other = access
                other.role = "\(other.role) (another stack)"
                self.groups[index].finding.events.append(other)
            }
            return
        }
        self.groupOf[places] = self.groups.count
        let made = finding()
        self.groups.append(
            Group(
                shownLocations: Set(made.events.compactMap { $0.location?.rawValue }),
                finding: made,
                variables: [variable],
                members: [variable.rawValue],
                pairs: 1
            )
        )
    }
}
