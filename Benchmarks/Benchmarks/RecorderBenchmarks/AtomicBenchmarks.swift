import Benchmark
import Synchronization
import SyncTrace

/// A class holding a bare `Atomic`, as a program would hold one: the baseline for `TracedAtomic`.
final class PlainAtomic: Sendable {
    let value = Atomic(0)
}

/// `TracedAtomic` against `Synchronization.Atomic`, with recording off and on: a thousand operations
/// per iteration, so that with the `.kilo` scaling factor the wall-clock column reads in nanoseconds
/// per operation. Every call uses the default (sequentially consistent) ordering.
func atomicBenchmarks() {
    Benchmark("Atomic load+store (Synchronization.Atomic, baseline)") { benchmark in
        let atomic = PlainAtomic()
        benchmark.startMeasurement()
        for index in benchmark.scaledIterations {
            atomic.value.store(atomic.value.load(ordering: .sequentiallyConsistent) &+ index, ordering: .sequentiallyConsistent)
        }
        benchmark.stopMeasurement()
        blackHole(atomic.value.load(ordering: .sequentiallyConsistent))
    }

    Benchmark("TracedAtomic load+store, not recording") { benchmark in
        let atomic = TracedAtomic(0)
        benchmark.startMeasurement()
        for index in benchmark.scaledIterations {
            atomic.store(atomic.load() &+ index)
        }
        benchmark.stopMeasurement()
        blackHole(atomic.load())
    }

    Benchmark(
        "TracedAtomic load, recording",
        closure: { benchmark in
            let atomic = TracedAtomic(0)
            var sum = 0
            measuredBurst(benchmark) {
                for _ in benchmark.scaledIterations {
                    sum &+= atomic.load()
                }
            }
            blackHole(sum)
        },
        setup: { startRecording() },
        teardown: { stopRecording() }
    )

    Benchmark(
        "TracedAtomic store, recording",
        closure: { benchmark in
            let atomic = TracedAtomic(0)
            measuredBurst(benchmark) {
                for index in benchmark.scaledIterations {
                    atomic.store(index)
                }
            }
            blackHole(atomic.load())
        },
        setup: { startRecording() },
        teardown: { stopRecording() }
    )

    Benchmark(
        "TracedAtomic wrappingAdd, recording",
        closure: { benchmark in
            let atomic = TracedAtomic(0)
            measuredBurst(benchmark) {
                for _ in benchmark.scaledIterations {
                    atomic.wrappingAdd(1)
                }
            }
            blackHole(atomic.load())
        },
        setup: { startRecording() },
        teardown: { stopRecording() }
    )
}
