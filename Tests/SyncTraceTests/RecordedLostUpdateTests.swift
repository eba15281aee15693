import Foundation
import LostUpdateCounter
import RaceDetector
import SyncTrace
import SyncTraceFormat
import SyncTraceReplay
import Testing

extension RecorderTests {
    /// Lost updates in real recorded programs.
    @Suite("Recorded lost updates")
    struct RecordedLostUpdateTests {
        /// The `lost` count of the lost-update finding on `variable`, or 0.
        static func lost(_ report: AnalysisReport, _ variable: String) -> Int {
            guard let finding = report.findings.first(where: { $0.plugin == "lost-update" && report.variable(of: $0) == variable }),
                case .integer(let lost) = finding.fields["lost"]
            else { return 0 }
            return lost
        }

        @Test("the seed's racy counter: on every run the count of lost updates is N minus the final value", arguments: 0..<5)
        func racyCounter(run: Int) throws {
            let threadCount = 100
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("counter-\(UUID().uuidString).synctrace").path
            defer { try? FileManager.default.removeItem(atPath: path) }
            let final = try TraceRecorder.record(to: path) { () -> Int in
                let counter = TracedVar(0, name: "counter")
                let threads = (0..<threadCount).map { _ in
                    TracedThread.spawn {
                        // Widen the window between the read and the write, so runs do lose updates.
                        let seen = counter[]
                        sched_yield()
                        counter[] = seen + 1
                    }
                }
                for thread in threads { thread.join() }
                return counter[]
            }.result
            let report = try TraceAnalysis.run(path: path, plugins: [RaceDetector(), LostUpdateCounter()])
            #expect(Self.lost(report, "counter") == threadCount - final, "final value \(final)")
        }

        @Test("check-then-act under a lock loses an update and is no data race")
        func checkThenAct() throws {
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("cta-\(UUID().uuidString).synctrace").path
            defer { try? FileManager.default.removeItem(atPath: path) }
            _ = try TraceRecorder.record(to: path) {
                let lock = TracedLock(name: "lock")
                let balance = TracedVar(100, name: "balance")
                let firstRead = TracedSemaphore(name: "first read")
                let secondRead = TracedSemaphore(name: "second read")
                let first = TracedThread.spawn {
                    let seen = lock.withLock { balance[] }
                    firstRead.signal()
                    secondRead.wait()
                    lock.withLock { balance[] = seen - 10 }
                }
                let second = TracedThread.spawn {
                    firstRead.wait()
                    let seen = lock.withLock { balance[] }
                    secondRead.signal()
                    lock.withLock { balance[] = seen - 20 }
                }
                first.join()
                second.join()
            }
            let report = try TraceAnalysis.run(path: path, plugins: [RaceDetector(), LostUpdateCounter()])
            #expect(Self.lost(report, "balance") == 1)
            #expect(!report.findings.contains { $0.plugin == "race" })
        }
    }
}
