/// Links findings of different plugins about the same variable: a lost update on a variable that
/// also races says so, and the race says that updates were lost. Each plugin stays ignorant of the
/// others; the replay does the linking once they have all finished.
///
/// Variables are matched by identity (``Finding/variableID``): two variables that share a name (two
/// wallets' `balance`) are not linked. A finding that names its variable only by name (made with the
/// deprecated initializer) is matched by name with others of its kind.
enum FindingCrossReference {
    /// What a finding's variable is matched by.
    private enum Key: Hashable {
        case object(UInt32)
        case name(String)
    }

    private static func key(_ finding: Finding) -> Key? {
        if let id = finding.variableID { return .object(id.rawValue) }
        return finding.variable.map(Key.name)
    }

    /// `findings` with, on each finding about a variable, the other plugins' findings on it:
    /// a detail line for people and `"alsoReportedBy"` (plugin names) for JSON.
    static func link(_ findings: [Finding]) -> [Finding] {
        var kindsByVariable: [Key: [(plugin: String, kind: FindingKind)]] = [:]
        for finding in findings {
            guard let key = Self.key(finding) else { continue }
            if !kindsByVariable[key, default: []].contains(where: { $0.plugin == finding.plugin }) {
                kindsByVariable[key, default: []].append((finding.plugin, finding.kind))
            }
        }
        // Changed in place: a finding with nothing to link is not copied.
        var linked = findings
        for index in linked.indices {
            guard let key = Self.key(linked[index]),
                case let plugin = linked[index].plugin,
                case let others = (kindsByVariable[key] ?? []).filter({ $0.plugin != plugin }),
                !others.isEmpty
            else { continue }
            let described = others.map { "\($0.kind) (\($0.plugin))" }.joined(separator: ", ")
            linked[index].details.append("Also reported on \(linked[index].variable ?? "it"): \(described).")
            linked[index].fields["alsoReportedBy"] = .strings(others.map(\.plugin))
        }
        return linked
    }
}
