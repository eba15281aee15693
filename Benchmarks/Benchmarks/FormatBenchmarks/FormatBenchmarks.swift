import Benchmark
import SyncTraceFormat
import SyncTraceTestSupport

/// Compressed size, reported in thousandths of a byte per event because the tool's custom metrics
/// are integers (2_500 means 2.5 bytes per event).
let compressedMilliBytesPerEvent = BenchmarkMetric.custom(
    "compressed bytes per 1000 events",
    polarity: .prefersSmaller,
    useScalingFactor: false
)

/// Every benchmark processes exactly one million events per iteration, so with the `.mega` scaling
/// factor the tool's throughput column reads directly as (millions of) events per second.
let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.throughput, .wallClock],
        timeUnits: .nanoseconds,
        scalingFactor: .mega,
        maxDuration: .seconds(5),
        maxIterations: 200
    )

    Benchmark(
        "Encode synthetic mutex-heavy (TraceWriter in memory, LZ4)",
        configuration: .init(metrics: [.throughput, .wallClock, .mallocCountTotal, compressedMilliBytesPerEvent])
    ) { benchmark, workload in
        do {
            let writer = TraceWriter(header: SyntheticTraceGenerator.header)
            try workload.write(to: writer)
            try writer.finish()
            blackHole(writer.bytes.count)
            benchmark.measurement(compressedMilliBytesPerEvent, writer.writtenByteCount * 1_000 / workload.eventCount)
        } catch {
            fatalError("encoding failed: \(error)")
        }
    } setup: {
        try SyntheticWorkload(events: SyntheticWorkload.eventsPerChunk)
    }

    Benchmark(
        "Decode synthetic mutex-heavy (BinaryTraceReader over 10M events)",
        configuration: .init(metrics: [.throughput, .wallClock, .mallocCountTotal, compressedMilliBytesPerEvent])
    ) { benchmark, fixture in
        do {
            blackHole(try fixture.decodeNext(SyntheticWorkload.eventsPerChunk))
            benchmark.measurement(compressedMilliBytesPerEvent, fixture.trace.count * 1_000 / fixture.eventCount)
        } catch {
            fatalError("decoding failed: \(error)")
        }
    } setup: {
        try DecodeFixture()
    }
}
