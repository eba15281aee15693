import Foundation
import SyncTraceFormat

/// A wait profile (``WaitProfiler``) with names resolved, as `stats --waits` prints it and its JSON
/// holds it.
struct WaitProfile {
    /// One object's waits, JSON's element of `"waits"`.
    struct Object: Encodable {
        /// A call site that waited, and how long in all.
        struct Site: Encodable {
            var location: String?
            var waits: Int
            var totalMicroseconds: UInt64
        }

        var name: String
        var kind: String
        var operations: Int
        var waited: Int
        var totalMicroseconds: UInt64
        var longestMicroseconds: UInt64
        var stillWaiting: Int
        /// The call sites that waited longest in all, at most ten.
        var sites: [Site]
    }

    var objects: [Object]

    /// The profile of `entries`, named by `symbols`: every object that can block and did something.
    init(_ entries: [WaitProfiler.Entry], symbols: TraceSymbols) {
        self.objects = entries.map { entry in
            let declaration = symbols.object(entry.object)
            return Object(
                name: declaration.name,
                kind: declaration.kind.description,
                operations: entry.operations,
                waited: entry.waited,
                totalMicroseconds: entry.totalMicroseconds,
                longestMicroseconds: entry.longestMicroseconds,
                stillWaiting: entry.stillWaiting,
                sites: entry.topSites(10).map { Object.Site(location: symbols.location($0.site), waits: $0.waits, totalMicroseconds: $0.microseconds) }
            )
        }
    }

    /// The text lines: the objects that were waited for (at most twenty), longest total first.
    var text: String {
        let waitedFor = self.objects.filter { $0.waited > 0 || $0.stillWaiting > 0 }
        let total = waitedFor.reduce(UInt64(0)) { $0 + $1.totalMicroseconds }
        var lines = [
            "waits:             \(waitedFor.count) object\(waitedFor.count == 1 ? "" : "s") waited for, \(Self.duration(total)) in all"
        ]
        for object in waitedFor.prefix(20) {
            var line = "  \(object.kind) \(object.name): \(object.operations) completed, \(object.waited) waited, \(Self.duration(object.totalMicroseconds)) in all, longest \(Self.duration(object.longestMicroseconds))"
            if object.stillWaiting > 0 { line += ", \(object.stillWaiting) still waiting at the end" }
            let sites = object.sites.prefix(3).map { "\($0.location ?? "(no location)") (\($0.waits), \(Self.duration($0.totalMicroseconds)))" }
            if !sites.isEmpty { line += "; at " + sites.joined(separator: ", ") }
            lines.append(line)
        }
        if waitedFor.count > 20 { lines.append("  … and \(waitedFor.count - 20) more (all of them in --format json)") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `microseconds` for people: µs below a millisecond, ms below a second, else s.
    static func duration(_ microseconds: UInt64) -> String {
        if microseconds < 1_000 { return "\(microseconds) µs" }
        if microseconds < 1_000_000 { return String(format: "%.1f ms", Double(microseconds) / 1_000) }
        return String(format: "%.2f s", Double(microseconds) / 1_000_000)
    }
}
