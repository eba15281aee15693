/// Links findings of different plugins about the same variable: a lost update on a variable that
/// also races says so, and the race says that updates were lost. Each plugin stays ignorant of the
/// others; the replay does the linking once they have all finished.
enum FindingCrossReference {
    /// `findings` with, on each finding about a variable, the other plugins' findings on it:
    /// a detail line for people and `"alsoReportedBy"` (plugin names) for JSON.
    static func link(_ findings: [Finding]) -> [Finding] {
        var kindsByVariable: [String: [(plugin: String, kind: String)]] = [:]
        for finding in findings {
            guard let variable = finding.variable else { continue }
            if !kindsByVariable[variable, default: []].contains(where: { $0.plugin == finding.plugin }) {
                kindsByVariable[variable, default: []].append((finding.plugin, finding.kind))
            }
        }
        // Changed in place: a finding with nothing to link is not copied.
        var linked = findings
        for index in linked.indices {
            guard let variable = linked[index].variable,
                case let plugin = linked[index].plugin,
                case let others = (kindsByVariable[variable] ?? []).filter({ $0.plugin != plugin }),
                !others.isEmpty
            else { continue }
            let described = others.map { "\($0.kind) (\($0.plugin))" }.joined(separator: ", ")
            linked[index].details.append("Also reported on \(variable): \(described).")
            linked[index].fields["alsoReportedBy"] = .strings(others.map(\.plugin))
        }
        return linked
    }
}
