import DeadlockDetector
import Foundation
import LostUpdateCounter
import RaceDetector
import SyncTraceFormat
import Testing

@testable import SyncTraceReplay

extension RecorderTests {
    /// Recordings of the shapes the replay once refused ("more than 1048576 events are held back"):
    /// the recorder can write a thread's batch millions of events after the other threads' later
    /// numbers of the same lock. Each is recorded in a child process, then analysed whole with every
    /// built-in plugin, and ordered again with a small memory budget so that most of what waits goes
    /// through the spill file. `Scripts/scale-check.sh` runs the full-size shapes 20 times each.
    @Suite("Recording at scale, analysed every time")
    struct RecordedScaleTests {
        /// Records `RecorderProbe scale SHAPE THREADS ITERATIONS` and checks its analysis.
        func recordAndAnalyse(shape: String, threads: Int, iterations: Int) throws {
            let directory = try Probe.temporaryDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let result = try Probe.run(
                "\"$PROBE\" scale \(shape) \(threads) \(iterations)",
                environment: ["SYNCTRACE_OUTPUT": "scale.synctrace"],
                in: directory
            )
            #expect(result.status == 0, "\(result.error)")
            let path = directory.appendingPathComponent("scale.synctrace").path
            let report = try TraceAnalysis.run(path: path, plugins: [RaceDetector(), LostUpdateCounter(), DeadlockDetector()])
            #expect(report.findings.isEmpty, "\(report.findings.map(\.title))")
            #expect(report.trace.isComplete)
            #expect(report.trace.sequenceGaps == 0)
            let stats = try TraceStatistics(reading: BinaryTraceReader(path: path))
            #expect(stats.eventsByOperation[.acquire] == UInt64(threads * iterations))
            #expect(stats.eventsByOperation[.write] == UInt64(threads * iterations))

            // Ordered again holding at most 4,096 events in memory: the same events, each object's in
            // the order of its numbers, each thread's in its own order.
            let ordering = TraceOrdering(source: try BinaryTraceReader(path: path), memoryBudget: 4_096)
            var batch: [TraceEvent] = []
            var next: [UInt32: UInt64] = [:]
            var count: UInt64 = 0
            var misordered = 0
            while try ordering.nextBatch(into: &batch) {
                count += UInt64(batch.count)
                for event in batch where event.operation.hasSequence {
                    if event.sequence != next[event.target, default: 0] { misordered += 1 }
                    next[event.target] = event.sequence + 1
                }
            }
            #expect(count == report.trace.events)
            #expect(misordered == 0)
            #expect(ordering.peakInMemoryEventCount <= 4_096 + max(threads, 1) * 16 + 65_536)
        }

        @Test("1,000 threads contending for one lock", arguments: 0..<2)
        func manyThreadsOneLock(run: Int) throws {
            try self.recordAndAnalyse(shape: "locked", threads: 1_000, iterations: 100)
        }

        @Test("4 threads in a tight lock-then-access loop", arguments: 0..<2)
        func tightLoop(run: Int) throws {
            try self.recordAndAnalyse(shape: "lockloop", threads: 4, iterations: 60_000)
        }
    }
}
