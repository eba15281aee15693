// Swift's own concurrency, recorded: actors, task groups, Dispatch queues and async streams, one
// program per mode, each printing what it did. Run one with SYNCTRACE_OUTPUT set and it records
// itself, then analyse the trace:
//
//   SYNCTRACE_OUTPUT=a.synctrace swift run SwiftConcurrency actor-reentrancy
//   swift run synctrace analyze a.synctrace
//
// `swift run SwiftConcurrency` alone lists the modes and what `synctrace analyze` reports for each.
import SyncTrace

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Every program: its mode, what the analysis finds in its trace, and the function that runs it.
let programs: [(mode: String, finding: String, run: @Sendable () async -> Void)] = [
    ("actor-reentrancy", "1 lost update on balance, no data race", actorReentrancy),
    ("actor-fixed", "no findings", actorFixed),
    ("task-group-shared", "data race on count", taskGroupShared),
    ("task-group-slots", "no findings", taskGroupSlots),
    ("serial-queue", "no findings", serialQueue),
    ("concurrent-queue", "data race on cache", concurrentQueue),
    ("async-stream", "no findings", asyncStream),
]

let mode = CommandLine.arguments.dropFirst().first
guard let program = programs.first(where: { $0.mode == mode }) else {
    print("usage: SwiftConcurrency MODE, recorded with SYNCTRACE_OUTPUT=FILE; the modes and what analysis finds:")
    for program in programs { print("  \(program.mode): \(program.finding)") }
    exit(mode == nil ? 0 : 2)
}
// The top-level code is a task too: traced, so that its events keep their order across its awaits.
await withTracedTask(name: "main task") { await program.run() }
