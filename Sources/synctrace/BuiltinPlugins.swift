import DeadlockDetector
import LostUpdateCounter
import RaceDetector
import SyncTraceReplay

/// The analysis plugins that ship with `synctrace`, in the order they run.
enum BuiltinPlugins {
    /// A plugin the tool can make, by name.
    struct Entry: Sendable {
        var name: String
        var summary: String
        var make: @Sendable () -> any AnalysisPlugin
    }

    static let all: [Entry] = [
        Self.entry { RaceDetector() },
        Self.entry { DeadlockDetector() },
        Self.entry { LostUpdateCounter() },
    ]

    private static func entry(_ make: @escaping @Sendable () -> any AnalysisPlugin) -> Entry {
        let sample = make()
        return Entry(name: sample.name, summary: sample.summary, make: make)
    }

    /// Fresh plugins for `names` (all of them when empty), or the reason a name is unknown.
    static func make(_ names: [String]) throws(CommandFailure) -> [any AnalysisPlugin] {
        guard !names.isEmpty else { return Self.all.map { $0.make() } }
        var plugins: [any AnalysisPlugin] = []
        for name in names {
            guard let entry = Self.all.first(where: { $0.name == name }) else {
                let known = Self.all.map(\.name).joined(separator: ", ")
                throw CommandFailure("unknown plugin '\(name)' (known plugins: \(known))")
            }
            if !plugins.contains(where: { $0.name == name }) { plugins.append(entry.make()) }
        }
        return plugins
    }
}
