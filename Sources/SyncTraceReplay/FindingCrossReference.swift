import SyncTraceFormat

/// Links findings of different plugins about the same variable: a lost update on a variable that
/// also races says so, and the race says that updates were lost. Each plugin stays ignorant of the
/// others; the replay does the linking once they have all finished.
///
/// Variables are matched by identity (``Finding/variableID`` and the finding's ``Finding/objects``,
/// so that a race finding grouping fifty variables links to a lost update on one of them): two
/// variables that share a name (two wallets' `balance`) are not linked.
enum FindingCrossReference {
    /// The objects a finding is about: its variable and its objects, each once, in order.
    private static func subjects(_ finding: Finding) -> [ObjectID] {
        var subjects: [ObjectID] = finding.variableID.map { [$0] } ?? []
        for object in finding.objects where !subjects.contains(object.id) { subjects.append(object.id) }
        return subjects
    }

    /// `findings` with, on each finding about a variable, the other plugins' findings on it:
    /// a detail line for people and `"alsoReportedBy"` (plugin names) for JSON.
    static func link(_ findings: [Finding]) -> [Finding] {
        var kindsByVariable: [UInt32: [(plugin: String, kind: FindingKind)]] = [:]
        for finding in findings {
            for subject in Self.subjects(finding) {
                let key = subject.rawValue
                if !kindsByVariable[key, default: []].contains(where: { $0.plugin == finding.plugin }) {
                    kindsByVariable[key, default: []].append((finding.plugin, finding.kind))
                }
            }
        }
        // Changed in place: a finding with nothing to link is not copied.
        var linked = findings
        for index in linked.indices {
            let plugin = linked[index].plugin
            var alsoReportedBy: [String] = []
            for subject in Self.subjects(linked[index]) {
                let others = (kindsByVariable[subject.rawValue] ?? []).filter { $0.plugin != plugin }
                guard !others.isEmpty else { continue }
                let described = others.map { "\($0.kind) (\($0.plugin))" }.joined(separator: ", ")
                linked[index].details.append("Also reported on \(object: subject): \(described).")
                for other in others where !alsoReportedBy.contains(other.plugin) { alsoReportedBy.append(other.plugin) }
            }
            if !alsoReportedBy.isEmpty { linked[index].fields["alsoReportedBy"] = .strings(alsoReportedBy) }
        }
        return linked
    }
}
