import Foundation
import SyncTrace
import SyncTraceTesting
import Testing

// What serializing traced tests costs a suite: the same 20 tests, each taking a lock, sleeping
// 100 ms (SYNCTRACE_COST_SLEEP_MS) and taking it again, traced and untraced. Off unless
// SYNCTRACE_COST=1 (the measurement, not a check):
//
//   SYNCTRACE_COST=1 swift test --skip-build --package-path Tests/Adoption --filter costTraced   (or costUntraced)

enum Cost {
    static let enabled = ProcessInfo.processInfo.environment["SYNCTRACE_COST"] == "1"
    static let tests = 0..<20
    static let sleep = Duration.milliseconds(Int(ProcessInfo.processInfo.environment["SYNCTRACE_COST_SLEEP_MS"] ?? "") ?? 100)

    static func work(_ index: Int) async throws {
        let counter = TracedVar(0, name: "cost-\(index)")
        let lock = TracedLock()
        lock.withLock { counter[] += 1 }
        try await Task.sleep(for: Cost.sleep)
        lock.withLock { counter[] += 1 }
    }
}

@Test(.synctrace, .enabled(if: Cost.enabled), arguments: Cost.tests) func costTraced(index: Int) async throws {
    try await Cost.work(index)
}

@Test(.enabled(if: Cost.enabled), arguments: Cost.tests) func costUntraced(index: Int) async throws {
    try await Cost.work(index)
}
