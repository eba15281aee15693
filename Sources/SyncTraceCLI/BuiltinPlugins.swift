import DeadlockDetector
import LostUpdateCounter
import RaceDetector
import Synchronization
import SyncTraceReplay

/// The analysis plugins `synctrace` runs: those that ship with it, in the order they run, then
/// those a custom build added through ``SyncTraceCLI/main(arguments:extraPlugins:)``.
enum BuiltinPlugins {
    /// A plugin the tool can make, by name.
    struct Entry: Sendable {
        var name: String
        var summary: String
        var make: @Sendable () -> any AnalysisPlugin
    }

    static let shipped: [Entry] = [
        Self.entry { RaceDetector() },
        Self.entry { DeadlockDetector() },
        Self.entry { LostUpdateCounter() },
    ]

    /// Plugins added by a custom build of the tool, set once before the arguments are parsed.
    private static let extra = Mutex<[Entry]>([])

    /// Every plugin the tool can run.
    static var all: [Entry] { Self.shipped + Self.extra.withLock { $0 } }

    /// Adds the plugins that `factories` make after the shipped ones.
    static func add(_ factories: [@Sendable () -> any AnalysisPlugin]) {
        let entries = factories.map { Self.entry($0) }
        Self.extra.withLock { $0.append(contentsOf: entries) }
    }

    private static func entry(_ make: @escaping @Sendable () -> any AnalysisPlugin) -> Entry {
        let sample = make()
        return Entry(name: sample.name, summary: sample.summary, make: make)
    }

    /// Fresh plugins for `names` (all of them when empty), or the reason a name is unknown.
    static func make(_ names: [String]) throws(CommandFailure) -> [any AnalysisPlugin] {
        let all = Self.all
        guard !names.isEmpty else { return all.map { $0.make() } }
        var plugins: [any AnalysisPlugin] = []
        for name in names {
            guard let entry = all.first(where: { $0.name == name }) else {
                let known = all.map(\.name).joined(separator: ", ")
                throw CommandFailure("unknown plugin '\(name)' (known plugins: \(known))")
            }
            if !plugins.contains(where: { $0.name == name }) { plugins.append(entry.make()) }
        }
        return plugins
    }
}
