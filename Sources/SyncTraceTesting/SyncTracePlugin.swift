public import SyncTraceReplay
import DeadlockDetector
import LostUpdateCounter
import RaceDetector

/// An analysis a traced test runs over its recording: one of the built-in plugins, or one of yours.
///
/// A plugin instance serves one replay, so a test option holds how to make one, not the plugin:
///
/// ```swift
/// @Test(.synctrace(plugins: [.race, .deadlock])) func transfer() { … }
/// @Test(.synctrace(plugins: [.race, .custom { LocksetChecker() }])) func cache() { … }
/// ```
public struct SyncTracePlugin: Sendable {
    /// Makes a fresh instance for one replay.
    let make: @Sendable () -> any AnalysisPlugin

    /// A plugin made by `make`, once per analysed test: a plugin of your own, or a built-in one
    /// configured differently.
    public static func custom(_ make: @escaping @Sendable () -> any AnalysisPlugin) -> SyncTracePlugin {
        SyncTracePlugin(make: make)
    }

    /// Data races (`race`: `RaceDetector`).
    public static var race: SyncTracePlugin { .custom { RaceDetector() } }

    /// Lock-order cycles and blocked threads (`deadlock`: `DeadlockDetector`).
    public static var deadlock: SyncTracePlugin { .custom { DeadlockDetector() } }

    /// Updates of a variable that another update overwrote (`lost-update`: `LostUpdateCounter`).
    public static var lostUpdate: SyncTracePlugin { .custom { LostUpdateCounter() } }

    /// The built-in plugins, as `synctrace analyze` runs them by default.
    public static var builtIn: [SyncTracePlugin] { [.race, .deadlock, .lostUpdate] }
}
