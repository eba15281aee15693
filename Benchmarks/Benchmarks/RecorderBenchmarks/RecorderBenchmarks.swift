import Benchmark
import Foundation
import Synchronization
import SyncTrace

/// Compressed size of the sustained run, in thousandths of a byte per event (custom metrics are integers).
let compressedMilliBytesPerEvent = BenchmarkMetric.custom(
    "compressed bytes per 1000 events",
    polarity: .prefersSmaller,
    useScalingFactor: false
)

/// Whole recorded runs, timed in milliseconds, with their trace's compressed size.
func wholeRunConfiguration() -> Benchmark.Configuration {
    .init(
        metrics: [.wallClock, compressedMilliBytesPerEvent],
        timeUnits: .milliseconds,
        scalingFactor: .one,
        maxDuration: .seconds(20),
        maxIterations: 10
    )
}

/// Where the recording benchmarks write their traces.
let tracePath = FileManager.default.temporaryDirectory.appendingPathComponent("recorder-benchmark.synctrace").path

func startRecording(_ options: TraceRecorderOptions = TraceRecorderOptions()) {
    do {
        try TraceRecorder.start(path: tracePath, options: options)
    } catch {
        fatalError("cannot start recording: \(error)")
    }
}

/// `options` with the stack depth `SYNCTRACE_STACK_DEPTH` sets, if it is set: how the whole programs
/// and the sustained run are measured with stacks off (`SYNCTRACE_STACK_DEPTH=0`) against the default.
func withEnvironmentStackDepth(_ options: TraceRecorderOptions) -> TraceRecorderOptions {
    var options = options
    if let raw = ProcessInfo.processInfo.environment[TraceRecorder.stackDepthEnvironmentVariable], let depth = Int(raw) {
        options.stackDepth = depth
    }
    return options
}

func stopRecording() {
    TraceRecorder.stop()
    try? FileManager.default.removeItem(atPath: tracePath)
}

/// A class holding a bare `Mutex`, as a program would hold one: the baseline for `TracedMutex`.
final class PlainCounter: Sendable {
    let mutex = Mutex(0)
}

/// A plain shared variable in a class: the baseline for `TracedVar` with recording off, and the
/// whole programs' plain counter.
final class PlainBox: @unchecked Sendable {
    // Unchecked, as `TracedVar`'s storage is: otherwise the plain twin would pay a runtime
    // exclusivity check per access that the traced program does not, and flatter the ratio.
    @exclusivity(unchecked) var value = 0
}

/// Runs `body` (1,000 operations) as the measured part of an iteration, then lets the writer catch
/// up outside the measurement: the per-operation benchmarks measure what recording costs the
/// recording thread, not how fast one writer thread can encode a stream that never pauses (the
/// sustained benchmark below measures that).
@inline(__always)
func measuredBurst(_ benchmark: Benchmark, _ body: () -> Void) {
    benchmark.startMeasurement()
    body()
    benchmark.stopMeasurement()
    TraceRecorder.flush()
}

let benchmarks: @Sendable () -> Void = {
    // Per-operation benchmarks: each iteration runs a thousand operations, so with the `.kilo`
    // scaling factor the wall-clock column reads in nanoseconds per operation.
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .throughput],
        timeUnits: .nanoseconds,
        scalingFactor: .kilo,
        maxDuration: .seconds(3),
        maxIterations: 20_000
    )

    Benchmark("Mutex lock+unlock (Synchronization.Mutex, baseline)") { benchmark in
        let counter = PlainCounter()
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            counter.mutex.withLock { $0 &+= 1 }
        }
        benchmark.stopMeasurement()
        blackHole(counter.mutex.withLock { $0 })
    }

    Benchmark("TracedMutex lock+unlock, not recording") { benchmark in
        let counter = TracedMutex(0)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            counter.withLock { $0 &+= 1 }
        }
        benchmark.stopMeasurement()
        blackHole(counter.withLock { $0 })
    }

    tracedMutexRecording(label: "TracedMutex lock+unlock, recording", options: TraceRecorderOptions())

    Benchmark("Plain variable read+write through a class (baseline)") { benchmark in
        let box = PlainBox()
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            box.value &+= 1
        }
        benchmark.stopMeasurement()
        blackHole(box.value)
    }

    Benchmark("TracedVar read+write, not recording") { benchmark in
        let variable = TracedVar(0)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            variable.value &+= 1
        }
        benchmark.stopMeasurement()
        blackHole(variable.value)
    }

    Benchmark(
        "TracedVar read, recording",
        closure: { benchmark in
            let variable = TracedVar(0)
            var sum = 0
            measuredBurst(benchmark) {
                for _ in benchmark.scaledIterations {
                    sum &+= variable.read()
                }
            }
            blackHole(sum)
        },
        setup: { startRecording() },
        teardown: { stopRecording() }
    )

    tracedVarWriteRecording(label: "TracedVar write, recording", options: TraceRecorderOptions())

    atomicBenchmarks()

    // Stack capture per event: the same loops recording at stack depths 0 (off), 8 and 32 (the
    // rows above record at the default, 16). One call site and one stack: the thread's stack cache
    // hits every time after the first, which is a program's steady state.
    for depth in [0, 8, 32] {
        stackDepthBenchmarks(depth: depth)
    }

    // Sustained recording: two threads each lock and unlock their own TracedLock, 5 million events
    // per thread per iteration; the iteration includes stop(), so it ends only when the writer has
    // encoded, compressed and written every event. 10 million events per iteration. Run with the
    // default periodic write (a frame at least every 100 ms), with none (frames only when full), and
    // with one every millisecond, to see what the bound on a SIGKILL's loss costs.
    for (label, interval) in [("", Duration.milliseconds(100)), (", frames only when full", nil), (", a frame every 1 ms", .milliseconds(1))] {
        sustainedRecording(label: label, flushInterval: interval)
    }

    // A steady, moderate event rate (a lock pair every 20 µs on each of 2 threads, 100,000 events
    // per iteration): here the periodic write, not a full frame, is what puts events on disk.
    for (label, interval) in [("", Duration.milliseconds(100)), (", frames only when full", nil)] {
        Benchmark(
            "Paced recording, 2 threads, 100k events at 100k events/s\(label)",
            configuration: wholeRunConfiguration()
        ) { benchmark in
            startRecording(TraceRecorderOptions(flushInterval: interval))
            let threads = (0..<2).map { index in
                TracedThread.spawn(name: "paced \(index)") {
                    let lock = TracedLock(name: "paced lock \(index)")
                    let start = DispatchTime.now().uptimeNanoseconds
                    for pair in 0..<25_000 {
                        while DispatchTime.now().uptimeNanoseconds - start < UInt64(pair) * 20_000 {}
                        lock.lock()
                        lock.unlock()
                    }
                }
            }
            for thread in threads { thread.join() }
            guard let summary = TraceRecorder.stop(), summary.droppedEventCount == 0 else { fatalError("recording failed") }
            benchmark.measurement(compressedMilliBytesPerEvent, summary.byteCount * 1_000 / Int(summary.eventCount))
            try? FileManager.default.removeItem(atPath: tracePath)
        }
    }

    mutexHeavyRun()
    wholeProgramBenchmarks()
}

/// `TracedVar` write and `TracedMutex` lock+unlock while recording `depth` frames per event.
func stackDepthBenchmarks(depth: Int) {
    tracedVarWriteRecording(label: "TracedVar write, recording, stack depth \(depth)", options: TraceRecorderOptions(stackDepth: depth))
    tracedMutexRecording(label: "TracedMutex lock+unlock, recording, stack depth \(depth)", options: TraceRecorderOptions(stackDepth: depth))
}

/// A thousand `TracedVar` writes per iteration, recording with `options`.
func tracedVarWriteRecording(label: String, options: TraceRecorderOptions) {
    Benchmark(
        label,
        closure: { benchmark in
            let variable = TracedVar(0)
            measuredBurst(benchmark) {
                for index in benchmark.scaledIterations {
                    variable.write(index)
                }
            }
            blackHole(variable.read())
        },
        setup: { startRecording(options) },
        teardown: { stopRecording() }
    )
}

/// A thousand `TracedMutex` lock+unlock pairs per iteration, recording with `options`.
func tracedMutexRecording(label: String, options: TraceRecorderOptions) {
    Benchmark(
        label,
        closure: { benchmark in
            let counter = TracedMutex(0)
            measuredBurst(benchmark) {
                for _ in benchmark.scaledIterations {
                    counter.withLock { $0 &+= 1 }
                }
            }
            blackHole(counter.withLock { $0 })
        },
        setup: { startRecording(options) },
        teardown: { stopRecording() }
    )
}

/// The sustained recording benchmark with the given periodic write.
func sustainedRecording(label: String, flushInterval: Duration?) {
    Benchmark(
        "Sustained recording, 2 threads, 10M events (incl. writer drain)\(label)",
        configuration: .init(
            metrics: [.wallClock, .throughput, compressedMilliBytesPerEvent],
            timeUnits: .milliseconds,
            scalingFactor: .one,
            maxDuration: .seconds(20),
            maxIterations: 10
        )
    ) { benchmark in
        let pairsPerThread = 2_500_000
        startRecording(withEnvironmentStackDepth(TraceRecorderOptions(flushInterval: flushInterval)))
        let threads = (0..<2).map { index in
            TracedThread.spawn(name: "recorder \(index)") {
                let lock = TracedLock(name: "lock \(index)")
                for _ in 0..<pairsPerThread {
                    lock.lock()
                    lock.unlock()
                }
            }
        }
        for thread in threads { thread.join() }
        guard let summary = TraceRecorder.stop() else { fatalError("recording did not run") }
        let expected = UInt64(2 * 2 * pairsPerThread + 4)
        guard summary.eventCount == expected, summary.droppedEventCount == 0 else {
            fatalError("lost events: wrote \(summary.eventCount) of \(expected), dropped \(summary.droppedEventCount)")
        }
        benchmark.measurement(compressedMilliBytesPerEvent, summary.byteCount * 1_000 / Int(summary.eventCount))
        try? FileManager.default.removeItem(atPath: tracePath)
    }
}

/// A mutex-heavy program for the compressed size: two threads share four mutexes, each guarding a
/// counter, and bump an atomic now and then, with the lock contention that sharing brings.
let mutexHeavyRun: @Sendable () -> Void = {
    Benchmark(
        "Mutex-heavy run, 2 threads sharing 4 locks (compressed size)",
        configuration: wholeRunConfiguration()
    ) { benchmark in
        let rounds = 250_000
        startRecording()
        let locks = (0..<4).map { TracedMutex(0, name: "shard \($0)") }
        let counters = (0..<4).map { TracedVar(0, name: "counter \($0)") }
        let operations = TracedAtomic(0, name: "operations")
        let threads = (0..<2).map { index in
            TracedThread.spawn(name: "worker \(index)") {
                for round in 0..<rounds {
                    let shard = (round &* 7 &+ index) % 4
                    locks[shard].withLock { _ in counters[shard][] += 1 }
                    if round % 16 == 0 { operations.wrappingAdd(1) }
                }
            }
        }
        for thread in threads { thread.join() }
        guard let summary = TraceRecorder.stop(), summary.droppedEventCount == 0 else { fatalError("recording failed") }
        benchmark.measurement(compressedMilliBytesPerEvent, summary.byteCount * 1_000 / Int(summary.eventCount))
        try? FileManager.default.removeItem(atPath: tracePath)
    }
}
