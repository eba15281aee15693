import Benchmark
import DeadlockDetector
import Foundation
import LostUpdateCounter
import RaceDetector
import SyncTraceReplay
import SyncTraceTestSupport

/// Replay throughput, reported in thousands of events per second because the tool's custom metrics
/// are integers and its own throughput metric counts iterations (one iteration here is a whole trace).
let replayThousandEventsPerSecond = BenchmarkMetric.custom(
    "replay k events/s",
    polarity: .prefersLarger,
    useScalingFactor: false
)

/// A synthetic trace (`SyntheticTraceGenerator`, the defaults of `synctrace generate`: 8 workers,
/// 64 locks, 10,000 variables, batches of about 4096 events out of step) written to a temporary file
/// in setup and removed in teardown.
enum ReplayTrace {
    static func path(events: Int) -> String {
        NSTemporaryDirectory() + "synctrace-replay-\(events)-\(getpid()).synctrace"
    }

    static func write(events: Int) throws -> String {
        let path = Self.path(events: events)
        let generator = SyntheticTraceGenerator(configuration: .init(events: events, seed: 42))
        try generator.write(toPath: path)
        return path
    }

    static func remove(events: Int) {
        unlink(Self.path(events: events))
    }
}

/// Single-threaded replay of a whole trace file per iteration: reading and LZ4 decoding, ordering the
/// per-thread batches by sequence numbers, happens-before, and the race detector, exactly what
/// `synctrace analyze --plugin race` does. Peak resident memory is the process's (the tool samples it),
/// which includes the benchmark's own baseline of a few megabytes.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .peakMemoryResident, replayThousandEventsPerSecond],
        timeUnits: .milliseconds,
        warmupIterations: 1,
        maxDuration: .seconds(10),
        maxIterations: 20
    )

    for (label, events, iterations) in [("1M", 1_000_000, 50), ("10M", 10_000_000, 20), ("100M", 100_000_000, 3)] {
        Benchmark(
            "Replay \(label) events (ordering, happens-before, RaceDetector)",
            configuration: .init(
                metrics: [.wallClock, .peakMemoryResident, replayThousandEventsPerSecond],
                timeUnits: .milliseconds,
                warmupIterations: events >= 100_000_000 ? 0 : 1,
                maxDuration: .seconds(events >= 100_000_000 ? 30 : 10),
                maxIterations: iterations
            )
        ) { benchmark, path in
            do {
                let start = ContinuousClock.now
                let report = try TraceAnalysis.run(path: path, plugins: [RaceDetector()])
                let elapsed = start.duration(to: .now)
                precondition(report.trace.events == UInt64(events), "replayed \(report.trace.events) of \(events) events")
                blackHole(report.findings.count)
                let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
                benchmark.measurement(replayThousandEventsPerSecond, Int(Double(events) / seconds / 1_000))
            } catch {
                fatalError("replay failed: \(error)")
            }
        } setup: {
            try ReplayTrace.write(events: events)
        } teardown: {
            ReplayTrace.remove(events: events)
        }
    }

    // The same 10M-event replay with the other built-in plugins: the lost-update counter (every r/w
    // goes through its O(1) bookkeeping), alone and beside the race detector, the deadlock detector
    // beside the race detector, and alone with and without confirming its cycles (`--predict`: it
    // then takes every event and keeps the record its schedule search needs).
    let pluginSets: [(String, @Sendable () -> [any AnalysisPlugin])] = [
        ("LostUpdateCounter", { [LostUpdateCounter()] }),
        ("DeadlockDetector", { [DeadlockDetector()] }),
        ("DeadlockDetector confirming cycles", { [DeadlockDetector(confirmingCycles: true)] }),
        ("RaceDetector + LostUpdateCounter", { [RaceDetector(), LostUpdateCounter()] }),
        ("RaceDetector + DeadlockDetector", { [RaceDetector(), DeadlockDetector()] }),
        ("all built-in plugins", BuiltinPluginSet.all),
    ]
    for (label, makePlugins) in pluginSets {
    Benchmark(
        "Replay 10M events (ordering, happens-before, \(label))",
        configuration: .init(
            metrics: [.wallClock, .peakMemoryResident, replayThousandEventsPerSecond],
            timeUnits: .milliseconds,
            warmupIterations: 1,
            maxDuration: .seconds(10),
            maxIterations: 20
        )
    ) { benchmark, path in
        do {
            let start = ContinuousClock.now
            let report = try TraceAnalysis.run(path: path, plugins: makePlugins())
            let elapsed = start.duration(to: .now)
            precondition(report.trace.events == 10_000_000, "replayed \(report.trace.events) events")
            blackHole(report.findings.count)
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            benchmark.measurement(replayThousandEventsPerSecond, Int(10_000_000 / seconds / 1_000))
        } catch {
            fatalError("replay failed: \(error)")
        }
    } setup: {
        try ReplayTrace.write(events: 10_000_000)
    } teardown: {
        ReplayTrace.remove(events: 10_000_000)
    }
    }

    // The deadlock detector's cycle search on a large lock-order graph: 3,000 locks and 20,000
    // edges between random pairs (a seeded generator), every elementary cycle up to the plugin's
    // own budget of 10,000 cycles.
    Benchmark(
        "Cycle search, 3,000 locks, 20,000 random lock-order edges (ElementaryCycles)",
        configuration: .init(metrics: [.wallClock], timeUnits: .milliseconds, maxDuration: .seconds(10), maxIterations: 20)
    ) { _, successors in
        var steps = 5_000_000
        var cycles = 0
        _ = ElementaryCycles(successors: successors).forEach(limit: 10_000, steps: &steps) { _ in
            cycles += 1
            return true
        }
        blackHole(cycles)
    } setup: {
        var state: UInt64 = 42
        func next() -> Int {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return Int(truncatingIfNeeded: state >> 33)
        }
        var successors = [[Int]](repeating: [], count: 3_000)
        for _ in 0..<20_000 {
            let from = next() % 3_000
            let to = next() % 3_000
            if from != to { successors[from].append(to) }
        }
        return successors
    }

    registerScaleBenchmarks()
}
