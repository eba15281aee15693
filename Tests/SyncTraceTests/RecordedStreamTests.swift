import Foundation
import LostUpdateCounter
import RaceDetector
import SyncTrace
import SyncTraceFormat
import SyncTraceReplay
import Testing

extension RecorderTests {
    /// Async streams, recorded and analysed. (Actors: `Examples/SwiftConcurrency`, run by the
    /// examples' tests.)
    @Suite("Recorded async streams")
    struct RecordedStreamTests {
        static func analyse(_ path: String) throws -> AnalysisReport {
            try TraceAnalysis.run(path: path, plugins: [RaceDetector(), LostUpdateCounter()])
        }

        static func temporaryPath() -> String {
            FileManager.default.temporaryDirectory.appendingPathComponent("stream-\(UUID().uuidString).synctrace").path
        }

        @Test("an async stream orders each yield before the next() that returns it, and finish before the end; not what comes after a yield")
        func asyncStreamOrders() async throws {
            let path = Self.temporaryPath()
            defer { try? FileManager.default.removeItem(atPath: path) }
            let received = try await TraceRecorder.record(to: path) { () async -> [Int] in
                let payloads = (0..<5).map { TracedVar(0, name: "payload\($0)") }
                let summary = TracedVar(0, name: "summary")
                let afterLastYield = TracedVar(0, name: "afterLastYield")
                let (stream, continuation) = TracedAsyncStream.makeStream(of: Int.self, name: "stream")
                let producer = TracedTask(name: "producer") {
                    for index in 0..<5 {
                        payloads[index][] = index * 10
                        continuation.yield(index)
                    }
                    afterLastYield[] = 1
                    summary[] = 5
                    continuation.finish()
                }
                var received: [Int] = []
                for await index in stream {
                    received.append(payloads[index][])
                    // Ordered after the last yield, but not after the write that follows it: a race
                    // whatever the timing.
                    if index == 4 { _ = afterLastYield[] }
                }
                #expect(summary[] == 5)  // after the end of the stream: ordered by finish
                await producer.value
                return received
            }.result
            #expect(received == [0, 10, 20, 30, 40])
            let report = try Self.analyse(path)
            let racy = Set(report.findings.filter { $0.plugin == "race" }.flatMap(report.objectNames(of:)))
            #expect(racy == ["afterLastYield"])
        }
    }
}
