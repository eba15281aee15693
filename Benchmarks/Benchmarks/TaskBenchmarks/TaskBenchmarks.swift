import Benchmark
import Foundation
import Synchronization
import RaceDetector
import SyncTrace
import SyncTraceReplay

// What tracing costs a program made of many tiny tasks: a million child tasks, each bumping a
// shared counter once, in a task group (a thousand at a time, as a program fanning out work does),
// traced against untraced. Each iteration runs all million tasks; with the `.mega` scaling factor
// the wall-clock column reads in microseconds per… million, that is, nanoseconds per task.

/// Where the recording benchmark writes its trace.
let taskTracePath = FileManager.default.temporaryDirectory.appendingPathComponent("task-benchmark.synctrace").path

let taskCount = 1_000_000
let tasksPerRound = 1_000

/// The counter the untraced tasks bump.
final class PlainTaskCounter: Sendable {
    let value = Atomic<Int>(0)
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput, .peakMemoryResident],
        timeUnits: .nanoseconds,
        scalingFactor: .mega,
        maxDuration: .seconds(30),
        maxIterations: 7
    )

    Benchmark("1M tiny tasks: TaskGroup + Atomic (untraced baseline)") { benchmark in
        let counter = PlainTaskCounter()
        benchmark.startMeasurement()
        for _ in 0..<(taskCount / tasksPerRound) {
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<tasksPerRound {
                    group.addTask { counter.value.add(1, ordering: .relaxed) }
                }
            }
        }
        benchmark.stopMeasurement()
        precondition(counter.value.load(ordering: .relaxed) == taskCount)
    }

    Benchmark("1M tiny tasks: TracedTaskGroup + TracedAtomic, not recording") { benchmark in
        let counter = TracedAtomic(0)
        benchmark.startMeasurement()
        for _ in 0..<(taskCount / tasksPerRound) {
            await withTracedTaskGroup(of: Void.self) { group in
                for _ in 0..<tasksPerRound {
                    group.addTask { counter.wrappingAdd(1) }
                }
            }
        }
        benchmark.stopMeasurement()
        precondition(counter.load() == taskCount)
    }

    // The iteration includes stop(): it ends when every event is encoded, compressed and written.
    Benchmark("1M tiny tasks: TracedTaskGroup + TracedAtomic, recording (incl. writer drain)") { benchmark in
        let counter = TracedAtomic(0)
        do {
            try TraceRecorder.start(path: taskTracePath)
        } catch {
            fatalError("cannot start recording: \(error)")
        }
        benchmark.startMeasurement()
        await withTracedTask(name: "main") {
            for _ in 0..<(taskCount / tasksPerRound) {
                await withTracedTaskGroup(of: Void.self) { group in
                    for _ in 0..<tasksPerRound {
                        group.addTask { counter.wrappingAdd(1) }
                    }
                }
            }
        }
        guard let summary = TraceRecorder.stop() else { fatalError("recording did not run") }
        benchmark.stopMeasurement()
        precondition(counter.load() == taskCount)
        precondition(summary.droppedEventCount == 0)
        try? FileManager.default.removeItem(atPath: taskTracePath)
    }

    // Replaying such a trace: a million logical threads, each forked, joined, and touching one atomic.
    // Finished, joined threads hand their clock slot on, so clocks stay as wide as the thousand
    // children of one round; the iteration is the whole `synctrace analyze` work with the race detector.
    Benchmark(
        "Replay of the 1M-task trace (ordering, happens-before, RaceDetector)",
        configuration: .init(
            metrics: [.wallClock, .peakMemoryResident],
            timeUnits: .milliseconds,
            scalingFactor: .one,
            maxDuration: .seconds(60),
            maxIterations: 5
        ),
        closure: { benchmark in
            benchmark.startMeasurement()
            let report = try TraceAnalysis.run(path: taskReplayPath, plugins: [RaceDetector()])
            benchmark.stopMeasurement()
            precondition(report.findings.isEmpty && report.trace.threads > taskCount)
        },
        setup: { await recordTaskTrace(to: taskReplayPath) },
        teardown: { try? FileManager.default.removeItem(atPath: taskReplayPath) }
    )
}

let taskReplayPath = FileManager.default.temporaryDirectory.appendingPathComponent("task-replay-benchmark.synctrace").path

/// Records the million-task program once, for the replay benchmark.
func recordTaskTrace(to path: String) async {
    let counter = TracedAtomic(0)
    do {
        try TraceRecorder.start(path: path)
    } catch {
        fatalError("cannot start recording: \(error)")
    }
    await withTracedTask(name: "main") {
        for _ in 0..<(taskCount / tasksPerRound) {
            await withTracedTaskGroup(of: Void.self) { group in
                for _ in 0..<tasksPerRound {
                    group.addTask { counter.wrappingAdd(1) }
                }
            }
        }
    }
    TraceRecorder.stop()
}
