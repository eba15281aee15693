import DeadlockDetector
import LostUpdateCounter
import RaceDetector
import Synchronization
import SyncTraceReplay

/// The analysis plugins `synctrace` runs: those that ship with it, in the order they run, then
/// those a custom build added through ``SyncTraceCLI/main(arguments:extraPlugins:)``, then those of
/// the plugin libraries loaded with `--load`.
enum BuiltinPlugins {
    /// A plugin the tool can make, by name.
    struct Entry: Sendable {
        var name: String
        var summary: String
        /// Where the plugin comes from, for a clash of names: "built in", "compiled in" (a custom
        /// build's), or the path of the library it was loaded from.
        var origin: String
        /// The options the plugin declares (``AnalysisPlugin/options``), as its first instance did.
        var options: [PluginOption]
        var make: @Sendable () -> any AnalysisPlugin
        /// Whether `analyze` without `--plugin` runs it: every plugin but the race predictor, which
        /// is chosen by name (its findings are of another schedule, and it costs a second order).
        var runsByDefault = true
        /// The plugin as `--predict` runs it, when that differs (the deadlock detector then checks
        /// each cycle for a schedule that deadlocks).
        var makePredicting: (@Sendable () -> any AnalysisPlugin)?
    }

    static let shipped: [Entry] = [
        Self.entry(origin: "built in") { RaceDetector() },
        Self.entry(origin: "built in", runsByDefault: false) { RacePredictor() },
        Self.entry(origin: "built in", predicting: { DeadlockDetector(confirmingCycles: true) }) { DeadlockDetector() },
        Self.entry(origin: "built in") { LostUpdateCounter() },
    ]

    /// Plugins added by a custom build of the tool (set once before the arguments are parsed) and by
    /// the plugin libraries that `--load` names.
    private static let extra = Mutex<[Entry]>([])

    /// Every plugin the tool can run.
    static var all: [Entry] { Self.shipped + Self.extra.withLock { $0 } }

    /// Adds the plugins that `factories` make after the shipped ones.
    static func add(_ factories: [@Sendable () -> any AnalysisPlugin]) {
        let entries = factories.map { Self.entry(origin: "compiled in", $0) }
        for entry in entries {
            // A bug of the custom build's own plugin, found at its first run.
            if let problem = PluginOption.problem(in: entry.options) { preconditionFailure("plugin '\(entry.name)' \(problem)") }
        }
        Self.extra.withLock { $0.append(contentsOf: entries) }
    }

    /// Adds the plugins of the library at `path`, refusing one whose name the tool already has:
    /// `--plugin NAME` must select one plugin, and findings are told apart by their plugin's name.
    static func add(_ factories: [@Sendable () -> any AnalysisPlugin], loadedFrom path: String) throws(CommandFailure) {
        for entry in factories.map({ Self.entry(origin: path, $0) }) {
            if let problem = PluginOption.problem(in: entry.options) {
                throw CommandFailure("\(path) offers a plugin named '\(entry.name)' that \(problem)")
            }
            if let existing = Self.all.first(where: { $0.name == entry.name }) {
                throw CommandFailure(
                    "\(path) offers a plugin named '\(entry.name)', but synctrace already has one (\(existing.origin)): rename one of them"
                )
            }
            Self.extra.withLock { $0.append(entry) }
        }
    }

    private static func entry(
        origin: String,
        runsByDefault: Bool = true,
        predicting: (@Sendable () -> any AnalysisPlugin)? = nil,
        _ make: @escaping @Sendable () -> any AnalysisPlugin
    ) -> Entry {
        let sample = make()
        return Entry(
            name: sample.name,
            summary: sample.summary,
            origin: origin,
            options: sample.options,
            make: make,
            runsByDefault: runsByDefault,
            makePredicting: predicting
        )
    }

    /// Fresh plugins for `names` (when empty, every plugin that runs by default), or the reason a
    /// name is unknown. `predicting` (`--predict`) adds the race predictor and makes each plugin
    /// the way prediction runs it (the deadlock detector confirming its cycles).
    static func make(_ names: [String], predicting: Bool = false) throws(CommandFailure) -> [any AnalysisPlugin] {
        let all = Self.all
        let adding = predicting ? ["predicted-race"] : []
        let names = (names.isEmpty ? all.filter(\.runsByDefault).map(\.name) : names) + adding
        func make(_ entry: Entry) -> any AnalysisPlugin { predicting ? (entry.makePredicting ?? entry.make)() : entry.make() }
        var plugins: [any AnalysisPlugin] = []
        for name in names {
            guard let entry = all.first(where: { $0.name == name }) else {
                let known = all.map(\.name).joined(separator: ", ")
                throw CommandFailure("unknown plugin '\(name)' (known plugins: \(known))")
            }
            if !plugins.contains(where: { $0.name == name }) { plugins.append(make(entry)) }
        }
        return plugins
    }
}
